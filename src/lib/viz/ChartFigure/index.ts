/** The shared frame of the charts: title, actions, plot, caption, colours. */
export { default as ChartFigure } from './ChartFigure.svelte';
