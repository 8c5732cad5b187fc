/** The data points and the fitted line, with PNG export. */
export { default as FitChart } from './FitChart.svelte';
export { createFitView, type FitInput } from './fit-view';
