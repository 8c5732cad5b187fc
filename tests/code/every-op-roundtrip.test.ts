/**
 * Every registry op a graph may hold survives graph -> code -> graph, in each way the generator
 * writes it: as its own assignment, inlined into its one consumer (an automatically named node),
 * and, for the arithmetic ops, with a 0-d constant written as a Python number. Driven by the
 * registry: a new op fails here until it gets its cases in CASES below.
 */
import { describe, expect, it } from 'vitest';
import { OP_LIST } from '$lib/engine';
import { FUNCTIONAL_OPS, INFIX_OPS, METHOD_OPS, PREFIX_OPS, TORCH_OPS } from '$lib/code/bindings';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	inferShapes,
	LEAF_OP,
	validateDocument,
	type GraphDocument,
	type GraphNode,
	type LeafNode,
	type OpNode
} from '$lib/graph';
import { roundTrip } from './helpers';

interface Case {
	/** The shape of the leaf wired to each input. */
	inputs: Record<string, number[]>;
	attrs?: Record<string, unknown>;
}

const UNARY: Case[] = [{ inputs: { input: [2, 3] } }];
const BINARY: Case[] = [
	{ inputs: { input: [2, 3], other: [2, 3] } },
	{ inputs: { input: [2, 3], other: [3] } }
];
const REDUCTION: Case[] = [
	{ inputs: { input: [2, 3] } },
	{ inputs: { input: [2, 3] }, attrs: { dim: 1 } },
	{ inputs: { input: [2, 3] }, attrs: { dim: [0, 1], keepdim: true } }
];

const CASES: Record<string, Case[]> = {
	add: BINARY,
	sub: BINARY,
	mul: BINARY,
	div: BINARY,
	pow: [{ inputs: { input: [2, 3], exponent: [] } }, { inputs: { input: [2, 3], exponent: [3] } }],
	neg: UNARY,
	exp: UNARY,
	log: UNARY,
	sqrt: UNARY,
	relu: UNARY,
	tanh: UNARY,
	sigmoid: UNARY,
	abs: UNARY,
	clamp: [
		{ inputs: { input: [2, 3] }, attrs: { min: -0.5, max: 0.5 } },
		{ inputs: { input: [2, 3] }, attrs: { min: 0 } },
		{ inputs: { input: [2, 3] }, attrs: { max: 1.5 } }
	],
	sum: REDUCTION,
	mean: REDUCTION,
	matmul: [{ inputs: { input: [2, 3], other: [3, 4] } }, { inputs: { input: [3], other: [3] } }],
	transpose: [
		{ inputs: { input: [2, 3] }, attrs: { dim0: 0, dim1: 1 } },
		{ inputs: { input: [2, 3, 4] }, attrs: { dim0: 0, dim1: 2 } },
		{ inputs: { input: [3] }, attrs: { dim0: 0, dim1: 0 } }
	],
	reshape: [
		{ inputs: { input: [2, 3] }, attrs: { shape: [3, 2] } },
		{ inputs: { input: [2, 3] }, attrs: { shape: [-1] } }
	],
	expand: [{ inputs: { input: [1, 3] }, attrs: { size: [2, 3] } }],
	mse_loss: [
		{ inputs: { input: [2, 3], target: [2, 3] } },
		{ inputs: { input: [2, 3], target: [2, 3] }, attrs: { reduction: 'sum' } },
		{ inputs: { input: [2, 3], target: [2, 3] }, attrs: { reduction: 'none' } }
	],
	linear: [
		{ inputs: { input: [4, 3], weight: [2, 3], bias: [2] } },
		{ inputs: { input: [4, 3], weight: [2, 3] } }
	],
	log_softmax: [
		{ inputs: { input: [2, 3] }, attrs: { dim: 1 } },
		{ inputs: { input: [2, 3] }, attrs: { dim: 0 } }
	]
};

/** Ops that take a 0-d constant as a Python number (`x * 2.5`). */
const TAKES_NUMBER: Record<string, string> = {
	add: 'other',
	sub: 'other',
	mul: 'other',
	div: 'other',
	pow: 'exponent'
};

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

type Form = 'assigned' | 'inlined' | 'number';

/**
 * A graph around one op: a leaf per input (positive values, so that log and sqrt are defined),
 * the op, and for `inlined` a sum that reads it. `number` makes the op's second operand a 0-d
 * constant without grad.
 */
