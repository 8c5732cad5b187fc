/**
 * Bad input gives PyTorch's error (message and exception class) and changes nothing; NaN and Inf
 * flow through the elementwise ops per IEEE 754 without throwing, forward and backward; float32
 * with float64 promotes as PyTorch does.
 */
import { describe, expect, it, test } from 'vitest';
import * as torch from '$lib/engine';
import { MAX_NUMEL, OP_LIST, OPS, TorchError, type OpDef, type Tensor } from '$lib/engine';
import { apply } from '$lib/engine/dispatch';
import { FREED_GRAPH, useEngineSandbox } from './sandbox';

useEngineSandbox();

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): TorchError {
	try {
		fn();
	} catch (error) {
		return error as TorchError;
	}
	throw new Error('expected an error, but nothing was thrown');
}

/** Assert `fn` throws a TorchError of `kind` with exactly `message` (or matching it). */
function expectTorchError(fn: () => unknown, kind: string, message: string | RegExp) {
	const error = thrown(fn);
	expect(error).toBeInstanceOf(TorchError);
	expect(error).toBeInstanceOf(Error);
	expect(error.kind).toBe(kind);
	expect(error.name).toBe(kind);
	if (typeof message === 'string') expect(error.message).toBe(message);
	else expect(error.message).toMatch(message);
}

describe('shape errors: PyTorch messages, verbatim', () => {
	it('broadcasting mismatch', () => {
		const a = torch.ones([2, 3]);
		const b = torch.ones([2, 4]);
		const message =
			'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1';
		for (const op of [
			() => a.add(b),
			() => a.sub(b),
			() => a.mul(b),
			() => a.div(b),
			() => a.pow(b),
			() => torch.add(a, b)
		]) {
			expectTorchError(op, 'RuntimeError', message);
		}
		expectTorchError(
			() => b.add(a),
			'RuntimeError',
			'The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1'
		);
		expectTorchError(
			() => torch.ones([4, 3]).add(torch.ones([2, 1, 5])),
			'RuntimeError',
			'The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 2'
		);
		// Two mismatching dims: PyTorch reports the last one (it scans from the right).
		expectTorchError(
			() => torch.ones([2, 3]).add(torch.ones([4, 5])),
			'RuntimeError',
			'The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1'
		);
	});

	it('matmul of incompatible matrices', () => {
		expectTorchError(
			() => torch.ones([3, 4]).matmul(torch.ones([3, 4])),
			'RuntimeError',
			'mat1 and mat2 shapes cannot be multiplied (3x4 and 3x4)'
		);
		expectTorchError(
			() => torch.mm(torch.ones([2, 5]), torch.ones([4, 3])),
			'RuntimeError',
			'mat1 and mat2 shapes cannot be multiplied (2x5 and 4x3)'
		);
	});

	it('nn.Linear on the wrong number of features', () => {
		const layer = new torch.nn.Linear(3, 2);
		expectTorchError(
			() => layer.forward(torch.ones([5, 4])),
			'RuntimeError',
			'mat1 and mat2 shapes cannot be multiplied (5x4 and 3x2)'
		);
	});

	it('dim out of range is an IndexError', () => {
		const x = torch.ones([2, 3]);
		const message = 'Dimension out of range (expected to be in range of [-2, 1], but got 2)';
		for (const op of [
			() => x.sum(2),
			() => x.mean(2),
			() => x.sum([0, 2]),
			() => x.logSoftmax(2),
			() => x.transpose(0, 2),
			() => x.squeeze(2),
			() => torch.sum(x, 2, true)
		]) {
			expectTorchError(op, 'IndexError', message);
		}
		expectTorchError(
			() => x.sum(-3),
			'IndexError',
			'Dimension out of range (expected to be in range of [-2, 1], but got -3)'
		);
		expectTorchError(
			() => x.unsqueeze(3),
			'IndexError',
			'Dimension out of range (expected to be in range of [-3, 2], but got 3)'
		);
		expectTorchError(
			() => torch.tensor(1).sum(1),
			'IndexError',
			'Dimension out of range (expected to be in range of [-1, 0], but got 1)'
		);
	});

	it('a reshape to the wrong number of elements', () => {
		expectTorchError(
			() => torch.ones([2, 3]).reshape([4, 2]),
			'RuntimeError',
			"shape '[4, 2]' is invalid for input of size 6"
		);
	});

	it('backward of a non-scalar, or of a tensor that does not require grad', () => {
		const x = torch.ones([3], { requiresGrad: true });
		expectTorchError(
			() => x.mul(2).backward(),
			'RuntimeError',
			'grad can be implicitly created only for scalar outputs'
		);
		expectTorchError(
			() => torch.ones([1]).backward(),
			'RuntimeError',
			'element 0 of tensors does not require grad and does not have a grad_fn'
		);
	});
});

