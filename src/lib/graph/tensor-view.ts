/**
 * A tensor's value as the UI shows it: its shape and its values, flat in row-major order. Views
 * hold typed arrays, never nested lists, so a 4096x4096 value costs one 64 MB buffer and no
 * million small arrays; every reader walks it with loops (no recursion or argument spreading
 * over elements).
 */
import { numel, type NestedList, type Tensor } from '$lib/engine/core';

export interface TensorView {
	shape: readonly number[];
	/** Every value, flat in row-major order. Never changed after the view is made. */
	data: Float32Array | Float64Array;
	/**
	 * The values pooled for a heatmap, made with the view where that is heavy (past
	 * POOL_AHEAD elements), so a worker does it rather than the page. See `pooledOf`.
	 */
	pooled?: Pooled;
}

/** At most this many heatmap cells along each side: larger tensors are pooled into blocks. */
export const POOL_CELLS = 40;
/** Views of more elements than this are pooled when they are made. */
export const POOL_AHEAD = 65536;

/** A tensor seen as a matrix (rows folded), pooled into at most POOL_CELLS blocks a side. */
export interface Pooled {
	/** Each block's first element, row-major. */
	cells: Float64Array;
	rows: number;
	cols: number;
	/** Elements per block along each side (1 when not pooled). */
	blockRows: number;
	blockCols: number;
	/** The largest finite magnitude over the whole tensor. */
	extent: number;
	/** The least and the greatest finite value over the whole tensor (min > max when none is). */
	min: number;
	max: number;
	/** Whether every value is finite (no nan, inf or -inf). */
	allFinite: boolean;
}

/** How the UI draws a tensor: a number, a compact table (up to 4x4), or a heatmap. */
export type TensorKind = 'scalar' | 'table' | 'heatmap';

/** How a tensor of `shape` is drawn; known from the shape alone, before any value. */
export function tensorKind(shape: readonly number[]): TensorKind {
	if (numel(shape) === 1) return 'scalar';
	if (shape.length <= 2 && shape.every((d) => d <= 4)) return 'table';
	return 'heatmap';
}

/** The pooled matrix's size for a tensor of `shape`, known before its values (see `pool`). */
export function pooledSize(shape: readonly number[]): {
	rows: number;
	cols: number;
	blockRows: number;
	blockCols: number;
} {
	const { rows: R, cols: C } = matrixShape(shape);
	const blockRows = Math.max(1, Math.ceil(R / POOL_CELLS));
	const blockCols = Math.max(1, Math.ceil(C / POOL_CELLS));
	return { rows: Math.ceil(R / blockRows), cols: Math.ceil(C / blockCols), blockRows, blockCols };
}

/** PyTorch's print threshold: past this many elements, a tensor is summarised. */
export const PRINT_THRESHOLD = 1000;
/** PyTorch's edge items: how many leading and trailing entries a summarised dim shows. */
export const EDGE_ITEMS = 3;

/** A view of `t`'s values: a copy, so later in-place changes (grad accumulation) don't reach it. */
export function viewOf(t: Tensor): TensorView {
	const view: TensorView = { shape: t.shape.slice(), data: t.data.slice() };
	if (view.data.length > POOL_AHEAD) view.pooled = pool(view);
	return view;
}

/** The tensor seen as a matrix: a 1-d tensor is one row; higher ranks fold into the rows. */
export function matrixShape(shape: readonly number[]): { rows: number; cols: number } {
	const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
	return { rows: cols === 0 ? 0 : numel(shape) / cols, cols };
}

const pooledViews = new WeakMap<TensorView, Pooled>();

/** The view's pooled matrix: the one made with it, or computed now (and kept). */
export function pooledOf(view: TensorView): Pooled {
	const pooled = view.pooled ?? pooledViews.get(view) ?? pool(view);
	pooledViews.set(view, pooled);
	return pooled;
}

/**
 * Pools a view's matrix into blocks, in one pass over the values: each cell shows its block's
 * first element (a sample, not a mean: the mean of a block of randn is about 0, which would draw
 * random values as a blank; a sample keeps their texture); the extent, the least and the greatest
 * value cover every value.
 */
export function pool(view: TensorView): Pooled {
	const { cols: C } = matrixShape(view.shape);
	const { rows, cols, blockRows, blockCols } = pooledSize(view.shape);
	const data = view.data;
	const cells = new Float64Array(rows * cols);
	for (let i = 0; i < rows; i++) {
		for (let j = 0; j < cols; j++) cells[i * cols + j] = data[i * blockRows * C + j * blockCols];
	}
	let extent = 0;
	let min = Infinity;
	let max = -Infinity;
	let allFinite = true;
	for (let k = 0; k < data.length; k++) {
		const v = data[k];
		if (!Number.isFinite(v)) {
			allFinite = false;
			continue;
		}
		if (v < min) min = v;
		if (v > max) max = v;
	}
	if (min <= max) extent = Math.max(Math.abs(min), Math.abs(max));
	return { cells, rows, cols, blockRows, blockCols, extent, min, max, allFinite };
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
	if (last === 0) level = new Array(numel(shape.slice(0, -1))).fill(null).map(() => []);
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
