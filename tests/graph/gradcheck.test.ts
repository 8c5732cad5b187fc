/**
 * "Check gradient" (graph/gradcheck.ts) through the trace runner's protocol, as the app calls it:
 * Forward, Backward, then a check of a node. Over the examples, every palette op of the registry,
 * a deliberately wrong backward formula, accumulated grads, a kink, and the size bound.
 */
import { afterEach, describe, expect, it, test } from 'vitest';
import { Mulberry32, OP_LIST, OPS, type OpDef } from '$lib/engine';
import {
	GRADCHECK_ATOL,
	GRADCHECK_RTOL,
	nestedList,
	type GradcheckReport,
	type GraphDocument,
	type GraphNode,
	type LeafCheck
} from '$lib/graph';
import { checkGradients, pickElements } from '$lib/graph/gradcheck';
import { InThreadRunner, type BackwardResult } from '$lib/graph/trace-runner';
import { example } from './helpers';

const idOf = (doc: GraphDocument, name: string) => doc.nodes.find((n) => n.name === name)!.id;

/** Forward, Backward from `outputName` (default: the single sink), then check `nodeName`. */
async function check(
	doc: GraphDocument,
	nodeName: string,
	options: { outputName?: string; passes?: number } = {}
) {
	const runner = new InThreadRunner();
	const forward = await runner.forward(doc);
	expect(forward.error).toBeNull();
	const outputId = options.outputName === undefined ? null : idOf(doc, options.outputName);
	const passes = options.passes ?? 1;
	let backward: BackwardResult | null = null;
	for (let k = 0; k < passes; k++) {
		backward = await runner.backward(outputId, k < passes - 1);
		expect(backward.error).toBeNull();
	}
	const report: GradcheckReport = await runner.gradcheck(idOf(doc, nodeName));
	return { report, runner, forward, backward: backward! };
}

function leavesOf(report: GradcheckReport): LeafCheck[] {
	if (!report.ok) throw new Error(`the check was refused: ${report.problem} ${report.message}`);
	return report.leaves;
}

/** Every element agrees within gradcheck's tolerance, and the shown grad is passes × float64. */
function expectAllAgree(leaf: LeafCheck) {
	expect(leaf.elements.length).toBeGreaterThan(0);
	for (const e of leaf.elements) {
		expect(e.status, `${leaf.name}[${e.index}]`).toBe('ok');
		expect(Math.abs(e.analytic - e.numerical)).toBeLessThanOrEqual(
			GRADCHECK_ATOL + GRADCHECK_RTOL * Math.abs(e.numerical)
		);
		expect(e.shown).not.toBeNull();
		expect(e.shown!).toBeCloseTo(leaf.passes * e.analytic, 4);
	}
}

describe('the examples', () => {
	it('autograd basics: every element of x and b checks out, and matches the shown .grad', async () => {
		const doc = example('autograd-basics');
		const { report } = await check(doc, 'y');
		const leaves = leavesOf(report);
		expect(leaves.map((l) => l.name)).toEqual(['x', 'b']);
		for (const leaf of leaves) {
			expect(leaf.numel).toBe(12);
			expect(leaf.elements.map((e) => e.index)).toEqual([...Array(12).keys()]);
			expect(leaf.passes).toBe(1);
			expectAllAgree(leaf);
			// d sum(x + b) / dx = 1 everywhere.
			for (const e of leaf.elements) expect(e.numerical).toBeCloseTo(1, 6);
		}
	});

	it('chain rule: from t only the leaves t depends on that reach the output, with positions', async () => {
		const doc = example('chain-rule');
		const { report } = await check(doc, 'y');
		const leaves = leavesOf(report);
		// x does not require grad: only w.
		expect(leaves.map((l) => l.name)).toEqual(['w']);
		expectAllAgree(leaves[0]);
		expect(leaves[0].elements[0].position).toEqual([0]);
	});

	it('linear regression: weight and bias against the finite differences of the loss', async () => {
		const doc = example('linear-regression');
		const { report, backward } = await check(doc, 'loss');
		const leaves = leavesOf(report);
		expect(leaves.map((l) => l.name)).toEqual(['weight', 'bias']);
		for (const leaf of leaves) expectAllAgree(leaf);
		// The shown .grad is the trace's (what the node displays).
		const after = backward.after.grads;
		const weightGrad = nestedList(after.get(idOf(doc, 'weight'))!) as number[][];
		expect(leaves[0].elements[0].shown).toBe(weightGrad[0][0]);
		// weight starts at 0: dL/dw = mean(2 (0 - y) x) = -2 mean((2x + 1) x) = -150.
		expect(leaves[0].elements[0].numerical).toBeCloseTo(-150, 4);
	});
});

