export { default as TraceControls } from './TraceControls.svelte';
