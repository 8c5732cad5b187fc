/**
 * The Tensor API surface: creation functions and their options, item / tolist / detach /
 * retainGrad / requiresGrad_, function form against method form for every registry op, the
 * non-leaf .grad warning, noGrad, grad_fn structure and PyTorch's repr strings.
 */
import { describe, expect, it, test } from 'vitest';
import * as torch from '$lib/engine';
import { OP_LIST, OPS, TorchError, type Tensor } from '$lib/engine';
import { apply } from '$lib/engine/dispatch';
import { useEngineSandbox } from './sandbox';

const NON_LEAF_WARNING_START =
	"The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.";

const warnings = useEngineSandbox();

const f32 = (values: number[]) => values.map((v) => Math.fround(v));

describe('creation', () => {
	it('tensor from a number is 0-d', () => {
		const t = torch.tensor(3.5);
		expect(t.shape).toEqual([]);
		expect(t.dim()).toBe(0);
		expect(t.numel()).toBe(1);
		expect(t.item()).toBe(3.5);
		expect(t.dtype).toBe('float32');
		expect(t.requiresGrad).toBe(false);
		expect(t.isLeaf).toBe(true);
	});

	it('tensor from nested lists infers the shape and stores float32 by default', () => {
		const t = torch.tensor([
			[1, 2, 3],
			[4, 5, 6.1]
		]);
		expect(t.shape).toEqual([2, 3]);
		expect(t.data).toBeInstanceOf(Float32Array);
		expect(t.tolist()).toEqual([f32([1, 2, 3]), f32([4, 5, 6.1])]);
		expect(torch.tensor([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
		expect(torch.tensor([]).shape).toEqual([0]);
	});

	it('tensor from a Float32Array with a shape copies the values', () => {
		const source = new Float32Array([1, 2, 3, 4, 5, 6]);
		const t = torch.tensor(source, { shape: [2, 3] });
		expect(t.shape).toEqual([2, 3]);
		expect(t.tolist()).toEqual([
			[1, 2, 3],
			[4, 5, 6]
		]);
		source[0] = 100;
		expect(t.tolist()).toEqual([
			[1, 2, 3],
			[4, 5, 6]
		]);
		expect(torch.tensor(new Float64Array([1, 2])).shape).toEqual([2]);
		const error = (() => {
			try {
				torch.tensor(new Float32Array(6), { shape: [4, 2] });
			} catch (e) {
				return e as TorchError;
			}
			return null;
		})();
		expect(error).toBeInstanceOf(TorchError);
	});

	it('dtype and requiresGrad options', () => {
		const t = torch.tensor([0.1, 0.2], { dtype: 'float64', requiresGrad: true });
		expect(t.dtype).toBe('float64');
		expect(t.data).toBeInstanceOf(Float64Array);
		expect(t.tolist()).toEqual([0.1, 0.2]);
		expect(t.requiresGrad).toBe(true);
		expect(t.isLeaf).toBe(true);
		expect(torch.tensor([0.1]).item()).toBe(Math.fround(0.1));
		for (const make of [
			(o: torch.CreationOptions) => torch.zeros([2], o),
			(o: torch.CreationOptions) => torch.ones([2], o),
			(o: torch.CreationOptions) => torch.full([2], 3, o),
			(o: torch.CreationOptions) => torch.arange(0, 2, 1, o),
			(o: torch.CreationOptions) => torch.linspace(0, 1, 2, o),
			(o: torch.CreationOptions) => torch.eye(2, 2, o),
			(o: torch.CreationOptions) => torch.rand([2], o),
			(o: torch.CreationOptions) => torch.randn([2], o)
		]) {
			const plain = make({});
			expect(plain.dtype).toBe('float32');
			expect(plain.requiresGrad).toBe(false);
			const custom = make({ dtype: 'float64', requiresGrad: true });
			expect(custom.dtype).toBe('float64');
			expect(custom.data).toBeInstanceOf(Float64Array);
			expect(custom.requiresGrad).toBe(true);
			expect(custom.isLeaf).toBe(true);
		}
	});

	it('zeros, ones, full', () => {
		expect(torch.zeros([2, 3]).tolist()).toEqual([
			[0, 0, 0],
			[0, 0, 0]
		]);
		expect(torch.zeros(3).shape).toEqual([3]);
		expect(torch.zeros([]).shape).toEqual([]);
		expect(torch.ones([2]).tolist()).toEqual([1, 1]);
		expect(torch.full([2, 2], 7).tolist()).toEqual([
			[7, 7],
			[7, 7]
		]);
		expect(torch.full([1], 0.1, { dtype: 'float64' }).item()).toBe(0.1);
	});

	it('arange with 1, 2 and 3 arguments', () => {
		expect(torch.arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
		expect(torch.arange(1, 4).tolist()).toEqual([1, 2, 3]);
		expect(torch.arange(0, 1, 0.25).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
		expect(torch.arange(5, 0, -1.5).tolist()).toEqual([5, 3.5, 2, 0.5]);
		expect(torch.arange(0, 1, 0.1).numel()).toBe(10);
		expect(torch.arange(0).shape).toEqual([0]);
	});

	it('linspace', () => {
		expect(torch.linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
		expect(torch.linspace(-1, 1, 5).tolist()).toEqual([-1, -0.5, 0, 0.5, 1]);
		expect(torch.linspace(3, 10, 1).tolist()).toEqual([3]);
		expect(torch.linspace(0, 1, 0).shape).toEqual([0]);
		// The last value is exactly `end`.
		expect((torch.linspace(0, 1, 7, { dtype: 'float64' }).tolist() as number[])[6]).toBe(1);
	});

	it('eye', () => {
		expect(torch.eye(3).tolist()).toEqual([
			[1, 0, 0],
			[0, 1, 0],
			[0, 0, 1]
		]);
		expect(torch.eye(2, 3).tolist()).toEqual([
			[1, 0, 0],
			[0, 1, 0]
		]);
	});

	it('rand and randn are reproducible under manualSeed', () => {
		torch.manualSeed(7);
		const a = [torch.rand([5]).tolist(), torch.randn([3, 2]).tolist()];
		torch.manualSeed(7);
		const b = [torch.rand([5]).tolist(), torch.randn([3, 2]).tolist()];
		expect(b).toEqual(a);
		torch.manualSeed(8);
		expect(torch.rand([5]).tolist()).not.toEqual(a[0]);
		// Successive draws differ.
		torch.manualSeed(7);
		expect(torch.rand([5]).tolist()).not.toEqual(torch.rand([5]).tolist());
	});

	it('rand is uniform on [0, 1) and randn standard normal', () => {
		const u = Array.from(torch.rand([20000], { dtype: 'float64' }).data);
		expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...u)).toBeLessThan(1);
		expect(u.reduce((s, v) => s + v, 0) / u.length).toBeCloseTo(0.5, 1);
		const n = Array.from(torch.randn([20000], { dtype: 'float64' }).data);
		const mean = n.reduce((s, v) => s + v, 0) / n.length;
		const variance = n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length;
		expect(Math.abs(mean)).toBeLessThan(0.05);
		expect(Math.abs(variance - 1)).toBeLessThan(0.05);
		expect(torch.randn([2, 3]).shape).toEqual([2, 3]);
	});

	it('zerosLike and onesLike take shape and dtype, not requires_grad', () => {
		const source = torch.randn([2, 3], { dtype: 'float64', requiresGrad: true });
		const z = torch.zerosLike(source);
		const o = torch.onesLike(source);
		for (const [t, value] of [
			[z, 0],
			[o, 1]
		] as const) {
			expect(t.shape).toEqual([2, 3]);
			expect(t.dtype).toBe('float64');
			expect(t.requiresGrad).toBe(false);
			expect(Array.from(t.data).every((v) => v === value)).toBe(true);
		}
		expect(torch.onesLike(source, { dtype: 'float32' }).dtype).toBe('float32');
		expect(torch.zerosLike(source, { requiresGrad: true }).requiresGrad).toBe(true);
	});
});

describe('reading and detaching', () => {
	it('item of a one-element tensor; PyTorch error otherwise', () => {
		expect(torch.tensor([[2.5]]).item()).toBe(2.5);
		expect(() => torch.tensor([1, 2]).item()).toThrow(
			'a Tensor with 2 elements cannot be converted to Scalar'
		);
	});

	it('tolist nests like the shape; a 0-d tensor gives a number', () => {
		expect(torch.tensor(4).tolist()).toBe(4);
		expect(torch.arange(6).reshape([3, 1, 2]).tolist()).toEqual([[[0, 1]], [[2, 3]], [[4, 5]]]);
	});

	it('numpy gives the flat row-major values, sharing memory as PyTorch does', () => {
		const x = torch.arange(6).reshape([2, 3]);
		const values = x.numpy();
		expect(values).toBeInstanceOf(Float32Array);
		expect(Array.from(values)).toEqual([0, 1, 2, 3, 4, 5]);
		// PyTorch's .numpy() shares the storage: a write shows in the tensor.
		values[0] = 5;
		expect(x.tolist()).toEqual([
			[5, 1, 2],
			[3, 4, 5]
		]);
		expect(torch.zeros([2], { dtype: 'float64' }).numpy()).toBeInstanceOf(Float64Array);
		expect(Array.from(torch.tensor(3).numpy())).toEqual([3]);
		// A transpose reads in its own row-major order.
		expect(Array.from(torch.arange(6).reshape([2, 3]).t().numpy())).toEqual([0, 3, 1, 4, 2, 5]);
	});

	it("numpy refuses a tensor that requires grad, in PyTorch's words, unless forced", async () => {
		const w = torch.ones([2], { requiresGrad: true });
		const refusal =
			"Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.";
		expect(() => w.numpy()).toThrow(refusal);
		await expect(w.numpyAsync()).rejects.toThrow(refusal);
		expect(Array.from(w.detach().numpy())).toEqual([1, 1]);
		expect(Array.from(w.numpy({ force: true }))).toEqual([1, 1]);
		expect(Array.from(await torch.tensor([1, 2]).numpyAsync())).toEqual([1, 2]);
	});

	it('detach shares values and drops the graph', () => {
		const x = torch.tensor([1, 2], { requiresGrad: true });
		const y = x.mul(2);
		const d = x.detach();
		expect(d.requiresGrad).toBe(false);
		expect(d.gradFn).toBeNull();
		expect(d.isLeaf).toBe(true);
		expect(d.tolist()).toEqual([1, 2]);
		// Shared storage: an in-place change through the detached tensor shows in x.
		d.add_(10);
		expect(x.tolist()).toEqual([11, 12]);
		const yd = y.detach();
		expect(yd.requiresGrad).toBe(false);
		expect(yd.gradFn).toBeNull();
		expect(yd.tolist()).toEqual([2, 4]);
	});

	it('retainGrad makes a non-leaf keep its grad', () => {
		const x = torch.tensor([1, 2, 3], { requiresGrad: true });
		const y = x.mul(2);
		const z = x.mul(3);
		y.retainGrad();
		expect(y.retainsGrad).toBe(true);
		y.mul(z).sum().backward();
		expect(y.grad!.tolist()).toEqual([3, 6, 9]);
		expect(warnings).toEqual([]);
		expect(z.grad).toBeNull();
		expect(warnings).toHaveLength(1);
		expect(x.grad!.tolist()).toEqual([12, 24, 36]);
	});

	it('requiresGrad_ sets the flag on a leaf and returns the same tensor', () => {
		const x = torch.ones([2]);
		expect(x.requiresGrad_()).toBe(x);
		expect(x.requiresGrad).toBe(true);
		expect(x.requiresGrad_(false).requiresGrad).toBe(false);
		const y = torch.ones([2], { requiresGrad: true }).mul(2);
		expect(() => y.requiresGrad_(false)).toThrow(
			'you can only change requires_grad flags of leaf variables.'
		);
		expect(y.requiresGrad).toBe(true);
	});
});

describe('function form and method form agree for every registry op', () => {
	const a = () =>
		torch.tensor(
			[
				[0.5, -1, 2],
				[1.5, 0.25, -0.75]
			],
			{ requiresGrad: true }
		);
	const b = () =>
		torch.tensor(
			[
				[2, 0.5, -1],
				[0.3, 4, 1.25]
			],
			{ requiresGrad: true }
		);
	const pos = () =>
		torch.tensor(
			[
				[0.5, 1, 2],
				[1.5, 0.25, 3]
			],
			{ requiresGrad: true }
		);
	const col = () => torch.tensor([[1], [2], [3]], { requiresGrad: true });
	const F = torch.nn.functional as unknown as Record<
		string,
		((...args: unknown[]) => Tensor) | undefined
	>;

	/** For each public op id: pairs of [function form, method form] computations. */
	const FORMS: Record<string, [string, () => Tensor, () => Tensor][]> = {
		add: [
			['torch.add(a, b) / a.add(b)', () => torch.add(a(), b()), () => a().add(b())],
			['torch.add(a, 2) / a.add(2)', () => torch.add(a(), 2), () => a().add(2)]
		],
		sub: [['torch.sub(a, b) / a.sub(b)', () => torch.sub(a(), b()), () => a().sub(b())]],
		mul: [
			['torch.mul(a, b) / a.mul(b)', () => torch.mul(a(), b()), () => a().mul(b())],
			['torch.mul(3, a) / a.mul(3)', () => torch.mul(3, a()), () => a().mul(3)]
		],
		div: [['torch.div(a, b) / a.div(b)', () => torch.div(a(), b()), () => a().div(b())]],
		pow: [
			['torch.pow(p, b) / p.pow(b)', () => torch.pow(pos(), b()), () => pos().pow(b())],
			['torch.pow(a, 2) / a.pow(2)', () => torch.pow(a(), 2), () => a().pow(2)]
		],
		neg: [['torch.neg / .neg', () => torch.neg(a()), () => a().neg()]],
		exp: [['torch.exp / .exp', () => torch.exp(a()), () => a().exp()]],
		log: [['torch.log / .log', () => torch.log(pos()), () => pos().log()]],
		sqrt: [['torch.sqrt / .sqrt', () => torch.sqrt(pos()), () => pos().sqrt()]],
		relu: [
			['torch.relu / .relu', () => torch.relu(a()), () => a().relu()],
			['F.relu / .relu', () => F.relu!(a()), () => a().relu()]
		],
		tanh: [['torch.tanh / .tanh', () => torch.tanh(a()), () => a().tanh()]],
		sigmoid: [['torch.sigmoid / .sigmoid', () => torch.sigmoid(a()), () => a().sigmoid()]],
		abs: [['torch.abs / .abs', () => torch.abs(a()), () => a().abs()]],
		clamp: [
			[
				'torch.clamp(a, -0.5, 1) / a.clamp(-0.5, 1)',
				() => torch.clamp(a(), -0.5, 1),
				() => a().clamp(-0.5, 1)
			],
			[
				'torch.clamp(a, null, 1) / a.clamp(undefined, 1)',
				() => torch.clamp(a(), null, 1),
				() => a().clamp(undefined, 1)
			]
		],
		sum: [
			['torch.sum(a) / a.sum()', () => torch.sum(a()), () => a().sum()],
			[
				'torch.sum(a, 1, true) / a.sum(1, true)',
				() => torch.sum(a(), 1, true),
				() => a().sum(1, true)
			]
		],
		mean: [
			['torch.mean(a) / a.mean()', () => torch.mean(a()), () => a().mean()],
			['torch.mean(a, [0]) / a.mean([0])', () => torch.mean(a(), [0]), () => a().mean([0])]
		],
		matmul: [
			['torch.matmul / .matmul', () => torch.matmul(a(), col()), () => a().matmul(col())],
			['torch.mm / .mm', () => torch.mm(a(), col()), () => a().mm(col())]
		],
		transpose: [
			['torch.transpose / .transpose', () => torch.transpose(a(), 0, 1), () => a().transpose(0, 1)],
			['torch.t / .t', () => torch.t(a()), () => a().t()]
		],
		reshape: [
			['torch.reshape / .reshape', () => torch.reshape(a(), [3, 2]), () => a().reshape([3, 2])],
			['torch.unsqueeze / .unsqueeze', () => torch.unsqueeze(a(), 1), () => a().unsqueeze(1)],
			['torch.squeeze / .squeeze', () => torch.squeeze(col(), 1), () => col().squeeze(1)]
		],
		expand: [
			['torch.expand / .expand', () => torch.expand(col(), [3, 4]), () => col().expand([3, 4])]
		],
		mse_loss: [
			['F.mseLoss / .mseLoss', () => F.mseLoss!(a(), b()), () => a().mseLoss(b())],
			[
				'torch.mseLoss / .mseLoss',
				() => torch.mseLoss(a(), b(), { reduction: 'sum' }),
				() => a().mseLoss(b(), { reduction: 'sum' })
			],
			[
				'nn.MSELoss / .mseLoss',
				() => new torch.nn.MSELoss().forward(a(), b()),
				() => a().mseLoss(b())
			]
		],
		linear: [
			[
				'F.linear(x, W, b) / nn.Linear',
				() => {
					expect(F.linear, 'torch.nn.functional.linear is missing').toBeTypeOf('function');
					return F.linear!(a(), b(), torch.tensor([0.5, -0.5], { requiresGrad: true }));
				},
				() => {
					const layer = new torch.nn.Linear(3, 2);
					torch.noGrad(() => {
						layer.weight.copy_(b());
						layer.bias!.copy_(torch.tensor([0.5, -0.5]));
					});
					return layer.forward(a());
				}
			]
		],
		log_softmax: [
			['torch.logSoftmax / .logSoftmax', () => torch.logSoftmax(a(), 1), () => a().logSoftmax(1)],
			['F.logSoftmax / .logSoftmax', () => F.logSoftmax!(a(), 0), () => a().logSoftmax(0)]
		]
	};

	it('covers every public registry op', () => {
		const publicOps = OP_LIST.filter((op) => !op.internal).map((op) => op.id);
		expect(publicOps.filter((id) => !Object.hasOwn(FORMS, id))).toEqual([]);
	});

	const cases = Object.entries(FORMS).flatMap(([id, forms]) =>
		forms.map(([label, fn, method]) => [id, label, fn, method] as const)
	);
	test.each(cases)('%s: %s', (_id, _label, fn, method) => {
		const x = fn();
		const y = method();
		expect(x.shape).toEqual(y.shape);
		expect(x.dtype).toBe(y.dtype);
		expect(x.tolist()).toEqual(y.tolist());
		expect(x.requiresGrad).toBe(true);
		expect(x.gradFn?.name).toBe(y.gradFn?.name);
	});

	it('torch.pow(number, tensor) is PowBackward2 and differentiates the exponent', () => {
		const e = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
		const out = torch.pow(2, e);
		expect(out.tolist()).toEqual([2, 4, 8]);
		expect(out.gradFn!.name).toBe('PowBackward2');
		out.sum().backward();
		expect(e.grad!.tolist()).toEqual([2, 4, 8].map((v) => v * Math.log(2)));
	});

	it('sum and mean over an empty dim list reduce every dim (PyTorch)', () => {
		const x = torch.tensor([
			[1, 2, 3],
			[4, 5, 6]
		]);
		expect(x.sum([]).shape).toEqual([]);
		expect(x.sum([]).item()).toBe(21);
		expect(x.mean([]).item()).toBe(3.5);
		expect(x.sum([], true).shape).toEqual([1, 1]);
	});
});

describe('gradient mode and the non-leaf .grad warning', () => {
	it('reading .grad of a non-leaf returns null and warns through the installed handler', () => {
		const seen: string[] = [];
		const outer = torch.setWarningHandler((message) => seen.push(message));
		try {
			const x = torch.tensor([1, 2], { requiresGrad: true });
			const y = x.mul(2);
			y.sum().backward();
			expect(y.grad).toBeNull();
			expect(seen).toHaveLength(1);
			expect(seen[0].startsWith(NON_LEAF_WARNING_START)).toBe(true);
			// A leaf's .grad does not warn.
			expect(x.grad!.tolist()).toEqual([2, 2]);
			expect(seen).toHaveLength(1);
		} finally {
			// Restoring gives back the previous handler (the one from beforeEach).
			const mine = torch.setWarningHandler(outer);
			expect(mine).not.toBe(outer);
		}
		const y = torch.tensor([1], { requiresGrad: true }).mul(2);
		expect(y.grad).toBeNull();
		expect(warnings).toHaveLength(1);
	});

	it('noGrad: results do not require grad, and the mode comes back (even after a throw)', () => {
		const w = torch.tensor([1, 2], { requiresGrad: true });
		const y = torch.noGrad(() => w.mul(2).add(1));
		expect(y.requiresGrad).toBe(false);
		expect(y.gradFn).toBeNull();
		expect(y.isLeaf).toBe(true);
		expect(y.tolist()).toEqual([3, 5]);
		expect(torch.isGradEnabled()).toBe(true);
		expect(() =>
			torch.noGrad(() => {
				throw new Error('inside');
			})
		).toThrow('inside');
		expect(torch.isGradEnabled()).toBe(true);
		expect(w.mul(2).requiresGrad).toBe(true);
		torch.setGradEnabled(false);
		expect(w.mul(2).requiresGrad).toBe(false);
		torch.setGradEnabled(true);
		expect(w.mul(2).requiresGrad).toBe(true);
	});
});

describe('grad_fn graph for z = w*x + b (the seed example)', () => {
	it('AddBackward0 -> [MulBackward0, AccumulateGrad(b)]; MulBackward0 -> [AccumulateGrad(w), None]', () => {
		const x = torch.rand([1]);
		const w = torch.rand([1], { requiresGrad: true });
		const b = torch.rand([1], { requiresGrad: true });
		const y = w.mul(x);
		const z = y.add(b);
		expect([x.requiresGrad, b.requiresGrad, w.requiresGrad, y.requiresGrad]).toEqual([
			false,
			true,
			true,
			true
		]);
		expect([x.isLeaf, w.isLeaf, b.isLeaf, y.isLeaf, z.isLeaf]).toEqual([
			true,
			true,
			true,
			false,
			false
		]);
		const add = z.gradFn!;
		expect(add).toBeInstanceOf(torch.GradNode);
		expect(add.name).toBe('AddBackward0');
		const next = add.nextFunctions;
		expect(next).toHaveLength(2);
		const [[mul, mulIndex], [accB, accBIndex]] = next;
		expect([mulIndex, accBIndex]).toEqual([0, 0]);
		expect(mul).toBe(y.gradFn);
		expect(mul!.name).toBe('MulBackward0');
		expect(accB).toBeInstanceOf(torch.AccumulateGrad);
		expect(accB!.name).toBe('AccumulateGrad');
		expect((accB as torch.AccumulateGrad).variable).toBe(b);
		expect(accB!.nextFunctions).toEqual([]);
		const [[accW, wIndex], [none, noneIndex]] = (mul as torch.GradNode).nextFunctions;
		expect(accW).toBeInstanceOf(torch.AccumulateGrad);
		expect((accW as torch.AccumulateGrad).variable).toBe(w);
		expect(wIndex).toBe(0);
		expect(none).toBeNull();
		expect(noneIndex).toBe(0);
		// One AccumulateGrad per leaf: reusing w gives the same node.
		const again = w.add(1).gradFn!.nextFunctions[0][0];
		expect(again).toBe(accW);
	});
});

describe('repr strings, as PyTorch prints them', () => {
	it('the seed example', () => {
		const x = torch.tensor([0.5]);
		const w = torch.tensor([0.8], { requiresGrad: true });
		const b = torch.tensor([0.3101], { requiresGrad: true });
		const z = w.mul(x).add(b);
		expect(z.toString()).toBe('tensor([0.7101], grad_fn=<AddBackward0>)');
		expect(torch.tensor([0.5], { requiresGrad: true }).toString()).toBe(
			'tensor([0.5000], requires_grad=True)'
		);
		expect(w.mul(x).toString()).toBe('tensor([0.4000], grad_fn=<MulBackward0>)');
		expect(x.toString()).toBe('tensor([0.5000])');
	});

	test.each([
		['tensor([1, 2, 3])', () => torch.tensor([1, 2, 3]), 'tensor([1., 2., 3.])'],
		['tensor(3.5)', () => torch.tensor(3.5), 'tensor(3.5000)'],
		['zeros(2, 2)', () => torch.zeros([2, 2]), 'tensor([[0., 0.],\n        [0., 0.]])'],
		[
			'float64 leaf',
			() => torch.tensor([0.5], { dtype: 'float64', requiresGrad: true }),
			'tensor([0.5000], dtype=torch.float64, requires_grad=True)'
		],
		[
			'sum',
			() => torch.tensor([1, 2, 3], { requiresGrad: true }).sum(),
			'tensor(6., grad_fn=<SumBackward0>)'
		],
		[
			'mse_loss',
			() => torch.tensor([1, 2], { requiresGrad: true }).mseLoss(torch.tensor([0, 0])),
			'tensor(2.5000, grad_fn=<MseLossBackward0>)'
		],
		[
			'mean',
			() => torch.tensor([1, 2], { requiresGrad: true }).mean(),
			'tensor(1.5000, grad_fn=<MeanBackward0>)'
		],
		[
			'matmul',
			() => torch.ones([2, 2], { requiresGrad: true }).matmul(torch.ones([2, 1])),
			'tensor([[2.],\n        [2.]], grad_fn=<MmBackward0>)'
		],
		['empty', () => torch.zeros([0]), 'tensor([])'],
		[
			'nan and inf',
			() => torch.tensor([NaN, Infinity, -1.5]),
			'tensor([    nan,     inf, -1.5000])'
		]
	] as const)('%s', (_label, make, expected) => {
		expect(make().toString()).toBe(expected);
	});
});

describe('registry and tensor ops are the same thing', () => {
	it('apply(OPS.x, ...) equals the method for a few ops', () => {
		const a = torch.tensor([
			[1, 2],
			[3, 4]
		]);
		expect(apply(OPS.mul, [a, a], {}).tolist()).toEqual(a.mul(a).tolist());
		expect(apply(OPS.sum, [a], { dim: 0 }).tolist()).toEqual(a.sum(0).tolist());
		expect(apply(OPS.transpose, [a], { dim0: 0, dim1: 1 }).tolist()).toEqual(a.t().tolist());
	});
});
