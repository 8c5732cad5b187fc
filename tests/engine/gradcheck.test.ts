/**
 * Finite-difference gradient check of EVERY op registry entry (internal ones included), in
 * float64, over random shapes (broadcast pairs, reductions over random dims, 1-D/2-D matmul, ...).
 * A new registry op fails here until it gets an input-domain spec in SPECS below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import * as torch from '$lib/engine';
import { Mulberry32, OP_LIST, OPS, type OpDef, type Tensor } from '$lib/engine';
import { apply } from '$lib/engine/dispatch';
import { assertGradcheck, gradcheck, type GradcheckInput } from './gradcheck-util';

const NUM_RUNS = 25;
const FC_SEED = 20240611;

type Attrs = Record<string, unknown>;

/** Where an input's values are drawn from (keeps every op smooth around the sample). */
const DOMAINS = {
	/** Uniform on [-2, 2]. */
	any: (r: Mulberry32) => 4 * r.next() - 2,
	/** Uniform on [0.2, 3]: log, sqrt, pow's base. */
	positive: (r: Mulberry32) => 0.2 + 2.8 * r.next(),
	/** ±[0.5, 2]: div's denominator, an integer power's base. */
	awayFromZero: (r: Mulberry32) => (r.next() < 0.5 ? -1 : 1) * (0.5 + 1.5 * r.next()),
	/** ±[0.1, 2]: relu and threshold, away from the kink at 0. */
	awayFromKink: (r: Mulberry32) => (r.next() < 0.5 ? -1 : 1) * (0.1 + 1.9 * r.next())
} as const;
type DomainName = keyof typeof DOMAINS;

/** One argument of a case: a random tensor of a shape and domain, or a constant (number/null). */
type Arg = { shape: number[]; domain: DomainName } | { constant: number | null };

interface Case {
	args: Arg[];
	attrs: Attrs;
	/** Seed of the tensor values. */
	seed: number;
	/** Which tensor arguments to differentiate (default: all). */
	wrt?: boolean[];
}

interface Spec {
	arb: fc.Arbitrary<Case>;
	/** Cases always run, before the random ones. */
	examples?: Case[];
}

function materialize(c: Case): GradcheckInput[] {
	const rng = new Mulberry32(c.seed);
	return c.args.map((arg) => {
		if ('constant' in arg) return arg.constant;
		const size = arg.shape.reduce((n, s) => n * s, 1);
		const data = new Float64Array(size);
		for (let i = 0; i < size; i++) data[i] = DOMAINS[arg.domain](rng);
		return torch.tensor(data, { shape: arg.shape, dtype: 'float64' });
	});
}

function runOp(op: OpDef, attrs: Attrs) {
	// A number argument (pow's scalar exponent) goes through as PyTorch's wrapped number.
	return (...inputs: GradcheckInput[]) => apply(op, inputs as (Tensor | null)[], attrs);
}

// ---- arbitraries ----
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const sizeArb = fc.integer({ min: 1, max: 4 });
const shapeArb = (minDims = 0, maxDims = 3) =>
	fc.array(sizeArb, { minLength: minDims, maxLength: maxDims });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const boolsArb = (n: number) => fc.array(fc.boolean(), { minLength: n, maxLength: n });

/** Two broadcast-compatible shapes: singleton dims and missing leading dims on either side. */
const broadcastPairArb: fc.Arbitrary<[number[], number[]]> = shapeArb().chain((base) =>
	fc
		.record({
			onesA: boolsArb(base.length),
			onesB: boolsArb(base.length),
			dropA: fc.integer({ min: 0, max: base.length }),
			dropB: fc.integer({ min: 0, max: base.length })
		})
		.map(({ onesA, onesB, dropA, dropB }): [number[], number[]] => [
			base.map((s, i) => (onesA[i] ? 1 : s)).slice(dropA),
			base.map((s, i) => (onesB[i] ? 1 : s)).slice(dropB)
		])
);

/** The broadcast shapes always checked: [a,b] with [b], [a,1] with [1,b], 0-d, and back. */
const BROADCAST_EXAMPLES: [number[], number[]][] = [
	[[2, 3], [3]],
	[[3], [2, 3]],
	[
		[2, 1],
		[1, 3]
	],
	[[2, 3], []],
	[[], [2, 3]],
	[[], []],
	[
		[4, 1, 3],
		[2, 1]
	]
];

