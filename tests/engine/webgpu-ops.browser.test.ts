/**
 * Every registry op on WebGPU against the CPU backend, forward and backward, on random shapes
 * (broadcasting ones included), in float32. Runs in Chromium on whatever adapter it has (the
 * SwiftShader software adapter on machines without a GPU).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import { OP_LIST, OPS, Tensor, type OpDef } from '$lib/engine';
import { apply } from '$lib/engine/dispatch';
import { compare, requireWebGPU, toleranceFor, type Comparison } from './webgpu-helpers';

type Values = (rng: torch.Mulberry32) => number;

interface Case {
	/** Input shapes, in the op's input order (null: a left-out optional input). */
	shapes: (number[] | null)[];
	attrs?: Record<string, unknown>;
	/** How each input's values are drawn (default U(-2, 2)). */
	values?: Values[];
}

const uniform =
	(low: number, high: number): Values =>
	(rng) =>
		low + (high - low) * rng.next();
const awayFromZero: Values = (rng) => (rng.next() < 0.5 ? -1 : 1) * (0.5 + 1.5 * rng.next());
const integer: Values = (rng) => Math.floor(rng.next() * 7) - 3;

/** Broadcasting shape pairs for every elementwise binary op. */
const BINARY_SHAPES: number[][][] = [
	[
		[3, 4],
		[3, 4]
	],
	[[3, 4], [4]],
	[[4], [3, 4]],
	[
		[3, 1],
		[1, 4]
	],
	[
		[2, 1, 4],
		[3, 1]
	],
	[[], [5]],
	[[5], []],
	[[], []],
	[
		[2, 3, 4, 5],
		[3, 1, 5]
	],
	[
		[2, 1, 3, 1],
		[1, 4, 1, 5]
	],
	[[257, 130], [130]],
	[[0, 3], [3]]
];
const UNARY_SHAPES: number[][] = [[3, 4], [], [2, 3, 4], [1000], [70, 300], [0, 3]];

const binaryCases = (values?: Values[]): Case[] =>
	BINARY_SHAPES.map((shapes) => ({ shapes, values }));
const unaryCases = (values?: Values[]): Case[] =>
	UNARY_SHAPES.map((shape) => ({ shapes: [shape], values }));

const reductionCases: Case[] = [
	{ shapes: [[3, 4]] },
	{ shapes: [[3, 4]], attrs: { dim: 0 } },
	{ shapes: [[3, 4]], attrs: { dim: 1, keepdim: true } },
	{ shapes: [[3, 4]], attrs: { dim: [0, 1] } },
	{ shapes: [[2, 3, 4]], attrs: { dim: [0, 2] } },
	{ shapes: [[2, 3, 4]], attrs: { dim: -2, keepdim: true } },
	{ shapes: [[4, 1, 3]], attrs: { dim: 1 } },
	{ shapes: [[]] },
	{ shapes: [[]], attrs: { dim: 0, keepdim: true } },
	{ shapes: [[300]] },
	{ shapes: [[70, 130]], attrs: { dim: 1 } },
	{ shapes: [[130, 70]], attrs: { dim: 0 } },
	{ shapes: [[6, 50, 7]], attrs: { dim: [0, 2] } },
	{ shapes: [[4096, 3]], attrs: { dim: 0 } },
	{ shapes: [[5, 0]], attrs: { dim: 1 } }
];

