/** How a tensor is drawn: a number, a compact table (up to 4x4), or a heatmap. */
import type { NestedList } from '$lib/engine';

export type TensorKind = 'scalar' | 'table' | 'heatmap';

export function tensorKind(shape: readonly number[]): TensorKind {
	const numel = shape.reduce((a, b) => a * b, 1);
	if (numel === 1) return 'scalar';
	if (shape.length <= 2 && shape.every((d) => d <= 4)) return 'table';
	return 'heatmap';
}

/** A number as PyTorch prints it: 4 decimals, integers with a trailing dot. */
export function formatValue(value: number, digits = 4): string {
	if (Number.isNaN(value)) return 'nan';
	if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
	if (Number.isInteger(value) && Math.abs(value) < 1e6) return `${value}.`;
	const abs = Math.abs(value);
	return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? value.toExponential(2) : value.toFixed(digits);
}

/** Rows of a tensor of rank 0 to 2 (a 1-d tensor is one row); higher ranks are flattened to 2-d. */
export function rows(values: NestedList, shape: readonly number[]): number[][] {
	const flat = (v: NestedList): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
	const all = flat(values);
	const width = shape.length === 0 ? 1 : shape[shape.length - 1] || 1;
	const out: number[][] = [];
	for (let i = 0; i < all.length; i += width) out.push(all.slice(i, i + width));
	return out;
}
