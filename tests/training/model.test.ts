/**
 * Binding other graphs than the example: y = x * w + b with scalar leaves, errors, loss choice;
 * which edits change what is trained (trainingKey).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import {
	exampleDocument,
	GRAPH_FORMAT,
	GRAPH_VERSION,
	type GraphDocument,
	type GraphNode
} from '$lib/graph';
import {
	bindModel,
	DEFAULT_SETTINGS,
	formulaData,
	lossNodes,
	TrainingClient,
	trainingKey
} from '$lib/training';
import { Trainer } from '$lib/training/trainer';
import { waitFor } from './wait-for';

const at = { x: 0, y: 0 };
const leaf = (id: string, name: string, attrs: Record<string, unknown>): GraphNode => ({
	id,
	op: 'tensor',
	name,
	position: at,
	attrs
});
const op = (
	id: string,
	opId: string,
	name: string,
	attrs?: Record<string, unknown>
): GraphNode => ({
	id,
	op: opId,
	name,
	position: at,
	...(attrs ? { attrs } : {})
});

/** pred = x * w + b (w, b of shape [1]), loss = mse_loss(pred, y), and a second loss sum-reduced. */
const scalarModel: GraphDocument = {
	format: GRAPH_FORMAT,
	version: GRAPH_VERSION,
	nodes: [
		leaf('x', 'x', { shape: [11], init: 'arange', requiresGrad: false }),
		leaf('w', 'w', { shape: [1], init: 'full', fill: 0.5, requiresGrad: true }),
		leaf('b', 'b', { shape: [1], init: 'zeros', requiresGrad: true }),
		leaf('y', 'y', { shape: [11], init: 'zeros', requiresGrad: false }),
		op('xw', 'mul', 'xw'),
		op('pred', 'add', 'pred'),
		op('loss', 'mse_loss', 'loss', { reduction: 'mean' }),
		op('total', 'mse_loss', 'total', { reduction: 'sum' })
	],
	edges: [
		['x', 'xw', 'input'],
		['w', 'xw', 'other'],
		['xw', 'pred', 'input'],
		['b', 'pred', 'other'],
		['pred', 'loss', 'input'],
		['y', 'loss', 'target'],
		['pred', 'total', 'input'],
		['y', 'total', 'target']
	].map(([source, target, targetInput], i) => ({ id: `e${i}`, source, target, targetInput }))
};

describe('bindModel', () => {
	it('recognises x * w + b as a line, keyed by the leaves names', () => {
		const bound = bindModel(scalarModel);
		expect(bound).toEqual({
			ok: true,
			binding: {
				lossId: 'loss',
				reduction: 'mean',
				inputId: 'x',
				targetId: 'y',
				outputId: 'pred',
				parameterIds: ['w', 'b'],
				order: expect.arrayContaining(['x', 'w', 'b', 'y', 'xw', 'pred', 'loss']),
				line: { weightId: 'w', biasId: 'b' },
				keys: { w: 'w', b: 'b' },
				moduleName: 'GraphModel'
			}
		});
		if (bound.ok) expect(bound.binding.order).not.toContain('total');
	});

	it('takes the loss the user picks', () => {
		expect(lossNodes(scalarModel).map((n) => n.id)).toEqual(['loss', 'total']);
		const bound = bindModel(scalarModel, 'total');
		expect(bound.ok && bound.binding.reduction).toBe('sum');
		expect(bindModel(scalarModel, 'nope')).toEqual({
			ok: false,
			problem: { code: 'unknownLoss', id: 'nope' },
			message: "no loss node with id 'nope'"
		});
	});

	it('refuses two input leaves, naming them', () => {
		const twoInputs: GraphDocument = {
			...scalarModel,
			nodes: scalarModel.nodes.map((n) =>
				n.id === 'b' ? { ...n, attrs: { ...n.attrs, requiresGrad: false } } : n
			)
		};
		expect(bindModel(twoInputs)).toMatchObject({
			ok: false,
			message:
				"the model must read exactly one input leaf (x) that does not require grad; it reads 'x', 'b'"
		});
	});

	it('refuses an input leaf that is not a column', () => {
		const matrix: GraphDocument = {
			...scalarModel,
			nodes: scalarModel.nodes.map((n) =>
				n.id === 'x' ? { ...n, attrs: { ...n.attrs, shape: [11, 2] } } : n
			)
		};
		expect(bindModel(matrix)).toMatchObject({
			ok: false,
			nodeId: 'x',
			message:
				"the input leaf 'x' has shape [11, 2]; to take the data it must be a column, [N, 1] or [N]"
		});
	});
});

