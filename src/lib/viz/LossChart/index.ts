/** The loss curve, with a log-scale toggle and PNG and CSV export. */
export { default as LossChart } from './LossChart.svelte';
export { createLossView, type LossInput } from './loss-view';
