/**
 * The seed tutorial's linear regression ("PyTorch实战(三)", part two; tests/code/tutorial-cells.ts) and the deterministic
 * `linreg_tutorial_1000ep` gate of the benchmarks (bench/workloads.ts).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import type { Tensor } from '$lib/engine';

/** x = 0..10 as an 11x1 float32 matrix, y = 2x + 1 (the tutorial's x_train, y_train). */
function tutorialData(): { x: Tensor; y: Tensor } {
	const xValues = Array.from({ length: 11 }, (_, i) => i);
	const x = torch.tensor(
		xValues.map((v) => [v]),
		{ dtype: 'float32' }
	);
	const y = torch.tensor(
		xValues.map((v) => [2 * v + 1]),
		{ dtype: 'float32' }
	);
	return { x, y };
}

describe('linreg gate: scalar w = b = 0, pred = x*w + b, MSE, SGD lr 0.01, 1000 epochs', () => {
	it('the data is 11x1 float32 with y = 2x + 1', () => {
		const { x, y } = tutorialData();
		expect(x.shape).toEqual([11, 1]);
		expect(y.shape).toEqual([11, 1]);
		expect(x.dtype).toBe('float32');
		expect(x.tolist()).toEqual(Array.from({ length: 11 }, (_, i) => [i]));
		expect(y.tolist()).toEqual(Array.from({ length: 11 }, (_, i) => [2 * i + 1]));
	});

	it('reaches w = 2.00037, b = 0.99746 (+-1e-4), as PyTorch does', () => {
		const { x, y } = tutorialData();
		const w = torch.tensor(0, { requiresGrad: true });
		const b = torch.tensor(0, { requiresGrad: true });
		expect(w.shape).toEqual([]);
		const optimizer = new torch.optim.SGD([w, b], { lr: 0.01 });
		let loss: Tensor | null = null;
		for (let epoch = 0; epoch < 1000; epoch++) {
			optimizer.zeroGrad();
			const pred = x.mul(w).add(b);
			loss = pred.sub(y).pow(2).mean();
			loss.backward();
			optimizer.step();
		}
		expect(Math.abs(w.item() - 2.00037)).toBeLessThan(1e-4);
		expect(Math.abs(b.item() - 0.99746)).toBeLessThan(1e-4);
		// PyTorch's last loss is 1.8667e-06 (float32 rounding makes the low digits noisy).
		expect(loss!.item()).toBeGreaterThan(0);
		expect(loss!.item()).toBeLessThan(5e-6);
		// The parameters stay leaves that require grad, and keep their dtype.
		expect([w.isLeaf, w.requiresGrad, w.dtype]).toEqual([true, true, 'float32']);
	});

	it('records the graph PyTorch records: MulBackward0, AddBackward0, SubBackward0, PowBackward0, MeanBackward0', () => {
		const { x, y } = tutorialData();
		const w = torch.tensor(0, { requiresGrad: true });
		const b = torch.tensor(0, { requiresGrad: true });
		const xw = x.mul(w);
		const pred = xw.add(b);
		const diff = pred.sub(y);
		const squared = diff.pow(2);
		const loss = squared.mean();
		expect([xw, pred, diff, squared, loss].map((t) => t.gradFn?.name ?? null)).toEqual([
			'MulBackward0',
			'AddBackward0',
			'SubBackward0',
			'PowBackward0',
			'MeanBackward0'
		]);
		// First-step gradients in closed form: dL/dw = mean(2(xw+b-y)x) = -2 mean((2x+1)x) = -150,
		// dL/db = -2 mean(2x+1) = -22.
		loss.backward();
		expect(loss.item()).toBeCloseTo(161, 4); // mean((2x+1)^2) over x = 0..10
		expect(w.grad!.item()).toBeCloseTo(-150, 4);
		expect(b.grad!.item()).toBeCloseTo(-22, 4);
	});
});

describe('the tutorial loop: nn.Linear(1, 1), nn.MSELoss(), optim.SGD(model.parameters(), lr=0.01)', () => {
	it('prints 20 log lines with a falling loss and fits w ~ 2, b ~ 1', () => {
		torch.manualSeed(42);
		const { x: inputs, y: labels } = tutorialData();
		const model = new torch.nn.Linear(1, 1);
		const criterion = new torch.nn.MSELoss();
		const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
		const epochs = 1000;
		const lines: string[] = [];
		const losses: number[] = [];
		for (let epoch = 1; epoch <= epochs; epoch++) {
			optimizer.zeroGrad();
			const outputs = model.forward(inputs);
			const loss = criterion.forward(outputs, labels);
			if (epoch === 1) {
				expect(outputs.shape).toEqual([11, 1]);
				expect(outputs.gradFn?.name).toBe('AddmmBackward0');
				expect(loss.gradFn?.name).toBe('MseLossBackward0');
			}
			loss.backward();
			optimizer.step();
			if (epoch % 50 === 0) {
				lines.push(`epoch ${epoch}, loss ${loss.item()}`);
				losses.push(loss.item());
			}
		}
		expect(lines).toHaveLength(20);
		expect(lines[0]).toMatch(/^epoch 50, loss \d/);
		expect(lines[19]).toMatch(/^epoch 1000, loss \d/);
		expect(lines.every((line, i) => line.startsWith(`epoch ${50 * (i + 1)}, loss `))).toBe(true);
		// Gradient descent on this convex quadratic with lr 0.01 (below 2 / L) never increases it.
		for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
		expect(losses[19]).toBeLessThan(losses[0] / 10);
		expect(losses[19]).toBeLessThan(1e-3);

		const weight = model.weight.item();
		const bias = model.bias!.item();
		expect(Math.abs(weight - 2)).toBeLessThan(0.05);
		expect(Math.abs(bias - 1)).toBeLessThan(0.1);
	});

	it('the same seed gives the same run', () => {
		const run = () => {
			torch.manualSeed(7);
			const { x, y } = tutorialData();
			const model = new torch.nn.Linear(1, 1);
			const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
			const criterion = new torch.nn.MSELoss();
			for (let epoch = 0; epoch < 20; epoch++) {
				optimizer.zeroGrad();
				criterion.forward(model.forward(x), y).backward();
				optimizer.step();
			}
			return [model.weight.item(), model.bias!.item()];
		};
		expect(run()).toEqual(run());
	});
});

