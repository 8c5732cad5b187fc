/**
 * CPU kernels: plain loops over typed arrays. Every tensor here is contiguous and row-major;
 * broadcasting is done by strides (0 along a stretched dim). Arithmetic runs in float64 and rounds
 * once on store, like PyTorch's float32 kernels up to the last bit.
 */
import type { Storage } from '../../dtype';
import { broadcastStrides, type Shape } from '../../shape';
import { wasmMatmul } from './wasm-matmul';

export type BinaryFn = (a: number, b: number) => number;
export type UnaryFn = (a: number) => number;

/** Build an elementwise binary kernel with PyTorch broadcasting from a scalar function. */
/**
 * The contiguous loop of one op, `out[i] = f(a[i], b[i * bStride])` (bStride 1 or 0), written
 * out per op so each op's loop is compiled for its own arithmetic: one shared loop calling `f`
 * would see every op's `f` and could inline none of them.
 */
export type BinaryLoop = (a: Storage, b: Storage, out: Storage, n: number, bStride: number) => void;
export type UnaryLoop = (a: Storage, out: Storage, n: number) => void;

/** Build an elementwise binary kernel with PyTorch broadcasting from a scalar function. */
export function binaryKernel(f: BinaryFn, loop: BinaryLoop) {
	return function binary(
		a: Storage,
		aShape: Shape,
		b: Storage,
		bShape: Shape,
		out: Storage,
		outShape: Shape
	): void {
		const n = out.length;
		if (a.length === n && b.length === n) {
			loop(a, b, out, n, 1);
			return;
		}
		if (a.length === n && b.length === 1) {
			loop(a, b, out, n, 0);
			return;
		}
		if (b.length === n && a.length === 1) {
			const av = a[0];
			for (let i = 0; i < n; i++) out[i] = f(av, b[i]);
			return;
		}
		if (n === 0) return;
		// `b` repeated along the leading dims (a bias added to every row): the contiguous loop per
		// row, rather than the strided loop below, which calls `f` for every element.
		if (a.length === n && b.length > 1 && repeatsAlongLeadingDims(bShape, outShape)) {
			const inner = b.length;
			for (let o = 0; o < n; o += inner) {
				loop(a.subarray(o, o + inner), b, out.subarray(o, o + inner), inner, 1);
			}
			return;
		}
		const ndim = outShape.length;
		const as = broadcastStrides(aShape, outShape);
		const bs = broadcastStrides(bShape, outShape);
		const index = new Array<number>(ndim).fill(0);
		const inner = outShape[ndim - 1];
		const ai = as[ndim - 1];
		const bi = bs[ndim - 1];
		let ao = 0;
		let bo = 0;
		for (let o = 0; o < n; o += inner) {
			let ap = ao;
			let bp = bo;
			for (let j = 0; j < inner; j++) {
				out[o + j] = f(a[ap], b[bp]);
				ap += ai;
				bp += bi;
			}
			// Advance the outer multi-index (all dims but the last).
			for (let d = ndim - 2; d >= 0; d--) {
				index[d]++;
				ao += as[d];
				bo += bs[d];
				if (index[d] < outShape[d]) break;
				ao -= as[d] * outShape[d];
				bo -= bs[d] * outShape[d];
				index[d] = 0;
			}
		}
	};
}

export type BinaryKernel = ReturnType<typeof binaryKernel>;

/** Whether `shape`, broadcast to `outShape`, is the same block of values repeated: its dims
 * (after any leading 1s) are the last dims of `outShape`. */
function repeatsAlongLeadingDims(shape: Shape, outShape: Shape): boolean {
	let first = 0;
	while (first < shape.length && shape[first] === 1) first++;
	const offset = outShape.length - shape.length;
	for (let d = first; d < shape.length; d++) if (shape[d] !== outShape[d + offset]) return false;
	return true;
}

export function unaryKernel(loop: UnaryLoop) {
	return function unary(a: Storage, out: Storage): void {
		loop(a, out, a.length);
	};
}