const CASES: Record<string, Case[]> = {
	add: binaryCases(),
	sub: binaryCases(),
	mul: binaryCases(),
	div: binaryCases([uniform(-2, 2), awayFromZero]),
	pow: [
		...binaryCases([uniform(0.2, 2.5), uniform(-2, 2)]),
		// Negative bases with integer exponents (the gradient needs no log of them).
		{
			shapes: [
				[3, 4],
				[3, 4]
			],
			values: [uniform(-3, 3), integer]
		}
	],
	threshold_backward: binaryCases(),
	pow_backward_self: [
		...binaryCases([uniform(0.2, 2.5), uniform(-2, 2)]),
		{
			shapes: [
				[3, 4],
				[3, 4]
			],
			values: [uniform(-3, 3), integer]
		}
	],
	pow_backward_exponent: binaryCases([uniform(0.2, 2.5), uniform(-2, 2)]),
	neg: unaryCases(),
	exp: unaryCases(),
	log: unaryCases([uniform(0.05, 5)]),
	sqrt: unaryCases([uniform(0.05, 5)]),
	relu: unaryCases(),
	tanh: unaryCases([uniform(-4, 4)]),
	sigmoid: unaryCases([uniform(-6, 6)]),
	sum: reductionCases,
	mean: reductionCases,
	matmul: [
		{
			shapes: [
				[3, 4],
				[4, 5]
			]
		},
		{ shapes: [[4], [4]] },
		{ shapes: [[3, 4], [4]] },
		{ shapes: [[4], [4, 5]] },
		{
			shapes: [
				[1, 1],
				[1, 1]
			]
		},
		{
			shapes: [
				[67, 33],
				[33, 70]
			]
		},
		{
			shapes: [
				[128, 64],
				[64, 130]
			]
		},
		{
			shapes: [
				[3, 0],
				[0, 4]
			]
		},
		{
			shapes: [
				[0, 3],
				[3, 4]
			]
		}
	],
	transpose: [
		{ shapes: [[3, 4]], attrs: { dim0: 0, dim1: 1 } },
		{ shapes: [[2, 3, 4]], attrs: { dim0: 0, dim1: 2 } },
		{ shapes: [[2, 3, 4]], attrs: { dim0: 1, dim1: -1 } },
		{ shapes: [[3, 4]], attrs: { dim0: 1, dim1: 1 } },
		{ shapes: [[5]], attrs: { dim0: 0, dim1: 0 } },
		{ shapes: [[3, 4]], attrs: { t: true } },
		{ shapes: [[65, 70]], attrs: { t: true } }
	],
	reshape: [
		{ shapes: [[3, 4]], attrs: { shape: [2, 6] } },
		{ shapes: [[3, 4]], attrs: { shape: [-1] } },
		{ shapes: [[12]], attrs: { shape: [3, -1] } },
		{ shapes: [[]], attrs: { shape: [1, 1] } },
		{ shapes: [[1]], attrs: { shape: [] } }
	],
	expand: [
		{ shapes: [[3, 1]], attrs: { size: [3, 4] } },
		{ shapes: [[4]], attrs: { size: [2, 3, 4] } },
		{ shapes: [[1]], attrs: { size: [5] } },
		{ shapes: [[]], attrs: { size: [2, 2] } },
		{ shapes: [[2, 1, 3]], attrs: { size: [4, 2, 5, 3] } }
	],
	mse_loss: [
		{
			shapes: [
				[3, 4],
				[3, 4]
			],
			attrs: { reduction: 'mean' }
		},
		{
			shapes: [
				[3, 4],
				[3, 4]
			],
			attrs: { reduction: 'sum' }
		},
		{
			shapes: [
				[3, 4],
				[3, 4]
			],
			attrs: { reduction: 'none' }
		},
		{
			shapes: [
				[11, 1],
				[11, 1]
			],
			attrs: { reduction: 'mean' }
		},
		{ shapes: [[3, 4], [4]], attrs: { reduction: 'mean' } },
		{
			shapes: [
				[500, 7],
				[500, 7]
			],
			attrs: { reduction: 'mean' }
		}
	],
	linear: [
		{ shapes: [[5, 3], [4, 3], [4]] },
		{ shapes: [[5, 3], [4, 3], null] },
		{ shapes: [[3], [4, 3], [4]] },
		{ shapes: [[2, 5, 3], [4, 3], [4]] },
		{ shapes: [[11, 1], [1, 1], [1]] },
		{ shapes: [[256, 100], [70, 100], [70]] }
	],
	clamp: [
		{ shapes: [[3, 4]], attrs: { min: -0.5, max: 0.5 } },
		{ shapes: [[3, 4]], attrs: { min: 0 } },
		{ shapes: [[2, 3, 4]], attrs: { max: 0.25 } },
		{ shapes: [[]], attrs: { min: -1, max: 1 } },
		{ shapes: [[1000]], attrs: { min: 1, max: -1 } },
		{ shapes: [[0, 3]], attrs: { min: 0 } }
	],
	clamp_backward: [
		{
			shapes: [
				[3, 4],
				[3, 4]
			],
			attrs: { min: -0.5, max: 0.5 }
		},
		{
			shapes: [
				[70, 300],
				[70, 300]
			],
			attrs: { max: 0 }
		}
	],
	log_softmax: [
		{ shapes: [[3, 4]], attrs: { dim: 1 } },
		{ shapes: [[3, 4]], attrs: { dim: 0 } },
		{ shapes: [[2, 3, 4]], attrs: { dim: 1 } },
		{ shapes: [[5]], attrs: { dim: 0 } },
		{ shapes: [[]], attrs: { dim: 0 } },
		{ shapes: [[2, 300]], attrs: { dim: -1 } },
		{ shapes: [[3, 4]], attrs: { dim: 1 }, values: [uniform(-100, 100)] }
	]
};