describe('sizes: negative and too large', () => {
	it('a negative size is refused with PyTorch message', () => {
		// PyTorch 2.x: zeros checks its sizes itself; the others fail in empty().
		for (const create of [() => torch.zeros([2, -1]), () => torch.zeros(-3)]) {
			expectTorchError(create, 'RuntimeError', 'zeros: Dimension size must be non-negative.');
		}
		const message = 'Trying to create tensor with negative dimension -1: [2, -1]';
		for (const create of [
			() => torch.ones([2, -1]),
			() => torch.full([2, -1], 3),
			() => torch.rand([2, -1]),
			() => torch.randn([2, -1])
		]) {
			expectTorchError(create, 'RuntimeError', message);
		}
		expectTorchError(
			() => torch.ones(-3),
			'RuntimeError',
			'Trying to create tensor with negative dimension -3: [-3]'
		);
		expectTorchError(
			() => torch.linspace(0, 1, -1),
			'RuntimeError',
			'number of steps must be non-negative'
		);
		expectTorchError(
			() => torch.ones([2, 3]).reshape([-2, 3]),
			'RuntimeError',
			'invalid shape dimension -2'
		);
	});

	it('eye with a negative size gives PyTorch message', () => {
		expectTorchError(
			() => torch.eye(-1),
			'RuntimeError',
			'n must be greater or equal to 0, got -1'
		);
		expectTorchError(
			() => torch.eye(1, -2),
			'RuntimeError',
			'm must be greater or equal to 0, got -2'
		);
	});

	it('zeros([2**20, 2**20]) throws at once, before allocating', () => {
		const error = thrown(() => torch.zeros([2 ** 20, 2 ** 20]));
		// A TorchError, not the RangeError a typed-array allocation of 2^40 elements would raise.
		expect(error).toBeInstanceOf(TorchError);
		expect(error.kind).toBe('RuntimeError');
		expect(error.message).toContain(String(MAX_NUMEL));
		expect(error.message).toContain(String(2 ** 40));
	});

	it('one element over MAX_NUMEL is refused by every creation function and every op', () => {
		const over = MAX_NUMEL + 1;
		// Allocating MAX_NUMEL + 1 floats would succeed, so a throw proves the check runs first.
		const creations = [
			() => torch.zeros([over]),
			() => torch.ones([over]),
			() => torch.full([over], 2),
			() => torch.rand([over]),
			() => torch.randn([over]),
			() => torch.arange(over),
			() => torch.linspace(0, 1, over),
			() => torch.eye(2 ** 13 + 1, 2 ** 13)
		];
		const a = torch.ones([2 ** 13, 1]);
		const b = torch.ones([1, 2 ** 13 + 1]);
		const ops = [
			() => a.add(b),
			() => a.mul(b),
			() => a.matmul(b),
			() => a.expand([2 ** 13, 2 ** 13 + 1]),
			() => a.mseLoss(b, { reduction: 'none' })
		];
		for (const fn of [...creations, ...ops]) {
			const error = thrown(fn);
			expect(error).toBeInstanceOf(TorchError);
			expect(error.kind).toBe('RuntimeError');
			// The message names the limit.
			expect(error.message).toContain(String(MAX_NUMEL));
		}
	});
});

