/** The inspector for the selected node, and the parsers its fields use. */
export { default as Inspector } from './Inspector.svelte';
export { default as TextField } from './TextField.svelte';
export { default as ValuesGrid } from './ValuesGrid.svelte';
export * from './parse';
