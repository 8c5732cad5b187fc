/** How a tensor is drawn: a number, a compact table (up to 4x4), or a heatmap. */
import { numel } from '$lib/engine/core';
import { matrixShape, type TensorView } from '$lib/graph';

export type TensorKind = 'scalar' | 'table' | 'heatmap';

export function tensorKind(shape: readonly number[]): TensorKind {
	if (numel(shape) === 1) return 'scalar';
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

/** Rows of a small tensor (a 1-d tensor is one row; higher ranks are folded to 2-d). */
export function rows(view: TensorView): number[][] {
	const { rows: count, cols } = matrixShape(view.shape);
	const out: number[][] = [];
	for (let r = 0; r < count; r++)
		out.push(Array.from(view.data.subarray(r * cols, (r + 1) * cols)));
	return out;
}
