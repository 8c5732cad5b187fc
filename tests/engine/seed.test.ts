/**
 * The seed tutorial's autograd examples ("PyTorch实战(三)", part one; tests/code/tutorial-cells.ts), checked against what
 * PyTorch 2.13 prints for the same code (pinned here).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import type { Tensor } from '$lib/engine';
import { FREED_GRAPH, useEngineSandbox } from './sandbox';

const warnings = useEngineSandbox();

function gradOf(t: Tensor): number[] {
	const grad = t.grad;
	expect(grad).not.toBeNull();
	return Array.from(grad!.data);
}

describe('seed (a): x, b = randn(3, 4, requires_grad=True); t = x + b; y = t.sum()', () => {
	it('y.backward() gives b.grad = ones(3, 4), and x.grad too', () => {
		const x = torch.randn([3, 4], { requiresGrad: true });
		const b = torch.randn([3, 4], { requiresGrad: true });
		const t = x.add(b);
		const y = t.sum();
		expect(y.shape).toEqual([]);
		expect(y.item()).toBeCloseTo(
			Array.from(x.data).reduce((s, v, i) => s + v + b.data[i], 0),
			4
		);
		y.backward();
		expect(b.grad!.shape).toEqual([3, 4]);
		expect(b.grad!.tolist()).toEqual([
			[1, 1, 1, 1],
			[1, 1, 1, 1],
			[1, 1, 1, 1]
		]);
		expect(x.grad!.tolist()).toEqual(b.grad!.tolist());
	});

	it('requires_grad is True for x, b and t (t inherits it)', () => {
		const x = torch.randn([3, 4], { requiresGrad: true });
		const b = torch.randn([3, 4], { requiresGrad: true });
		const t = x.add(b);
		expect([x.requiresGrad, b.requiresGrad, t.requiresGrad]).toEqual([true, true, true]);
	});

	it('is_leaf and grad_fn: x, b leaves with no grad_fn; t AddBackward0; y SumBackward0', () => {
		const x = torch.randn([3, 4], { requiresGrad: true });
		const b = torch.randn([3, 4], { requiresGrad: true });
		const t = x.add(b);
		const y = t.sum();
		expect([x.isLeaf, b.isLeaf, t.isLeaf, y.isLeaf]).toEqual([true, true, false, false]);
		expect(x.gradFn).toBeNull();
		expect(b.gradFn).toBeNull();
		expect(t.gradFn?.name).toBe('AddBackward0');
		expect(y.gradFn?.name).toBe('SumBackward0');
	});

	it('the non-leaf t gets no .grad, and reading it warns like PyTorch', () => {
		const x = torch.randn([3, 4], { requiresGrad: true });
		const b = torch.randn([3, 4], { requiresGrad: true });
		const t = x.add(b);
		t.sum().backward();
		expect(t.grad).toBeNull();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(
			/^The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed\./
		);
	});

	it('a leaf prints with requires_grad=True, a result with its grad_fn', () => {
		const x = torch.tensor([0.5], { requiresGrad: true });
		expect(String(x)).toBe('tensor([0.5000], requires_grad=True)');
		expect(String(x.add(x))).toBe('tensor([1.], grad_fn=<AddBackward0>)');
	});
});

describe('seed (b): x = rand(1); b, w = rand(1, requires_grad=True); y = w*x; z = y + b', () => {
	function graph() {
		const x = torch.rand(1);
		const b = torch.rand(1, { requiresGrad: true });
		const w = torch.rand(1, { requiresGrad: true });
		const y = w.mul(x);
		const z = y.add(b);
		return { x, b, w, y, z };
	}

	it('requires_grad: x False, b True, w True, y True', () => {
		const { x, b, w, y } = graph();
		expect([x.requiresGrad, b.requiresGrad, w.requiresGrad, y.requiresGrad]).toEqual([
			false,
			true,
			true,
			true
		]);
	});

	it('is_leaf: x True, w True, b True, y False, z False', () => {
		const { x, b, w, y, z } = graph();
		expect([x.isLeaf, w.isLeaf, b.isLeaf, y.isLeaf, z.isLeaf]).toEqual([
			true,
			true,
			true,
			false,
			false
		]);
		expect(y.gradFn?.name).toBe('MulBackward0');
		expect(z.gradFn?.name).toBe('AddBackward0');
	});

	it('z.backward(retain_graph=True) gives w.grad = x and b.grad = 1; again, 2x and 2', () => {
		const { x, b, w, z } = graph();
		const xv = x.item();
		expect(w.grad).toBeNull();
		expect(b.grad).toBeNull();

		z.backward({ retainGraph: true });
		expect(gradOf(w)[0]).toBeCloseTo(xv, 6);
		expect(gradOf(b)).toEqual([1]);
		expect(x.grad).toBeNull(); // x does not require grad: no gradient reaches it

		z.backward({ retainGraph: true });
		expect(gradOf(w)[0]).toBeCloseTo(2 * xv, 6);
		expect(gradOf(b)).toEqual([2]);
	});

	it('a third backward without retain_graph runs; a fourth raises the freed-graph error', () => {
		const { x, b, w, z } = graph();
		const xv = x.item();
		z.backward({ retainGraph: true });
		z.backward({ retainGraph: true });
		z.backward();
		expect(gradOf(w)[0]).toBeCloseTo(3 * xv, 6);
		expect(gradOf(b)).toEqual([3]);

		let caught: unknown;
		try {
			z.backward();
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(torch.TorchError);
		expect((caught as torch.TorchError).kind).toBe('RuntimeError');
		expect((caught as Error).message).toBe(FREED_GRAPH);

		// The refused backward leaves the gradients as they were. (PyTorch 2.13 itself still
		// accumulates into b before MulBackward0 raises, leaving b.grad = 4; the engine checks the
		// whole graph first so that an error changes nothing.)
		expect(gradOf(w)[0]).toBeCloseTo(3 * xv, 6);
		expect(gradOf(b)).toEqual([3]);
	});

	it('backward with retainGraph after the graph was freed raises too', () => {
		const { z } = graph();
		z.backward();
		expect(() => z.backward({ retainGraph: true })).toThrow(FREED_GRAPH);
	});

	it('(x + b).sum() saves no tensors: two plain backwards work and accumulate', () => {
		const { x, b } = graph();
		const s = x.add(b).sum();
		s.backward();
		expect(gradOf(b)).toEqual([1]);
		s.backward();
		expect(gradOf(b)).toEqual([2]);
	});

	it('(x + b).sum() over 3x4 tensors: b.grad is 2 everywhere after two backwards', () => {
		const x = torch.randn([3, 4]);
		const b = torch.randn([3, 4], { requiresGrad: true });
		const s = x.add(b).sum();
		s.backward();
		s.backward();
		expect(gradOf(b)).toEqual(new Array(12).fill(2));
	});

	it('optimizer.zero_grad() sets the grads to None (set_to_none=True by default)', () => {
		const { b, w, z } = graph();
		z.backward();
		const optimizer = new torch.optim.SGD([w, b], { lr: 0.1 });
		expect(w.grad).not.toBeNull();
		optimizer.zeroGrad();
		expect(w.grad).toBeNull();
		expect(b.grad).toBeNull();
		// A fresh graph then starts from nothing: w.grad = x, b.grad = 1 again.
		const x2 = torch.tensor([0.25]);
		w.mul(x2).add(b).backward();
		expect(gradOf(w)).toEqual([0.25]);
		expect(gradOf(b)).toEqual([1]);
	});

	it('zeroGrad({ setToNone: false }) keeps zero-filled grads', () => {
		const { b, w, z } = graph();
		z.backward();
		const optimizer = new torch.optim.SGD([w, b], { lr: 0.1 });
		const before = w.grad;
		optimizer.zeroGrad({ setToNone: false });
		expect(gradOf(w)).toEqual([0]);
		expect(gradOf(b)).toEqual([0]);
		expect(w.grad).toBe(before);
	});

	it('t.grad.zero_() is the alternative: zeros in place, then backward adds from 0', () => {
		const { x, b, w, z } = graph();
		const xv = x.item();
		z.backward({ retainGraph: true });
		const wGrad = w.grad!;
		w.grad!.zero_();
		b.grad!.zero_();
		expect(gradOf(w)).toEqual([0]);
		expect(gradOf(b)).toEqual([0]);
		z.backward();
		expect(w.grad).toBe(wGrad); // accumulated into the same tensor
		expect(gradOf(w)[0]).toBeCloseTo(xv, 6);
		expect(gradOf(b)).toEqual([1]);
	});
});
