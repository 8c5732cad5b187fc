/** Share links, compilation to engine calls, the examples and the palette. */
import { deflateSync, type FlateStreamHandler } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import * as torch from '$lib/engine';
import { OP_LIST, TorchError } from '$lib/engine';
import {
	compileGraph,
	decodeShareHash,
	encodeShareHash,
	EXAMPLES,
	failedNodeId,
	inferShapes,
	paletteEntries,
	validateDocument
} from '$lib/graph';
import { doc, example, leaf, opNode, problemsOf } from './helpers';

/** How many bytes the share-link decoder's inflate stream has produced (fflate's, counted). */
const inflated = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fflate', async (importOriginal) => {
	const fflate = await importOriginal<typeof import('fflate')>();
	class CountingInflate extends fflate.Inflate {
		constructor(cb?: FlateStreamHandler) {
			super({}, (chunk, final) => {
				inflated.bytes += chunk.length;
				cb?.(chunk, final);
			});
		}
	}
	return { ...fflate, Inflate: CountingInflate };
});

const toBase64Url = (bytes: Uint8Array) =>
	Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('share links', () => {
	it.each(EXAMPLES.map((e) => [e.id, e.doc] as const))(
		'%s round-trips through a URL-safe hash',
		async (_, d) => {
			const hash = await encodeShareHash(d);
			expect(hash).toMatch(/^g1\.[A-Za-z0-9_-]+$/);
			expect(await decodeShareHash(hash)).toEqual({ ok: true, doc: d });
			expect(await decodeShareHash('#' + hash)).toEqual({ ok: true, doc: d });
			expect(await decodeShareHash(`https://example.org/editor#${hash}`)).toEqual({
				ok: true,
				doc: d
			});
		}
	);

	it('is short for the examples', async () => {
		for (const e of EXAMPLES) expect((await encodeShareHash(e.doc)).length).toBeLessThan(600);
	});

	it.each([
		['', 'not an Autograd Canvas share link (it should start with g1.)', 'notLink'],
		['#hello', 'not an Autograd Canvas share link (it should start with g1.)', 'notLink'],
		['g1.abc$def', 'this share link is damaged (unexpected characters)', 'damaged'],
		['g1.', 'this share link is damaged (nothing follows g1.)', 'damaged'],
		['#g1.  ', 'this share link is damaged (nothing follows g1.)', 'damaged'],
		['g1.AAAAAAAAAA', 'this share link is damaged (it does not decompress)', 'damaged'],
		['g1.' + 'A'.repeat(8 * 1024 * 1024), 'this share link is too long', 'tooLong']
	])('refuses %s', async (hash, message, code) => {
		// The code lets the UI word the problem in its own language.
		expect(problemsOf(await decodeShareHash(hash))).toEqual([{ path: '', message, code }]);
	});

	it('refuses a compressed payload that is not a graph', async () => {
		const notJson = 'g1.' + toBase64Url(deflateSync(new TextEncoder().encode('hello')));
		expect(problemsOf(await decodeShareHash(notJson))[0].message).toMatch(/^not valid JSON/);
		const cyclic = example('chain-rule');
		cyclic.edges.push({ id: 'e9', source: 'n5', target: 'n5', targetInput: 'other' });
		cyclic.edges.splice(3, 1);
		const hash = 'g1.' + toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(cyclic))));
		expect(problemsOf(await decodeShareHash(hash))).toMatchObject([
			{ path: 'edges[3]', message: 'connects z to itself' }
		]);
	});

	it('refuses a zip bomb without inflating it all', async () => {
		const bomb =
			'g1.' + toBase64Url(deflateSync(new Uint8Array(64 * 1024 * 1024).fill(32), { level: 9 }));
		expect(bomb.length).toBeLessThan(200_000);
		inflated.bytes = 0;
		expect(problemsOf(await decodeShareHash(bomb))).toEqual([
			{ path: '', message: 'this share link holds more than a file may (5 MB)', code: 'tooBig' }
		]);
		// It stops just past the 5 MB limit (one input piece expands to at most ~1 MB more),
		// instead of inflating all 64 MB.
		expect(inflated.bytes).toBeGreaterThan(5 * 1024 * 1024);
		expect(inflated.bytes).toBeLessThan(7 * 1024 * 1024);
	});
});