function binarySpec(domainA: DomainName, domainB: DomainName): Spec {
	const make = ([a, b]: [number[], number[]], seed: number): Case => ({
		args: [
			{ shape: a, domain: domainA },
			{ shape: b, domain: domainB }
		],
		attrs: {},
		seed
	});
	return {
		arb: fc.tuple(broadcastPairArb, seedArb).map(([pair, seed]) => make(pair, seed)),
		examples: BROADCAST_EXAMPLES.map((pair, i) => make(pair, i + 1))
	};
}

function unarySpec(domain: DomainName): Spec {
	const make = (shape: number[], seed: number): Case => ({
		args: [{ shape, domain }],
		attrs: {},
		seed
	});
	return {
		arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => make(shape, seed)),
		examples: [make([], 1), make([5], 2)]
	};
}

/** `dim` for a reduction over a tensor of `ndim` dims: none, one (maybe negative), or a list. */
function reductionDimArb(ndim: number): fc.Arbitrary<number | number[] | undefined> {
	const low = ndim === 0 ? -1 : -ndim;
	const high = ndim === 0 ? 0 : ndim - 1;
	const dims = range(Math.max(ndim, 1));
	const list = fc
		.shuffledSubarray(dims)
		.chain((subset) =>
			boolsArb(subset.length).map((negative) =>
				subset.map((d, i) => (negative[i] ? d - Math.max(ndim, 1) : d))
			)
		);
	return fc.oneof(fc.constant(undefined), fc.integer({ min: low, max: high }), list);
}

function reductionSpec(): Spec {
	const make = (shape: number[], dim: unknown, keepdim: boolean, seed: number): Case => ({
		args: [{ shape, domain: 'any' }],
		attrs: { dim, keepdim },
		seed
	});
	return {
		arb: shapeArb().chain((shape) =>
			fc
				.tuple(reductionDimArb(shape.length), fc.boolean(), seedArb)
				.map(([dim, keepdim, seed]) => make(shape, dim, keepdim, seed))
		),
		examples: [
			make([2, 3], undefined, false, 1),
			make([2, 3], 1, true, 2),
			make([2, 3, 4], [0, -1], false, 3),
			make([], 0, true, 4)
		]
	};
}

const MATMUL_KINDS = ['1-D @ 1-D', '2-D @ 1-D', '1-D @ 2-D', '2-D @ 2-D'] as const;
function matmulCase(
	kind: (typeof MATMUL_KINDS)[number],
	n: number,
	k: number,
	m: number,
	seed: number
): Case {
	const left = kind.startsWith('1-D') ? [k] : [n, k];
	const right = kind.endsWith('1-D') ? [k] : [k, m];
	return {
		args: [
			{ shape: left, domain: 'any' },
			{ shape: right, domain: 'any' }
		],
		attrs: {},
		seed
	};
}

/** A valid reshape target for `shape`: dims merged, shuffled, singletons added, one -1. */
function reshapeTarget(shape: readonly number[], seed: number): number[] {
	const r = new Mulberry32(seed);
	const dims = shape.slice();
	if (dims.length >= 2 && r.next() < 0.5) {
		const i = Math.floor(r.next() * (dims.length - 1));
		dims.splice(i, 2, dims[i] * dims[i + 1]);
	}
	for (let i = dims.length - 1; i > 0; i--) {
		const j = Math.floor(r.next() * (i + 1));
		[dims[i], dims[j]] = [dims[j], dims[i]];
	}
	while (dims.length < 5 && r.next() < 0.3) {
		dims.splice(Math.floor(r.next() * (dims.length + 1)), 0, 1);
	}
	if (dims.length > 0 && r.next() < 0.4) dims[Math.floor(r.next() * dims.length)] = -1;
	return dims;
}