/** Copy `a` broadcast to `outShape` (expand). */
export function broadcastCopy(a: Storage, aShape: Shape, out: Storage, outShape: Shape): void {
	if (a.length === out.length) {
		out.set(a);
		return;
	}
	if (a.length === 1) {
		out.fill(a[0]);
		return;
	}
	copyStrided(a, broadcastStrides(aShape, outShape), 0, out, outShape);
}

/** Gather `src` through arbitrary strides into a contiguous `out` of shape `shape`. */
export function copyStrided(
	src: Storage,
	strides: readonly number[],
	offset: number,
	out: Storage,
	shape: Shape
): void {
	const n = out.length;
	if (n === 0) return;
	const ndim = shape.length;
	if (ndim === 0) {
		out[0] = src[offset];
		return;
	}
	const index = new Array<number>(ndim).fill(0);
	const inner = shape[ndim - 1];
	const innerStride = strides[ndim - 1];
	let base = offset;
	for (let o = 0; o < n; o += inner) {
		let p = base;
		for (let j = 0; j < inner; j++) {
			out[o + j] = src[p];
			p += innerStride;
		}
		for (let d = ndim - 2; d >= 0; d--) {
			index[d]++;
			base += strides[d];
			if (index[d] < shape[d]) break;
			base -= strides[d] * shape[d];
			index[d] = 0;
		}
	}
}

/** Swap two dims of a contiguous tensor into a new contiguous buffer. */
export function transposeCopy(a: Storage, shape: Shape, dim0: number, dim1: number, out: Storage) {
	const strides = new Array<number>(shape.length);
	let stride = 1;
	for (let i = shape.length - 1; i >= 0; i--) {
		strides[i] = stride;
		stride *= shape[i];
	}
	const outShape = shape.slice();
	outShape[dim0] = shape[dim1];
	outShape[dim1] = shape[dim0];
	const permuted = strides.slice();
	permuted[dim0] = strides[dim1];
	permuted[dim1] = strides[dim0];
	copyStrided(a, permuted, 0, out, outShape);
}

/**
 * Sum `a` over `dims` (sorted) into `out`, whose length is the product of the kept sizes.
 * Accumulates in float64.
 */
