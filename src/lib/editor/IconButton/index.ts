/** A button showing a glyph or icon, named by one label (accessible name and tooltip). */
export { default as IconButton } from './IconButton.svelte';
