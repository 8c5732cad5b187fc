/**
 * nn.Linear and nn.Module as the seed tutorial uses them (LinearRegressionModel), with reprs,
 * state dicts and load_state_dict messages checked against PyTorch 2.13 (the venv's torch).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import type { Tensor } from '$lib/engine';

const { nn } = torch;

/** The tutorial's model: a Module holding one nn.Linear under the name `linear`. */
class LinearRegressionModel extends nn.Module {
	readonly linear: InstanceType<typeof nn.Linear>;
	constructor(inputDim: number, outputDim: number) {
		super();
		this.linear = this.registerModule('linear', new nn.Linear(inputDim, outputDim));
	}
	forward(x: Tensor): Tensor {
		return this.linear.forward(x);
	}
}

/** Set a Linear(1, 1)'s weight and bias (under no_grad, as PyTorch requires for leaves). */
function setLinear(model: InstanceType<typeof nn.Linear>, weight: number, bias: number) {
	torch.noGrad(() => {
		model.weight.fill_(weight);
		model.bias!.fill_(bias);
	});
}

function values(model: InstanceType<typeof nn.Linear>): [number, number] {
	return [model.weight.item(), model.bias!.item()];
}

function thrownBy(fn: () => unknown): torch.TorchError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(torch.TorchError);
		return error as torch.TorchError;
	}
	throw new Error('expected an error, none was thrown');
}

beforeEach(() => torch.manualSeed(1234));

describe('nn.Linear', () => {
	it('weight is [out, in], bias is [out]; both leaves that require grad', () => {
		const layer = new nn.Linear(3, 2);
		expect(layer.weight.shape).toEqual([2, 3]);
		expect(layer.bias!.shape).toEqual([2]);
		expect(layer.weight.dtype).toBe('float32');
		for (const p of [layer.weight, layer.bias!]) {
			expect(p.requiresGrad).toBe(true);
			expect(p.isLeaf).toBe(true);
		}
		expect(layer.inFeatures).toBe(3);
		expect(layer.outFeatures).toBe(2);
		expect(layer.parameters()).toEqual([layer.weight, layer.bias]);
		expect(layer.parameters()[0]).toBe(layer.weight);
		expect([...layer.namedParameters()].map(([k]) => k)).toEqual(['weight', 'bias']);
	});

	it('forward maps [N, in] to [N, out] as x W^T + b, recorded as AddmmBackward0', () => {
		const layer = new nn.Linear(2, 3);
		const x = torch.tensor([
			[1, 2],
			[-1, 0.5]
		]);
		const out = layer.forward(x);
		expect(out.shape).toEqual([2, 3]);
		expect(out.gradFn?.name).toBe('AddmmBackward0');
		const W = layer.weight.tolist() as number[][];
		const b = layer.bias!.tolist() as number[];
		const rows = out.tolist() as number[][];
		for (let n = 0; n < 2; n++) {
			for (let o = 0; o < 3; o++) {
				const expected = (x.tolist() as number[][])[n].reduce((s, v, i) => s + v * W[o][i], b[o]);
				expect(rows[n][o]).toBeCloseTo(expected, 5);
			}
		}
	});

	it.each([1, 4, 16, 100])(
		'init draws weight and bias from U(-1/sqrt(in), 1/sqrt(in)) for in = %i',
		(inFeatures) => {
			const layer = new nn.Linear(inFeatures, 50);
			const bound = 1 / Math.sqrt(inFeatures);
			for (const p of [layer.weight, layer.bias!]) {
				const data = Array.from(p.data);
				expect(data.every((v) => v >= -bound && v <= bound)).toBe(true);
				// Spread over the whole interval, not a constant or a one-sided draw.
				expect(Math.min(...data)).toBeLessThan(-bound / 2);
				expect(Math.max(...data)).toBeGreaterThan(bound / 2);
			}
		}
	);

	it('different draws for weight and bias, and manualSeed makes them reproducible', () => {
		torch.manualSeed(5);
		const a = new nn.Linear(4, 4);
		torch.manualSeed(5);
		const b = new nn.Linear(4, 4);
		expect(a.weight.tolist()).toEqual(b.weight.tolist());
		expect(a.bias!.tolist()).toEqual(b.bias!.tolist());
		const c = new nn.Linear(4, 4);
		expect(c.weight.tolist()).not.toEqual(a.weight.tolist());
	});

	it("repr is PyTorch's: Linear(in_features=1, out_features=1, bias=True)", () => {
		expect(String(new nn.Linear(1, 1))).toBe('Linear(in_features=1, out_features=1, bias=True)');
		expect(new nn.Linear(3, 2).toString()).toBe('Linear(in_features=3, out_features=2, bias=True)');
	});

	it('the repr names the class as PyTorch does even when a bundler renamed it (Linear$1)', () => {
		// What a bundler does when two classes in one chunk are both called Linear.
		const renamed = new nn.Linear(1, 1);
		Object.defineProperty(nn.Linear, 'name', { value: 'Linear$1', configurable: true });
		try {
			expect(nn.Linear.name).toBe('Linear$1');
			expect(String(renamed)).toBe('Linear(in_features=1, out_features=1, bias=True)');
		} finally {
			Object.defineProperty(nn.Linear, 'name', { value: 'Linear', configurable: true });
		}
		// A subclass of the user's own is named by its JavaScript name.
		class Wide extends nn.Linear {}
		expect(String(new Wide(2, 3))).toBe('Wide(in_features=2, out_features=3, bias=True)');
	});

	it('{ bias: false }: no bias parameter, no bias key, repr says bias=False', () => {
		const layer = new nn.Linear(3, 2, { bias: false });
		expect(layer.bias).toBeNull();
		expect(layer.parameters()).toEqual([layer.weight]);
		expect([...layer.namedParameters()].map(([k]) => k)).toEqual(['weight']);
		expect(Object.keys(layer.stateDict())).toEqual(['weight']);
		expect(String(layer)).toBe('Linear(in_features=3, out_features=2, bias=False)');
		const out = layer.forward(torch.ones([5, 3]));
		expect(out.shape).toEqual([5, 2]);
		const rowSums = (layer.weight.tolist() as number[][]).map((r) => r.reduce((s, v) => s + v));
		expect((out.tolist() as number[][])[0][0]).toBeCloseTo(rowSums[0], 5);
		expect((out.tolist() as number[][])[4][1]).toBeCloseTo(rowSums[1], 5);
	});

	it("stateDict() keys weight, bias: detached tensors with the parameters' values", () => {
		const layer = new nn.Linear(2, 1);
		const sd = layer.stateDict();
		expect(Object.keys(sd)).toEqual(['weight', 'bias']);
		expect(sd.weight.tolist()).toEqual(layer.weight.tolist());
		expect(sd.bias.tolist()).toEqual(layer.bias!.tolist());
		expect(sd.weight.requiresGrad).toBe(false);
		expect(sd.weight.gradFn).toBeNull();
	});
});

