export { default as StorageBanner } from './StorageBanner.svelte';
