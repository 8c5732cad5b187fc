/** Work estimates from shapes (issue 10): FLOPs and bytes per node, the budget and its refusal. */
import { describe, expect, it } from 'vitest';
import { OP_LIST } from '$lib/engine';
import {
	CUSTOM_OP_FLOPS,
	estimateWork,
	formatBytes,
	formatFlops,
	HEAVY_WORK,
	inferShapes,
	isHeavyWork,
	opFlops,
	WORK_BUDGET,
	workRefusal,
	type GraphDocument
} from '$lib/graph';
import { translate } from '$lib/i18n';
import { doc, example, fixtureDoc, leaf, opNode } from './helpers';

/** `a <op> b` over two zeros leaves of the given shapes. */
const binaryDoc = (op: string, a: number[], b: number[], requiresGrad = false) =>
	doc(
		[leaf('a', 'a', a, requiresGrad), leaf('b', 'b', b, requiresGrad), opNode('c', op, 'c')],
		[
			['a', 'c', 'input'],
			['b', 'c', 'other']
		]
	);

const N4096 = 4096 * 4096;
const N8192 = 8192 * 8192;

describe('every registry op has a FLOP count', () => {
	it.each(OP_LIST.map((op) => [op.id, op] as const))('%s', (_id, op) => {
		// Elementwise kinds (and custom ops with their own elementwise WGSL) count one FLOP per
		// element; every other custom op needs its own rule.
		if (op.kind === 'custom' && !op.wgsl) expect(Object.keys(CUSTOM_OP_FLOPS)).toContain(op.id);
		if (op.kind === 'custom' && op.wgsl) expect(Object.keys(CUSTOM_OP_FLOPS)).not.toContain(op.id);
		const inputs = op.inputs.map(() => [3, 3]);
		const flops = opFlops(op, inputs, [3, 3]);
		expect(flops).not.toBeNull();
		expect(flops).toBeGreaterThan(0);
	});

	it('the table has no entry for an op the registry lacks', () => {
		const ids = new Set(OP_LIST.map((op) => op.id));
		expect(Object.keys(CUSTOM_OP_FLOPS).filter((id) => !ids.has(id))).toEqual([]);
	});
});

describe('estimateWork', () => {
	it('matmul counts 2 m k n, 1-D operands too; linear adds its bias', () => {
		const flopsOf = (d: GraphDocument) => estimateWork(d).nodes.get('c')!.flops;
		expect(flopsOf(binaryDoc('matmul', [2, 3], [3, 4]))).toBe(2 * 2 * 3 * 4);
		expect(flopsOf(binaryDoc('matmul', [2, 3], [3]))).toBe(2 * 2 * 3);
		expect(flopsOf(binaryDoc('matmul', [3], [3]))).toBe(2 * 3);
		const linear = doc(
			[
				leaf('x', 'x', [4, 3]),
				leaf('w', 'w', [2, 3]),
				leaf('b', 'b', [2]),
				opNode('c', 'linear', 'c')
			],
			[
				['x', 'c', 'input'],
				['w', 'c', 'weight'],
				['b', 'c', 'bias']
			]
		);
		expect(flopsOf(linear)).toBe(2 * 4 * 2 * 3 + 4 * 2);
	});

	it('a 4096 x 4096 add: per node and in total, forward and with backward', () => {
		const work = estimateWork(binaryDoc('add', [4096, 4096], [4096, 4096], true));
		expect(work.nodes.get('c')).toEqual({
			flops: N4096,
			bytes: 4 * N4096,
			withBackward: { flops: 3 * N4096, bytes: 8 * N4096 }
		});
		// Leaves: filled (1 FLOP an element), held, and given a .grad.
		expect(work.nodes.get('a')).toEqual({
			flops: N4096,
			bytes: 4 * N4096,
			withBackward: { flops: N4096, bytes: 8 * N4096 }
		});
		expect(work.flops).toBe(3 * N4096);
		expect(work.bytes).toBe(12 * N4096);
		expect(work.withBackward).toEqual({ flops: 5 * N4096, bytes: 24 * N4096 });
		expect(isHeavyWork(work)).toBe(true);
	});

	it('nodes that cannot run (missing input, shape error) are left out; never throws', () => {
		const missing = doc([leaf('a', 'a', [2]), opNode('c', 'add', 'c')], [['a', 'c', 'input']]);
		expect([...estimateWork(missing).nodes.keys()]).toEqual(['a']);
		const mismatch = binaryDoc('matmul', [2, 3], [4, 5]);
		expect(inferShapes(mismatch).get('c')!.error).not.toBeNull();
		expect(estimateWork(mismatch).nodes.has('c')).toBe(false);
		const unknown = doc([opNode('c', 'no_such_op', 'c')]);
		expect(estimateWork(unknown).flops).toBe(0);
	});

	it('reuses the shapes it is given', () => {
		const d = example('linear-regression');
		expect(estimateWork(d, inferShapes(d))).toEqual(estimateWork(d));
	});

	it('the examples are light work, run on the main thread', () => {
		for (const id of ['linear-regression', 'chain-rule'] as const) {
			const work = estimateWork(example(id));
			expect(work.flops).toBeGreaterThan(0);
			expect(isHeavyWork(work.withBackward)).toBe(false);
			expect(workRefusal(example(id))).toBeNull();
		}
	});
});

