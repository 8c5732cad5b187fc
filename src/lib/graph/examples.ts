/**
 * The tutorial's graphs, for the Examples menu. Laid out left to right: leaves in the first
 * column, each op one column right of its furthest input. The nodes are spaced for their size
 * after Forward and Backward (the editor's nodes are 220 px wide and do not grow with their
 * values): `top` is a node's top edge in px.
 */
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	LEAF_OP,
	type GraphDocument,
	type GraphEdge,
	type GraphNode,
	type LeafAttrs,
	type LeafNode,
	type OpNode
} from './types';

export interface Example {
	id: 'autograd-basics' | 'chain-rule' | 'linear-regression';
	title: { en: string; zh: string };
	doc: GraphDocument;
}

/** A column: a node's width (220 px) and the gap for the wires. */
const COLUMN = 280;

const leaf = (
	id: string,
	name: string,
	column: number,
	top: number,
	attrs: LeafAttrs
): LeafNode => ({
	id,
	op: LEAF_OP,
	name,
	position: { x: column * COLUMN, y: top },
	attrs: { ...attrs }
});

const op = (
	id: string,
	opId: string,
	name: string,
	column: number,
	top: number,
	attrs?: Record<string, unknown>
): OpNode => ({
	id,
	op: opId,
	name,
	position: { x: column * COLUMN, y: top },
	...(attrs === undefined ? {} : { attrs })
});

/** Edges `[source, target, targetInput]`, numbered e1, e2, ... */
const wires = (...list: [string, string, string][]): GraphEdge[] =>
	list.map(([source, target, targetInput], i) => ({
		id: `e${i + 1}`,
		source,
		target,
		targetInput
	}));

const doc = (nodes: GraphNode[], edges: GraphEdge[]): GraphDocument => ({
	format: GRAPH_FORMAT,
	version: GRAPH_VERSION,
	nodes,
	edges
});

/** x = 0..10 and y = 2x + 1, as 11x1 matrices (the tutorial's data). */
const XS = Array.from({ length: 11 }, (_, i) => i);

const EXAMPLE_LIST: Example[] = [
	{
		id: 'autograd-basics',
		title: { en: 'Autograd basics: y = sum(x + b)', zh: '自动求导入门：y = sum(x + b)' },
		doc: doc(
			[
				leaf('n1', 'x', 0, 0, { shape: [3, 4], init: 'randn', seed: 1, requiresGrad: true }),
				leaf('n2', 'b', 0, 262, { shape: [3, 4], init: 'randn', seed: 2, requiresGrad: true }),
				op('n3', 'add', 't', 1, 118),
				op('n4', 'sum', 'y', 2, 161, { keepdim: false })
			],
			wires(['n1', 'n3', 'input'], ['n2', 'n3', 'other'], ['n3', 'n4', 'input'])
		)
	},
	{
		id: 'chain-rule',
		title: { en: 'Chain rule: z = w * x + b', zh: '链式法则：z = w * x + b' },
		doc: doc(
			[
				leaf('n1', 'x', 0, 0, { shape: [1], init: 'rand', seed: 1, requiresGrad: false }),
				leaf('n2', 'w', 0, 190, { shape: [1], init: 'rand', seed: 2, requiresGrad: true }),
				leaf('n3', 'b', 0, 380, { shape: [1], init: 'rand', seed: 3, requiresGrad: true }),
				op('n4', 'mul', 'y', 1, 83),
				op('n5', 'add', 'z', 2, 225)
			],
			wires(
				['n2', 'n4', 'input'],
				['n1', 'n4', 'other'],
				['n4', 'n5', 'input'],
				['n3', 'n5', 'other']
			)
		)
	},
	{
		id: 'linear-regression',
		title: { en: 'Linear regression: y = 2x + 1', zh: '线性回归：y = 2x + 1' },
		doc: doc(
			[
				leaf('n1', 'x', 0, 0, { shape: [11, 1], init: 'arange', requiresGrad: false }),
				// nn.Linear(1, 1)'s parameters, starting from 0 as in the deterministic training check.
				leaf('n2', 'weight', 0, 262, { shape: [1, 1], init: 'zeros', requiresGrad: true }),
				leaf('n3', 'bias', 0, 456, { shape: [1], init: 'zeros', requiresGrad: true }),
				leaf('n4', 'y', 1, 0, {
					shape: [11, 1],
					init: 'values',
					values: XS.map((x) => 2 * x + 1),
					requiresGrad: false
				}),
				op('n5', 'linear', 'pred', 1, 262),
				op('n6', 'mse_loss', 'loss', 2, 163, { reduction: 'mean' })
			],
			wires(
				['n1', 'n5', 'input'],
				['n2', 'n5', 'weight'],
				['n3', 'n5', 'bias'],
				['n5', 'n6', 'input'],
				['n4', 'n6', 'target']
			)
		)
	}
];

/** The examples. Like every document, treat them as immutable (edits return new documents). */
export const EXAMPLES: Example[] = EXAMPLE_LIST;

/** An example's document by id. */
export function exampleDocument(id: Example['id']): GraphDocument | undefined {
	return EXAMPLES.find((e) => e.id === id)?.doc;
}
