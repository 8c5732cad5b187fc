/** The tutorial page: the seed tutorial's cells, run live by the engine. */
export { default as TutorialPage } from './TutorialPage.svelte';
export { default as TutorialCard } from './TutorialCard.svelte';
export { default as CodeCell } from './CodeCell.svelte';
export { default as ChainCard } from './ChainCard.svelte';
export { default as RegressionCard } from './RegressionCard.svelte';
export { default as GpuCard } from './GpuCard.svelte';
export * from './cells';
export * from './gpu-cells';