/** An expand: the input has singleton dims; the size grows them, keeps (-1) others, adds lead dims. */
const expandArb: fc.Arbitrary<Case> = shapeArb()
	.chain((base) =>
		fc.record({
			base: fc.constant(base),
			ones: boolsArb(base.length),
			keep: boolsArb(base.length),
			grow: fc.array(sizeArb, { minLength: base.length, maxLength: base.length }),
			lead: shapeArb(0, 2),
			seed: seedArb
		})
	)
	.map(({ base, ones, keep, grow, lead, seed }) => {
		const input = base.map((s, i) => (ones[i] ? 1 : s));
		const size = [...lead, ...input.map((s, i) => (keep[i] ? -1 : s === 1 ? grow[i] : s))];
		return { args: [{ shape: input, domain: 'any' as const }], attrs: { size }, seed };
	});

const logSoftmaxArb: fc.Arbitrary<Case> = shapeArb().chain((shape) => {
	const ndim = shape.length;
	return fc
		.tuple(fc.integer({ min: ndim === 0 ? -1 : -ndim, max: ndim === 0 ? 0 : ndim - 1 }), seedArb)
		.map(([dim, seed]) => ({ args: [{ shape, domain: 'any' as const }], attrs: { dim }, seed }));
});

const transposeArb: fc.Arbitrary<Case> = shapeArb().chain((shape) => {
	const ndim = shape.length;
	const dim = fc.integer({ min: ndim === 0 ? -1 : -ndim, max: ndim === 0 ? 0 : ndim - 1 });
	const attrs =
		ndim <= 2
			? fc.oneof(fc.constant<Attrs>({ t: true }), fc.record<Attrs>({ dim0: dim, dim1: dim }))
			: fc.record<Attrs>({ dim0: dim, dim1: dim });
	return fc
		.tuple(attrs, seedArb)
		.map(([a, seed]) => ({ args: [{ shape, domain: 'any' as const }], attrs: a, seed }));
});

const POW_SCALAR_EXPONENTS = [2, 3, 1, 0, -1, -2, 0.5, 1.5, -0.5];
const powArb: fc.Arbitrary<Case> = fc.oneof(
	binarySpec('positive', 'any').arb,
	// torch.pow(number, tensor): the base is a wrapped number, only the exponent is differentiated.
	fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => ({
		args: [
			{ shape: [], domain: 'positive' as const },
			{ shape, domain: 'any' as const }
		],
		attrs: { scalarBase: true },
		seed,
		wrt: [false, true]
	})),
	fc
		.tuple(shapeArb(), fc.constantFrom(...POW_SCALAR_EXPONENTS), seedArb)
		.map(([shape, exponent, seed]) => ({
			args: [
				{
					shape,
					domain: Number.isInteger(exponent) ? ('awayFromZero' as const) : ('positive' as const)
				},
				{ constant: exponent }
			],
			attrs: { scalarExponent: exponent },
			seed
		}))
);

const mseArb: fc.Arbitrary<Case> = fc
	.tuple(
		fc.oneof(
			shapeArb().map((s): [number[], number[]] => [s, s]),
			broadcastPairArb
		),
		fc.constantFrom('mean', 'sum', 'none'),
		seedArb
	)
	.map(([[a, b], reduction, seed]) => ({
		args: [
			{ shape: a, domain: 'any' as const },
			{ shape: b, domain: 'any' as const }
		],
		attrs: { reduction },
		seed
	}));

const linearArb: fc.Arbitrary<Case> = fc
	.record({
		batch: shapeArb(0, 2),
		inFeatures: sizeArb,
		outFeatures: sizeArb,
		bias: fc.boolean(),
		seed: seedArb
	})
	.map(({ batch, inFeatures, outFeatures, bias, seed }) => ({
		args: [
			{ shape: [...batch, inFeatures], domain: 'any' as const },
			{ shape: [outFeatures, inFeatures], domain: 'any' as const },
			bias ? { shape: [outFeatures], domain: 'any' as const } : { constant: null }
		],
		attrs: {},
		seed
	}));

/** clamp's bounds (none of them within a finite difference of a drawn value, in practice). */
const CLAMP_BOUNDS: Attrs[] = [
	{ min: -0.5, max: 0.5 },
	{ min: 0.3 },
	{ max: -0.2 },
	{ min: 1, max: -1 }
];