describe('optim.SGD: a bad learning rate is refused, naming it', () => {
	const params = () => [torch.zeros([2], { requiresGrad: true })];
	test.each([NaN, Infinity, -Infinity, -0.01])('lr = %s', (lr) => {
		const error = thrown(() => new torch.optim.SGD(params(), { lr }));
		expect(error).toBeInstanceOf(TorchError);
		expect(error.kind).toBe('ValueError');
		expect(error.message).toMatch(/^Invalid learning rate: /);
		const printed = error.message.slice('Invalid learning rate: '.length);
		// The value as JavaScript or Python prints it (NaN / nan, Infinity / inf).
		const accepted = [String(lr), String(lr).replace('Infinity', 'inf').replace('NaN', 'nan')];
		expect(accepted).toContain(printed);
	});

	it('a finite lr is accepted', () => {
		expect(new torch.optim.SGD(params(), { lr: 0.01 }).lr).toBe(0.01);
	});
});

describe('torch.tensor of ragged or non-numeric lists', () => {
	it('a ragged nested list is a ValueError with PyTorch message', () => {
		expectTorchError(
			() => torch.tensor([[1, 2], [3]]),
			'ValueError',
			'expected sequence of length 2 at dim 1 (got 1)'
		);
		expectTorchError(
			() =>
				torch.tensor([
					[[1], [2]],
					[[3], [4, 5]]
				]),
			'ValueError',
			'expected sequence of length 1 at dim 2 (got 2)'
		);
	});

	it('a list mixing numbers and lists is refused', () => {
		for (const data of [
			[[1, 2], 3],
			[1, [2]],
			[[1], []]
		]) {
			const error = thrown(() => torch.tensor(data as torch.NestedList));
			expect(error).toBeInstanceOf(TorchError);
			expect(['ValueError', 'TypeError']).toContain(error.kind);
		}
	});

	it('non-numbers are a TypeError', () => {
		for (const data of [null, 'abc', [1, 'a'], [undefined]]) {
			const error = thrown(() => torch.tensor(data as unknown as torch.NestedList));
			expect(error).toBeInstanceOf(TorchError);
			expect(error.kind).toBe('TypeError');
		}
		expectTorchError(
			() => torch.ones([2]).add('x' as unknown as number),
			'TypeError',
			/expected a Tensor or a number/
		);
	});
});

// ---- NaN and Inf through every elementwise op, per IEEE 754 (C99 Annex F for pow) ----

/** IEEE 754 pow: pow(x, ±0) = 1 and pow(+1, y) = 1 even for NaN; pow(-1, ±Inf) = 1. */
function ieeePow(x: number, y: number): number {
	if (y === 0 || x === 1) return 1;
	if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
	return Math.pow(x, y);
}

interface UnaryReference {
	forward: (x: number) => number;
	/** d out / d x as PyTorch's backward formula computes it (given the output y). */
	grad: (x: number, y: number) => number;
}
interface BinaryReference {
	forward: (a: number, b: number) => number;
	grads: (a: number, b: number, y: number) => [number, number];
}

/** PyTorch's sgn of a real number: -1, 0 or 1, and 0 for NaN. */
const sgn = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

const UNARY_REFERENCE: Record<string, UnaryReference> = {
	neg: { forward: (x) => -x, grad: () => -1 },
	exp: { forward: Math.exp, grad: (_x, y) => y },
	log: { forward: Math.log, grad: (x) => 1 / x },
	sqrt: { forward: Math.sqrt, grad: (_x, y) => 1 / (2 * y) },
	// relu(NaN) = NaN; its backward is threshold_backward(grad, result, 0): result <= 0 ? 0 : grad.
	relu: { forward: (x) => (x > 0 || Number.isNaN(x) ? x : 0), grad: (_x, y) => (y <= 0 ? 0 : 1) },
	tanh: { forward: Math.tanh, grad: (_x, y) => 1 - y * y },
	sigmoid: { forward: (x) => 1 / (1 + Math.exp(-x)), grad: (_x, y) => (1 - y) * y },
	// grad * sgn(x), PyTorch's sgn: 0 at 0 and at NaN.
	abs: { forward: Math.abs, grad: (x) => sgn(x) }
};

