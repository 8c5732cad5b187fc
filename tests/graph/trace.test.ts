/**
 * The trace against the engine: every value the UI replays must be what the engine computes,
 * with PyTorch's flags, accumulation, retain_graph behaviour and errors.
 */
import { nestedList, type TensorView } from '$lib/graph/tensor-view';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { exampleDocument, type GraphDocument } from '$lib/graph';
import { TraceSession, type BackwardStep } from '$lib/graph/trace';

const values = (v: TensorView | null | undefined) => (v ? nestedList(v) : v);

const FREED =
	'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

function example(id: 'autograd-basics' | 'chain-rule' | 'linear-regression'): GraphDocument {
	return structuredClone(exampleDocument(id)!);
}

const idOf = (doc: GraphDocument, name: string) => doc.nodes.find((n) => n.name === name)!.id;

describe('forward steps', () => {
	it('one step per node, in topological order, with the engine values and flags', () => {
		const doc = example('autograd-basics');
		const session = new TraceSession();
		const { steps, error } = session.forward(doc);
		expect(error).toBeNull();
		expect(steps.map((s) => s.name)).toEqual(['x', 'b', 't', 'y']);
		const t = steps.find((s) => s.name === 't')!;
		expect(t).toMatchObject({ requiresGrad: true, isLeaf: false, gradFn: 'AddBackward0' });
		expect(t.output.shape).toEqual([3, 4]);
		expect(t.inputs.map((i) => i.arg)).toEqual(['input', 'other']);
		// The value equals x + b computed directly by the engine.
		const x = session.tensor(idOf(doc, 'x'))!;
		const b = session.tensor(idOf(doc, 'b'))!;
		expect(values(t.output)).toEqual(x.add(b).tolist());
		const y = steps.find((s) => s.name === 'y')!;
		expect(y).toMatchObject({ isLeaf: false, gradFn: 'SumBackward0' });
		expect(values(y.output)).toBeCloseTo(x.add(b).sum().item(), 5);
	});

	it('stops at a node with a shape error and reports PyTorch message on it', () => {
		const doc = example('autograd-basics');
		const b = doc.nodes.find((n) => n.name === 'b')!;
		b.attrs = { ...b.attrs, shape: [3, 5] };
		const { steps, error } = new TraceSession().forward(doc);
		expect(error?.message).toBe(
			'The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1'
		);
		expect(error?.nodeId).toBe(idOf(doc, 't'));
		expect(error?.code).toBe('other');
		expect(steps.map((s) => s.name)).toEqual(['x', 'b']);
	});
});

