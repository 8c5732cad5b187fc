/** The status line under the canvas. */
export { default as StatusBar } from './StatusBar.svelte';
