/**
 * A tensor that feeds several ops gets one gradient per use; PyTorch adds them (before
 * AccumulateGrad writes a leaf's `.grad`, before a non-leaf's own backward runs). The trace says
 * which gradient is one part of a sum, and where the sum is made, with the engine's numbers:
 * every expected value here is computed by the engine, none typed in.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { nestedList, type TensorView } from '$lib/graph/tensor-view';
import { TraceSession, type BackwardStep } from '$lib/graph/trace';
import type { GraphDocument } from '$lib/graph';
import {
	sharedNonLeafDocument,
	sharedScalarDocument,
	twoPathsDocument
} from '../fixtures/shared-paths';

const values = (v: TensorView | null | undefined) => (v ? nestedList(v) : v);

function run(doc: GraphDocument) {
	const session = new TraceSession();
	expect(session.forward(doc).error).toBeNull();
	const backward = session.backward(null);
	expect(backward.error).toBeNull();
	return { session, steps: backward.steps };
}

/** Elementwise a + b of two views, as the engine adds. */
const added = (a: TensorView, b: TensorView) =>
	torch
		.tensor(nestedList(a) as number[])
		.add(torch.tensor(nestedList(b) as number[]))
		.tolist();

const stepOf = (steps: BackwardStep[], nodeId: string) => steps.find((s) => s.nodeId === nodeId)!;

describe('a leaf used by two ops (the QA repro)', () => {
	it('each step marks its gradient of X as one of 2 parts; the last adds them into X.grad', () => {
		const { session, steps } = run(twoPathsDocument());
		// PyTorch's X.grad, computed by the engine directly.
		const X = torch.arange(1, 13).reshape([3, 4]).requiresGrad_();
		const B = torch.tensor([1, 2, 4, 8], { requiresGrad: true });
		const d = X.div(B);
		d.mean([1], true).mul(X).sum().backward();
		const expected = X.grad!.tolist();
		expect(values(session.grads().get('X'))).toEqual(expected);

		const e = stepOf(steps, 'e');
		const div = stepOf(steps, 'd');
		const viaE = e.inputs.find((i) => i.nodeId === 'X')!;
		const viaD = div.inputs.find((i) => i.nodeId === 'X')!;
		expect(viaE.paths).toBe(2);
		expect(viaD.paths).toBe(2);
		// B is used once: its gradient is whole.
		expect(div.inputs.find((i) => i.nodeId === 'B')!.paths).toBe(1);
		// Neither part alone is X.grad.
		expect(values(viaE.grad)).not.toEqual(expected);
		expect(values(viaD.grad)).not.toEqual(expected);

		// The step where the last part arrives (d's) holds the sum, not e's.
		expect(e.accumulated.find((a) => a.nodeId === 'X')).toBeUndefined();
		const acc = div.accumulated.find((a) => a.nodeId === 'X')!;
		expect(acc.sum).not.toBeNull();
		expect(acc.sum!.parts.map((p) => p.fromId)).toEqual(['e', 'd']);
		expect(acc.sum!.parts.map((p) => p.arg)).toEqual(['other', 'input']);
		// The parts are the very gradients the two steps show, and their sum is X.grad.
		expect(acc.sum!.parts[0].grad).toBe(viaE.grad);
		expect(acc.sum!.parts[1].grad).toBe(viaD.grad);
		expect(values(acc.sum!.total)).toEqual(expected);
		expect(values(acc.sum!.total)).toEqual(added(viaE.grad!, viaD.grad!));
		expect(values(acc.grad)).toEqual(expected);
		// B's gradient arrives once: no sum.
		expect(div.accumulated.find((a) => a.nodeId === 'B')!.sum).toBeNull();
		// No non-leaf here is used twice.
		expect(steps.every((s) => s.upstreamSum === null)).toBe(true);
	});

	it('a second backward (retain_graph) sums this pass; .grad holds both passes', () => {
		const session = new TraceSession();
		session.forward(twoPathsDocument());
		session.backward(null, { retainGraph: true });
		const first = values(session.grads().get('X'));
		const { steps } = session.backward(null, { retainGraph: true });
		const acc = stepOf(steps, 'd').accumulated.find((a) => a.nodeId === 'X')!;
		expect(acc.count).toBe(2);
		expect(values(acc.sum!.total)).toEqual(first);
		expect(values(acc.grad)).toEqual(values(session.grads().get('X')));
	});
});

describe('a non-leaf used by two ops, and a leaf used twice by one op', () => {
	it.each([
		['vectors', sharedNonLeafDocument],
		['scalars', sharedScalarDocument]
	])('%s: y gets a part via a and via s, summed before its own backward', (_, make) => {
		const { session, steps } = run(make());
		const y = stepOf(steps, 'y');
		expect(y.upstreamSum).not.toBeNull();
		const parts = y.upstreamSum!.parts;
		expect(parts.map((p) => p.fromId).sort()).toEqual(['a', 's']);
		// The sum is the gradient y's backward starts from, and PyTorch's y.grad (retain_grad).
		expect(y.upstreamSum!.total).toBe(y.upstream);
		expect(values(y.upstream)).toEqual(values(session.grads().get('y')));
		const partOf = (from: string) => parts.find((p) => p.fromId === from)!.grad;
		expect(values(y.upstream)).toEqual(added(partOf('a'), partOf('s')));
		for (const from of ['a', 's']) {
			const input = stepOf(steps, from).inputs.find((i) => i.nodeId === 'y')!;
			expect(input.paths).toBe(2);
			expect(input.grad).toBe(partOf(from));
		}
		// x is both inputs of y = x * x: two parts from one step, summed into x.grad there.
		expect(y.inputs.map((i) => [i.nodeId, i.paths])).toEqual([
			['x', 2],
			['x', 2]
		]);
		const acc = y.accumulated.find((a) => a.nodeId === 'x')!;
		expect(acc.sum!.parts.map((p) => [p.fromId, p.arg])).toEqual([
			['y', 'input'],
			['y', 'other']
		]);
		expect(values(acc.sum!.total)).toEqual(values(session.grads().get('x')));
		expect(values(acc.sum!.total)).toEqual(added(y.inputs[0].grad!, y.inputs[1].grad!));
	});
});
