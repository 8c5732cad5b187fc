/** The "Import code" dialog: Python text to a graph, previewed, imported as one undo step. */
export { default as ImportCodeDialog } from './ImportCodeDialog.svelte';
