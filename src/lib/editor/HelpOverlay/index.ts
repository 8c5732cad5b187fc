export { default as HelpOverlay } from './HelpOverlay.svelte';