const BINARY_REFERENCE: Record<string, BinaryReference> = {
	add: { forward: (a, b) => a + b, grads: () => [1, 1] },
	sub: { forward: (a, b) => a - b, grads: () => [1, -1] },
	mul: { forward: (a, b) => a * b, grads: (a, b) => [b, a] },
	// abs's gradient op: grad * sgn(input); sgn is flat, so nothing flows to its input.
	abs_backward: { forward: (g, x) => g * sgn(x), grads: (_g, x) => [sgn(x), 0] },
	div: { forward: (a, b) => a / b, grads: (a, b) => [1 / b, -(a / b / b)] },
	// PyTorch's pow_backward_self / pow_backward_exponent mask exponent == 0 and (base == 0 and
	// exponent >= 0) to a zero gradient.
	pow: {
		forward: ieeePow,
		grads: (a, b, y) => [
			b === 0 ? 0 : b * ieeePow(a, b - 1),
			a === 0 && b >= 0 ? 0 : y * Math.log(a)
		]
	},
	// threshold_backward(grad, self) = self <= 0 ? 0 : grad; its derivative in self is zero.
	threshold_backward: {
		forward: (g, s) => (s <= 0 ? 0 : g),
		grads: (_g, s) => [s <= 0 ? 0 : 1, 0]
	},
	// pow's gradients as ops (internal), evaluated in the order their vjps compute them.
	pow_backward_self: {
		forward: (x, e) => (e === 0 ? 0 : e * ieeePow(x, e - 1)),
		grads: (x, e) => [
			e * (e - 1 === 0 ? 0 : (e - 1) * ieeePow(x, e - 2)),
			ieeePow(x, e - 1) * (e * Math.log(x) + 1)
		]
	},
	pow_backward_exponent: {
		forward: (x, e) => (x === 0 && e >= 0 ? 0 : ieeePow(x, e) * Math.log(x)),
		grads: (x, e) => [
			ieeePow(x, e - 1) * (e * Math.log(x) + 1),
			ieeePow(x, e) * (Math.log(x) * Math.log(x))
		]
	}
};

const SPECIALS = [NaN, Infinity, -Infinity, 0, 1, -1, -2.5, 0.5];

/** Equal as IEEE values: NaN matches NaN, infinities match exactly, finite values closely. */
function ieeeClose(actual: number, expected: number): boolean {
	if (Number.isNaN(expected)) return Number.isNaN(actual);
	if (!Number.isFinite(expected)) return actual === expected;
	return Math.abs(actual - expected) <= 1e-12 * (1 + Math.abs(expected));
}

/** The elements of `actual` that differ from `expected` as IEEE values, described. */
function ieeeDifferences(actual: ArrayLike<number>, expected: readonly number[]): string[] {
	const wrong: string[] = [];
	for (let i = 0; i < expected.length; i++) {
		if (!ieeeClose(actual[i], expected[i])) {
			wrong.push(`[${i}] got ${actual[i]}, expected ${expected[i]}`);
		}
	}
	return wrong;
}

const elementwise = OP_LIST.filter((op) => op.kind === 'unary' || op.kind === 'binary');

