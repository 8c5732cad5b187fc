/** The palette of leaves and ops, with its search. */
export { default as Palette } from './Palette.svelte';
export * from './palette-filter';
