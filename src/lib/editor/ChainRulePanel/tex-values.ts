/**
 * Tensor values in TeX, for the chain-rule panel: numbers as PyTorch prints them (one format per
 * tensor, picked as PyTorch's print picks it; a number alone as a 0-d tensor), a whole matrix
 * up to 4x4, PyTorch's summary (the first and last 3 entries of a dim, with ⋯ ⋮ ⋱) beyond, and
 * the element the reader has picked. Every number is the trace's; nothing is computed here but
 * which entries to show and how to write them.
 *
 * Each entry of a matrix is wrapped in `\htmlData{t=<slot>, i=<index>}` so the panel can tell
 * which element is under the pointer (the only KaTeX command it trusts).
 */
import { numel } from '$lib/engine/core';
import { EDGE_ITEMS, ravelIndex, type TensorView } from '$lib/graph';
import { formatValue, tensorFormat } from '$lib/viz/TensorView/format';

/** Up to this size along every dim (and rank 2), a tensor is shown whole. */
export const WHOLE_MAX = 4;

/**
 * A number PyTorch printed as `text`, in TeX: `0.5000`, `7.9581\mathrm{e}{-12}`, `\infty`; an
 * integer without its trailing dot (`3.` reads as a full stop in a formula).
 */
function texOf(text: string): string {
	if (text === 'nan') return '\\text{nan}';
	if (text === 'inf' || text === '-inf') return text.replace('inf', '\\infty');
	const e = text.indexOf('e');
	if (e >= 0) return `${text.slice(0, e)}\\mathrm{e}{${text.slice(e + 1)}}`;
	return text.endsWith('.') ? text.slice(0, -1) : text;
}

/** One number shown alone, in TeX, as PyTorch prints a 0-d tensor (`formatValue`). */
export function texNumber(value: number): string {
	return texOf(formatValue(value));
}

/** An element of `view` as PyTorch prints it: in the format of the whole tensor. */
export function elementText(view: TensorView, index: readonly number[]): string {
	return tensorFormat(view)(elementOf(view, index));
}

/** `elementText` in TeX. */
export function texElement(view: TensorView, index: readonly number[]): string {
	return texOf(elementText(view, index));
}

/**
 * A number inside a longer expression: negatives in parentheses (`2 \times (-1)`). `tex` is how
 * it is written, when it is an element of a tensor (`texElement`).
 */
export function texFactor(value: number, tex = texNumber(value)): string {
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
	// One format for every entry, as PyTorch prints the tensor (judged on all of it, not only
	// the entries shown here).
	const format = tensorFormat(view);
	const rows = shownIndices(rowsDim);
	const cols = shownIndices(colsDim);
	const indexOf = (r: number, c: number) => (rank >= 2 ? [...lead, r, c] : [c]);
	const same = (a: readonly number[], b: readonly number[]) =>
		a.length === b.length && a.every((v, i) => v === b[i]);
	const entry = (r: number, c: number) => {
		const index = indexOf(r, c);
		const mark = same(index, selected) ? ', sel=1' : '';
		const text = texOf(format(elementOf(view, index)));
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
