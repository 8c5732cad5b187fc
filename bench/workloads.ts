/**
 * The benchmark workloads (the team's definitions, with the figures of the engines we compare with), once for our engine and once for tfjs (cpu
 * backend), on the same mulberry32 data and with the same correctness gates.
 *
 * Every workload has, per engine, a `gate()` (run on fresh state, checks the figure the
 * benchmark table gives) and a `make()` that returns the timed unit of work: one call of `run()`
 * is one unit of the metric (1000 epochs, 10,000 adds, one forward+backward, one matmul, one
 * training step).
 */
import * as tf from '@tensorflow/tfjs';
import * as torch from '../src/lib/engine/index';
import { combineGates, fill, gateWithin, mulberry32, type Gate } from './harness';
import * as tape from './tape';

export type EngineId = 'ours' | 'eager' | 'tfjs' | 'tape';

/**
 * `ours` is how the engine is meant to be used: a training step through `torch.compile`, a single
 * op or a chain eagerly. `eager` runs the same training step without compile, for comparison.
 */
export const ENGINE_NAMES: Record<EngineId, string> = {
	ours: 'autograd-canvas-cpu',
	eager: 'autograd-canvas-eager',
	tfjs: 'tfjs-cpu',
	tape: 'minimal-hand-tape'
};

export interface Case {
	/** One unit of work; what it returns is kept so nothing is optimised away. */
	run(): unknown;
	dispose?(): void;
}

/** A training-step case: `run()` returns the step's loss. */
export interface StepCase extends Case {
	run(): number;
}

export interface EngineImpl {
	gate(): Gate;
	make(): Case;
}

/** A target for our engine's row. */
export type Target =
	| { kind: 'median_ms_max'; value: number }
	| { kind: 'metric_max'; value: number }
	| { kind: 'metric_min'; value: number }
	| { kind: 'ratio_min'; value: number }
	/** Our median over the minimal hand tape's, in the same run (issue 15). */
	| { kind: 'tape_ratio_max'; value: number };

export interface Benchmark {
	name: string;
	/** Run unless `--only` names others. */
	defaultOn: boolean;
	metricUnit: string;
	/** The metric from the milliseconds one `run()` takes. */
	metric(ms: number): number;
	targets: Target[];
	/**
	 * The minimal hand tape (bench/tape.ts) runs only the workloads it was written for; `eager`
	 * only where `ours` compiles a training step.
	 */
	engines: Record<'ours' | 'tfjs', EngineImpl> & { tape?: EngineImpl; eager?: EngineImpl };
}

const noGradOurs = <T>(fn: () => T): T => torch.noGrad(fn);

// ---------------------------------------------------------------- linreg_tutorial_1000ep

const LINREG_EPOCHS = 1000;
const LINREG_X = Float32Array.from({ length: 11 }, (_, i) => i);
const LINREG_Y = LINREG_X.map((x) => 2 * x + 1);

function linregGate(w: number, b: number): Gate {
	return combineGates([gateWithin('w', w, 2.00037, 1e-4), gateWithin('b', b, 0.99746, 1e-4)]);
}

/** The tutorial's loop, its step run through `torch.compile` (`compiled`) or eagerly. */
function linregOurs(compiled: boolean): [number, number] {
	const x = torch.tensor(LINREG_X, { shape: [11, 1] });
	const y = torch.tensor(LINREG_Y, { shape: [11, 1] });
	const w = torch.tensor(0, { requiresGrad: true });
	const b = torch.tensor(0, { requiresGrad: true });
	const optimizer = new torch.optim.SGD([w, b], { lr: 0.01 });
	const trainStep = () => {
		optimizer.zeroGrad();
		const pred = x.mul(w).add(b);
		const loss = pred.sub(y).pow(2).mean();
		loss.backward();
		optimizer.step();
		return loss;
	};
	const step = compiled ? torch.compile(trainStep) : trainStep;
	for (let epoch = 0; epoch < LINREG_EPOCHS; epoch++) step();
	return [w.item(), b.item()];
}

function linregTape(): [number, number] {
	const x = new tape.TapeTensor(LINREG_X);
	const y = new tape.TapeTensor(LINREG_Y);
	const w = new tape.TapeTensor(new Float32Array(1), true);
	const b = new tape.TapeTensor(new Float32Array(1), true);
	for (let epoch = 0; epoch < LINREG_EPOCHS; epoch++) {
		const pred = tape.add(tape.mul(x, w), b);
		const loss = tape.mean(tape.square(tape.sub(pred, y)));
		tape.backward(loss);
		tape.sgdStep([w, b], 0.01);
	}
	return [w.data[0], b.data[0]];
}

