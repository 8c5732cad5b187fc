/** The inspector for the selected node, its column (folded beside a side panel), and its parsers. */
export { default as Inspector } from './Inspector.svelte';
export { default as InspectorColumn } from './InspectorColumn.svelte';
export { FOLD_QUERY, InspectorFold } from './inspector-fold.svelte';
export { default as TextField } from './TextField.svelte';
export { default as ValuesGrid } from './ValuesGrid.svelte';
export * from './parse';
