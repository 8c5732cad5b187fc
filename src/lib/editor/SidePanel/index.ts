/** The area beside the canvas that holds the Train or the Code panel, and its toggles. */
export { default as SidePanel } from './SidePanel.svelte';
export { default as PanelToggles } from './PanelToggles.svelte';