/** clamp (input) or clamp_backward (grad, input): same-shape tensors and one set of bounds. */
function clampSpec(tensors: 1 | 2): Spec {
	const make = (shape: number[], attrs: Attrs, seed: number): Case => ({
		args: Array.from({ length: tensors }, () => ({ shape, domain: 'any' as const })),
		attrs,
		seed
	});
	return {
		arb: fc
			.tuple(shapeArb(), fc.constantFrom(...CLAMP_BOUNDS), seedArb)
			.map(([shape, attrs, seed]) => make(shape, attrs, seed)),
		examples: CLAMP_BOUNDS.map((attrs, i) => make([5], attrs, i + 1))
	};
}

/** The input-domain spec of every registry op, by id. */
const SPECS: Record<string, Spec> = {
	add: binarySpec('any', 'any'),
	sub: binarySpec('any', 'any'),
	mul: binarySpec('any', 'any'),
	div: binarySpec('any', 'awayFromZero'),
	pow: {
		arb: powArb,
		examples: [
			...binarySpec('positive', 'any').examples!,
			{
				args: [{ shape: [3], domain: 'awayFromZero' }, { constant: 2 }],
				attrs: { scalarExponent: 2 },
				seed: 9
			}
		]
	},
	neg: unarySpec('any'),
	exp: unarySpec('any'),
	log: unarySpec('positive'),
	sqrt: unarySpec('positive'),
	relu: unarySpec('awayFromKink'),
	tanh: unarySpec('any'),
	sigmoid: unarySpec('any'),
	// input: an incoming gradient (anything); other: relu's output, away from the kink.
	threshold_backward: binarySpec('any', 'awayFromKink'),
	abs: unarySpec('awayFromKink'),
	clamp: clampSpec(1),
	// input: an incoming gradient (anything); other: abs's input, away from the kink at 0.
	abs_backward: binarySpec('any', 'awayFromKink'),
	clamp_backward: clampSpec(2),
	// pow's own gradients (internal): positive bases, any exponent.
	pow_backward_self: binarySpec('positive', 'any'),
	pow_backward_exponent: binarySpec('positive', 'any'),
	sum: reductionSpec(),
	mean: reductionSpec(),
	matmul: {
		arb: fc
			.tuple(fc.constantFrom(...MATMUL_KINDS), sizeArb, sizeArb, sizeArb, seedArb)
			.map(([kind, n, k, m, seed]) => matmulCase(kind, n, k, m, seed)),
		examples: MATMUL_KINDS.map((kind, i) => matmulCase(kind, 2, 3, 4, i))
	},
	transpose: {
		arb: transposeArb,
		examples: [
			{ args: [{ shape: [2, 3], domain: 'any' }], attrs: { t: true }, seed: 1 },
			{ args: [{ shape: [2, 3, 4], domain: 'any' }], attrs: { dim0: 0, dim1: -1 }, seed: 2 }
		]
	},
	reshape: {
		arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => ({
			args: [{ shape, domain: 'any' as const }],
			attrs: { shape: reshapeTarget(shape, seed) },
			seed
		})),
		examples: [{ args: [{ shape: [2, 3], domain: 'any' }], attrs: { shape: [3, -1] }, seed: 1 }]
	},
	expand: {
		arb: expandArb,
		examples: [
			{ args: [{ shape: [3, 1], domain: 'any' }], attrs: { size: [2, 3, 4] }, seed: 1 },
			{ args: [{ shape: [], domain: 'any' }], attrs: { size: [2, 2] }, seed: 2 }
		]
	},
	mse_loss: {
		arb: mseArb,
		examples: [
			{
				args: [
					{ shape: [11, 1], domain: 'any' },
					{ shape: [11, 1], domain: 'any' }
				],
				attrs: { reduction: 'mean' },
				seed: 1
			}
		]
	},
	linear: {
		arb: linearArb,
		examples: [
			{
				args: [
					{ shape: [11, 1], domain: 'any' },
					{ shape: [1, 1], domain: 'any' },
					{ shape: [1], domain: 'any' }
				],
				attrs: {},
				seed: 1
			}
		]
	},
	log_softmax: {
		arb: logSoftmaxArb,
		examples: [{ args: [{ shape: [2, 5], domain: 'any' }], attrs: { dim: 1 }, seed: 1 }]
	}
};

// mse_loss warns (as PyTorch does) on broadcast shapes; keep the test output quiet.
let previousHandler: torch.WarningHandler;
beforeAll(() => {
	previousHandler = torch.setWarningHandler(() => {});
});
afterAll(() => {
	torch.setWarningHandler(previousHandler);
});

