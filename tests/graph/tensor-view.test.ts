import { describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import {
	maxAbs,
	pool,
	pooledOf,
	nestedList,
	ravelIndex,
	unravelIndex,
	viewOf
} from '$lib/graph/tensor-view';

describe('tensor views', () => {
	test.each([[[]], [[0]], [[3]], [[2, 3]], [[2, 0]], [[0, 3]], [[2, 3, 4]], [[1, 1, 1, 5]]])(
		'nestedList of shape %j is tolist()',
		(shape) => {
			const t = torch.arange(0, torch.numel(shape)).reshape(shape);
			expect(nestedList(viewOf(t))).toEqual(t.tolist());
		}
	);

	test('a view is a copy: accumulating into the tensor later does not change it', () => {
		const t = torch.ones([2, 2]);
		const v = viewOf(t);
		t.data[0] = 5;
		expect(v.data[0]).toBe(1);
	});

	test('nestedList refuses to build huge lists; the flat data is still there', () => {
		const v = viewOf(torch.zeros([1024, 1024]));
		expect(nestedList(v)).toBeNull();
		expect(v.data.length).toBe(1024 * 1024);
	});

	test('indices round-trip, and out-of-range indices are -1', () => {
		const shape = [3, 4, 5];
		for (let flat = 0; flat < 60; flat++) {
			expect(ravelIndex(shape, unravelIndex(shape, flat))).toBe(flat);
		}
		expect(unravelIndex(shape, 23)).toEqual([1, 0, 3]);
		expect(ravelIndex(shape, [3, 0, 0])).toBe(-1);
		expect(ravelIndex(shape, [0, 0])).toBe(-1);
	});

	test('maxAbs walks 16M values without spreading them into a call', () => {
		const data = new Float32Array(4096 * 4096);
		data[12345] = -7;
		data[99] = Infinity;
		expect(maxAbs(data)).toBe(7);
	});
});

describe('pooled heatmaps', () => {
	test('a sample per block, and the extent over every value', () => {
		const t = torch.arange(0, 80 * 80).reshape([80, 80]);
		const pooled = pool(viewOf(t));
		expect([pooled.rows, pooled.cols, pooled.blockRows, pooled.blockCols]).toEqual([40, 40, 2, 2]);
		// Block (0, 0) holds 0, 1, 80, 81; block (1, 2) starts at row 2, column 4.
		expect(pooled.cells[0]).toBe(0);
		expect(pooled.cells[1 * 40 + 2]).toBe(2 * 80 + 4);
		expect(pooled.extent).toBe(80 * 80 - 1);
	});

	test('big views are pooled when made (in the worker), small ones on demand', () => {
		expect(viewOf(torch.zeros([300, 300])).pooled?.rows).toBe(38);
		const small = viewOf(torch.ones([10, 10]));
		expect(small.pooled).toBeUndefined();
		expect(pooledOf(small)).toBe(pooledOf(small));
		expect(pooledOf(small).cells[0]).toBe(1);
	});
});
