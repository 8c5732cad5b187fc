/** The Svelte Flow canvas of the editor. */
export { default as Canvas } from './Canvas.svelte';
