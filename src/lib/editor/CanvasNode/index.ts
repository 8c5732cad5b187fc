/** The canvas node: name, op, output shape, labelled input handles, errors. */
export { default as CanvasNode } from './CanvasNode.svelte';
export { leafSummary } from './format';
