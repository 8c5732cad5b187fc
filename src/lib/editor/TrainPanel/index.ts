/** The Train panel: data, SGD settings, device, controls, log and live charts. */
export { default as TrainPanel } from './TrainPanel.svelte';
export { TrainPanelState, type PanelOptions } from './panel-state.svelte';
