/**
 * A tensor's value as the UI shows it: its shape and its values, flat in row-major order. Views
 * hold typed arrays, never nested lists, so a 4096x4096 value costs one 64 MB buffer and no
 * million small arrays; every reader walks it with loops (no recursion or argument spreading
 * over elements).
 */
import type { NestedList, Tensor } from '$lib/engine';

export interface TensorView {
	shape: readonly number[];
	/** Every value, flat in row-major order. Never changed after the view is made. */
	data: Float32Array | Float64Array;
}

/** PyTorch's print threshold: past this many elements, a tensor is summarised. */
export const PRINT_THRESHOLD = 1000;
/** PyTorch's edge items: how many leading and trailing entries a summarised dim shows. */
export const EDGE_ITEMS = 3;

/** A view of `t`'s values: a copy, so later in-place changes (grad accumulation) don't reach it. */
export function viewOf(t: Tensor): TensorView {
	return { shape: t.shape.slice(), data: t.data.slice() };
}

export function numelOf(shape: readonly number[]): number {
	let n = 1;
	for (const d of shape) n *= d;
	return n;
}

/** The first value (a one-element tensor's only one), NaN when empty. */
export function firstValue(view: TensorView): number {
	return view.data.length > 0 ? view.data[0] : NaN;
}

/** The multi-index of flat position `flat` in `shape` (row-major). */
export function unravelIndex(shape: readonly number[], flat: number): number[] {
	const index = new Array<number>(shape.length);
	let rest = flat;
	for (let d = shape.length - 1; d >= 0; d--) {
		const size = shape[d] || 1;
		index[d] = rest % size;
		rest = Math.floor(rest / size);
	}
	return index;
}

/** The flat position of a multi-index (row-major); -1 when it lies outside `shape`. */
export function ravelIndex(shape: readonly number[], index: readonly number[]): number {
	if (index.length !== shape.length) return -1;
	let flat = 0;
	for (let d = 0; d < shape.length; d++) {
		if (index[d] < 0 || index[d] >= shape[d]) return -1;
		flat = flat * shape[d] + index[d];
	}
	return flat;
}

/**
 * The values as a nested list (a number for a 0-d tensor), built with loops. Only for small
 * tensors: past `limit` elements it returns null rather than build millions of arrays.
 */
export function nestedList(view: TensorView, limit = PRINT_THRESHOLD): NestedList | null {
	const { shape, data } = view;
	if (data.length > limit) return null;
	if (shape.length === 0) return data[0];
	// Build the innermost rows, then group them dim by dim, outermost last.
	let level: NestedList[] = [];
	const last = shape[shape.length - 1];
	for (let i = 0; i < data.length; i += last || 1) {
		const row: NestedList[] = new Array(last);
		for (let j = 0; j < last; j++) row[j] = data[i + j];
		level.push(row);
	}
	if (last === 0) level = new Array(numelOf(shape.slice(0, -1))).fill(null).map(() => []);
	for (let d = shape.length - 2; d >= 0; d--) {
		const size = shape[d];
		const grouped: NestedList[] = [];
		for (let i = 0; i < level.length; i += size || 1) grouped.push(level.slice(i, i + size));
		level = size === 0 ? [] : grouped;
	}
	return level[0] ?? [];
}

/** The largest finite magnitude (0 when none), in one pass. */
export function maxAbs(data: ArrayLike<number>): number {
	let max = 0;
	for (let i = 0; i < data.length; i++) {
		const a = Math.abs(data[i]);
		if (a > max && a !== Infinity) max = a;
	}
	return max;
}
