/** Contours of the loss over (w, b) with the SGD trajectory, and PNG export. */
export { default as LandscapeChart } from './LandscapeChart.svelte';
export { createLandscapeView, type LandscapeInput } from './landscape-view';
