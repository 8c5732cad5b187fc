/**
 * Shape helpers that the CPU and WebGPU backends and the registry share (each is written once,
 * in engine/shape.ts).
 */
import { describe, expect, test } from 'vitest';
import { asMatrixShape, broadcastStrides } from '$lib/engine/shape';

describe('shape helpers shared by the CPU and WebGPU backends', () => {
	test.each([
		[[3], [3], [1]],
		[
			[2, 3],
			[2, 3],
			[3, 1]
		],
		[[3], [2, 3], [0, 1]],
		[
			[2, 1],
			[2, 3],
			[1, 0]
		],
		[
			[1, 3],
			[4, 2, 3],
			[0, 0, 1]
		],
		[[], [2, 2], [0, 0]],
		[[1], [1], [0]]
	])('broadcastStrides(%j, %j) = %j', (shape, out, strides) => {
		expect(broadcastStrides(shape, out)).toEqual(strides);
	});

	test.each([
		[[2, 3], 'left', [2, 3]],
		[[2, 3], 'right', [2, 3]],
		[[5], 'left', [1, 5]],
		[[5], 'right', [5, 1]]
	] as const)('asMatrixShape(%j, %s) = %j', (shape, side, matrix) => {
		expect(asMatrixShape(shape, side)).toEqual(matrix);
	});
});
