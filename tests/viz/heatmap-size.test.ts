/**
 * The heatmap's size on a node, from the shape alone (the node reserves it before Forward): whole
 * inside the value area, square cells of whole pixels, a row or column at least 12 px thick.
 */
import { describe, expect, test } from 'vitest';
import { HEATMAP_MAX, heatmapSize } from '$lib/viz/TensorView/heatmap';

describe('heatmapSize', () => {
	test.each([
		// 40x40 pooled cells (4096 / 103 a side) at 2 px
		[[4096, 4096], 80, 80],
		[[1024, 1024], 80, 80],
		// 11 cells of 7 px, one column drawn 12 px wide
		[[11, 1], 12, 77],
		// one row of 40 pooled cells at 3 px, drawn 12 px high
		[[1, 1000], 120, 12],
		// small enough for the largest cells
		[[5, 5], 70, 70],
		// rank 3: 150 rows (pooled by 4 into 38) of 7 columns, at 2 px
		[[3, 50, 7], 14, 76]
	])('%j: %i x %i px', (shape, width, height) => {
		expect(heatmapSize(shape)).toEqual({ width, height });
	});

	test('never larger than the room a value area gives it', () => {
		for (const shape of [
			[1, 100_000],
			[100_000, 1],
			[40, 41],
			[7, 9, 11],
			[2, 3, 4, 5]
		]) {
			const { width, height } = heatmapSize(shape);
			expect(width).toBeLessThanOrEqual(HEATMAP_MAX.width);
			expect(height).toBeLessThanOrEqual(HEATMAP_MAX.height);
		}
	});
});
