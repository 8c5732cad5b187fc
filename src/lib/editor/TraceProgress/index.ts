export { default as TraceProgress } from './TraceProgress.svelte';
