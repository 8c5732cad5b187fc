export { default as TraceEdge } from './TraceEdge.svelte';