function linregTfjs(): [number, number] {
	return tf.tidy(() => {
		const x = tf.tensor2d(LINREG_X, [11, 1]);
		const y = tf.tensor2d(LINREG_Y, [11, 1]);
		const w = tf.variable(tf.scalar(0));
		const b = tf.variable(tf.scalar(0));
		const optimizer = tf.train.sgd(0.01);
		for (let epoch = 0; epoch < LINREG_EPOCHS; epoch++) {
			optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.mul(x, w), b), y))));
		}
		const result: [number, number] = [w.dataSync()[0], b.dataSync()[0]];
		optimizer.dispose();
		w.dispose();
		b.dispose();
		return result;
	});
}

const linreg: Benchmark = {
	name: 'linreg_tutorial_1000ep',
	defaultOn: true,
	metricUnit: 'ms/1000ep',
	metric: (ms) => ms,
	// Issue 15: the compiled step at <= 0.5 ms per 1000 epochs (four times faster than the tape).
	targets: [
		{ kind: 'median_ms_max', value: 0.5 },
		{ kind: 'ratio_min', value: 20 }
	],
	engines: {
		ours: {
			gate: () => linregGate(...linregOurs(true)),
			make: () => ({ run: () => linregOurs(true) })
		},
		eager: {
			gate: () => linregGate(...linregOurs(false)),
			make: () => ({ run: () => linregOurs(false) })
		},
		tfjs: { gate: () => linregGate(...linregTfjs()), make: () => ({ run: linregTfjs }) },
		tape: { gate: () => linregGate(...linregTape()), make: () => ({ run: linregTape }) }
	}
};

// ---------------------------------------------------------------- op_add_1elem

const ADD_OPS = 10_000;

function addOursCase(): Case {
	const a = torch.tensor([1.5]);
	const b = torch.tensor([2.25]);
	return {
		run: () => {
			let out = a;
			for (let i = 0; i < ADD_OPS; i++) out = a.add(b);
			return out;
		}
	};
}

function addTapeCase(): Case {
	const a = new tape.TapeTensor(Float32Array.of(1.5));
	const b = new tape.TapeTensor(Float32Array.of(2.25));
	return {
		run: () => {
			let out = a;
			for (let i = 0; i < ADD_OPS; i++) out = tape.add(a, b);
			return out;
		}
	};
}

function addTfjsCase(): Case {
	const a = tf.tensor1d([1.5]);
	const b = tf.tensor1d([2.25]);
	return {
		// One tidy per 10,000 adds: every intermediate is disposed when the scope closes.
		run: () =>
			tf.tidy(() => {
				for (let i = 0; i < ADD_OPS; i++) tf.add(a, b);
			}),
		dispose: () => {
			a.dispose();
			b.dispose();
		}
	};
}

const opAdd: Benchmark = {
	name: 'op_add_1elem',
	defaultOn: true,
	metricUnit: 'us/op',
	metric: (ms) => (ms * 1000) / ADD_OPS,
	targets: [
		{ kind: 'metric_max', value: 0.15 },
		{ kind: 'tape_ratio_max', value: 1.3 }
	],
	engines: {
		ours: {
			gate: () =>
				gateWithin(
					'1.5 + 2.25',
					torch
						.tensor([1.5])
						.add(torch.tensor([2.25]))
						.item(),
					3.75,
					0
				),
			make: addOursCase
		},
		tfjs: {
			gate: () =>
				gateWithin(
					'1.5 + 2.25',
					tf.tidy(() => tf.add(tf.tensor1d([1.5]), tf.tensor1d([2.25])).dataSync()[0]),
					3.75,
					0
				),
			make: addTfjsCase
		},
		tape: {
			gate: () =>
				gateWithin(
					'1.5 + 2.25',
					tape.add(
						new tape.TapeTensor(Float32Array.of(1.5)),
						new tape.TapeTensor(Float32Array.of(2.25))
					).data[0],
					3.75,
					0
				),
			make: addTapeCase
		}
	}
};

// ---------------------------------------------------------------- chain_1elem_fwdbwd

const CHAIN_STEPS = 1000;
const CHAIN_C = 1.0001;
const CHAIN_RECORDED_OPS = 2 * CHAIN_STEPS;
/** dy/dx of 1000 x { y = y*c + c } is c^1000, in float32 to about 1e-5 relative. */
const CHAIN_EXPECTED = CHAIN_C ** CHAIN_STEPS;
const CHAIN_TOLERANCE = 1e-4 * CHAIN_EXPECTED;

function chainOurs(): number {
	const x = torch.tensor([1], { requiresGrad: true });
	let y = x;
	for (let i = 0; i < CHAIN_STEPS; i++) {
		y = y.mul(CHAIN_C);
		y = y.add(CHAIN_C);
	}
	y.backward();
	return x.grad!.item();
}

