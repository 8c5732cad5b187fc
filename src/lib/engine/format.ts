/**
 * PyTorch's tensor repr: `tensor([0.7101], grad_fn=<AddBackward0>)`. Follows torch/_tensor_str.py:
 * integers print as `1.`, other values with 4 decimals, scientific notation when the magnitudes
 * span too much, one common width, and `...` past 1000 elements (edge items 3 along each dim).
 */
import type { Shape } from './shape';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/** PyTorch's three ways to write a float tensor's numbers; one is picked for the whole tensor. */
export type NumberMode = 'integer' | 'fixed' | 'scientific';

/** How every number of one tensor is written (`3.`, `0.5000`, `7.9581e-12`; `nan`, `inf`). */
export interface NumberFormat {
	mode: NumberMode;
	format(value: number): string;
}

/**
 * PyTorch's `_Formatter` over `values`: integer mode when every nonzero finite value is an
 * integer; scientific notation when those values span more than 1000x, pass 1e8 or go under
 * 1e-4 (for integers, the first two only: they are never under 1e-4); fixed otherwise. Zeros,
 * nan and infinities take no part in the choice. `precision` is the decimals (PyTorch's print
 * option, 4 by default; the UI asks for fewer where it has little room). Loops only: `values`
 * may hold millions of elements.
 */
export function numberFormat(values: ArrayLike<number>, precision = PRECISION): NumberFormat {
	let count = 0;
	let max = 0;
	let min = Infinity;
	let allIntegers = true;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v === 0 || !Number.isFinite(v)) continue;
		const abs = Math.abs(v);
		count++;
		if (abs > max) max = abs;
		if (abs < min) min = abs;
		if (allIntegers && !Number.isInteger(v)) allIntegers = false;
	}
	const mode: NumberMode =
		count > 0 && (max / min > 1000 || max > 1e8 || min < 1e-4)
			? 'scientific'
			: allIntegers
				? 'integer'
				: 'fixed';
	const write =
		mode === 'scientific'
			? (v: number) => scientific(v, precision)
			: mode === 'integer'
				? (v: number) => `${v.toFixed(0)}.`
				: (v: number) => fixed(v, precision);
	return {
		mode,
		format: (v) => (!Number.isFinite(v) ? special(v) : Object.is(v, -0) ? `-${write(0)}` : write(v))
	};
}

/**
 * The format PyTorch's print picks for a tensor: judged on every element, or, past 1000
 * elements, on the ones a summarised print shows (the first and last 3 along each dim).
 */
export function tensorNumberFormat(
	data: ArrayLike<number>,
	shape: Shape,
	precision = PRECISION
): NumberFormat {
	if (data.length <= THRESHOLD) return numberFormat(data, precision);
	const shown: number[] = [];
	collect(data, shape, 0, 0, EDGE_ITEMS, shown);
	return numberFormat(shown, precision);
}

interface Formatter {
	format(value: number): string;
	width: number;
}

/** The tensor's format, and one width for all: the widest of its nonzero finite values. */
function makeFormatter(values: ArrayLike<number>, precision: number): Formatter {
	const { format } = numberFormat(values, precision);
	let width = 1;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v !== 0 && Number.isFinite(v)) width = Math.max(width, format(v).length);
	}
	return { format, width };
}

/**
 * `v` with `precision` decimals, rounding exact ties to even as Python's format does (`toFixed`
 * rounds them away from zero: 0.03125 gives 0.0313 in JavaScript and 0.0312 in PyTorch).
 */
function fixed(v: number, precision: number): string {
	const rounded = v.toFixed(precision);
	const exact = Math.abs(v).toFixed(precision + 20);
	const decimals = exact.slice(exact.indexOf('.') + 1);
	const tie = decimals[precision] === '5' && /^0*$/.test(decimals.slice(precision + 1));
	if (!tie || Number(decimals[precision - 1] ?? exact[exact.indexOf('.') - 1]) % 2 === 1)
		return rounded;
	// An exact tie whose last kept digit is even: truncate instead of rounding up.
	const truncated = exact.slice(0, exact.indexOf('.') + (precision > 0 ? 1 + precision : 0));
	return v < 0 ? `-${truncated}` : truncated;
}

