/** Shape inference, order, sinks and wire checks, with PyTorch's messages. */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import {
	checkConnection,
	inferShapes,
	sinks,
	topologicalOrder,
	wireRefusal,
	type GraphDocument,
	type NodeInfo
} from '$lib/graph';
import { MESSAGES, translate } from '$lib/i18n';
import { doc, example, leaf, opNode } from './helpers';

/** Node info by node name. */
function byName(d: GraphDocument): Record<string, NodeInfo> {
	const infos = inferShapes(d);
	return Object.fromEntries(d.nodes.map((n) => [n.name, infos.get(n.id)!]));
}

/** The message PyTorch (the engine) raises for `body`. */
function torchMessage(body: () => unknown): string {
	try {
		body();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected an error');
}

describe('inferShapes on the examples', () => {
	it('chain rule: every node is [1]; requires_grad and is_leaf as in PyTorch', () => {
		const info = byName(example('chain-rule'));
		for (const name of ['x', 'w', 'b', 'y', 'z']) {
			expect(info[name]).toMatchObject({ shape: [1], error: null, missingInputs: [] });
		}
		// As PyTorch 2.13 prints: requires_grad x False, b True, w True, y True; is_leaf x, w, b True, y, z False.
		const flags = (n: string) => [info[n].requiresGrad, info[n].isLeaf];
		expect(['x', 'w', 'b', 'y', 'z'].map(flags)).toEqual([
			[false, true],
			[true, true],
			[true, true],
			[true, false],
			[true, false]
		]);
	});

	it('autograd basics: [3, 4] leaves and sum, then []', () => {
		const info = byName(example('autograd-basics'));
		expect([info.x.shape, info.b.shape, info.t.shape, info.y.shape]).toEqual([
			[3, 4],
			[3, 4],
			[3, 4],
			[]
		]);
	});

	it('linear regression: [11, 1] prediction and a [] loss', () => {
		const info = byName(example('linear-regression'));
		expect(info.pred.shape).toEqual([11, 1]);
		expect(info.loss).toMatchObject({ shape: [], error: null, requiresGrad: true, isLeaf: false });
		expect(info.y).toMatchObject({ shape: [11, 1], requiresGrad: false, isLeaf: true });
	});

	it('an op whose inputs need no grad is a leaf that does not require grad', () => {
		const info = byName(
			doc([leaf('n1', 'a', [2]), opNode('n2', 'exp', 'e')], [['n1', 'n2', 'input']])
		);
		expect(info.e).toMatchObject({ shape: [2], requiresGrad: false, isLeaf: true });
	});
});

describe("shape errors carry PyTorch's message", () => {
	it('broadcasting', () => {
		const d = doc(
			[
				leaf('n1', 'a', [3]),
				leaf('n2', 'b', [4]),
				opNode('n3', 'add', 'c'),
				opNode('n4', 'exp', 'd')
			],
			[
				['n1', 'n3', 'input'],
				['n2', 'n3', 'other'],
				['n3', 'n4', 'input']
			]
		);
		const info = byName(d);
		const expected = torchMessage(() => torch.zeros([3]).add(torch.zeros([4])));
		expect(expected).toBe(
			'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0'
		);
		expect(info.c).toMatchObject({ shape: null, error: expected, errorKind: 'RuntimeError' });
		// Downstream of an error: unknown shape, no error of its own.
		expect(info.d).toMatchObject({ shape: null, error: null });
	});

	it('matmul', () => {
		const d = doc(
			[leaf('n1', 'a', [2, 3]), leaf('n2', 'b', [4, 5]), opNode('n3', 'matmul', 'c')],
			[
				['n1', 'n3', 'input'],
				['n2', 'n3', 'other']
			]
		);
		expect(byName(d).c.error).toBe('mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
	});

	it('a reduction dim out of range (IndexError)', () => {
		const d = doc(
			[leaf('n1', 'a', [3, 4]), opNode('n2', 'sum', 's', { dim: 2 })],
			[['n1', 'n2', 'input']]
		);
		expect(byName(d).s).toMatchObject({
			error: 'Dimension out of range (expected to be in range of [-2, 1], but got 2)',
			errorKind: 'IndexError'
		});
	});

	it('sum with dim and keepdim', () => {
		const d = doc(
			[
				leaf('n1', 'a', [3, 4]),
				opNode('n2', 'sum', 's', { dim: [0], keepdim: true }),
				opNode('n3', 'mean', 'm', { dim: -1 })
			],
			[
				['n1', 'n2', 'input'],
				['n1', 'n3', 'input']
			]
		);
		const info = byName(d);
		expect([info.s.shape, info.m.shape]).toEqual([[1, 4], [3]]);
	});

	it('reshape and expand', () => {
		const d = doc(
			[
				leaf('n1', 'a', [2, 6]),
				opNode('n2', 'reshape', 'r', { shape: [3, -1] }),
				opNode('n3', 'reshape', 'bad', { shape: [5] }),
				opNode('n4', 'expand', 'e', { size: [4, 2, 6] })
			],
			[
				['n1', 'n2', 'input'],
				['n1', 'n3', 'input'],
				['n1', 'n4', 'input']
			]
		);
		const info = byName(d);
		expect(info.r.shape).toEqual([3, 4]);
		expect(info.bad.error).toBe("shape '[5]' is invalid for input of size 12");
		expect(info.e.shape).toEqual([4, 2, 6]);
	});

	it('an op output over the size limit', () => {
		const d = doc(
			[leaf('n1', 'a', [1]), opNode('n2', 'expand', 'e', { size: [100000, 100000] })],
			[['n1', 'n2', 'input']]
		);
		expect(byName(d).e.error).toMatch(/^a tensor of 10000000000 elements exceeds/);
	});

	it('mse_loss with different shapes: a warning, captured (not printed), as PyTorch warns', () => {
		const d = doc(
			[leaf('n1', 'p', [3]), leaf('n2', 't', [3, 1]), opNode('n3', 'mse_loss', 'l')],
			[
				['n1', 'n3', 'input'],
				['n2', 'n3', 'target']
			]
		);
		const printed: string[] = [];
		const previous = torch.setWarningHandler((m) => printed.push(m));
		try {
			const info = byName(d).l;
			expect(info.shape).toEqual([]);
			expect(info.warning).toMatch(
				/^Using a target size \(torch.Size\(\[3, 1\]\)\) that is different to the input size/
			);
			expect(printed).toEqual([]);
		} finally {
			torch.setWarningHandler(previous);
		}
	});

	it('missing inputs', () => {
		const d = doc(
			[
				leaf('n1', 'a', [3]),
				opNode('n2', 'add', 'c'),
				opNode('n3', 'mul', 'm'),
				opNode('n4', 'linear', 'lin')
			],
			[
				['n1', 'n2', 'input'],
				['n1', 'n4', 'input']
			]
		);
		const info = byName(d);
		expect(info.c).toMatchObject({
			shape: null,
			error: 'missing input: other',
			missingInputs: ['other']
		});
		expect(info.m).toMatchObject({
			error: 'missing inputs: input, other',
			missingInputs: ['input', 'other']
		});
		// linear's bias is optional.
		expect(info.lin.missingInputs).toEqual(['weight']);
		// Only missing inputs: work in progress (the canvas marks it so, not as a failure).
		expect([info.c.incomplete, info.m.incomplete, info.lin.incomplete]).toEqual([true, true, true]);
	});

	it('an attribute error comes first: the node is wrong, not just incomplete', () => {
		const d = doc([leaf('n1', 'a', [3]), opNode('n2', 'sum', 's', { dim: 'x' })]);
		const info = byName(d);
		expect(info.s).toMatchObject({ error: 'dim: expected an integer or a list of integers' });
		expect(info.s.missingInputs).toEqual(['input']);
		expect(info.s.incomplete).toBeUndefined();
		expect(info.a.incomplete).toBeUndefined();
	});

	it('linear without its optional bias', () => {
		const d = doc(
			[leaf('n1', 'x', [5, 3]), leaf('n2', 'w', [2, 3]), opNode('n3', 'linear', 'lin')],
			[
				['n1', 'n3', 'input'],
				['n2', 'n3', 'weight']
			]
		);
		expect(byName(d).lin).toMatchObject({ shape: [5, 2], error: null, missingInputs: [] });
	});

	it("retain_grad on a tensor that does not require grad: PyTorch's error", () => {
		const d = doc(
			[leaf('n1', 'a', [2]), opNode('n2', 'exp', 'e', { retainGrad: true })],
			[['n1', 'n2', 'input']]
		);
		expect(byName(d).e.error).toBe("can't retain_grad on Tensor that has requires_grad=False");
	});

	it('a cycle or an unknown op marks its nodes and never throws', () => {
		const d = doc(
			[
				leaf('n1', 'a', [1]),
				opNode('n2', 'add', 'p'),
				opNode('n3', 'exp', 'q'),
				opNode('n4', 'conv9', 'r')
			],
			[
				['n1', 'n2', 'input'],
				['n3', 'n2', 'other'],
				['n2', 'n3', 'input']
			]
		);
		const info = byName(d);
		expect(info.a.shape).toEqual([1]);
		expect(info.p.error).toBe('this node is in a cycle, or reads from one');
		expect(info.q.error).toBe('this node is in a cycle, or reads from one');
		expect(info.r.error).toBe("unknown op 'conv9'");
	});
});

describe('order and sinks', () => {
	it('orders every node after its inputs, reading like code', () => {
		expect(topologicalOrder(example('chain-rule'))).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
		const d = example('chain-rule');
		d.nodes.reverse();
		const order = topologicalOrder(d);
		for (const edge of d.edges)
			expect(order.indexOf(edge.source)).toBeLessThan(order.indexOf(edge.target));
	});

	it('sinks are the nodes nothing reads', () => {
		expect(sinks(example('linear-regression'))).toEqual(['n6']);
		const d = example('chain-rule');
		d.edges.pop();
		expect(sinks(d)).toEqual(['n3', 'n5']);
	});
});

describe('checkConnection', () => {
	const partial = () =>
		doc(
			[
				leaf('n1', 'a', [3]),
				leaf('n2', 'b', [4]),
				leaf('n3', 'c', [3]),
				opNode('n4', 'add', 's'),
				opNode('n5', 'exp', 'e')
			],
			[
				['n1', 'n4', 'input'],
				['n4', 'n5', 'input']
			]
		);

	it('accepts a good wire', () => {
		expect(
			checkConnection(partial(), { source: 'n3', target: 'n4', targetInput: 'other' })
		).toEqual({ ok: true });
	});

	it('refuses a self loop', () => {
		expect(
			checkConnection(partial(), { source: 'n4', target: 'n4', targetInput: 'other' })
		).toMatchObject({
			ok: false,
			code: 'self-loop'
		});
	});

	it('refuses a cycle', () => {
		expect(
			checkConnection(partial(), { source: 'n5', target: 'n4', targetInput: 'other' })
		).toEqual({
			ok: false,
			code: 'cycle',
			reason: 'this wire would make a cycle (s already feeds e)',
			params: { target: 's', source: 'e' }
		});
	});

	it('refuses an input that is already connected', () => {
		expect(
			checkConnection(partial(), { source: 'n3', target: 'n4', targetInput: 'input' })
		).toEqual({
			ok: false,
			code: 'connected',
			reason: "input 'input' of s is already connected",
			params: { input: 'input', name: 's' }
		});
	});

	it('refuses an unknown input, a leaf target and an unknown node', () => {
		const d = partial();
		expect(checkConnection(d, { source: 'n3', target: 'n4', targetInput: 'target' })).toEqual({
			ok: false,
			code: 'unknown-input',
			reason: "add has no input 'target' (its inputs: input, other)",
			params: { op: 'add', input: 'target', inputs: 'input, other' }
		});
		expect(checkConnection(d, { source: 'n3', target: 'n1', targetInput: 'input' })).toMatchObject({
			code: 'no-inputs'
		});
		expect(checkConnection(d, { source: 'zz', target: 'n4', targetInput: 'other' })).toMatchObject({
			code: 'unknown-node'
		});
	});

	it("refuses a shape mismatch with PyTorch's message, computed as if connected", () => {
		expect(
			checkConnection(partial(), { source: 'n2', target: 'n4', targetInput: 'other' })
		).toEqual({
			ok: false,
			code: 'shape',
			reason:
				'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0',
			params: {
				reason:
					'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0'
			}
		});
	});

	it('lets a wire into an op with other inputs still missing through (nothing to check yet)', () => {
		const d = doc([leaf('n1', 'a', [2, 3]), opNode('n2', 'matmul', 'm')]);
		expect(checkConnection(d, { source: 'n1', target: 'n2', targetInput: 'other' })).toEqual({
			ok: true
		});
	});

	it('checks matmul and linear shapes', () => {
		const d = doc(
			[leaf('n1', 'x', [11, 1]), leaf('n2', 'w', [2, 3]), opNode('n3', 'linear', 'lin')],
			[['n1', 'n3', 'input']]
		);
		expect(checkConnection(d, { source: 'n2', target: 'n3', targetInput: 'weight' })).toEqual({
			ok: false,
			code: 'shape',
			reason: 'mat1 and mat2 shapes cannot be multiplied (11x1 and 3x2)',
			params: { reason: 'mat1 and mat2 shapes cannot be multiplied (11x1 and 3x2)' }
		});
	});

	it('says each refusal in the UI language, with the names in it', () => {
		const d = partial();
		const said = (locale: 'en' | 'zh', c: Parameters<typeof checkConnection>[1]) => {
			const verdict = checkConnection(d, c);
			if (verdict.ok) throw new Error('expected a refusal');
			const refusal = wireRefusal(verdict);
			return translate(locale, `refusal.${refusal.code}`, refusal.params);
		};
		const cycle = { source: 'n5', target: 'n4', targetInput: 'other' };
		expect(said('en', cycle)).toBe('this wire would make a cycle (s already feeds e)');
		expect(said('zh', cycle)).toBe('这条连线会形成环（s 已经流向 e）');
		const taken = { source: 'n3', target: 'n4', targetInput: 'input' };
		expect(said('zh', taken)).toBe("s 的输入 'input' 已经连上了");
		expect(said('zh', { source: 'n4', target: 'n4', targetInput: 'other' })).toBe(
			'节点不能连到自己'
		);
		// PyTorch's own message stays verbatim inside the translated sentence.
		expect(said('zh', { source: 'n2', target: 'n4', targetInput: 'other' })).toBe(
			'形状不匹配：The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0'
		);
		// Every kind of refusal has its words in both languages.
		for (const code of [
			'self-loop',
			'no-inputs',
			'unknown-input',
			'connected',
			'cycle',
			'shape',
			'unknown-node',
			'unknown-op'
		] as const) {
			const refusal = wireRefusal({ ok: false, code, reason: 'r', params: {} });
			expect(MESSAGES.en[`refusal.${refusal.code}`], code).toBeTruthy();
			expect(MESSAGES.zh[`refusal.${refusal.code}`], code).toBeTruthy();
		}
	});
});