describe("a custom Module: the tutorial's LinearRegressionModel", () => {
	it("parameters() are the inner Linear's, in order", () => {
		const model = new LinearRegressionModel(1, 1);
		const params = model.parameters();
		expect(params).toHaveLength(2);
		expect(params[0]).toBe(model.linear.weight);
		expect(params[1]).toBe(model.linear.bias);
	});

	it('namedParameters() keys are linear.weight, linear.bias', () => {
		const model = new LinearRegressionModel(1, 1);
		const named = [...model.namedParameters()];
		expect(named.map(([k]) => k)).toEqual(['linear.weight', 'linear.bias']);
		expect(named[0][1]).toBe(model.linear.weight);
		expect([...model.namedChildren()].map(([k]) => k)).toEqual(['linear']);
	});

	it("repr is PyTorch's nested repr", () => {
		const model = new LinearRegressionModel(1, 1);
		expect(String(model)).toBe(
			'LinearRegressionModel(\n  (linear): Linear(in_features=1, out_features=1, bias=True)\n)'
		);
	});

	it('stateDict() keys are linear.weight, linear.bias', () => {
		const model = new LinearRegressionModel(1, 1);
		const sd = model.stateDict();
		expect(Object.keys(sd)).toEqual(['linear.weight', 'linear.bias']);
		expect(sd['linear.weight'].shape).toEqual([1, 1]);
		expect(sd['linear.bias'].shape).toEqual([1]);
	});

	it('forward is the inner Linear; the optimizer trains it through parameters()', () => {
		const model = new LinearRegressionModel(1, 1);
		const x = torch.tensor([[1], [2]]);
		const y = torch.tensor([[3], [5]]);
		const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.05 });
		const criterion = new nn.MSELoss();
		const first = criterion.forward(model.forward(x), y).item();
		for (let i = 0; i < 50; i++) {
			optimizer.zeroGrad();
			criterion.forward(model.forward(x), y).backward();
			optimizer.step();
		}
		expect(criterion.forward(model.forward(x), y).item()).toBeLessThan(first / 10);
	});

	it('a state dict round-trips between two models', () => {
		const a = new LinearRegressionModel(1, 1);
		const b = new LinearRegressionModel(1, 1);
		expect(b.linear.weight.tolist()).not.toEqual(a.linear.weight.tolist());
		expect(String(b.loadStateDict(a.stateDict()))).toBe('<All keys matched successfully>');
		expect(b.linear.weight.tolist()).toEqual(a.linear.weight.tolist());
		expect(b.linear.bias!.tolist()).toEqual(a.linear.bias!.tolist());
		// Copied, not aliased: changing a afterwards leaves b alone.
		torch.noGrad(() => a.linear.weight.fill_(42));
		expect(b.linear.weight.item()).not.toBe(42);
	});

	it('a missing key names the model class and the dotted key', () => {
		const model = new LinearRegressionModel(1, 1);
		const error = thrownBy(() => model.loadStateDict({ 'linear.weight': torch.zeros([1, 1]) }));
		expect(error.kind).toBe('RuntimeError');
		expect(error.message).toBe(
			'Error(s) in loading state_dict for LinearRegressionModel:\n\tMissing key(s) in state_dict: "linear.bias". '
		);
	});
});