/** An op's cases: its own, or the default broadcasting set for an elementwise op. */
function casesFor(op: OpDef): Case[] {
	if (CASES[op.id]) return CASES[op.id];
	if (op.kind === 'binary') return binaryCases();
	if (op.kind === 'unary') return unaryCases();
	return [];
}

interface Observed {
	op: string;
	forward: Comparison;
	grads: Comparison[];
}
const observed: Observed[] = [];

function draw(shape: number[], values: Values, rng: torch.Mulberry32): Float32Array {
	const n = shape.reduce((a, b) => a * b, 1);
	return Float32Array.from({ length: n }, () => values(rng));
}

function describeCase(c: Case): string {
	const shapes = c.shapes.map((s) => (s === null ? 'None' : `[${s.join(',')}]`)).join(' ');
	return c.attrs ? `${shapes} ${JSON.stringify(c.attrs)}` : shapes;
}

/** Inputs on `device`, all requiring grad, from the same values. */
function inputsOn(
	device: torch.Device,
	shapes: (number[] | null)[],
	data: (Float32Array | null)[]
) {
	return shapes.map((shape, i) =>
		shape === null
			? null
			: torch.tensor(data[i]!, { shape, device, requiresGrad: true, dtype: 'float32' })
	);
}

async function runCase(op: OpDef, c: Case, seed: number) {
	const rng = new torch.Mulberry32(seed);
	const data = c.shapes.map((shape, i) =>
		shape === null ? null : draw(shape, c.values?.[i] ?? uniform(-2, 2), rng)
	);
	const cpuInputs = inputsOn('cpu', c.shapes, data);
	const gpuInputs = inputsOn('webgpu', c.shapes, data);
	const cpuOut = apply(op, cpuInputs, c.attrs ?? {});
	const gpuOut = apply(op, gpuInputs, c.attrs ?? {});
	const upstream = draw(cpuOut.shape, uniform(-1, 1), rng);
	cpuOut.backward(torch.tensor(upstream, { shape: cpuOut.shape }));
	gpuOut.backward(torch.tensor(upstream, { shape: gpuOut.shape, device: 'webgpu' }));
	const tolerance = toleranceFor(op.id);
	const forward = compare(await gpuOut.dataAsync(), cpuOut.data, tolerance);
	const grads: Comparison[] = [];
	for (let i = 0; i < cpuInputs.length; i++) {
		const [cpu, gpu] = [cpuInputs[i], gpuInputs[i]];
		if (!cpu || !gpu) continue;
		const [cpuGrad, gpuGrad] = [cpu.grad, gpu.grad];
		expect(gpuGrad === null, `grad ${i} exists on one device only`).toBe(cpuGrad === null);
		if (!cpuGrad || !gpuGrad) continue;
		expect(gpuGrad.device).toBe('webgpu');
		expect(gpuGrad.shape).toEqual(cpuGrad.shape);
		grads.push(compare(await gpuGrad.dataAsync(), cpuGrad.data, tolerance));
	}
	return { cpuOut, gpuOut, forward, grads };
}

beforeAll(async () => {
	await requireWebGPU();
	// mse_loss with a broadcast target warns, as in PyTorch; keep the log quiet.
	torch.setWarningHandler(() => {});
});

describe('every registry op on WebGPU agrees with the CPU, forward and backward', () => {
	test('every registry op has cases here', () => {
		expect(OP_LIST.filter((op) => casesFor(op).length === 0).map((op) => op.id)).toEqual([]);
	});

	for (const op of OP_LIST) {
		test.each(casesFor(op).map((c, i) => [describeCase(c), c, i] as const))(
			`${op.id} %s`,
			async (_name, c, index) => {
				const { cpuOut, gpuOut, forward, grads } = await runCase(op, c, 1000 + index);
				observed.push({ op: op.id, forward, grads });
				expect(gpuOut.device).toBe('webgpu');
				expect(gpuOut.shape).toEqual(cpuOut.shape);
				expect(gpuOut.gradFn?.name).toBe(cpuOut.gradFn?.name);
				expect.soft(forward.lines, 'forward values').toEqual([]);
				grads.forEach((g, i) => expect.soft(g.lines, `grad of input ${i}`).toEqual([]));
			}
		);
	}
});