describe('backward steps', () => {
	it('autograd basics: b and x grads are ones, t and y are not leaves', () => {
		const doc = example('autograd-basics');
		const session = new TraceSession();
		session.forward(doc);
		const { steps, error } = session.backward(null);
		expect(error).toBeNull();
		expect(steps.map((s) => s.gradFn)).toEqual(['SumBackward0', 'AddBackward0']);
		const ones = Array.from({ length: 3 }, () => [1, 1, 1, 1]);
		const grads = session.grads();
		expect(values(grads.get(idOf(doc, 'b')))).toEqual(ones);
		expect(values(grads.get(idOf(doc, 'x')))).toEqual(ones);
		// Non-leaves: PyTorch's .grad is None.
		expect(grads.get(idOf(doc, 't'))).toBeNull();
		// Every step knows the output Backward started from, and each input's forward shape.
		expect(steps.map((s) => s.outputId)).toEqual([idOf(doc, 'y'), idOf(doc, 'y')]);
		expect(steps[0].inputs.map((i) => i.shape)).toEqual([[3, 4]]);
		expect(steps[1].inputs.map((i) => [i.nodeId, i.shape])).toEqual([
			[idOf(doc, 'x'), [3, 4]],
			[idOf(doc, 'b'), [3, 4]]
		]);
		// Tensors: no local derivative as a number (it is a Jacobian).
		expect(steps[1].inputs.map((i) => i.local)).toEqual([null, null]);
		// The last step feeding each leaf records the accumulation.
		const accumulated = steps.flatMap((s) => s.accumulated.map((a) => a.nodeId)).sort();
		expect(accumulated).toEqual([idOf(doc, 'b'), idOf(doc, 'x')].sort());
	});

	it('chain rule: w.grad = x, b.grad = 1, x.grad None, with the numbers in the chain rule', () => {
		const doc = example('chain-rule');
		const session = new TraceSession();
		session.forward(doc);
		const x = session.tensor(idOf(doc, 'x'))!.item();
		const { steps } = session.backward(null, { retainGraph: true });
		const grads = session.grads();
		expect((values(grads.get(idOf(doc, 'w'))) as number[])[0]).toBeCloseTo(x, 6);
		expect(values(grads.get(idOf(doc, 'b')))).toEqual([1]);
		expect(grads.get(idOf(doc, 'x'))).toBeNull();
		const mul = steps.find((s) => s.gradFn === 'MulBackward0') as BackwardStep;
		const toW = mul.inputs.find((i) => i.nodeId === idOf(doc, 'w'))!;
		expect(toW.local).toBeCloseTo(x, 6);
		expect(mul.outputId).toBe(idOf(doc, 'z'));
		expect(values(mul.upstream)).toEqual([1]);
		expect((values(toW.grad) as number[])[0]).toBeCloseTo(x, 6);
		// With retain_graph, a second backward doubles both grads.
		session.backward(null, { retainGraph: true });
		const again = session.grads();
		expect((values(again.get(idOf(doc, 'w'))) as number[])[0]).toBeCloseTo(2 * x, 6);
		expect(values(again.get(idOf(doc, 'b')))).toEqual([2]);
		expect(session.accumulations().get(idOf(doc, 'w'))).toBe(2);
	});

	it('without retain_graph a further backward gives PyTorch error and leaves grads unchanged', () => {
		const doc = example('chain-rule');
		const session = new TraceSession();
		session.forward(doc);
		session.backward(null);
		const before = session.grads();
		const { error, steps } = session.backward(null);
		expect(error?.message).toBe(FREED);
		expect(error?.code).toBe('freed');
		expect(steps).toEqual([]);
		expect(session.grads()).toEqual(before);
	});

	it('a graph that saves nothing can be backwarded twice and accumulates, as in PyTorch', () => {
		const doc = example('autograd-basics');
		const session = new TraceSession();
		session.forward(doc);
		session.backward(null);
		expect(session.backward(null).error).toBeNull();
		expect(values(session.grads().get(idOf(doc, 'b')))).toEqual(
			Array.from({ length: 3 }, () => [2, 2, 2, 2])
		);
	});

	it('backward from a non-scalar output and from a graph without grad give PyTorch errors', () => {
		const doc = example('autograd-basics');
		const session = new TraceSession();
		session.forward(doc);
		const nonScalar = session.backward(idOf(doc, 't')).error;
		expect(nonScalar?.message).toBe('grad can be implicitly created only for scalar outputs');
		expect(nonScalar?.code).toBe('nonScalar');
		for (const node of doc.nodes) if (node.op === 'tensor') node.attrs!.requiresGrad = false;
		session.forward(doc);
		const noGrad = session.backward(null).error;
		expect(noGrad?.message).toBe(
			'element 0 of tensors does not require grad and does not have a grad_fn'
		);
		expect(noGrad?.code).toBe('noGrad');
	});

	it('zero grad sets every leaf grad to None and resets the accumulation count', () => {
		const doc = example('chain-rule');
		const session = new TraceSession();
		session.forward(doc);
		session.backward(null);
		session.zeroGrad();
		expect(session.grads().get(idOf(doc, 'w'))).toBeNull();
		expect(session.accumulations().get(idOf(doc, 'w'))).toBe(0);
	});

	it('leaves keep their grad across a new Forward, like parameters across iterations', () => {
		const doc = example('chain-rule');
		const session = new TraceSession();
		session.forward(doc);
		session.backward(null);
		session.forward(doc);
		session.backward(null);
		expect(values(session.grads().get(idOf(doc, 'b')))).toEqual([2]);
		// Changing a leaf's attributes makes a new tensor: its grad starts again.
		const b = doc.nodes.find((n) => n.name === 'b')!;
		b.attrs = { ...b.attrs, seed: 99 };
		session.forward(doc);
		expect(session.grads().get(idOf(doc, 'b'))).toBeNull();
	});

	it('linear regression: the gradients equal the engine nn.Linear + MSELoss gradients', () => {
		const doc = example('linear-regression');
		const session = new TraceSession();
		session.forward(doc);
		const { steps } = session.backward(null);
		expect(steps.map((s) => s.gradFn)).toEqual(['MseLossBackward0', 'AddmmBackward0']);
		const x = torch.arange(0, 11).reshape([11, 1]);
		const y = x.mul(2).add(1);
		const model = new torch.nn.Linear(1, 1);
		torch.noGrad(() => {
			model.weight.zero_();
			model.bias!.zero_();
		});
		new torch.nn.MSELoss().forward(model.forward(x), y).backward();
		expect(values(session.grads().get(idOf(doc, 'weight')))).toEqual(model.weight.grad!.tolist());
		expect(values(session.grads().get(idOf(doc, 'bias')))).toEqual(model.bias!.grad!.tolist());
		// The shapes the UI needs to explain the broadcast bias.
		const linear = steps[1];
		expect(linear.upstream.shape).toEqual([11, 1]);
		expect(linear.inputs.find((i) => i.arg === 'bias')?.shape).toEqual([1]);
	});

	it('all gradients (teaching view) include non-leaf nodes', () => {
		const doc = example('chain-rule');
		const session = new TraceSession();
		session.forward(doc);
		session.backward(null);
		const all = session.allGrads();
		expect(values(all.get(idOf(doc, 'y')))).toEqual([1]);
		expect(values(all.get(idOf(doc, 'z')))).toEqual([1]);
	});
});