function special(v: number): string {
	return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

/**
 * `v` as `d.dddde±XX` with `precision` decimals, rounding exact ties to even as Python does
 * (`toExponential` rounds them up).
 */
function scientific(v: number, precision: number): string {
	let [mantissa, exponent] = v.toExponential(precision).split('e');
	const [exactMantissa, exactExponent] = Math.abs(v)
		.toExponential(precision + 30)
		.split('e');
	const decimals = exactMantissa.slice(2);
	const tie = decimals[precision] === '5' && /^0*$/.test(decimals.slice(precision + 1));
	if (tie && Number(exactMantissa[precision > 0 ? 1 + precision : 0]) % 2 === 0) {
		// An exact tie whose last kept digit is even: truncate instead of rounding up.
		mantissa = (v < 0 ? '-' : '') + exactMantissa.slice(0, precision > 0 ? 2 + precision : 1);
		exponent = exactExponent;
	}
	const sign = exponent.startsWith('-') ? '-' : '+';
	const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
	return `${mantissa}e${sign}${digits}`;
}

/**
 * Indices shown along a dim: all, or the first and last `edge` (PyTorch's edgeitems) when
 * summarising (`edge` is Infinity when not).
 */
function shownIndices(size: number, edge: number): (number | null)[] {
	if (size <= 2 * edge) return Array.from({ length: size }, (_, i) => i);
	const head = Array.from({ length: edge }, (_, i) => i);
	const tail = Array.from({ length: edge }, (_, i) => size - edge + i);
	return [...head, null, ...tail];
}

/**
 * PyTorch's print options (`torch.set_printoptions`): a tensor of more than `threshold`
 * elements is summarised to its first and last `edgeitems` along each dim, its numbers written
 * with `precision` decimals. Defaults: PyTorch's, 1000, 3 and 4.
 */
export interface PrintOptions {
	threshold?: number;
	edgeitems?: number;
	precision?: number;
}

/**
 * The repr of a tensor with PyTorch's suffixes (`dtype=torch.float64`, `grad_fn=<...>`), each
 * moved to its own line when the line would pass 80 characters, as torch/_tensor_str.py does.
 * Its work is bounded by what it shows: a summarised tensor of millions of elements reads only
 * the elements it prints (so the format is judged on them, as PyTorch's is).
 */
export function formatTensor(
	data: ArrayLike<number>,
	shape: Shape,
	suffixes: readonly string[] = [],
	options: PrintOptions = {}
): string {
	const { threshold = THRESHOLD, edgeitems = EDGE_ITEMS, precision = PRECISION } = options;
	const prefix = 'tensor(';
	const edge = data.length > threshold ? Math.max(1, Math.floor(edgeitems)) : Infinity;
	const shown: number[] = [];
	collect(data, shape, 0, 0, edge, shown);
	const formatter = makeFormatter(shown.length ? shown : data, precision);
	let body: string;
	if (shape.length === 0) body = formatter.format(data[0]).trim();
	else if (data.length === 0) body = '[]';
	else body = render(data, shape, 0, 0, formatter, prefix.length, edge);
	const all =
		data.length === 0 && shape.length !== 1
			? [`size=(${shape.join(', ')})`, ...suffixes]
			: suffixes;
	let text = prefix + body;
	let lastLine = text.length - text.lastIndexOf('\n') + 1;
	for (const suffix of all) {
		if (lastLine + suffix.length + 2 > LINE_WIDTH) {
			text += `,\n${' '.repeat(prefix.length)}${suffix}`;
			lastLine = prefix.length + suffix.length;
		} else {
			text += `, ${suffix}`;
			lastLine += suffix.length + 2;
		}
	}
	return `${text})`;
}

function strideOf(shape: Shape, dim: number): number {
	let stride = 1;
	for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
	return stride;
}

function collect(
	data: ArrayLike<number>,
	shape: Shape,
	dim: number,
	offset: number,
	edge: number,
	out: number[]
) {
	if (shape.length === 0) {
		out.push(data[0]);
		return;
	}
	const stride = strideOf(shape, dim);
	for (const i of shownIndices(shape[dim], edge)) {
		if (i === null) continue;
		if (dim === shape.length - 1) out.push(data[offset + i]);
		else collect(data, shape, dim + 1, offset + i * stride, edge, out);
	}
}

function render(
	data: ArrayLike<number>,
	shape: Shape,
	dim: number,
	offset: number,
	formatter: Formatter,
	indent: number,
	edge: number
): string {
	const indices = shownIndices(shape[dim], edge);
	if (dim === shape.length - 1) {
		const items = indices.map((i) =>
			i === null ? ' ...' : formatter.format(data[offset + i]).padStart(formatter.width)
		);
		// Wrap long rows the way PyTorch does (its line width is 80).
		const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (formatter.width + 2)));
		if (items.length <= perLine) return `[${items.join(', ')}]`;
		const lines: string[] = [];
		for (let i = 0; i < items.length; i += perLine)
			lines.push(items.slice(i, i + perLine).join(', '));
		return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
	}
	const stride = strideOf(shape, dim);
	const parts = indices.map((i) =>
		i === null
			? '...'
			: render(data, shape, dim + 1, offset + i * stride, formatter, indent + 1, edge)
	);
	const separator = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + 1);
	return `[${parts.join(separator)}]`;
}
