/** The Code panel: the PyTorch program of the current graph, with Copy and Download .py. */
export { default as CodePanel } from './CodePanel.svelte';
