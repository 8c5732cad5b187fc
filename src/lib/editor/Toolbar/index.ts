/** The editor's toolbar: files, sharing, export, examples, undo/redo, auto layout. */
export { default as Toolbar } from './Toolbar.svelte';