function chainTape(): number {
	const x = new tape.TapeTensor(Float32Array.of(1), true);
	let y = x;
	for (let i = 0; i < CHAIN_STEPS; i++) {
		y = tape.mulScalar(y, CHAIN_C);
		y = tape.addScalar(y, CHAIN_C);
	}
	tape.backward(y);
	return x.grad![0];
}

const chainTfjsGrad = tf.grad((x: tf.Tensor) => {
	let y = x;
	for (let i = 0; i < CHAIN_STEPS; i++) {
		y = tf.mul(y, CHAIN_C);
		y = tf.add(y, CHAIN_C);
	}
	return y;
});

function chainTfjs(): number {
	return tf.tidy(() => chainTfjsGrad(tf.tensor1d([1])).dataSync()[0]);
}

const chain: Benchmark = {
	name: 'chain_1elem_fwdbwd',
	defaultOn: true,
	metricUnit: 'us/rec.op',
	metric: (ms) => (ms * 1000) / CHAIN_RECORDED_OPS,
	targets: [
		{ kind: 'metric_max', value: 1 },
		{ kind: 'tape_ratio_max', value: 1.3 }
	],
	engines: {
		ours: {
			gate: () => gateWithin('dy/dx', chainOurs(), CHAIN_EXPECTED, CHAIN_TOLERANCE),
			make: () => ({ run: chainOurs })
		},
		tfjs: {
			gate: () => gateWithin('dy/dx', chainTfjs(), CHAIN_EXPECTED, CHAIN_TOLERANCE),
			make: () => ({ run: chainTfjs })
		},
		tape: {
			gate: () => gateWithin('dy/dx', chainTape(), CHAIN_EXPECTED, CHAIN_TOLERANCE),
			make: () => ({ run: chainTape })
		}
	}
};

// ---------------------------------------------------------------- matmul_f32_N

interface MatmulData {
	a: Float32Array;
	b: Float32Array;
	reference: Float64Array;
}

const matmulData = new Map<number, MatmulData>();

function getMatmulData(n: number): MatmulData {
	let data = matmulData.get(n);
	if (!data) {
		const next = mulberry32(42);
		const a = fill(n * n, next, (u) => 2 * u - 1);
		const b = fill(n * n, next, (u) => 2 * u - 1);
		// The plain-loop reference, accumulated in float64 (i-k-j order for speed).
		const reference = new Float64Array(n * n);
		for (let i = 0; i < n; i++) {
			for (let k = 0; k < n; k++) {
				const aik = a[i * n + k];
				const row = i * n;
				const col = k * n;
				for (let j = 0; j < n; j++) reference[row + j] += aik * b[col + j];
			}
		}
		data = { a, b, reference };
		matmulData.set(n, data);
	}
	return data;
}

function maxAbsDiff(actual: ArrayLike<number>, expected: Float64Array): number {
	if (actual.length !== expected.length) return Infinity;
	let max = 0;
	for (let i = 0; i < expected.length; i++) {
		const d = Math.abs(actual[i] - expected[i]);
		if (!(d <= max)) max = d; // NaN propagates as a failure
	}
	return max;
}

function matmulGate(actual: ArrayLike<number>, n: number): Gate {
	const diff = maxAbsDiff(actual, getMatmulData(n).reference);
	return {
		ok: diff < 1e-3,
		detail: `max abs diff to plain loop ${diff.toExponential(2)} (< 1e-3)`
	};
}

function matmulBenchmark(n: number, defaultOn: boolean, targets: Target[]): Benchmark {
	const flops = 2 * n ** 3;
	const oursCase = (): Case & { result(): ArrayLike<number> } => {
		const { a, b } = getMatmulData(n);
		const ta = torch.tensor(a, { shape: [n, n] });
		const tb = torch.tensor(b, { shape: [n, n] });
		let last: torch.Tensor | null = null;
		return {
			run: () => (last = noGradOurs(() => ta.matmul(tb))),
			result: () => last!.data
		};
	};
	const tfjsCase = (): Case & { result(): ArrayLike<number> } => {
		const { a, b } = getMatmulData(n);
		const ta = tf.tensor2d(a, [n, n]);
		const tb = tf.tensor2d(b, [n, n]);
		let last: ArrayLike<number> = [];
		return {
			run: () => (last = tf.tidy(() => tf.matMul(ta, tb).dataSync())),
			result: () => last,
			dispose: () => {
				ta.dispose();
				tb.dispose();
			}
		};
	};
	const gateOf = (make: () => Case & { result(): ArrayLike<number> }) => () => {
		const c = make();
		c.run();
		const gate = matmulGate(c.result(), n);
		c.dispose?.();
		return gate;
	};
	return {
		name: `matmul_f32_${n}`,
		defaultOn,
		metricUnit: 'GFLOP/s',
		metric: (ms) => flops / (ms * 1e6),
		targets,
		engines: {
			ours: { gate: gateOf(oursCase), make: oursCase },
			tfjs: { gate: gateOf(tfjsCase), make: tfjsCase }
		}
	};
}

