/**
 * The CPU matmul kernels against a plain triple loop in float64: the WebAssembly SIMD kernel
 * (float32, 4x8 register blocks, padded edges) and the JavaScript kernel, over shapes that are and
 * are not multiples of the block, and vectors.
 */
import { describe, expect, it } from 'vitest';
import { matmulKernel } from '$lib/engine/backends/cpu/kernels';
import { wasmMatmul } from '$lib/engine/backends/cpu/wasm-matmul';
import { Mulberry32 } from '$lib/engine';

function reference(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number) {
	const out = new Float64Array(m * n);
	for (let i = 0; i < m; i++)
		for (let j = 0; j < n; j++) {
			let sum = 0;
			for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
			out[i * n + j] = sum;
		}
	return out;
}

function random(rng: Mulberry32, size: number): Float32Array {
	const out = new Float32Array(size);
	for (let i = 0; i < size; i++) out[i] = rng.next() * 2 - 1;
	return out;
}

const SHAPES: [number, number, number][] = [
	[4, 8, 8],
	[1, 1, 1],
	[1, 300, 1],
	[3, 5, 7],
	[5, 64, 9],
	[64, 64, 64],
	[67, 33, 129],
	[128, 1, 17]
];

describe('matmul kernels', () => {
	for (const [m, k, n] of SHAPES) {
		it(`[${m}, ${k}] @ [${k}, ${n}] matches the float64 triple loop`, () => {
			const rng = new Mulberry32(m * 10_007 + k * 101 + n);
			const a = random(rng, m * k);
			const b = random(rng, k * n);
			const want = reference(a, b, m, k, n);
			// float32 accumulation over k terms of magnitude <= 1.
			const tolerance = 1e-6 * k + 1e-6;

			const simd = new Float32Array(m * n).fill(NaN);
			expect(wasmMatmul(a, b, simd, m, k, n)).toBe(true);
			simd.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tolerance));

			const js = new Float32Array(m * n).fill(NaN);
			matmulKernel(a, b, js, m, k, n);
			js.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tolerance));
		});
	}
});

/**
 * C summed the way the SIMD kernel sums it: per element, from zero, in k order, every product and
 * every sum rounded to float32. The kernel (and the 4x8 kernel before k-slicing) must match it bit
 * for bit, so slicing k or packing differently can never change a result.
 */
function float32InKOrder(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
	const out = new Float32Array(m * n);
	for (let i = 0; i < m; i++)
		for (let j = 0; j < n; j++) {
			let sum = 0;
			for (let p = 0; p < k; p++) sum = Math.fround(sum + Math.fround(a[i * k + p] * b[p * n + j]));
			out[i * n + j] = sum;
		}
	return out;
}

/** Every square size 1..17 and around 64 and 256, odd shapes, k = 1, k-slices (wide n, long k). */
const BOUNDARY_SHAPES: [number, number, number][] = [
	...Array.from({ length: 17 }, (_, i): [number, number, number] => [i + 1, i + 1, i + 1]),
	...[63, 64, 65, 255, 257].map((s): [number, number, number] => [s, s, s]),
	[300, 513, 129],
	[7, 1, 9],
	[33, 1, 64],
	[5, 300, 1030], // panel width 1032: k runs in slices of 127
	[9, 1100, 257], // panel width 264: slices of 496 (two full, one partial)
	[6, 17, 8],
	[4, 16, 13]
];

describe('WebAssembly SIMD matmul at block, panel and k-slice boundaries', () => {
	for (const [m, k, n] of BOUNDARY_SHAPES) {
		it(`[${m}, ${k}] @ [${k}, ${n}]: within float32 error of float64 and bit-identical in k order`, () => {
			const rng = new Mulberry32(m * 7919 + k * 31 + n);
			const a = random(rng, m * k);
			const b = random(rng, k * n);
			const simd = new Float32Array(m * n).fill(NaN);
			expect(wasmMatmul(a, b, simd, m, k, n)).toBe(true);

			const want = reference(a, b, m, k, n);
			const tolerance = 1e-6 * k + 1e-6;
			let worst = 0;
			for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(simd[i] - want[i]));
			expect(worst).toBeLessThanOrEqual(tolerance);

			const exact = float32InKOrder(a, b, m, k, n);
			let differing = 0;
			for (let i = 0; i < m * n; i++) if (!Object.is(simd[i], exact[i])) differing++;
			expect(differing).toBe(0);
		});
	}

	it('leaves nothing of an earlier, larger product in a later one, and writes zeros for k = 0', () => {
		const rng = new Mulberry32(5);
		const big = new Float32Array(64 * 64);
		expect(wasmMatmul(random(rng, 64 * 64), random(rng, 64 * 64), big, 64, 64, 64)).toBe(true);
		const a = random(rng, 3 * 5);
		const b = random(rng, 5 * 7);
		const small = new Float32Array(3 * 7);
		expect(wasmMatmul(a, b, small, 3, 5, 7)).toBe(true);
		expect(Array.from(small)).toEqual(Array.from(float32InKOrder(a, b, 3, 5, 7)));
		const empty = new Float32Array(3 * 7).fill(NaN);
		expect(wasmMatmul(new Float32Array(0), new Float32Array(0), empty, 3, 0, 7)).toBe(true);
		expect(Array.from(empty)).toEqual(new Array(21).fill(0));
	});
});