describe('NaN and Inf propagate per IEEE through every elementwise op, forward and backward', () => {
	it('covers every elementwise registry op', () => {
		const missing = elementwise
			.map((op) => op.id)
			.filter((id) => !Object.hasOwn(UNARY_REFERENCE, id) && !Object.hasOwn(BINARY_REFERENCE, id));
		expect(missing, 'elementwise ops without an IEEE reference in errors.test.ts').toEqual([]);
	});

	test.each(elementwise.filter((op) => op.kind === 'unary').map((op) => [op.id, op] as const))(
		'%s',
		(id, op: OpDef) => {
			const reference = UNARY_REFERENCE[id];
			expect(reference, `no IEEE reference for '${id}'`).toBeDefined();
			const x = torch.tensor(SPECIALS, { dtype: 'float64', requiresGrad: true });
			const out = apply(op, [x], {});
			const expectedOut = SPECIALS.map(reference.forward);
			expect(() => out.sum().backward()).not.toThrow();
			const expectedGrad = SPECIALS.map((v, i) => reference.grad(v, expectedOut[i]));
			// Inputs: NaN, Inf, -Inf, 0, 1, -1, -2.5, 0.5.
			expect({
				forward: ieeeDifferences(out.data, expectedOut),
				backward: ieeeDifferences(x.grad!.data, expectedGrad)
			}).toEqual({ forward: [], backward: [] });
			// float32 gives the same NaN / Inf pattern.
			const out32 = apply(op, [torch.tensor(SPECIALS)], {});
			expect(Array.from(out32.data, (v) => (Number.isFinite(v) ? 'finite' : String(v)))).toEqual(
				expectedOut.map((v) => (Number.isFinite(v) ? 'finite' : String(v)))
			);
		}
	);

	test.each(elementwise.filter((op) => op.kind === 'binary').map((op) => [op.id, op] as const))(
		'%s (every pair of special values)',
		(id, op: OpDef) => {
			const reference = BINARY_REFERENCE[id];
			expect(reference, `no IEEE reference for '${id}'`).toBeDefined();
			const pairs = SPECIALS.flatMap((x) => SPECIALS.map((y) => [x, y] as const));
			const a = torch.tensor(
				pairs.map(([x]) => x),
				{ dtype: 'float64', requiresGrad: true }
			);
			const b = torch.tensor(
				pairs.map(([, y]) => y),
				{ dtype: 'float64', requiresGrad: true }
			);
			const out = apply(op, [a, b], {});
			const expectedOut = pairs.map(([x, y]) => reference.forward(x, y));
			const expectedGrads = pairs.map(([x, y], i) => reference.grads(x, y, expectedOut[i]));
			expect(() => out.sum().backward()).not.toThrow();
			const describe = (wrong: string[]) =>
				wrong.map((line) => {
					const i = Number(line.slice(1, line.indexOf(']')));
					return `(${pairs[i][0]}, ${pairs[i][1]}): ${line.slice(line.indexOf(']') + 2)}`;
				});
			// A null grad of `other` counts as zeros (threshold_backward does not differentiate it).
			expect({
				forward: describe(ieeeDifferences(out.data, expectedOut)),
				backwardInput: describe(
					ieeeDifferences(
						a.grad!.data,
						expectedGrads.map(([da]) => da)
					)
				),
				backwardOther: describe(
					ieeeDifferences(
						b.grad?.data ?? new Float64Array(pairs.length),
						expectedGrads.map(([, db]) => db)
					)
				)
			}).toEqual({ forward: [], backwardInput: [], backwardOther: [] });
		}
	);

	it('broadcast gradients of NaN and Inf sum per IEEE ([n, 1] with [1, n])', () => {
		const a = torch.tensor(
			SPECIALS.map((v) => [v]),
			{ dtype: 'float64', requiresGrad: true }
		);
		const b = torch.tensor([SPECIALS], { dtype: 'float64', requiresGrad: true });
		a.mul(b).sum().backward();
		// d/da_i = sum_j b_j = NaN (a NaN among them); d/db_j = sum_i a_i = NaN likewise.
		expect(Array.from(a.grad!.data).every(Number.isNaN)).toBe(true);
		expect(Array.from(b.grad!.data).every(Number.isNaN)).toBe(true);
		const c = torch.tensor([[1], [2]], { dtype: 'float64', requiresGrad: true });
		c.mul(torch.tensor([[Infinity, 1]], { dtype: 'float64' }))
			.sum()
			.backward();
		expect(c.grad!.tolist()).toEqual([[Infinity], [Infinity]]);
	});

	it('pow with a scalar exponent 0 has a zero gradient everywhere, even at 0 and NaN', () => {
		// PyTorch's pow_backward returns zeros_like(self) when the exponent is 0.
		const x = torch.tensor([0, NaN, Infinity, 2], { dtype: 'float64', requiresGrad: true });
		const out = x.pow(0);
		expect(out.tolist()).toEqual([1, 1, 1, 1]);
		out.sum().backward();
		expect(x.grad!.tolist()).toEqual([0, 0, 0, 0]);
	});

	it('a NaN upstream gradient reaches the leaves without throwing', () => {
		const w = torch.tensor([1, 2], { requiresGrad: true });
		const out = w.mul(3).tanh();
		out.backward(torch.tensor([NaN, 1]));
		expect(Number.isNaN(w.grad!.data[0])).toBe(true);
		expect(Number.isFinite(w.grad!.data[1])).toBe(true);
	});

	it('NaN and Inf flow through reductions, matmul and the losses', () => {
		const x = torch.tensor(
			[
				[1, NaN],
				[Infinity, 2]
			],
			{ dtype: 'float64', requiresGrad: true }
		);
		expect(x.sum(1).tolist()).toEqual([NaN, Infinity]);
		expect(x.mean(0).tolist()).toEqual([Infinity, NaN]);
		// NaN * 0 is NaN, Inf * 1 is Inf.
		expect(x.matmul(torch.tensor([1, 0], { dtype: 'float64' })).tolist()).toEqual([NaN, Infinity]);
		const loss = x.mseLoss(torch.zeros([2, 2], { dtype: 'float64' }));
		expect(Number.isNaN(loss.item())).toBe(true);
		expect(() => loss.backward()).not.toThrow();
		expect(Number.isNaN(x.grad!.data[1])).toBe(true);
		expect(x.grad!.data[2]).toBe(Infinity);
	});
});

