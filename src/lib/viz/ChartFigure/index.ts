/** The shared frame of the charts: title, actions, plot, caption, colours; and its Save PNG. */
export { default as ChartFigure } from './ChartFigure.svelte';
export { default as SavePngButton } from './SavePngButton.svelte';
