import { describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import {
	maxAbs,
	pool,
	pooledOf,
	pooledSize,
	nestedList,
	tensorKind,
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

describe('what the node shows of a tensor, known from its shape', () => {
	test('the pooled size is the one pool() makes, for any shape', () => {
		for (const shape of [
			[80, 80],
			[300, 300],
			[11, 1],
			[1, 1000],
			[3, 50, 7],
			[1024, 1024]
		]) {
			const pooled = pool(viewOf(torch.zeros(shape)));
			expect(pooledSize(shape)).toEqual({
				rows: pooled.rows,
				cols: pooled.cols,
				blockRows: pooled.blockRows,
				blockCols: pooled.blockCols
			});
		}
	});

	test('a number, a table up to 4x4, a heatmap past it', () => {
		expect(tensorKind([])).toBe('scalar');
		expect(tensorKind([1, 1])).toBe('scalar');
		expect(tensorKind([3, 4])).toBe('table');
		expect(tensorKind([2, 2, 2])).toBe('heatmap');
		expect(tensorKind([11, 1])).toBe('heatmap');
	});

	test("the legend's least and greatest value cover every value, past the pooled samples", () => {
		const data = new Float32Array(300 * 300).fill(1);
		data[301] = -2.5; // not a block's first element: no cell shows it
		data[90_000 - 2] = 7.25;
		const pooled = pool({ shape: [300, 300], data });
		expect([pooled.min, pooled.max, pooled.extent, pooled.allFinite]).toEqual([
			-2.5,
			7.25,
			7.25,
			true
		]);
		expect(Array.from(pooled.cells).every((v) => v === 1)).toBe(true);
	});

	test('nan and infinities take no part in the least and greatest, and are told', () => {
		const data = Float32Array.from([1, NaN, Infinity, -Infinity, 3]);
		const pooled = pool({ shape: [5, 1], data });
		expect([pooled.min, pooled.max, pooled.extent, pooled.allFinite]).toEqual([1, 3, 3, false]);
		const none = pool({ shape: [5, 1], data: new Float32Array(5).fill(NaN) });
		expect(none.min > none.max).toBe(true);
		expect(none.extent).toBe(0);
	});
});
