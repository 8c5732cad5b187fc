/** The Train panel beside the canvas, with live parameters on the nodes; its session is the document's. */
export { default as TrainSidePanel } from './TrainSidePanel.svelte';
