/**
 * Tensor values in TeX, for the chain-rule panel: numbers as PyTorch prints them, a whole matrix
 * up to 4x4, PyTorch's summary (the first and last 3 entries of a dim, with ⋯ ⋮ ⋱) beyond, and
 * the element the reader has picked. Every number is the trace's; nothing is computed here but
 * which entries to show and how to write them.
 *
 * Each entry of a matrix is wrapped in `\htmlData{t=<slot>, i=<index>}` so the panel can tell
 * which element is under the pointer (the only KaTeX command it trusts).
 */
import { numel } from '$lib/engine/core';
import { EDGE_ITEMS, ravelIndex, type TensorView } from '$lib/graph';

/** Up to this size along every dim (and rank 2), a tensor is shown whole. */
export const WHOLE_MAX = 4;

/** A number in TeX as PyTorch prints it: 4 decimals, scientific when tiny or huge. */
export function texNumber(value: number, fixed = false): string {
	if (Number.isNaN(value)) return '\\text{nan}';
	if (!Number.isFinite(value)) return value > 0 ? '\\infty' : '-\\infty';
	if (Number.isInteger(value) && !fixed && Math.abs(value) < 1e8) return String(value);
	const abs = Math.abs(value);
	if (abs !== 0 && (abs < 1e-4 || abs >= 1e8)) {
		const [mantissa, exponent] = value.toExponential(4).split('e');
		return `${mantissa}\\mathrm{e}{${exponent.replace('+', '')}}`;
	}
	return value.toFixed(4);
}

/** A number inside a longer expression: negatives in parentheses (`2 \times (-1)`). */
export function texFactor(value: number): string {
	const tex = texNumber(value);
	return value < 0 || tex.startsWith('-') ? `\\left(${tex}\\right)` : tex;
}

/** An index as PyTorch writes it, for a subscript: `[1, 2]` (empty for a 0-d tensor). */
export function texIndex(index: readonly (number | string)[]): string {
	return index.length === 0 ? '' : `_{[${index.join(',')}]}`;
}

/** The index in data attributes: `1-2` (parsed back by `parseIndex`). */
const dataIndex = (index: readonly number[]) => index.join('-');

export function parseIndex(text: string): number[] {
	return text === '' ? [] : text.split('-').map(Number);
}

/** The entries shown along a dim of `size`: all, or the first and last EDGE_ITEMS (null: ⋯). */
export function shownIndices(size: number): (number | null)[] {
	if (size <= WHOLE_MAX || size <= 2 * EDGE_ITEMS) return Array.from({ length: size }, (_, i) => i);
	const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
	const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i);
	return [...head, null, ...tail];
}

/** One element's value; NaN when the index lies outside the tensor. */
export function elementOf(view: TensorView, index: readonly number[]): number {
	const flat = ravelIndex(view.shape, index);
	return flat < 0 ? NaN : view.data[flat];
}

/**
 * The tensor in TeX: a number when it has one element, else a bracketed matrix (a 1-d tensor is
 * one row). Past rank 2, the matrix over the last two dims at the selected leading index, with
 * that index as a subscript. `slot` names the tensor in the entries' data attributes; the entry
 * at `selected` is marked.
 */
export function texTensor(view: TensorView, slot: string, selected: readonly number[]): string {
	const { shape } = view;
	if (numel(shape) === 1 && shape.every((d) => d === 1)) return texNumber(view.data[0]);
	if (numel(shape) === 0) return `\\begin{bmatrix}\\,\\end{bmatrix}`;
	const rank = shape.length;
	const lead = rank > 2 ? selected.slice(0, rank - 2) : [];
	const rowsDim = rank >= 2 ? shape[rank - 2] : 1;
	const colsDim = shape[rank - 1];
	// Integers print without decimals only when every shown entry is one (as PyTorch prints `1.`).
	const rows = shownIndices(rowsDim);
	const cols = shownIndices(colsDim);
	const indexOf = (r: number, c: number) => (rank >= 2 ? [...lead, r, c] : [c]);
	let allIntegers = true;
	for (const r of rows)
		for (const c of cols)
			if (r !== null && c !== null && !Number.isInteger(elementOf(view, indexOf(r, c))))
				allIntegers = false;
	const same = (a: readonly number[], b: readonly number[]) =>
		a.length === b.length && a.every((v, i) => v === b[i]);
	const entry = (r: number, c: number) => {
		const index = indexOf(r, c);
		const mark = same(index, selected) ? ', sel=1' : '';
		const text = texNumber(elementOf(view, index), !allIntegers);
		return `\\htmlData{t=${slot}, i=${dataIndex(index)}${mark}}{${text}}`;
	};
	const lines = rows.map((r) =>
		cols
			.map((c) =>
				r === null ? (c === null ? '\\ddots' : '\\vdots') : c === null ? '\\cdots' : entry(r, c)
			)
			.join(' & ')
	);
	const matrix = `\\begin{bmatrix}${lines.join(' \\\\ ')}\\end{bmatrix}`;
	return rank > 2 ? `{${matrix}}_{[${[...lead, ':', ':'].join(',')}]}` : matrix;
}
