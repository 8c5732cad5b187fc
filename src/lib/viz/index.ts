/**
 * Visualisations: d3 charts as Svelte components. Each component's <svg> belongs to d3 (attached
 * with `{@attach chart(...)}`), is redrawn at most once per animation frame, and can be saved.
 */
export { ChartFigure } from './ChartFigure';
export { LossChart, createLossView, type LossInput } from './LossChart';
export { FitChart, createFitView, type FitInput } from './FitChart';
export { LandscapeChart, createLandscapeView, type LandscapeInput } from './LandscapeChart';
export { chart, drawCounts, type ChartView, type Size } from './frame.svelte';
export { chartTheme, type ChartTheme } from './theme';
export { downloadBlob, downloadText, savePng, serializeSvg, seriesCsv, svgToPng } from './export';
export { minMaxIndices, strideIndices } from './downsample';
export type { ContourGrid, Line, Trajectory } from './types';
export { shortNumber } from './format';
