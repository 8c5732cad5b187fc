/** The one graph interpreter: `planGraph` / `runPlan` / `runGraph`, which compile, trace and train share. */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import {
	compileGraph,
	createLeaf,
	indexGraph,
	missingInputMessage,
	planGraph,
	runGraph,
	runPlan,
	TraceSession,
	type GraphNode,
	type LeafAttrs
} from '$lib/graph';
import { doc, example, leaf, opNode } from './helpers';

const leafFor = (node: GraphNode) => createLeaf(node.attrs as unknown as LeafAttrs);

describe('runGraph', () => {
	it('computes what compileGraph computes, node by node, in topological order', () => {
		const linear = example('linear-regression');
		const index = indexGraph(linear);
		const seen: string[] = [];
		const run = runGraph(index, { leafFor, onNode: (step) => seen.push(step.id) });
		expect(run.failed).toBeNull();
		expect(seen).toEqual(index.order);
		const compiled = compileGraph(linear);
		for (const id of index.order) {
			expect(run.tensors.get(id)!.tolist()).toEqual(compiled.tensors.get(id)!.tolist());
		}
	});

	it('gives each op its inputs in argument order, null where an optional input is unwired', () => {
		const graph = doc(
			[leaf('x', 'x', [2, 3]), leaf('w', 'w', [4, 3], true), opNode('y', 'linear', 'y')],
			[
				['w', 'y', 'weight'],
				['x', 'y', 'input']
			]
		);
		const calls: [string, (string | null)[], number][] = [];
		const run = runGraph(indexGraph(graph), {
			leafFor,
			onNode: (step, _tensor, inputs) =>
				calls.push([step.id, step.sources, inputs.filter((t) => t !== null).length])
		});
		expect(run.failed).toBeNull();
		expect(calls.find(([id]) => id === 'y')).toEqual(['y', ['x', 'w', null], 2]);
		expect(run.tensors.get('y')!.shape).toEqual([2, 4]);
	});

	it('stops at the first node that fails, with its id and the one missing-input message', () => {
		const graph = doc(
			[leaf('a', 'a', [2]), opNode('b', 'mul', 'b'), opNode('c', 'neg', 'c')],
			[
				['a', 'b', 'input'],
				['b', 'c', 'input']
			]
		);
		const run = runGraph(indexGraph(graph), { leafFor });
		expect(run.failed?.nodeId).toBe('b');
		expect(run.failed?.error).toBeInstanceOf(torch.TorchError);
		expect((run.failed?.error as Error).message).toBe(missingInputMessage(['other']));
		expect((run.failed?.error as torch.TorchError).code).toBe('missingInput');
		expect([...run.tensors.keys()]).toEqual(['a']);
		expect(missingInputMessage(['input', 'other'])).toBe('missing inputs: input, other');
	});

	it('what onNode throws fails that node', () => {
		const graph = doc([leaf('a', 'a', [2]), opNode('b', 'neg', 'b')], [['a', 'b', 'input']]);
		const run = runGraph(indexGraph(graph), {
			leafFor,
			onNode: (step) => {
				if (step.id === 'b') throw new Error('refused');
			}
		});
		expect(run.failed).toEqual({ nodeId: 'b', error: new Error('refused') });
	});

	it('reports progress before each node, and sends warnings to onWarning only', () => {
		const graph = doc(
			[leaf('p', 'p', [3, 1]), leaf('t', 't', [3]), opNode('loss', 'mse_loss', 'loss')],
			[
				['p', 'loss', 'input'],
				['t', 'loss', 'target']
			]
		);
		const progress: [number, number][] = [];
		const warnings: string[] = [];
		const run = runGraph(indexGraph(graph), {
			leafFor,
			onProgress: (done, total) => progress.push([done, total]),
			onWarning: (message) => warnings.push(message)
		});
		expect(run.failed).toBeNull();
		expect(progress).toEqual([
			[0, 3],
			[1, 3],
			[2, 3]
		]);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain('target size (torch.Size([3]))');
	});

	it('runs a plan of some nodes again and again with new leaves (as the trainer does)', () => {
		const linear = example('linear-regression');
		const index = indexGraph(linear);
		const plan = planGraph(index, index.order.slice(0, -1));
		expect(plan.steps.map((s) => s.id)).toEqual(index.order.slice(0, -1));
		const first = runPlan(plan, { leafFor: (node) => torch.onesLike(leafFor(node)) });
		const second = runPlan(plan, { leafFor: (node) => torch.zerosLike(leafFor(node)) });
		const last = plan.steps[plan.steps.length - 1].id;
		expect(first.tensors.get(last)!.tolist()).not.toEqual(second.tensors.get(last)!.tolist());
	});
});

describe('the trace runs the same interpreter', () => {
	it('its forward values are compileGraph values, and a missing input is its first error', () => {
		const linear = example('linear-regression');
		const session = new TraceSession();
		const { steps, error } = session.forward(linear);
		expect(error).toBeNull();
		const compiled = compileGraph(linear);
		for (const step of steps) {
			expect(session.tensor(step.nodeId)!.tolist()).toEqual(
				compiled.tensors.get(step.nodeId)!.tolist()
			);
		}
		const broken = doc([leaf('a', 'a', [2]), opNode('b', 'mul', 'b')], [['a', 'b', 'input']]);
		const result = new TraceSession().forward(broken);
		expect(result.error).toMatchObject({
			nodeId: 'b',
			message: missingInputMessage(['other']),
			code: 'missingInput'
		});
		expect(result.steps.map((s) => s.nodeId)).toEqual(['a']);
	});
});
