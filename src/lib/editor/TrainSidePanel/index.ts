/** The Train panel beside the canvas, with live parameters on the nodes and their autosave. */
export { default as TrainSidePanel } from './TrainSidePanel.svelte';
export * from './saved-parameters';