describe('gradcheck: every registry entry', () => {
	it('has an input-domain spec for every registry op, and none for ops that do not exist', () => {
		const ids = OP_LIST.map((op) => op.id);
		expect(ids.filter((id) => !Object.hasOwn(SPECS, id))).toEqual([]);
		expect(Object.keys(SPECS).filter((id) => !ids.includes(id))).toEqual([]);
	});

	test.each(OP_LIST.map((op) => [op.id, op] as const))('%s', (id, op) => {
		const spec = Object.hasOwn(SPECS, id) ? SPECS[id] : undefined;
		if (!spec) {
			throw new Error(
				`registry op '${id}' has no input-domain spec: add one to SPECS in tests/engine/gradcheck.test.ts`
			);
		}
		let runs = 0;
		let checked = 0;
		fc.assert(
			fc.property(spec.arb, (c) => {
				const result = assertGradcheck(runOp(op, c.attrs), materialize(c), { wrt: c.wrt });
				runs++;
				checked += result.checked;
			}),
			{ numRuns: NUM_RUNS, seed: FC_SEED, examples: (spec.examples ?? []).map((c) => [c]) }
		);
		expect(runs).toBeGreaterThanOrEqual(NUM_RUNS);
		expect(checked).toBeGreaterThan(0);
	});
});

describe('gradcheck: the checker itself', () => {
	const inputs = () => [
		torch.tensor([[0.5, -1.2, 2.0]], { dtype: 'float64' }),
		torch.tensor([[1.5], [-0.7]], { dtype: 'float64' })
	];

	it('passes the real mul (control for the tests below)', () => {
		const result = gradcheck((a, b) => apply(OPS.mul, [a as Tensor, b as Tensor], {}), inputs());
		expect(result.ok).toBe(true);
		expect(result.checked).toBe(5);
		expect(result.maxAbsError).toBeLessThan(1e-8);
	});

	it('reports a mismatch for a mul whose vjp is wrong (g * other * 2)', () => {
		const badMul: OpDef = {
			...OPS.mul,
			vjp: (ctx, g) => [g.mul(ctx.inputs[1] as Tensor).mul(2), g.mul(ctx.inputs[0] as Tensor)]
		};
		const result = gradcheck((a, b) => apply(badMul, [a as Tensor, b as Tensor], {}), inputs());
		expect(result.ok).toBe(false);
		// Every element of `input` is wrong (by a factor of 2), none of `other`.
		expect(result.mismatchCount).toBe(3);
		expect(result.mismatches.map((m) => m.input)).toEqual([0, 0, 0]);
		for (const m of result.mismatches) {
			expect(m.analytic).toBeCloseTo(2 * m.numerical, 6);
		}
		expect(() =>
			assertGradcheck((a, b) => apply(badMul, [a as Tensor, b as Tensor], {}), inputs())
		).toThrow(/3 of 5 gradient elements disagree/);
	});

	it('reports a mismatch for a vjp that drops a gradient (null is zero)', () => {
		const lossyMul: OpDef = {
			...OPS.mul,
			vjp: (ctx, g) => [g.mul(ctx.inputs[1] as Tensor), null]
		};
		const result = gradcheck((a, b) => apply(lossyMul, [a as Tensor, b as Tensor], {}), inputs());
		expect(result.ok).toBe(false);
		expect(result.mismatches.map((m) => m.input)).toEqual([1, 1]);
		expect(result.mismatches.map((m) => m.analytic)).toEqual([0, 0]);
	});

	it('reports an output that is not float64', () => {
		const result = gradcheck((a) => (a as Tensor).float().mul(2), [inputs()[0]]);
		expect(result.ok).toBe(false);
		expect(result.problems).toContain('output dtype is float32, expected float64');
	});

	it('checks only the inputs named in wrt, and treats numbers as constants', () => {
		const [a, b] = inputs();
		const result = gradcheck(
			(x, y, s) => (x as Tensor).mul(y as Tensor).mul(s as number),
			[a, b, 3],
			{
				wrt: [false, true, false]
			}
		);
		expect(result.ok).toBe(true);
		expect(result.checked).toBe(2);
	});
});
