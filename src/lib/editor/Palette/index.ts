/** The palette of leaves and ops, with its search. */
export { default as Palette } from './Palette.svelte';
export * from './palette-filter';

/**
 * Windows narrower than this hide the palette while a side panel (Train, Code) is open, for the
 * canvas's 40rem; the canvas offers "+ Add node" (quick add) instead. Keep in step with
 * `EditorPage`'s grid.
 */
export const PALETTE_ROOM_QUERY = '(width < 1720px)';