function graphFor(opId: string, c: Case, form: Form): GraphDocument {
	const nodes: GraphNode[] = [];
	const edges: GraphDocument['edges'] = [];
	let next = 1;
	const add = (node: Omit<LeafNode, 'id' | 'position'> | Omit<OpNode, 'id' | 'position'>) => {
		const id = `n${next++}`;
		nodes.push({ id, position: { x: 0, y: 0 }, ...node });
		return id;
	};
	const sources = Object.entries(c.inputs).map(([input, shape], i) => {
		const constant = form === 'number' && input === TAKES_NUMBER[opId];
		const values = Array.from({ length: numel(shape) }, (_, k) => 0.5 + 0.25 * (k + i));
		const id = add({
			op: LEAF_OP,
			name: constant ? 't1' : `x${i}`,
			attrs: { shape, init: 'values', values, requiresGrad: !constant }
		});
		return [input, id] as const;
	});
	const op = add({
		op: opId,
		name: form === 'inlined' ? `${opId}1` : 'out',
		attrs: { ...(c.attrs ?? {}) }
	});
	for (const [input, source] of sources) {
		edges.push({ id: `e${edges.length + 1}`, source, target: op, targetInput: input });
	}
	if (form === 'inlined') {
		const sum = add({ op: 'sum', name: 'loss', attrs: {} });
		edges.push({ id: `e${edges.length + 1}`, source: op, target: sum, targetInput: 'input' });
	}
	return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
}

const publicOps = OP_LIST.filter((op) => !op.internal);
const cases = publicOps.flatMap((op) =>
	(CASES[op.id] ?? []).flatMap((c, k) => {
		const forms: Form[] = ['assigned', 'inlined'];
		if (op.id in TAKES_NUMBER && numel(c.inputs[TAKES_NUMBER[op.id]]) === 1) forms.push('number');
		return forms.map((form) => [`${op.id} #${k + 1} ${form}`, op.id, c, form] as const);
	})
);

describe('every registry op survives graph -> code -> graph', () => {
	it('every op a graph may hold has cases, and no case names an unknown op', () => {
		expect(publicOps.filter((op) => CASES[op.id] === undefined).map((op) => op.id)).toEqual([]);
		const ids = new Set(publicOps.map((op) => op.id));
		expect(Object.keys(CASES).filter((id) => !ids.has(id))).toEqual([]);
	});

	it('every op a graph may hold has a Python binding, and no name or operator means two ops', () => {
		expect(publicOps.filter((op) => op.python === undefined).map((op) => op.id)).toEqual([]);
		const declared = (list: 'methods' | 'torch' | 'functional') =>
			OP_LIST.flatMap((op) => op.python?.[list] ?? []);
		const symbols = (key: 'infix' | 'prefix') =>
			OP_LIST.flatMap((op) => {
				const binding = op.python?.[key];
				return binding === undefined
					? []
					: [typeof binding === 'string' ? binding : binding.symbol];
			});
		// A name listed twice would leave the importer's lookup with the last op only.
		expect(METHOD_OPS.size).toBe(declared('methods').length);
		expect(TORCH_OPS.size).toBe(declared('torch').length);
		expect(FUNCTIONAL_OPS.size).toBe(declared('functional').length);
		expect(INFIX_OPS.size).toBe(symbols('infix').length);
		expect(PREFIX_OPS.size).toBe(symbols('prefix').length);
		expect(INFIX_OPS.size).toBeGreaterThan(0);
	});

	it('internal ops cannot be in a graph, so they have no Python form to round-trip', () => {
		for (const op of OP_LIST.filter((o) => o.internal)) {
			const doc = graphFor(op.id, { inputs: { input: [2] } }, 'assigned');
			expect(validateDocument(doc).ok, op.id).toBe(false);
		}
	});

	it.each(cases)('%s', (_name, opId, c, form) => {
		const doc = graphFor(opId, c, form);
		// Each case computes: a shape error would test the error path, not the binding.
		for (const [id, info] of inferShapes(doc)) expect(info.error, id).toBeNull();
		const code = roundTrip(doc);
		if (form === 'number') expect(code).toMatch(/ (\*\*|[-+*/]) 0\.75\b/);
		if (form === 'inlined') expect(code).not.toMatch(new RegExp(`^${opId}1 =`, 'm'));
		else expect(code).toMatch(/^out = /m);
	});
});
