/** How a tensor is drawn: a number, a compact table (up to 4x4), or a heatmap. */
import { numelOf, type TensorView } from '$lib/graph';

export type TensorKind = 'scalar' | 'table' | 'heatmap';

export function tensorKind(shape: readonly number[]): TensorKind {
	const numel = numelOf(shape);
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

/** The tensor seen as a matrix: a 1-d tensor is one row; higher ranks fold into the rows. */
export function matrixShape(shape: readonly number[]): { rows: number; cols: number } {
	const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
	return { rows: cols === 0 ? 0 : numelOf(shape) / cols, cols };
}

/** Rows of a small tensor (a 1-d tensor is one row; higher ranks are folded to 2-d). */
export function rows(view: TensorView): number[][] {
	const { rows: count, cols } = matrixShape(view.shape);
	const out: number[][] = [];
	for (let r = 0; r < count; r++)
		out.push(Array.from(view.data.subarray(r * cols, (r + 1) * cols)));
	return out;
}

/** At most this many heatmap cells along each side: larger tensors are pooled into blocks. */
export const HEATMAP_CELLS = 40;

export interface Heatmap {
	/** Cell values: the mean of each block (NaN when a block holds a non-finite value). */
	cells: Float64Array;
	rows: number;
	cols: number;
	/** Elements per cell along each side (1 when not pooled). */
	blockRows: number;
	blockCols: number;
	/** The largest finite magnitude over the whole tensor. */
	extent: number;
}

const heatmaps = new WeakMap<TensorView, Heatmap>();

/** The heatmap of a tensor seen as a matrix, pooled to at most HEATMAP_CELLS a side (cached). */
export function heatmapOf(view: TensorView): Heatmap {
	const cached = heatmaps.get(view);
	if (cached) return cached;
	const { rows: R, cols: C } = matrixShape(view.shape);
	const blockRows = Math.max(1, Math.ceil(R / HEATMAP_CELLS));
	const blockCols = Math.max(1, Math.ceil(C / HEATMAP_CELLS));
	const rows = Math.ceil(R / blockRows);
	const cols = Math.ceil(C / blockCols);
	const sums = new Float64Array(rows * cols);
	const counts = new Float64Array(rows * cols);
	const data = view.data;
	let extent = 0;
	for (let r = 0; r < R; r++) {
		const cellRow = Math.floor(r / blockRows) * cols;
		const base = r * C;
		for (let c = 0; c < C; c++) {
			const v = data[base + c];
			const cell = cellRow + Math.floor(c / blockCols);
			sums[cell] += v;
			counts[cell]++;
			const a = Math.abs(v);
			if (a > extent && a !== Infinity) extent = a;
		}
	}
	const cells = new Float64Array(rows * cols);
	for (let i = 0; i < cells.length; i++) cells[i] = counts[i] > 0 ? sums[i] / counts[i] : NaN;
	const heatmap = { cells, rows, cols, blockRows, blockCols, extent };
	heatmaps.set(view, heatmap);
	return heatmap;
}
