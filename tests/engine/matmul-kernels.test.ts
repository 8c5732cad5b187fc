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
