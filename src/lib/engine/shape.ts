/** Shapes, broadcasting and dims, with PyTorch's error messages. */
import { indexError, runtimeError, typeError, valueError } from './errors';

export type Shape = readonly number[];

/**
 * The largest tensor the engine allocates: 2^26 elements (256 MiB as float32). Creation and
 * every op check this before allocating anything.
 */
export const MAX_NUMEL = 2 ** 26;

export function numel(shape: Shape): number {
	let n = 1;
	for (let i = 0; i < shape.length; i++) n *= shape[i];
	return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: Shape): number[] {
	const strides = new Array<number>(shape.length);
	let stride = 1;
	for (let i = shape.length - 1; i >= 0; i--) {
		strides[i] = stride;
		stride *= shape[i];
	}
	return strides;
}

/** Strides of `shape` seen from the broadcast shape `out`: 0 along stretched or missing dims. */
export function broadcastStrides(shape: Shape, out: Shape): number[] {
	const strides = new Array<number>(out.length).fill(0);
	let stride = 1;
	for (let i = shape.length - 1; i >= 0; i--) {
		const o = i + out.length - shape.length;
		strides[o] = shape[i] === 1 ? 0 : stride;
		stride *= shape[i];
	}
	return strides;
}

/** matmul's operands as 2-D: a vector on the left is a row, on the right a column. */
export function asMatrixShape(shape: Shape, side: 'left' | 'right'): [number, number] {
	if (shape.length === 2) return [shape[0], shape[1]];
	return side === 'left' ? [1, shape[0]] : [shape[0], 1];
}

/** `[3, 4]` as PyTorch prints a size inside messages. */
export const formatShape = (shape: Shape) => `[${shape.join(', ')}]`;

/** 2^63: PyTorch's sizes are int64, so every size and every partial product stays below it. */
const INT64_LIMIT = 2 ** 63;

/**
 * Whether multiplying the sizes in order overflows int64 at any step, as PyTorch's
 * `safe_multiplies_u64` checks: `[2^62, 2^62, 0]` overflows although its product is 0, while
 * `[2^40, 0, 2^40]` does not. Plain `numel` would give NaN or 0 for such shapes.
 */
export function numelOverflows(shape: Shape): boolean {
	let n = 1;
	for (let i = 0; i < shape.length; i++) {
		n *= shape[i];
		if (!(n < INT64_LIMIT)) return true;
	}
	return false;
}

/** Refuse a shape that is not a list of non-negative integers, or that is over the size limit. */
export function checkShape(shape: Shape, what = 'shape'): void {
	if (!Array.isArray(shape))
		throw valueError(`${what} must be a list of integers, got ${String(shape)}`);
	for (let i = 0; i < shape.length; i++) {
		const size = shape[i];
		if (!Number.isInteger(size)) {
			throw valueError(`${what} must be a list of integers, got ${formatShape(shape)}`);
		}
		if (size < 0) {
			throw runtimeError(
				`Trying to create tensor with negative dimension ${size}: ${formatShape(shape)}`
			);
		}
		// Python's int does not fit PyTorch's int64 (1e300 is an integer to JavaScript).
		if (size >= INT64_LIMIT) {
			throw typeError(
				`argument '${what}' failed to unpack the object at pos ${i + 1} with error "Overflow when unpacking long long"`
			);
		}
	}
	if (numelOverflows(shape)) {
		// Digits as int64 prints them: 2^62 is 4611686018427387904, not 4611686018427388000.
		const sizes = shape.map((size) => BigInt(size)).join(', ');
		throw runtimeError(`Storage size calculation overflowed with sizes=[${sizes}]`);
	}
	checkNumel(numel(shape));
}

export function checkNumel(n: number): void {
	// NaN (an overflowing product times 0) is refused too: `n > MAX_NUMEL` would let it through.
	if (!(n <= MAX_NUMEL)) {
		throw runtimeError(
			`a tensor of ${n} elements exceeds Autograd Canvas's limit of ${MAX_NUMEL} elements`
		);
	}
}

/** PyTorch broadcasting of two shapes, or its error. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
	if (sameShape(a, b)) return a;
	if (b.length === 0) return a;
	if (a.length === 0) return b;
	const ndim = Math.max(a.length, b.length);
	const out = new Array<number>(ndim).fill(0);
	// From the last dim, as PyTorch's infer_size: the first mismatch it meets is the one reported.
	for (let i = ndim - 1; i >= 0; i--) {
		const sa = i < ndim - a.length ? 1 : a[i - (ndim - a.length)];
		const sb = i < ndim - b.length ? 1 : b[i - (ndim - b.length)];
		if (sa === sb || sb === 1) out[i] = sa;
		else if (sa === 1) out[i] = sb;
		else {
			throw runtimeError(
				`The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i}`
			);
		}
	}
	return out;
}

/** Normalise a possibly negative dim for a tensor of `ndim` dims, or raise PyTorch's IndexError. */
export function normalizeDim(dim: number, ndim: number): number {
	if (!Number.isInteger(dim)) throw valueError(`dim must be an integer, got ${dim}`);
	const low = ndim === 0 ? -1 : -ndim;
	const high = ndim === 0 ? 0 : ndim - 1;
	if (dim < low || dim > high) {
		throw indexError(
			`Dimension out of range (expected to be in range of [${low}, ${high}], but got ${dim})`
		);
	}
	return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** The sorted, distinct dims a reduction runs over; all dims when `dim` is undefined. */
export function reductionDims(dim: number | readonly number[] | undefined, ndim: number): number[] {
	if (dim === undefined || (Array.isArray(dim) && dim.length === 0)) {
		return Array.from({ length: ndim }, (_, i) => i);
	}
	const dims = (typeof dim === 'number' ? [dim] : (dim as readonly number[])).map((d) =>
		ndim === 0 ? (normalizeDim(d, 0), -1) : normalizeDim(d, ndim)
	);
	const seen = new Set<number>();
	for (const d of dims) {
		if (seen.has(d)) throw runtimeError(`dim ${d} appears multiple times in the list of dims`);
		seen.add(d);
	}
	return dims.filter((d) => d >= 0).sort((x, y) => x - y);
}

export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
	const out: number[] = [];
	for (let i = 0; i < shape.length; i++) {
		if (dims.includes(i)) {
			if (keepdim) out.push(1);
		} else out.push(shape[i]);
	}
	return out;
}

/** Dims of `shape` that broadcasting stretched to reach `target` (for reducing gradients back). */
export function broadcastReduction(shape: Shape, target: Shape): { dims: number[]; lead: number } {
	const lead = target.length - shape.length;
	const dims: number[] = [];
	for (let i = 0; i < target.length; i++) {
		if (i < lead) dims.push(i);
		else if (shape[i - lead] === 1 && target[i] !== 1) dims.push(i);
	}
	return { dims, lead };
}