describe('a failed op changes nothing', () => {
	function snapshot(t: Tensor) {
		return {
			data: Array.from(t.data),
			shape: t.shape.slice(),
			grad: t.gradSilently ? Array.from(t.gradSilently.data) : null,
			version: t._version,
			gradFn: t.gradFn,
			requiresGrad: t.requiresGrad
		};
	}

	it('operands and their .grad are unchanged after each refused op', () => {
		const a = torch.tensor(
			[
				[1, 2, 3],
				[4, 5, 6]
			],
			{ requiresGrad: true }
		);
		const b = torch.tensor([0.5, -1, 2, 3], { requiresGrad: true });
		a.mul(2).sum().add(b.sum()).backward();
		const before = [snapshot(a), snapshot(b)];
		const failures: (() => unknown)[] = [
			() => a.add(b),
			() => a.mul(b),
			() => a.pow(b),
			() => a.matmul(b),
			() => a.sum(3),
			() => a.reshape([4]),
			() => a.expand([5, 5]),
			() => a.transpose(0, 4),
			() => a.logSoftmax(-3),
			() => a.mseLoss(b),
			() => apply(OPS.linear, [a, b.reshape([2, 2]), null], {}),
			() => a.add_(b),
			() => a.mul_(2),
			() => a.copy_(b),
			() => torch.noGrad(() => a.add_(b)),
			() => torch.noGrad(() => a.add_(torch.ones([3, 2, 3]))),
			() => torch.noGrad(() => a.copy_(torch.ones([2, 2]))),
			() => a.mul(2).backward(),
			() => a.sum().backward(torch.ones([2]))
		];
		for (const fail of failures) {
			expect(thrown(fail)).toBeInstanceOf(TorchError);
			expect([snapshot(a), snapshot(b)]).toEqual(before);
		}
	});

	it('an in-place change of a leaf that requires grad is refused with PyTorch message', () => {
		const w = torch.tensor([1, 2], { requiresGrad: true });
		expectTorchError(
			() => w.sub_(1),
			'RuntimeError',
			'a leaf Variable that requires grad is being used in an in-place operation.'
		);
		expect(w.tolist()).toEqual([1, 2]);
	});

	it('a refused second backward (no retainGraph) leaves every leaf grad unchanged', () => {
		const x = torch.tensor([0.25]);
		const w = torch.tensor([0.5], { requiresGrad: true });
		const b = torch.tensor([0.1], { requiresGrad: true });
		const c = torch.tensor([2, 3], { requiresGrad: true });
		// w*x saves tensors; the b and c branches save nothing and could run twice on their own.
		const loss = w.mul(x).add(b).sum().add(c.sum());
		loss.backward();
		const grads = [w, b, c].map((t) => Array.from(t.grad!.data));
		expect(grads).toEqual([[0.25], [1], [1, 1]]);
		expectTorchError(() => loss.backward(), 'RuntimeError', FREED_GRAPH);
		expect([w, b, c].map((t) => Array.from(t.grad!.data))).toEqual(grads);
		expect(w.tolist()).toEqual([0.5]);
	});

	it('with retainGraph the second backward accumulates (control)', () => {
		const x = torch.tensor([0.25]);
		const w = torch.tensor([0.5], { requiresGrad: true });
		const loss = w.mul(x).sum();
		loss.backward({ retainGraph: true });
		loss.backward();
		expect(w.grad!.tolist()).toEqual([0.5]);
	});
});

