/** A button that opens a menu of actions. */
export { default as MenuButton } from './MenuButton.svelte';
export type { MenuItem } from './types';