// ---------------------------------------------------------------- mlp_784_256_10_b256_step

const MLP = { n: 256, d: 784, h: 256, c: 10 };
const MLP_FLOPS = 209.5e6;
const MLP_LABELS = Array.from({ length: MLP.n }, (_, i) => i % MLP.c);

interface MlpData {
	x: Float32Array;
	w1: Float32Array;
	b1: Float32Array;
	w2: Float32Array;
	b2: Float32Array;
}

let mlpData: MlpData | null = null;

function getMlpData(): MlpData {
	if (!mlpData) {
		const x = fill(MLP.n * MLP.d, mulberry32(7), (u) => u);
		const next = mulberry32(11);
		const init = (count: number, fanIn: number) =>
			fill(count, next, (u) => (2 * u - 1) / Math.sqrt(fanIn));
		mlpData = {
			x,
			w1: init(MLP.d * MLP.h, MLP.d),
			b1: init(MLP.h, MLP.d),
			w2: init(MLP.h * MLP.c, MLP.h),
			b2: init(MLP.c, MLP.h)
		};
	}
	return mlpData;
}

function mlpOursCase(compiled: boolean): StepCase {
	const data = getMlpData();
	const x = torch.tensor(data.x, { shape: [MLP.n, MLP.d] });
	const param = (values: Float32Array, shape: number[]) =>
		torch.tensor(values, { shape, requiresGrad: true });
	const w1 = param(data.w1, [MLP.d, MLP.h]);
	const b1 = param(data.b1, [MLP.h]);
	const w2 = param(data.w2, [MLP.h, MLP.c]);
	const b2 = param(data.b2, [MLP.c]);
	const optimizer = new torch.optim.SGD([w1, b1, w2, b2], { lr: 0.01 });
	const trainStep = () => {
		optimizer.zeroGrad();
		const hidden = x.matmul(w1).add(b1).relu();
		const logits = hidden.matmul(w2).add(b2);
		const loss = torch.nn.functional.crossEntropy(logits, MLP_LABELS);
		loss.backward();
		optimizer.step();
		return loss;
	};
	const step = compiled ? torch.compile(trainStep) : trainStep;
	return { run: () => step().item() };
}

function mlpTfjsCase(): StepCase {
	const data = getMlpData();
	const x = tf.tensor2d(data.x, [MLP.n, MLP.d]);
	const w1 = tf.variable(tf.tensor2d(data.w1, [MLP.d, MLP.h]));
	const b1 = tf.variable(tf.tensor1d(data.b1));
	const w2 = tf.variable(tf.tensor2d(data.w2, [MLP.h, MLP.c]));
	const b2 = tf.variable(tf.tensor1d(data.b2));
	const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(MLP_LABELS, 'int32'), MLP.c).toFloat());
	const optimizer = tf.train.sgd(0.01);
	return {
		run: () => {
			const loss = optimizer.minimize(() => {
				const hidden = tf.relu(tf.add(tf.matMul(x, w1), b1));
				const logits = tf.add(tf.matMul(hidden, w2), b2);
				return tf.losses.softmaxCrossEntropy(onehot, logits);
			}, true)!;
			const value = loss.dataSync()[0];
			loss.dispose();
			return value;
		},
		dispose: () => {
			for (const t of [x, w1, b1, w2, b2, onehot]) t.dispose();
			optimizer.dispose();
		}
	};
}

function mlpGate(make: () => StepCase): () => Gate {
	return () => {
		const c = make();
		const loss = c.run();
		c.dispose?.();
		return gateWithin('first-step loss', loss, 2.310569, 1e-4);
	};
}

const mlp: Benchmark = {
	name: 'mlp_784_256_10_b256_step',
	defaultOn: true,
	metricUnit: 'GFLOP/s',
	metric: (ms) => MLP_FLOPS / (ms * 1e6),
	targets: [
		{ kind: 'median_ms_max', value: 8 },
		{ kind: 'ratio_min', value: 4 }
	],
	engines: {
		ours: { gate: mlpGate(() => mlpOursCase(true)), make: () => mlpOursCase(true) },
		eager: { gate: mlpGate(() => mlpOursCase(false)), make: () => mlpOursCase(false) },
		tfjs: { gate: mlpGate(mlpTfjsCase), make: mlpTfjsCase }
	}
};

// ----------------------------------------------------------------

export const BENCHMARKS: Benchmark[] = [
	linreg,
	opAdd,
	chain,
	matmulBenchmark(256, true, [
		{ kind: 'metric_min', value: 30 },
		{ kind: 'ratio_min', value: 4 }
	]),
	mlp,
	// tfjs cpu takes ~2 s per call here: the default run spends about half a minute on it.
	matmulBenchmark(1024, true, [{ kind: 'metric_min', value: 30 }])
];
