/** How a tensor is drawn: a number, a compact table (up to 4x4), or a heatmap. */
import { numberFormat, tensorNumberFormat } from '$lib/engine/core';
import { matrixShape, type TensorView } from '$lib/graph';

export { tensorKind, type TensorKind } from '$lib/graph';

/**
 * How the numbers of `view` are written: one format for the whole tensor, the one PyTorch's print
 * picks (`3.` when all are integers, else 4 decimals, scientific when they span too much; see
 * the engine's `tensorNumberFormat`), with `digits` decimals (2 in the node's table, for room).
 * Kept per view and digits: a view never changes.
 */
export function tensorFormat(view: TensorView, digits = 4): (value: number) => string {
	let byDigits = formats.get(view);
	if (!byDigits) formats.set(view, (byDigits = new Map()));
	let format = byDigits.get(digits);
	if (!format) {
		format = tensorNumberFormat(view.data, view.shape, digits).format;
		byDigits.set(digits, format);
	}
	return format;
}

const formats = new WeakMap<TensorView, Map<number, (value: number) => string>>();

/** One number shown alone, as PyTorch prints a 0-d tensor: `3.`, `0.5000`, `1.0000e-05`. */
export function formatValue(value: number, digits = 4): string {
	return numberFormat([value], digits).format(value);
}

/** Rows of a small tensor (a 1-d tensor is one row; higher ranks are folded to 2-d). */
export function rows(view: TensorView): number[][] {
	const { rows: count, cols } = matrixShape(view.shape);
	const out: number[][] = [];
	for (let r = 0; r < count; r++)
		out.push(Array.from(view.data.subarray(r * cols, (r + 1) * cols)));
	return out;
}
