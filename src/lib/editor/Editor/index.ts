/** The graph editor page. */
export { default as Editor } from './Editor.svelte';