export function sumKernel(a: Storage, shape: Shape, dims: readonly number[], out: Storage): void {
	const n = a.length;
	if (out.length === 1) {
		let total = 0;
		for (let i = 0; i < n; i++) total += a[i];
		out[0] = total;
		return;
	}
	const ndim = shape.length;
	// Strides into `out` for every input dim, 0 along reduced dims.
	const outStrides = new Array<number>(ndim).fill(0);
	let stride = 1;
	for (let d = ndim - 1; d >= 0; d--) {
		if (!dims.includes(d)) {
			outStrides[d] = stride;
			stride *= shape[d];
		}
	}
	const acc = new Float64Array(out.length);
	if (n > 0) {
		const index = new Array<number>(ndim).fill(0);
		const inner = shape[ndim - 1];
		const innerStride = outStrides[ndim - 1];
		let base = 0;
		for (let i = 0; i < n; i += inner) {
			let p = base;
			for (let j = 0; j < inner; j++) {
				acc[p] += a[i + j];
				p += innerStride;
			}
			for (let d = ndim - 2; d >= 0; d--) {
				index[d]++;
				base += outStrides[d];
				if (index[d] < shape[d]) break;
				base -= outStrides[d] * shape[d];
				index[d] = 0;
			}
		}
	}
	for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

const PANEL = 4;

/**
 * C[m, n] = A[m, k] B[k, n] for row-major A, B, C. B is packed once into float64 panels of four
 * columns (k-major), each block of four rows of A likewise, then a 4x4 register-blocked
 * micro-kernel runs over k. Edges are zero-padded in the packs and cropped on store.
 */
export function matmulKernel(
	a: Storage,
	b: Storage,
	out: Storage,
	m: number,
	k: number,
	n: number
): void {
	const nPanels = Math.ceil(n / PANEL);
	const panelSize = PANEL * k;
	const packedB = new Float64Array(nPanels * panelSize);
	for (let kk = 0; kk < k; kk++) {
		const src = kk * n;
		for (let q = 0; q < nPanels; q++) {
			const dst = q * panelSize + kk * PANEL;
			const col = q * PANEL;
			for (let c = 0; c < PANEL; c++) packedB[dst + c] = col + c < n ? b[src + col + c] : 0;
		}
	}
	const packedA = new Float64Array(panelSize);
	for (let row = 0; row < m; row += PANEL) {
		const rows = Math.min(PANEL, m - row);
		for (let r = 0; r < PANEL; r++) {
			const src = (row + r) * k;
			if (r < rows) for (let kk = 0; kk < k; kk++) packedA[kk * PANEL + r] = a[src + kk];
			else for (let kk = 0; kk < k; kk++) packedA[kk * PANEL + r] = 0;
		}
		for (let q = 0; q < nPanels; q++) {
			// Unrolled on purpose: sixteen scalar accumulators can live in registers; an array cannot.
			let c00 = 0,
				c01 = 0,
				c02 = 0,
				c03 = 0;
			let c10 = 0,
				c11 = 0,
				c12 = 0,
				c13 = 0;
			let c20 = 0,
				c21 = 0,
				c22 = 0,
				c23 = 0;
			let c30 = 0,
				c31 = 0,
				c32 = 0,
				c33 = 0;
			let bp = q * panelSize;
			for (let ap = 0; ap < panelSize; ap += PANEL) {
				const b0 = packedB[bp],
					b1 = packedB[bp + 1],
					b2 = packedB[bp + 2],
					b3 = packedB[bp + 3];
				bp += PANEL;
				let av = packedA[ap];
				c00 += av * b0;
				c01 += av * b1;
				c02 += av * b2;
				c03 += av * b3;
				av = packedA[ap + 1];
				c10 += av * b0;
				c11 += av * b1;
				c12 += av * b2;
				c13 += av * b3;
				av = packedA[ap + 2];
				c20 += av * b0;
				c21 += av * b1;
				c22 += av * b2;
				c23 += av * b3;
				av = packedA[ap + 3];
				c30 += av * b0;
				c31 += av * b1;
				c32 += av * b2;
				c33 += av * b3;
			}
			const col = q * PANEL;
			if (rows === PANEL && col + PANEL <= n) {
				let o = row * n + col;
				out[o] = c00;
				out[o + 1] = c01;
				out[o + 2] = c02;
				out[o + 3] = c03;
				o += n;
				out[o] = c10;
				out[o + 1] = c11;
				out[o + 2] = c12;
				out[o + 3] = c13;
				o += n;
				out[o] = c20;
				out[o + 1] = c21;
				out[o + 2] = c22;
				out[o + 3] = c23;
				o += n;
				out[o] = c30;
				out[o + 1] = c31;
				out[o + 2] = c32;
				out[o + 3] = c33;
			} else {
				const block = [
					c00,
					c01,
					c02,
					c03,
					c10,
					c11,
					c12,
					c13,
					c20,
					c21,
					c22,
					c23,
					c30,
					c31,
					c32,
					c33
				];
				for (let r = 0; r < rows; r++) {
					for (let c = 0; c < PANEL && col + c < n; c++)
						out[(row + r) * n + col + c] = block[r * PANEL + c];
				}
			}
		}
	}
}

/** Below this many multiply-adds the JavaScript kernel beats copying into WebAssembly memory. */
const WASM_MIN_WORK = 4096;

/**
 * C = A B: float32 products of any real size run in WebAssembly SIMD (float32 accumulation, as
 * PyTorch's CPU sgemm does); float64 and tiny products run in JavaScript with float64 accumulation.
 */
export function matmul2d(
	a: Storage,
	b: Storage,
	out: Storage,
	m: number,
	k: number,
	n: number
): void {
	if (
		m * k * n >= WASM_MIN_WORK &&
		a instanceof Float32Array &&
		b instanceof Float32Array &&
		out instanceof Float32Array &&
		wasmMatmul(a, b, out, m, k, n)
	) {
		return;
	}
	matmulKernel(a, b, out, m, k, n);
}