describe('the budget', () => {
	it('lets a 4096 x 4096 add run (off the main thread)', () => {
		const d = binaryDoc('add', [4096, 4096], [4096, 4096], true);
		expect(workRefusal(d)).toBeNull();
		expect(isHeavyWork(estimateWork(d).withBackward)).toBe(true);
		expect(HEAVY_WORK.flops).toBeLessThan(WORK_BUDGET.flops);
	});

	it('refuses the matmul of two 8192 x 8192 leaves, naming the node and the estimate', () => {
		const d = fixtureDoc('matmul-8192.json');
		expect(workRefusal(d, inferShapes(d), { backward: false })).toEqual({
			nodeId: 'n3',
			resource: 'flops',
			node: 2 * 8192 ** 3,
			total: 2 * 8192 ** 3 + 2 * N8192,
			limit: WORK_BUDGET.flops
		});
		const refusal = workRefusal(d)!;
		expect(refusal.nodeId).toBe('n3');
		expect(formatFlops(refusal.node)).toBe('3.3 TFLOP');
		expect(formatFlops(refusal.limit)).toBe('200 GFLOP');
	});

	it('refuses by bytes when the values held pass the limit', () => {
		const d = binaryDoc('add', [8192, 8192], [8192, 8192], true);
		// Forward alone holds 3 x 268 MB; with the gradients, twice that.
		expect(workRefusal(d, undefined, { backward: false })).toBeNull();
		const refusal = workRefusal(d)!;
		expect(refusal.resource).toBe('bytes');
		expect(refusal.nodeId).toBe('a');
		expect([refusal.node, refusal.total, refusal.limit].map(formatBytes)).toEqual([
			'537 MB',
			'1.6 GB',
			'1 GB'
		]);
	});

	it('a smaller budget refuses smaller graphs', () => {
		const d = binaryDoc('mul', [10, 1], [1, 10]);
		expect(workRefusal(d)).toBeNull();
		const budget = { flops: 50, bytes: 1e9 };
		expect(workRefusal(d, undefined, { budget, backward: false })).toEqual({
			nodeId: 'c',
			resource: 'flops',
			node: 100,
			total: 120,
			limit: 50
		});
	});

	it('a refusal holds no text of its own: the message catalog words it, in each language', () => {
		const d = fixtureDoc('matmul-8192.json');
		const refusal = workRefusal(d)!;
		// Only what the words are made of: no English sentence to drift from the catalog's.
		expect(Object.keys(refusal).sort()).toEqual(['limit', 'node', 'nodeId', 'resource', 'total']);
		const params = {
			name: 'mm1',
			op: 'matmul',
			amount: formatFlops(refusal.node),
			limit: formatFlops(refusal.limit)
		};
		expect(translate('en', 'trace.refused.flops', params)).toBe(
			'mm1 (matmul) needs about 3.3 TFLOP with backward; the limit is 200 GFLOP. Use smaller shapes.'
		);
		expect(translate('zh', 'trace.refused.flops', params)).toContain('3.3 TFLOP');
	});
});

describe('readable units', () => {
	it('two significant digits, decimal prefixes', () => {
		expect(formatFlops(2 * 8192 ** 3)).toBe('1.1 TFLOP');
		expect(formatFlops(20e9)).toBe('20 GFLOP');
		expect(formatFlops(N4096)).toBe('17 MFLOP');
		expect(formatFlops(999)).toBe('999 FLOP');
		expect(formatFlops(0)).toBe('0 FLOP');
		expect(formatBytes(3 * 4 * N8192)).toBe('805 MB');
		expect(formatBytes(1e9)).toBe('1 GB');
		expect(formatBytes(1536)).toBe('1.5 kB');
	});
});