// ---- every palette op of the registry ----

type Domain = 'any' | 'positive' | 'awayFromZero' | 'awayFromKink';
const DOMAINS: Record<Domain, (r: Mulberry32) => number> = {
	any: (r) => 4 * r.next() - 2,
	positive: (r) => 0.2 + 2.8 * r.next(),
	awayFromZero: (r) => (r.next() < 0.5 ? -1 : 1) * (0.5 + 1.5 * r.next()),
	// Also away from clamp's bounds ±0.5 below.
	awayFromKink: (r) =>
		(r.next() < 0.5 ? -1 : 1) * (0.1 + 0.3 * r.next() + (r.next() < 0.5 ? 0 : 0.6))
};

interface OpCase {
	/** One leaf per input, in the op's argument order: its shape and where its values come from. */
	inputs: [number[], Domain][];
	attrs?: Record<string, unknown>;
}

/** A case for every op the palette offers; the coverage test below fails for a new one. */
const CASES: Record<string, OpCase> = {
	add: {
		inputs: [
			[[2, 3], 'any'],
			[[3], 'any']
		]
	},
	sub: {
		inputs: [
			[[2, 3], 'any'],
			[[2, 1], 'any']
		]
	},
	mul: {
		inputs: [
			[[2, 3], 'any'],
			[[1, 3], 'any']
		]
	},
	div: {
		inputs: [
			[[2, 3], 'any'],
			[[2, 3], 'awayFromZero']
		]
	},
	pow: {
		inputs: [
			[[2, 3], 'positive'],
			[[2, 3], 'any']
		]
	},
	neg: { inputs: [[[2, 3], 'any']] },
	exp: { inputs: [[[2, 3], 'any']] },
	log: { inputs: [[[2, 3], 'positive']] },
	sqrt: { inputs: [[[2, 3], 'positive']] },
	abs: { inputs: [[[2, 3], 'awayFromKink']] },
	clamp: { inputs: [[[2, 3], 'awayFromKink']], attrs: { min: -0.5, max: 0.5 } },
	relu: { inputs: [[[2, 3], 'awayFromKink']] },
	tanh: { inputs: [[[2, 3], 'any']] },
	sigmoid: { inputs: [[[2, 3], 'any']] },
	log_softmax: { inputs: [[[2, 3], 'any']], attrs: { dim: 1 } },
	sum: { inputs: [[[2, 3], 'any']], attrs: { dim: [1], keepdim: true } },
	mean: { inputs: [[[2, 3], 'any']], attrs: { dim: [0] } },
	matmul: {
		inputs: [
			[[2, 3], 'any'],
			[[3, 2], 'any']
		]
	},
	transpose: { inputs: [[[2, 3], 'any']], attrs: { dim0: 0, dim1: 1 } },
	reshape: { inputs: [[[2, 3], 'any']], attrs: { shape: [3, 2] } },
	expand: { inputs: [[[1, 3], 'any']], attrs: { size: [2, 3] } },
	linear: {
		inputs: [
			[[4, 3], 'any'],
			[[2, 3], 'any'],
			[[2], 'any']
		]
	},
	mse_loss: {
		inputs: [
			[[2, 3], 'any'],
			[[2, 3], 'any']
		],
		attrs: { reduction: 'mean' }
	}
};

const PALETTE_OPS = OP_LIST.filter((op) => !op.internal);

/** leaves -> op -> sum (a weighted sum, so every output element counts differently). */
function opGraph(op: OpDef, c: OpCase, seed: number): GraphDocument {
	const rng = new Mulberry32(seed);
	const nodes: GraphNode[] = [];
	const edges: GraphDocument['edges'] = [];
	const position = { x: 0, y: 0 };
	c.inputs.forEach(([shape, domain], k) => {
		const size = shape.reduce((n, s) => n * s, 1);
		const values = Array.from({ length: size }, () => Math.fround(DOMAINS[domain](rng)));
		nodes.push({
			id: `in${k}`,
			op: 'tensor',
			name: op.inputs[k],
			position,
			attrs: { shape, init: 'values', values, requiresGrad: true }
		});
		edges.push({ id: `e${k}`, source: `in${k}`, target: 'op', targetInput: op.inputs[k] });
	});
	nodes.push({
		id: 'op',
		op: op.id,
		name: 'out',
		position,
		...(c.attrs ? { attrs: c.attrs } : {})
	});
	nodes.push({ id: 'sq', op: 'mul', name: 'squared', position });
	nodes.push({ id: 'loss', op: 'sum', name: 'loss', position, attrs: { keepdim: false } });
	edges.push(
		{ id: 'e-a', source: 'op', target: 'sq', targetInput: 'input' },
		{ id: 'e-b', source: 'op', target: 'sq', targetInput: 'other' },
		{ id: 'e-c', source: 'sq', target: 'loss', targetInput: 'input' }
	);
	return { format: 'autograd-canvas.graph', version: 1, nodes, edges };
}

