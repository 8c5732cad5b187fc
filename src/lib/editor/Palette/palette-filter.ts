/** The palette's search: grouped entries whose id, label or category contain the query. */
import type { PaletteCategory, PaletteEntry } from '$lib/graph';

export interface PaletteGroup {
	category: PaletteCategory;
	entries: PaletteEntry[];
}

export function matches(entry: PaletteEntry, query: string): boolean {
	const q = query.trim().toLowerCase();
	if (q === '') return true;
	return (
		entry.id.toLowerCase().includes(q) ||
		entry.label.toLowerCase().includes(q) ||
		entry.symbol.toLowerCase().includes(q)
	);
}

/** Entries matching `query`, grouped by category in the palette's order; empty groups dropped. */
export function groupEntries(
	entries: readonly PaletteEntry[],
	categories: readonly PaletteCategory[],
	query: string
): PaletteGroup[] {
	return categories
		.map((category) => ({
			category,
			entries: entries.filter((entry) => entry.category === category && matches(entry, query))
		}))
		.filter((group) => group.entries.length > 0);
}

/** Entries matching `query`, best first: exact id, then id prefix, then the rest. */
export function rankEntries(entries: readonly PaletteEntry[], query: string): PaletteEntry[] {
	const q = query.trim().toLowerCase();
	const score = (entry: PaletteEntry) =>
		entry.id === q
			? 0
			: entry.id.startsWith(q)
				? 1
				: entry.label.toLowerCase().startsWith(q)
					? 2
					: 3;
	return entries
		.filter((entry) => matches(entry, q))
		.map((entry, index) => ({ entry, index, rank: score(entry) }))
		.sort((a, b) => a.rank - b.rank || a.index - b.index)
		.map(({ entry }) => entry);
}

/** The MIME type a palette entry is dragged as. */
export const PALETTE_DRAG_TYPE = 'application/x-autograd-canvas-node';