/** NaN, infinities, signed zeros and ordinary values, every pair for binary ops. */
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1e-30, 100, -100];

describe('IEEE special values: WebGPU matches the CPU elementwise', () => {
	const elementwise = OP_LIST.filter((op) => op.kind !== 'custom');
	test.each(elementwise.map((op) => [op.id, op] as const))('%s', async (_id, op) => {
		const n = SPECIAL.length;
		const a = op.kind === 'binary' ? SPECIAL.flatMap((x) => SPECIAL.map(() => x)) : SPECIAL;
		const b = SPECIAL.flatMap(() => SPECIAL);
		const make = (device: torch.Device, values: number[]) =>
			torch.tensor(Float32Array.from(values), { device });
		const inputs = (device: torch.Device) =>
			op.kind === 'binary' ? [make(device, a), make(device, b)] : [make(device, a)];
		const cpu = apply(op, inputs('cpu'));
		const gpu = apply(op, inputs('webgpu'));
		const result = compare(await gpu.dataAsync(), cpu.data, toleranceFor(op.id));
		expect(cpu.numel()).toBe(op.kind === 'binary' ? n * n : n);
		expect(result.lines).toEqual([]);
	});
});

describe('the device API on webgpu tensors', () => {
	test('number operands, in-place ops, fill and copy run on the GPU', async () => {
		const x = torch.tensor([1, 2, 3, 4], { device: 'webgpu' });
		expect(await x.mul(2).add(0.5).sub(1).div(4).tolistAsync()).toEqual([
			0.375, 0.875, 1.375, 1.875
		]);
		expect(await torch.pow(2, x).tolistAsync()).toEqual([2, 4, 8, 16]);
		const y = torch.zeros([2, 4], { device: 'webgpu' });
		y.add_(x)
			.mul_(3)
			.sub_(x, { alpha: 2 })
			.div_(torch.tensor([1, 2, 4, 8], { device: 'webgpu' }));
		expect(await y.tolistAsync()).toEqual([
			[1, 1, 0.75, 0.5],
			[1, 1, 0.75, 0.5]
		]);
		y.add_(y);
		expect(await y.tolistAsync()).toEqual([
			[2, 2, 1.5, 1],
			[2, 2, 1.5, 1]
		]);
		y.fill_(7);
		expect(await y.tolistAsync()).toEqual([
			[7, 7, 7, 7],
			[7, 7, 7, 7]
		]);
		y.copy_(torch.tensor([9, 8, 7, 6]));
		expect(await y.sum(0).tolistAsync()).toEqual([18, 16, 14, 12]);
		y.zero_();
		expect(await y.sum().itemAsync()).toBe(0);
		expect(y._version).toBeGreaterThan(0);
	});

	test('clone, detach and a moved leaf behave as in PyTorch', async () => {
		const leaf = torch.tensor([1, 2, 3], { requiresGrad: true });
		const moved = leaf.to('webgpu');
		expect([moved.device, moved.isLeaf, moved.requiresGrad]).toEqual(['webgpu', false, true]);
		expect(moved.gradFn?.name).toBe('ToCopyBackward0');
		const onDevice = torch.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
		expect([onDevice.isLeaf, onDevice.requiresGrad, onDevice.device]).toEqual([
			true,
			true,
			'webgpu'
		]);
		const clone = onDevice.clone();
		expect(clone.gradFn?.name).toBe('CloneBackward0');
		const detached = onDevice.detach();
		expect([detached.isLeaf, detached.requiresGrad]).toEqual([true, false]);
		detached.add_(1);
		// detach() shares the values: the leaf sees the change; the clone does not.
		expect(await onDevice.tolistAsync()).toEqual([2, 3, 4]);
		expect(await clone.tolistAsync()).toEqual([1, 2, 3]);
		const back = await onDevice.toAsync('cpu');
		expect([back.device, back.tolist()]).toEqual(['cpu', [2, 3, 4]]);
	});

	test('gradients accumulate on the device, and retain_graph allows a second backward', async () => {
		const x = torch.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
		const y = x.mul(x).sum();
		y.backward({ retainGraph: true });
		y.backward();
		expect(await x.grad!.tolistAsync()).toEqual([4, 8, 12]);
		expect(() => y.backward()).toThrow(/backward through the graph a second time/);
	});

	test('sync reads, mixed devices and float64 fail with clear messages', () => {
		const x = torch.tensor([1, 2], { device: 'webgpu' });
		expect(() => x.item()).toThrow('use await t.itemAsync()');
		expect(() => x.tolist()).toThrow('use await t.tolistAsync()');
		expect(() => x.to('cpu')).toThrow("await t.toAsync('cpu')");
		expect(() => x.add(torch.tensor([1, 2]))).toThrow(
			'Expected all tensors to be on the same device, but found at least two devices, webgpu and cpu!'
		);
		expect(() => torch.tensor([1, 2], { dtype: 'float64', device: 'webgpu' })).toThrow(
			/float32 only/
		);
		expect(() => torch.tensor([1, 2], { dtype: 'float64' }).to('webgpu')).toThrow(/float32 only/);
		expect(() => torch.device('cuda')).toThrow(/use 'webgpu'/);
		expect(torch.device('webgpu')).toBe('webgpu');
		// A software adapter (SwiftShader here) runs 'webgpu' when asked, but is never the default.
		const software = torch.webgpu.softwareAdapter(torch.webgpu.adapterInfo()!);
		expect(torch.defaultDevice()).toBe(software === null ? 'webgpu' : 'cpu');
	});

	test('creation functions take { device }, and *Like keeps the device', async () => {
		const made = [
			torch.zeros([2, 2], { device: 'webgpu' }),
			torch.ones([2], { device: 'webgpu' }),
			torch.full([2], 3, { device: 'webgpu' }),
			torch.arange(3, undefined, 1, { device: 'webgpu' }),
			torch.linspace(0, 1, 3, { device: 'webgpu' }),
			torch.eye(2, 2, { device: 'webgpu' }),
			torch.rand([2], { device: 'webgpu' }),
			torch.randn([2], { device: 'webgpu', requiresGrad: true }),
			torch.tensor([[1, 2, 3, 4]], { device: 'webgpu', shape: [2, 2], requiresGrad: true })
		];
		expect(made.map((t) => t.device)).toEqual(made.map(() => 'webgpu'));
		expect(made.every((t) => t.isLeaf)).toBe(true);
		expect(await made[3].tolistAsync()).toEqual([0, 1, 2]);
		expect(await made[8].tolistAsync()).toEqual([
			[1, 2],
			[3, 4]
		]);
		expect(torch.zerosLike(made[0]).device).toBe('webgpu');
		expect(await torch.onesLike(made[1]).tolistAsync()).toEqual([1, 1]);
	});

	test('a Tensor made from a device buffer reports its element count', () => {
		const t = torch.ones([3, 5], { device: 'webgpu' });
		expect(t.numel()).toBe(15);
		expect(t).toBeInstanceOf(Tensor);
		expect(String(t)).toContain('on webgpu');
		expect(OPS.add.wgsl).toBe('a + b');
	});
});

afterAll(() => {
	// The tolerance report: the worst error seen per op (forward and gradients), for the notes.
	const rows = new Map<string, { rel: number; abs: number; worst: number }>();
	for (const o of observed) {
		const row = rows.get(o.op) ?? { rel: 0, abs: 0, worst: 0 };
		for (const c of [o.forward, ...o.grads]) {
			row.rel = Math.max(row.rel, c.maxRelative);
			row.abs = Math.max(row.abs, c.maxAbsolute);
			row.worst = Math.max(row.worst, c.worst);
		}
		rows.set(o.op, row);
	}
	const lines = [...rows].map(([op, r]) => {
		const t = toleranceFor(op);
		return `${op.padEnd(20)} max rel ${r.rel.toExponential(2)}  max abs ${r.abs.toExponential(2)}  (rtol ${t.rtol}, atol ${t.atol}; worst ratio ${r.worst.toFixed(3)})`;
	});
	console.log(`WebGPU vs CPU, observed errors:\n${lines.join('\n')}`);
});