describe('every palette op', () => {
	it('has a case (a new op fails here until it gets one)', () => {
		expect(PALETTE_OPS.map((op) => op.id).sort()).toEqual(Object.keys(CASES).sort());
	});

	test.each(PALETTE_OPS.map((op) => [op.id, op] as const))(
		'%s: the float64 backward matches central differences',
		async (_id, op) => {
			const c = CASES[op.id];
			const doc = opGraph(op, c, 17);
			const { report } = await check(doc, 'out');
			const leaves = leavesOf(report);
			expect(leaves.map((l) => l.nodeId)).toEqual(c.inputs.map((_, k) => `in${k}`));
			for (const leaf of leaves) expectAllAgree(leaf);
		}
	);
});

describe('a wrong formula', () => {
	const original = OPS.mul.vjp;
	afterEach(() => {
		OPS.mul.vjp = original;
	});

	it("is caught: mul's backward patched to double its input grad shows as a mismatch", async () => {
		OPS.mul.vjp = (ctx, outputGrad) => {
			const grads = original(ctx, outputGrad);
			return [grads[0] ? grads[0].mul(2) : null, grads[1]];
		};
		const doc = example('chain-rule');
		const { report } = await check(doc, 'z');
		const [w, b] = leavesOf(report);
		expect(w.name).toBe('w');
		expect(w.elements[0].status).toBe('mismatch');
		expect(w.elements[0].analytic).toBeCloseTo(2 * w.elements[0].numerical, 6);
		expect(w.elements[0].relativeError).toBeCloseTo(1, 6);
		// b's path has no mul: it still checks out.
		expectAllAgree(b);
	});

	it('is not reported once the formula is restored', async () => {
		const { report } = await check(example('chain-rule'), 'z');
		for (const leaf of leavesOf(report)) expectAllAgree(leaf);
	});
});

describe('accumulated grads', () => {
	it('three Backward passes without zero_grad: the shown .grad is 3 x the numerical one, ok', async () => {
		const doc = example('linear-regression');
		const { report } = await check(doc, 'loss', { passes: 3 });
		for (const leaf of leavesOf(report)) {
			expect(leaf.passes).toBe(3);
			expectAllAgree(leaf);
			for (const e of leaf.elements) expect(e.shown!).toBeCloseTo(3 * e.numerical, 3);
		}
	});

	it('after zero_grad the shown .grad is None; the formula is still checked', async () => {
		const doc = example('autograd-basics');
		const { runner } = await check(doc, 'y');
		await runner.zeroGrad();
		const leaves = leavesOf(await runner.gradcheck(idOf(doc, 'y')));
		for (const leaf of leaves) {
			expect(leaf.passes).toBe(0);
			for (const e of leaf.elements) {
				expect(e.shown).toBeNull();
				expect(e.status).toBe('ok');
			}
		}
	});

	it('a .grad accumulated from another output is not passed off as this one', async () => {
		// q = y * y beside z = y + b: Backward from q, then from z (retain_graph). w's .grad is
		// dq/dw + dz/dw = 2yx + x, not 2 x dz/dw: z's check says the shown grad differs.
		const doc = example('chain-rule');
		const y = idOf(doc, 'y');
		doc.nodes.push({ id: 'q', op: 'mul', name: 'q', position: { x: 0, y: 600 } });
		doc.edges.push(
			{ id: 'eq1', source: y, target: 'q', targetInput: 'input' },
			{ id: 'eq2', source: y, target: 'q', targetInput: 'other' }
		);
		const runner = new InThreadRunner();
		await runner.forward(doc);
		expect((await runner.backward('q', true)).error).toBeNull();
		expect((await runner.backward(idOf(doc, 'z'), true)).error).toBeNull();
		const [w, b] = leavesOf(await runner.gradcheck(idOf(doc, 'z')));
		expect(w.passes).toBe(2);
		expect(w.elements[0].status).toBe('shownDiffers');
		// b only got dz/db, once.
		expect(b.passes).toBe(1);
		expect(b.elements[0].status).toBe('ok');
	});
});