/** The values of a tensor, as numbers. */
const values = (t: torch.Tensor) => Array.from(t.data as ArrayLike<number>);

describe('compileGraph', () => {
	it("autograd basics: y = sum(x + b), and backward gives PyTorch's grads", () => {
		const { tensors, order } = compileGraph(EXAMPLES[0].doc);
		expect(order).toEqual(['n1', 'n2', 'n3', 'n4']);
		const [x, b, t, y] = order.map((id) => tensors.get(id)!);
		expect(y.shape).toEqual([]);
		const expected = values(x).reduce((s, v, i) => s + v + values(b)[i], 0);
		expect(y.item()).toBeCloseTo(expected, 4);
		expect(t.gradFn?.name).toBe('AddBackward0');
		expect(y.gradFn?.name).toBe('SumBackward0');
		y.backward();
		expect(values(b.grad!)).toEqual(new Array(12).fill(1));
		expect(values(x.grad!)).toEqual(new Array(12).fill(1));
	});

	it('chain rule: z = w * x + b; x is a leaf without grad, w.grad = x, b.grad = 1', () => {
		const { tensors } = compileGraph(EXAMPLES[1].doc);
		const [x, w, b, y, z] = ['n1', 'n2', 'n3', 'n4', 'n5'].map((id) => tensors.get(id)!);
		expect(z.item()).toBeCloseTo(w.item() * x.item() + b.item(), 6);
		expect([x.requiresGrad, w.requiresGrad, b.requiresGrad, y.requiresGrad]).toEqual([
			false,
			true,
			true,
			true
		]);
		expect([x.isLeaf, w.isLeaf, b.isLeaf, y.isLeaf, z.isLeaf]).toEqual([
			true,
			true,
			true,
			false,
			false
		]);
		z.backward();
		expect(w.grad!.item()).toBeCloseTo(x.item(), 6);
		expect(b.grad!.item()).toBe(1);
	});

	it('linear regression: the loss equals the MSE computed directly', () => {
		const d = example('linear-regression');
		d.nodes[1].attrs = { shape: [1, 1], init: 'values', values: [0.5], requiresGrad: true };
		d.nodes[2].attrs = { shape: [1], init: 'full', fill: -0.25, requiresGrad: true };
		const { tensors } = compileGraph(d);
		const loss = tensors.get('n6')!;
		expect(loss.gradFn?.name).toBe('MseLossBackward0');
		expect(tensors.get('n5')!.gradFn?.name).toBe('AddmmBackward0');
		let total = 0;
		for (let x = 0; x <= 10; x++) total += (0.5 * x - 0.25 - (2 * x + 1)) ** 2;
		expect(loss.item()).toBeCloseTo(total / 11, 4);
		expect(values(tensors.get('n1')!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		// The example itself starts at weight = bias = 0: loss = mean((2x + 1)^2) = 161.
		expect(compileGraph(EXAMPLES[2].doc).tensors.get('n6')!.item()).toBeCloseTo(161, 4);
	});

	it('seeds each random leaf, so values do not depend on the rest of the graph', () => {
		const first = compileGraph(EXAMPLES[1].doc).tensors.get('n2')!.item();
		const reordered = example('chain-rule');
		reordered.nodes.reverse();
		torch.manualSeed(12345);
		expect(compileGraph(reordered).tensors.get('n2')!.item()).toBe(first);
		torch.manualSeed(7);
		const w = torch.rand([1]);
		torch.manualSeed(2);
		expect(torch.rand([1]).item()).toBe(first);
		expect(w.item()).not.toBe(first);
	});

	it('builds every init', () => {
		const d = doc([
			{ ...leaf('n1', 'a', [2, 2]), attrs: { shape: [2, 2], init: 'ones', requiresGrad: false } },
			{
				...leaf('n2', 'b', [3]),
				attrs: { shape: [3], init: 'full', fill: 7, requiresGrad: false }
			},
			{
				...leaf('n3', 'c', [2]),
				attrs: { shape: [2], init: 'randn', seed: 4, requiresGrad: true }
			},
			{
				...leaf('n4', 'd', []),
				attrs: { shape: [], init: 'values', values: [3.5], requiresGrad: true }
			},
			leaf('n5', 'e', [2, 3])
		]);
		const { tensors } = compileGraph(d);
		expect(values(tensors.get('n1')!)).toEqual([1, 1, 1, 1]);
		expect(values(tensors.get('n2')!)).toEqual([7, 7, 7]);
		torch.manualSeed(4);
		expect(values(tensors.get('n3')!)).toEqual(values(torch.randn([2])));
		expect(tensors.get('n4')!.shape).toEqual([]);
		expect(tensors.get('n4')!.item()).toBe(3.5);
		expect(values(tensors.get('n5')!)).toEqual([0, 0, 0, 0, 0, 0]);
	});

	it('retains the grad of an op node that asks for it', () => {
		const d = example('chain-rule');
		d.nodes[3].attrs = { retainGrad: true };
		const { tensors } = compileGraph(d);
		tensors.get('n5')!.backward();
		expect(tensors.get('n4')!.grad!.item()).toBe(1);
	});

	it("throws the failing node's TorchError with its nodeId", () => {
		const d = doc(
			[
				leaf('n1', 'a', [3]),
				leaf('n2', 'b', [4]),
				opNode('n3', 'add', 'c'),
				opNode('n4', 'exp', 'e')
			],
			[
				['n1', 'n3', 'input'],
				['n2', 'n3', 'other'],
				['n3', 'n4', 'input']
			]
		);
		const error = (() => {
			try {
				compileGraph(d);
			} catch (e) {
				return e;
			}
		})();
		expect(error).toBeInstanceOf(TorchError);
		expect(failedNodeId(error)).toBe('n3');
		expect((error as Error).message).toBe(inferShapes(d).get('n3')!.error);
	});

	it('throws for a missing input, and for an invalid document', () => {
		const missing = doc([leaf('n1', 'a', [3]), opNode('n2', 'add', 'c')], [['n1', 'n2', 'input']]);
		expect(() => compileGraph(missing)).toThrow('missing input: other');
		const invalid = example('chain-rule');
		invalid.nodes[2].op = 'conv9';
		try {
			compileGraph(invalid);
			expect.unreachable();
		} catch (error) {
			expect((error as TorchError).kind).toBe('ValueError');
			expect((error as Error).message).toBe("invalid graph: nodes[2].op: unknown op 'conv9'");
			expect(failedNodeId(error)).toBe('n3');
		}
	});
});

describe('examples and palette', () => {
	it('every example is valid, error-free, and laid out left to right', () => {
		expect(EXAMPLES.map((e) => e.title.en)).toEqual([
			'Autograd basics: y = sum(x + b)',
			'Chain rule: z = w * x + b',
			'Linear regression: y = 2x + 1'
		]);
		for (const e of EXAMPLES) {
			expect(validateDocument(e.doc)).toEqual({ ok: true, doc: e.doc });
			for (const info of inferShapes(e.doc).values()) expect(info.error).toBeNull();
			const x = new Map(e.doc.nodes.map((n) => [n.id, n.position.x]));
			for (const edge of e.doc.edges) expect(x.get(edge.source)!).toBeLessThan(x.get(edge.target)!);
			expect(e.title.zh.length).toBeGreaterThan(0);
		}
	});

	it('lists the leaves, then every op that is not internal, grouped by category', () => {
		const entries = paletteEntries();
		expect(entries.slice(0, 4).map((e) => [e.id, e.category])).toEqual([
			['x', 'tensors'],
			['w', 'tensors'],
			['b', 'tensors'],
			['tensor', 'tensors']
		]);
		const ops = OP_LIST.filter((op) => !op.internal);
		expect(
			entries
				.slice(4)
				.map((e) => e.id)
				.sort()
		).toEqual(ops.map((op) => op.id).sort());
		expect(entries.some((e) => e.id === 'threshold_backward')).toBe(false);
		const add = entries.find((e) => e.id === 'add')!;
		expect(add).toEqual({ id: 'add', category: 'arithmetic', label: 'add', symbol: '+' });
		const categories = entries.map((e) => e.category);
		expect(categories).toEqual([...categories].sort((a, b) => order(a) - order(b)));
	});
});

const order = (category: string) =>
	['tensors', 'arithmetic', 'reductions', 'linear algebra', 'activations', 'losses'].indexOf(
		category
	);