describe('training a graph that is not nn.Linear', () => {
	it('learns y = 2x + 1 with scalar leaves, summed or averaged', async () => {
		for (const [lossId, lr] of [
			['loss', 0.01],
			['total', 0.001]
		] as const) {
			const trainer = new Trainer({
				doc: scalarModel,
				data: formulaData(),
				settings: { ...DEFAULT_SETTINGS, lr },
				lossId
			});
			await trainer.train(2000);
			expect(trainer.line()!.w).toBeCloseTo(2, 2);
			expect(trainer.line()!.b).toBeCloseTo(1, 1);
		}
	});

	it('saves its leaves under their names, and reports mismatches for GraphModel', () => {
		const trainer = new Trainer({
			doc: scalarModel,
			data: formulaData(),
			settings: DEFAULT_SETTINGS
		});
		expect(Object.keys(torch.loadStateDict(trainer.saveState('json')))).toEqual(['w', 'b']);
		const other = torch.saveStateDict(
			{ weight: torch.tensor([[1]]), bias: torch.tensor([1]) },
			'json'
		);
		expect(() => trainer.loadState(other)).toThrow(
			'Error(s) in loading state_dict for GraphModel:\n\tMissing key(s) in state_dict: "w", "b". \n\tUnexpected key(s) in state_dict: "weight", "bias". '
		);
	});

	it('saves renamed leaves under their new names, going on with the same training', async () => {
		const client = new TrainingClient({ mode: 'in-thread' });
		const config = { doc: scalarModel, data: formulaData(), settings: DEFAULT_SETTINGS };
		client.step({ ...config, device: 'cpu' });
		const stepped = await waitFor(client, (s) => s.epoch === 1);
		const renamed: GraphDocument = {
			...scalarModel,
			nodes: scalarModel.nodes.map((n) => (n.id === 'w' ? { ...n, name: 'slope' } : n))
		};
		const bytes = await client.saveState({ ...config, doc: renamed, device: 'cpu' }, 'json');
		const saved = torch.loadStateDict(bytes);
		expect(Object.keys(saved)).toEqual(['slope', 'b']);
		expect(saved.slope.tolist()).toEqual(Array.from(stepped.parameters.w));
		expect(client.state.epoch).toBe(1);
		client.dispose();
	});
});

describe('trainingKey', () => {
	const example = exampleDocument('linear-regression')!;
	const key = (doc: GraphDocument, lossId?: string) => trainingKey(doc, bindModel(doc, lossId));
	const trained = key(example);
	/** The example with node `id` changed by `change`. */
	const withNode = (id: string, change: (node: GraphNode) => GraphNode): GraphDocument => ({
		...example,
		nodes: example.nodes.map((n) => (n.id === id ? change(n) : n))
	});
	const withLeaf = (id: string, attrs: Record<string, unknown>) =>
		withNode(id, (n) => ({ ...n, attrs: { ...n.attrs, ...attrs } }) as GraphNode);
	const without = (id: string): GraphDocument => ({
		...example,
		nodes: example.nodes.filter((n) => n.id !== id),
		edges: example.edges.filter((e) => e.source !== id && e.target !== id)
	});

	it.each([
		['a node moved', withNode('n2', (n) => ({ ...n, position: { x: 500, y: 40 } }))],
		['nodes renamed', withNode('n2', (n) => ({ ...n, name: 'w' }))],
		['the pred op renamed', withNode('n5', (n) => ({ ...n, name: 'out' }))],
		['x given other values', withLeaf('n1', { init: 'values', values: Array(11).fill(3) })],
		['y given another length', withLeaf('n4', { shape: [5, 1], init: 'zeros' })],
		['the wires in another order', { ...example, edges: example.edges.toReversed() }],
		[
			'a node that does not reach the loss added and wired',
			{
				...example,
				nodes: [...example.nodes, op('n7', 'mul', 'extra')],
				edges: [...example.edges, { id: 'e9', source: 'n2', target: 'n7', targetInput: 'input' }]
			}
		]
	])('stays the same when %s', (_, doc) => {
		expect(key(doc)).toBe(trained);
	});

	it.each([
		['the bias deleted', without('n3')],
		['the weight given another shape', withLeaf('n2', { shape: [1] })],
		['the weight given another init', withLeaf('n2', { init: 'full', fill: 3 })],
		['the bias no longer requiring grad', withLeaf('n3', { requiresGrad: false })],
		['x as a vector rather than a column', withLeaf('n1', { shape: [11] })],
		['the loss summed', withNode('n6', (n) => ({ ...n, attrs: { reduction: 'sum' } }))],
		[
			'the weight wired as the bias and the bias as the weight',
			{
				...example,
				edges: example.edges.map((e) =>
					e.targetInput === 'weight'
						? { ...e, targetInput: 'bias' }
						: e.targetInput === 'bias'
							? { ...e, targetInput: 'weight' }
							: e
				)
			}
		],
		['the loss deleted (nothing to train)', without('n6')],
		['the target unwired (nothing to train)', { ...example, edges: example.edges.slice(0, 4) }]
	])('changes when %s', (_, doc) => {
		expect(key(doc)).not.toBe(trained);
	});

	it('follows the chosen loss', () => {
		expect(key(scalarModel, 'loss')).toBe(key(scalarModel));
		expect(key(scalarModel, 'total')).not.toBe(key(scalarModel));
	});
});