describe("loadStateDict on Linear(1, 1): PyTorch's results and messages", () => {
	it('success returns <All keys matched successfully> and copies the values in', () => {
		const layer = new nn.Linear(1, 1);
		const weight = layer.weight;
		const result = layer.loadStateDict({
			weight: torch.tensor([[0.5]]),
			bias: torch.tensor([-0.25])
		});
		expect(String(result)).toBe('<All keys matched successfully>');
		expect(result.missingKeys).toEqual([]);
		expect(result.unexpectedKeys).toEqual([]);
		expect(values(layer)).toEqual([0.5, -0.25]);
		// Loaded in place: the same parameter objects, still leaves requiring grad.
		expect(layer.weight).toBe(weight);
		expect(layer.weight.isLeaf).toBe(true);
		expect(layer.weight.requiresGrad).toBe(true);
	});

	it('missing key: exact message (trailing space after the period), nothing loaded', () => {
		const layer = new nn.Linear(1, 1);
		setLinear(layer, 0.5, 0.5);
		const error = thrownBy(() => layer.loadStateDict({ weight: torch.ones([1, 1]) }));
		expect(error.kind).toBe('RuntimeError');
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
		);
		expect(values(layer)).toEqual([0.5, 0.5]);
	});

	it('two missing keys are listed in parameter order', () => {
		const layer = new nn.Linear(1, 1);
		expect(thrownBy(() => layer.loadStateDict({})).message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "weight", "bias". '
		);
	});

	it('unexpected key: exact message, nothing loaded', () => {
		const layer = new nn.Linear(1, 1);
		setLinear(layer, 0.5, 0.5);
		const error = thrownBy(() =>
			layer.loadStateDict({
				weight: torch.ones([1, 1]),
				bias: torch.ones([1]),
				foo: torch.ones([1])
			})
		);
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: "foo". '
		);
		expect(values(layer)).toEqual([0.5, 0.5]);
	});

	it('size mismatch: exact message (no trailing space), nothing loaded', () => {
		const layer = new nn.Linear(1, 1);
		setLinear(layer, 0.5, 0.5);
		const error = thrownBy(() =>
			layer.loadStateDict({ weight: torch.ones([2, 1]), bias: torch.ones([1]) })
		);
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([2, 1]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		);
		expect(values(layer)).toEqual([0.5, 0.5]);
	});

	it('two size mismatches: one line each, in parameter order', () => {
		const layer = new nn.Linear(1, 1);
		const error = thrownBy(() =>
			layer.loadStateDict({ weight: torch.ones([1, 2]), bias: torch.ones([3]) })
		);
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([1, 2]) from checkpoint, the shape in current model is torch.Size([1, 1]).\n\tsize mismatch for bias: copying a param with shape torch.Size([3]) from checkpoint, the shape in current model is torch.Size([1]).'
		);
	});

	it("missing and unexpected together: Missing first, then Unexpected (PyTorch's order)", () => {
		const layer = new nn.Linear(1, 1);
		setLinear(layer, 0.5, 0.5);
		const error = thrownBy(() =>
			layer.loadStateDict({ weight: torch.ones([1, 1]), foo: torch.ones([1]) })
		);
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "foo". '
		);
		expect(values(layer)).toEqual([0.5, 0.5]);
	});

	it('missing, unexpected and size mismatch together: size mismatches come last', () => {
		const layer = new nn.Linear(1, 1);
		const error = thrownBy(() =>
			layer.loadStateDict({ weight: torch.ones([2, 1]), foo: torch.ones([1]) })
		);
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "foo". \n\tsize mismatch for weight: copying a param with shape torch.Size([2, 1]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		);
	});

	it('strict: false returns the missing and unexpected keys and loads what matches', () => {
		const layer = new nn.Linear(1, 1);
		setLinear(layer, 0.5, 0.5);
		const result = layer.loadStateDict(
			{ weight: torch.tensor([[2]]), foo: torch.ones([1]) },
			{ strict: false }
		);
		expect(result.missingKeys).toEqual(['bias']);
		expect(result.unexpectedKeys).toEqual(['foo']);
		expect(String(result)).toBe(
			"_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['foo'])"
		);
		expect(values(layer)).toEqual([2, 0.5]);
	});

	it('strict: false with only an unexpected key, and with everything matching', () => {
		const layer = new nn.Linear(1, 1);
		const onlyUnexpected = layer.loadStateDict(
			{ weight: torch.ones([1, 1]), bias: torch.ones([1]), foo: torch.ones([1]) },
			{ strict: false }
		);
		expect(String(onlyUnexpected)).toBe(
			"_IncompatibleKeys(missing_keys=[], unexpected_keys=['foo'])"
		);
		expect(values(layer)).toEqual([1, 1]);
		const all = layer.loadStateDict(
			{ weight: torch.zeros([1, 1]), bias: torch.zeros([1]) },
			{ strict: false }
		);
		expect(String(all)).toBe('<All keys matched successfully>');
		expect(values(layer)).toEqual([0, 0]);
	});

	it('strict: false still raises on a size mismatch', () => {
		const layer = new nn.Linear(1, 1);
		setLinear(layer, 0.5, 0.5);
		const error = thrownBy(() =>
			layer.loadStateDict({ weight: torch.ones([2, 1]), bias: torch.ones([1]) }, { strict: false })
		);
		expect(error.message).toBe(
			'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([2, 1]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		);
		expect(values(layer)).toEqual([0.5, 0.5]);
	});
});

