export { default as NodeTrace } from './NodeTrace.svelte';
