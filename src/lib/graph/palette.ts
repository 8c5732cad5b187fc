/** The palette's entries: the ready-made leaves, then every registry op that is not internal. */
import { OP_LIST } from '$lib/engine/core';
import { LEAF_KINDS } from './edit';

export type PaletteCategory =
	'tensors' | 'arithmetic' | 'reductions' | 'linear algebra' | 'activations' | 'losses';

/** The palette's groups, in display order. */
export const PALETTE_CATEGORIES: readonly PaletteCategory[] = [
	'tensors',
	'arithmetic',
	'reductions',
	'linear algebra',
	'activations',
	'losses'
];

export interface PaletteEntry {
	/** The accessible name and the `kind` for `addNode`: `x`, `w`, `b`, `tensor`, or an op id. */
	id: string;
	category: PaletteCategory;
	label: string;
	symbol: string;
}

const LEAF_SYMBOLS: Record<(typeof LEAF_KINDS)[number], string> = {
	x: 'x',
	w: 'w',
	b: 'b',
	tensor: '▦'
};

/** Leaves first, then ops grouped by category (in PALETTE_CATEGORIES order), registry order within. */
export function paletteEntries(): PaletteEntry[] {
	const entries: PaletteEntry[] = LEAF_KINDS.map((kind) => ({
		id: kind,
		category: 'tensors',
		label: kind,
		symbol: LEAF_SYMBOLS[kind]
	}));
	for (const category of PALETTE_CATEGORIES) {
		for (const op of OP_LIST) {
			if (op.internal || op.category !== category) continue;
			entries.push({ id: op.id, category, label: op.ui.label, symbol: op.ui.symbol });
		}
	}
	return entries;
}