describe("optim.SGD's momentum buffers (optimizer.state[p]['momentum_buffer'])", () => {
	/** Two steps of SGD(momentum 0.9) on loss = sum(p * p) from p = [1, 2]. */
	function twoSteps(resumeAfterOne: boolean): number[] {
		let p = torch.tensor([1, 2], { requiresGrad: true });
		let optimizer = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
		const step = () => {
			optimizer.zeroGrad();
			p.mul(p).sum().backward();
			optimizer.step();
		};
		step();
		if (resumeAfterOne) {
			// A reload: new tensors and a new optimizer, given the saved values and buffer.
			const buffer = Array.from(optimizer.momentumBuffer(p)!.data);
			p = torch.tensor(Array.from(p.data), { requiresGrad: true });
			optimizer = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
			expect(optimizer.momentumBuffer(p)).toBeNull();
			optimizer.setMomentumBuffer(p, torch.tensor(buffer));
		}
		step();
		return Array.from(p.data);
	}

	it('a buffer given back continues exactly as an uninterrupted run', () => {
		expect(twoSteps(true)).toEqual(twoSteps(false));
	});

	it('refuses a buffer of another size, or for a tensor it does not optimize', () => {
		const p = torch.tensor([1, 2], { requiresGrad: true });
		const optimizer = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
		expect(() => optimizer.setMomentumBuffer(p, torch.tensor([1]))).toThrow(/must match/);
		expect(() => optimizer.setMomentumBuffer(torch.tensor([1, 2]), torch.tensor([1, 2]))).toThrow(
			/not a parameter/
		);
	});
});
