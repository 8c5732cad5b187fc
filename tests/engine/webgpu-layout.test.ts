/**
 * How the WebGPU kernels walk their buffers (backends/webgpu/layout.ts): size-1 dims dropped,
 * neighbouring dims merged only where every operand walks them contiguously.
 */
import { describe, expect, test } from 'vitest';
import { coalesce, reductionLayout } from '$lib/engine/backends/webgpu/layout';

describe('coalesce', () => {
	test.each([
		{ shape: [2, 3, 4], strides: [[12, 4, 1]], out: { shape: [24], strides: [[1]] } },
		{ shape: [1, 5], strides: [[5, 1]], out: { shape: [5], strides: [[1]] } },
		{
			shape: [2, 3],
			strides: [
				[3, 1],
				[0, 1]
			],
			out: {
				shape: [2, 3],
				strides: [
					[3, 1],
					[0, 1]
				]
			}
		},
		{
			// A transpose of [3, 2]: nothing merges.
			shape: [2, 3],
			strides: [[1, 2]],
			out: { shape: [2, 3], strides: [[1, 2]] }
		},
		{ shape: [4, 2, 3], strides: [[0, 3, 1]], out: { shape: [4, 6], strides: [[0, 1]] } }
	])('$shape with strides $strides', ({ shape, strides, out }) => {
		expect(coalesce(shape, strides)).toEqual(out);
	});
});

describe('reductionLayout', () => {
	test.each([
		{
			shape: [2, 3, 4],
			dims: [1],
			kept: { shape: [2, 4], strides: [12, 1] },
			over: { shape: [3], strides: [4] }
		},
		{
			shape: [2, 3, 4],
			dims: undefined,
			kept: { shape: [], strides: [] },
			over: { shape: [24], strides: [1] }
		},
		{
			shape: [2, 3, 4],
			dims: [1, 2],
			kept: { shape: [2], strides: [12] },
			over: { shape: [12], strides: [1] }
		},
		{
			shape: [2, 1, 3],
			dims: [0],
			kept: { shape: [3], strides: [1] },
			over: { shape: [2], strides: [3] }
		}
	])('$shape over $dims', ({ shape, dims, kept, over }) => {
		expect(reductionLayout(shape, dims)).toEqual({ kept, over });
	});
});