describe('where it cannot say', () => {
	it('relu at 0 is not differentiable there, not a wrong formula', async () => {
		const doc: GraphDocument = {
			format: 'autograd-canvas.graph',
			version: 1,
			nodes: [
				{
					id: 'x',
					op: 'tensor',
					name: 'x',
					position: { x: 0, y: 0 },
					attrs: { shape: [3], init: 'values', values: [0, 1.5, -1], requiresGrad: true }
				},
				{ id: 'r', op: 'relu', name: 'r', position: { x: 0, y: 0 } },
				{ id: 's', op: 'sum', name: 's', position: { x: 0, y: 0 } }
			],
			edges: [
				{ id: 'e1', source: 'x', target: 'r', targetInput: 'input' },
				{ id: 'e2', source: 'r', target: 's', targetInput: 'input' }
			]
		};
		const { report } = await check(doc, 's');
		const [x] = leavesOf(report);
		expect(x.elements.map((e) => e.status)).toEqual(['kink', 'ok', 'ok']);
		expect(x.elements[0].numerical).toBeCloseTo(0.5, 6);
	});

	it('a node without leaves that require grad is refused with the reason', async () => {
		const doc = example('chain-rule');
		const { report } = await check(doc, 'x');
		expect(report).toMatchObject({ ok: false, problem: 'noLeaves' });
	});

	it('before any Backward it is refused', async () => {
		const runner = new InThreadRunner();
		const doc = example('chain-rule');
		await runner.forward(doc);
		expect(await runner.gradcheck(idOf(doc, 'z'))).toMatchObject({
			ok: false,
			problem: 'noBackward'
		});
	});
});

describe('the size bound', () => {
	function bigDoc(side: number): GraphDocument {
		const leafNode = (id: string, seed: number, requiresGrad: boolean): GraphNode => ({
			id,
			op: 'tensor',
			name: id,
			position: { x: 0, y: 0 },
			attrs: { shape: [side, side], init: 'randn', seed, requiresGrad }
		});
		return {
			format: 'autograd-canvas.graph',
			version: 1,
			nodes: [
				leafNode('x', 1, true),
				leafNode('w', 2, false),
				{ id: 'y', op: 'mul', name: 'y', position: { x: 0, y: 0 } },
				{ id: 's', op: 'sum', name: 's', position: { x: 0, y: 0 } }
			],
			edges: [
				{ id: 'e1', source: 'x', target: 'y', targetInput: 'input' },
				{ id: 'e2', source: 'w', target: 'y', targetInput: 'other' },
				{ id: 'e3', source: 'y', target: 's', targetInput: 'input' }
			]
		};
	}

	it('a 1024x1024 leaf: 32 of 1,048,576 elements, spread out, with the largest |grad|', async () => {
		const { report, forward } = await check(bigDoc(1024), 's');
		const [x] = leavesOf(report);
		expect(x.numel).toBe(1024 * 1024);
		expect(x.elements).toHaveLength(32);
		const indices = x.elements.map((e) => e.index);
		expect(new Set(indices).size).toBe(32);
		expect(indices).toEqual([...indices].sort((a, b) => a - b));
		expect(indices[0]).toBe(0);
		expect(indices.at(-1)).toBe(1024 * 1024 - 1);
		expectAllAgree(x);
		// dy/dx = w: the largest |w| is among the checked elements.
		const w = forward.steps.find((s) => s.nodeId === 'w')!.output.data;
		let largest = 0;
		for (let i = 1; i < w.length; i++) if (Math.abs(w[i]) > Math.abs(w[largest])) largest = i;
		expect(indices).toContain(largest);
	});

	it('past the FLOP budget even for one element per leaf, it is refused with the estimate', async () => {
		const runner = new InThreadRunner();
		await runner.forward(bigDoc(8));
		await runner.backward(null, false);
		const report = await runner.gradcheck('s');
		expect(leavesOf(report)[0].elements).toHaveLength(32);
		const refused = checkGradients({
			doc: bigDoc(8),
			nodeId: 's',
			outputId: 's',
			shown: () => ({ grad: null, passes: 0 }),
			flopBudget: 100
		});
		expect(refused).toMatchObject({ ok: false, problem: 'tooBig' });
		expect(refused.ok ? 0 : refused.flops).toBeGreaterThan(100);
	});

	it('pickElements: all of a small tensor; else max, spread, with the largest', () => {
		expect(pickElements([3, -1, 2], 32)).toEqual([0, 1, 2]);
		const grad = Array.from({ length: 100 }, (_, i) => (i === 57 ? -9 : 1));
		const picked = pickElements(grad, 5);
		expect(picked).toHaveLength(5);
		expect(picked).toContain(57);
		expect(picked).toContain(0);
		expect(picked).toContain(99);
	});
});