/** Five SGD steps on a fixed float64 least-squares problem, compared with PyTorch 2.13. */
function runSgd(options: torch.optim.SGDOptions) {
	const x = torch.tensor(
		[
			[1.0, 2.0],
			[3.0, -1.0],
			[0.5, 4.0]
		],
		{ dtype: 'float64' }
	);
	const y = torch.tensor([[1.0], [2.0], [-1.0]], { dtype: 'float64' });
	const w = torch.tensor([[0.5], [-0.25]], { dtype: 'float64', requiresGrad: true });
	const b = torch.tensor([0.1], { dtype: 'float64', requiresGrad: true });
	const optimizer = new torch.optim.SGD([w, b], { lr: 0.05, ...options });
	const losses: number[] = [];
	for (let step = 0; step < 5; step++) {
		optimizer.zeroGrad();
		const loss = x.mm(w).add(b).sub(y).pow(2).mean();
		loss.backward();
		optimizer.step();
		losses.push(loss.item());
	}
	return { w: Array.from(w.data), b: Array.from(b.data), losses, dtype: w.dtype };
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-12) {
	expect(actual).toHaveLength(expected.length);
	actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(tolerance));
}

/*
 * Expected numbers from PyTorch 2.13 (the venv's /work/venv-torch/bin/python):
 *
 *   import torch
 *   def run(**opts):
 *       x = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]], dtype=torch.float64)
 *       y = torch.tensor([[1.0], [2.0], [-1.0]], dtype=torch.float64)
 *       w = torch.tensor([[0.5], [-0.25]], dtype=torch.float64, requires_grad=True)
 *       b = torch.tensor([0.1], dtype=torch.float64, requires_grad=True)
 *       opt = torch.optim.SGD([w, b], lr=0.05, **opts)
 *       losses = []
 *       for _ in range(5):
 *           opt.zero_grad()
 *           loss = ((x.mm(w) + b - y) ** 2).mean()
 *           loss.backward()
 *           opt.step()
 *           losses.append(loss.item())
 *       print([repr(v) for v in w.detach().flatten().tolist()],
 *             [repr(v) for v in b.detach().tolist()], [repr(v) for v in losses])
 *   run(momentum=0.9, weight_decay=0.1)
 *   run(momentum=0.9, weight_decay=0.1, nesterov=True)
 *   run(momentum=0.5, dampening=0.3, weight_decay=0.01)
 */
describe('SGD with momentum and weight decay matches PyTorch', () => {
	it('momentum=0.9, weight_decay=0.1', () => {
		const r = runSgd({ momentum: 0.9, weightDecay: 0.1 });
		expect(r.dtype).toBe('float64');
		expectClose(r.w, [0.6344194942351594, -0.2880803270998489]);
		expectClose(r.b, [0.21782364344575236]);
		expectClose(
			r.losses,
			[
				0.3183333333333333, 0.2865914189814815, 0.2706817640321309, 0.27891538123483706,
				0.2852691333169547
			]
		);
	});

	it('momentum=0.9, weight_decay=0.1, nesterov=True', () => {
		const r = runSgd({ momentum: 0.9, weightDecay: 0.1, nesterov: true });
		expectClose(r.w, [0.5796176507319578, -0.27056182433987275]);
		expectClose(r.b, [0.21740834302686815]);
		expectClose(
			r.losses,
			[
				0.3183333333333333, 0.27381227252314816, 0.2690323109409937, 0.26977230725367557,
				0.2663613529307968
			]
		);
	});

	it('momentum=0.5, dampening=0.3, weight_decay=0.01', () => {
		const r = runSgd({ momentum: 0.5, dampening: 0.3, weightDecay: 0.01 });
		expectClose(r.w, [0.6042554679390522, -0.26022667507034897]);
		expectClose(r.b, [0.17335201365609468]);
		expectClose(
			r.losses,
			[
				0.3183333333333333, 0.2853850527314814, 0.27137322505289085, 0.2682994114976806,
				0.2677010359433099
			]
		);
	});

	it('a parameter whose grad is None is skipped (its value and momentum stay untouched)', () => {
		const used = torch.tensor([1.0], { dtype: 'float64', requiresGrad: true });
		const unused = torch.tensor([3.0], { dtype: 'float64', requiresGrad: true });
		const optimizer = new torch.optim.SGD([used, unused], {
			lr: 0.1,
			momentum: 0.9,
			weightDecay: 0.5
		});
		used.mul(2).sum().backward();
		optimizer.step();
		expect(unused.item()).toBe(3);
		// used: d = 2 + 0.5 * 1 = 2.5; buffer = 2.5; p = 1 - 0.1 * 2.5 = 0.75
		expect(used.item()).toBeCloseTo(0.75, 12);
		expect(used.isLeaf).toBe(true);
		expect(used.gradFn).toBeNull();
	});
});