describe('float32 with float64', () => {
	const f32 = () => torch.tensor([1, 2, 3], { requiresGrad: true });
	const f64 = () => torch.tensor([0.1, 0.2, 0.3], { dtype: 'float64', requiresGrad: true });

	test.each(['add', 'sub', 'mul', 'div', 'pow'] as const)('%s promotes to float64', (name) => {
		for (const [a, b] of [
			[f32(), f64()],
			[f64(), f32()]
		]) {
			const out = a[name](b);
			expect(out.dtype).toBe('float64');
			expect(out.data).toBeInstanceOf(Float64Array);
			const expected = Array.from(a.data, (v, i) => BINARY_REFERENCE[name].forward(v, b.data[i]));
			// Computed in float64: the float64 operand is not rounded to float32.
			expect(Array.from(out.data)).toEqual(expected);
			out.sum().backward();
			// Each leaf's gradient has the leaf's dtype (as in PyTorch).
			expect(a.grad!.dtype).toBe(a.dtype);
			expect(b.grad!.dtype).toBe(b.dtype);
		}
	});

	it('1 (float32) + 0.1 (float64) is exactly 1.1 in float64', () => {
		expect(
			torch
				.tensor([1])
				.add(torch.tensor([0.1], { dtype: 'float64' }))
				.item()
		).toBe(1.1);
	});

	it('matmul, mse_loss and linear promote to float64', () => {
		const m32 = torch.ones([2, 3]);
		const m64 = torch.ones([3, 2], { dtype: 'float64' });
		expect(m32.matmul(m64).dtype).toBe('float64');
		expect(m64.t().mseLoss(m32).dtype).toBe('float64');
		expect(apply(OPS.linear, [m32, m64.t(), null], {}).dtype).toBe('float64');
		expect(apply(OPS.linear, [m32, m32, torch.ones([2], { dtype: 'float64' })], {}).dtype).toBe(
			'float64'
		);
	});

	it('a JavaScript number keeps the tensor dtype (a wrapped number)', () => {
		expect(torch.ones([2]).add(0.1).dtype).toBe('float32');
		expect(torch.ones([2]).add(0.1).data[0]).toBe(Math.fround(1.1));
		expect(torch.add(0.5, torch.ones([2])).dtype).toBe('float32');
	});

	it('0-d float64 with 0-d float32 promotes to float64', () => {
		expect(torch.tensor(1).add(torch.tensor(2, { dtype: 'float64' })).dtype).toBe('float64');
	});

	it('a 0-d float64 tensor does not promote a dimensioned float32 tensor (PyTorch rule)', () => {
		// torch.ones(3) + torch.tensor(1., dtype=torch.float64) is float32 in PyTorch: dimensioned
		// operands decide the dtype within a category; zero-dim ones only when of a higher category.
		expect(torch.ones([3]).add(torch.tensor(1, { dtype: 'float64' })).dtype).toBe('float32');
		expect(torch.tensor(1, { dtype: 'float64' }).mul(torch.ones([3])).dtype).toBe('float32');
	});
});
