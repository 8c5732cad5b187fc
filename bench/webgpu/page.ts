/**
 * The WebGPU benchmark page (served by bench/webgpu/run.ts, driven by Playwright): the
 * workloads of bench/workloads.ts on the engine's WebGPU backend and on its CPU backend, in
 * this same page, interleaved round by round. Also measures the per-dispatch overhead and the
 * matmul / add sizes at which WebGPU overtakes the CPU. Publishes everything on
 * `window.__webgpuBench` for the runner to collect.
 *
 * GPU timing: a sample runs `inner` units, then waits for the GPU (`torch.webgpu.synchronize()`,
 * or the unit's own readback), so queued work is counted, not only its recording.
 */
import * as torch from '../../src/lib/engine/index';

type Engine = 'cpu' | 'webgpu';
const ENGINE_NAME: Record<Engine, string> = {
	cpu: 'autograd-canvas-cpu',
	webgpu: 'autograd-canvas-webgpu'
};

interface Gate {
	ok: boolean;
	detail: string;
}

interface Unit {
	/** One unit of work; resolves once its results are on the host or the GPU is idle. */
	run(inner: number): Promise<void>;
}

interface Workload {
	name: string;
	metricUnit: string;
	metric(ms: number): number;
	gate(engine: Engine): Promise<Gate>;
	make(engine: Engine): Unit;
	/** Only these engines (default both). */
	engines?: Engine[];
}

export interface Row {
	name: string;
	engine: string;
	median_ms: number | null;
	min_ms: number | null;
	max_ms: number | null;
	ratio_vs_cpu: number | null;
	metric?: { value: number; unit: string };
	samples?: number;
	calls_per_sample?: number;
	gate_ok?: boolean;
	gates?: Gate[];
	errors: string[];
}

interface Options {
	rounds: number;
	only: string[] | null;
	sampleMs: number;
}

const params = new URLSearchParams(location.search);
const options: Options = {
	rounds: Number(params.get('rounds') ?? 15),
	only: params.get('only')?.split(',').filter(Boolean) ?? null,
	sampleMs: Number(params.get('sampleMs') ?? 50)
};

const log = (line: string) => {
	console.log(line);
	const pre = document.getElementById('log');
	if (pre) pre.textContent += `${line}\n`;
};

const state: {
	done: boolean;
	error: string | null;
	rows: Row[];
	adapter: torch.webgpu.AdapterInfo | null;
	webgpu: torch.WebGPUStatus | null;
	overhead: Record<string, number>;
	crossover: Record<string, unknown>;
	options: Options;
	userAgent: string;
	crossOriginIsolated: boolean;
} = {
	done: false,
	error: null,
	rows: [],
	adapter: null,
	webgpu: null,
	overhead: {},
	crossover: {},
	options,
	userAgent: navigator.userAgent,
	crossOriginIsolated: globalThis.crossOriginIsolated ?? false
};
(window as unknown as { __webgpuBench: typeof state }).__webgpuBench = state;

// ---------------------------------------------------------------- data (bench/workloads.ts)

function mulberry32(seed: number): () => number {
	const rng = new torch.Mulberry32(seed);
	return () => rng.next();
}

function fill(n: number, next: () => number, map: (u: number) => number): Float32Array {
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) out[i] = map(next());
	return out;
}

const within = (what: string, actual: number, expected: number, tolerance: number): Gate => ({
	ok: Number.isFinite(actual) && Math.abs(actual - expected) <= tolerance,
	detail: `${what} = ${actual} (expected ${expected} +-${tolerance})`
});

async function settle(engine: Engine): Promise<void> {
	if (engine === 'webgpu') await torch.webgpu.synchronize();
}

// ---------------------------------------------------------------- linreg_tutorial_1000ep

async function linreg(engine: Engine): Promise<[number, number]> {
	const xs = Float32Array.from({ length: 11 }, (_, i) => i);
	const x = torch.tensor(xs, { shape: [11, 1], device: engine });
	const y = torch.tensor(
		xs.map((v) => 2 * v + 1),
		{ shape: [11, 1], device: engine }
	);
	const w = torch.tensor(0, { requiresGrad: true, device: engine });
	const b = torch.tensor(0, { requiresGrad: true, device: engine });
	const optimizer = new torch.optim.SGD([w, b], { lr: 0.01 });
	for (let epoch = 0; epoch < 1000; epoch++) {
		optimizer.zeroGrad();
		x.mul(w).add(b).sub(y).pow(2).mean().backward();
		optimizer.step();
	}
	return [await w.itemAsync(), await b.itemAsync()];
}

const linregWorkload: Workload = {
	name: 'linreg_tutorial_1000ep',
	metricUnit: 'ms/1000ep',
	metric: (ms) => ms,
	gate: async (engine) => {
		const [w, b] = await linreg(engine);
		const gates = [within('w', w, 2.00037, 1e-4), within('b', b, 0.99746, 1e-4)];
		return { ok: gates.every((g) => g.ok), detail: gates.map((g) => g.detail).join('; ') };
	},
	make: (engine) => ({
		run: async (inner) => {
			for (let i = 0; i < inner; i++) await linreg(engine);
		}
	})
};

// ---------------------------------------------------------------- matmul_f32_N

const matmulData = new Map<number, { a: Float32Array; b: Float32Array }>();
function getMatmulData(n: number) {
	let data = matmulData.get(n);
	if (!data) {
		const next = mulberry32(42);
		const a = fill(n * n, next, (u) => 2 * u - 1);
		const b = fill(n * n, next, (u) => 2 * u - 1);
		data = { a, b };
		matmulData.set(n, data);
	}
	return data;
}

function plainLoop(a: Float32Array, b: Float32Array, n: number): Float64Array {
	const out = new Float64Array(n * n);
	for (let i = 0; i < n; i++) {
		for (let k = 0; k < n; k++) {
			const aik = a[i * n + k];
			for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
		}
	}
	return out;
}

function matmulWorkload(n: number): Workload {
	return {
		name: `matmul_f32_${n}`,
		metricUnit: 'GFLOP/s',
		metric: (ms) => (2 * n ** 3) / (ms * 1e6),
		gate: async (engine) => {
			const { a, b } = getMatmulData(n);
			const ta = torch.tensor(a, { shape: [n, n], device: engine });
			const tb = torch.tensor(b, { shape: [n, n], device: engine });
			const out = await torch.noGrad(() => ta.matmul(tb)).dataAsync();
			const reference = plainLoop(a, b, n);
			let diff = 0;
			for (let i = 0; i < reference.length; i++) {
				const d = Math.abs(out[i] - reference[i]);
				if (!(d <= diff)) diff = d;
			}
			return { ok: diff < 1e-3, detail: `max abs diff to plain loop ${diff.toExponential(2)}` };
		},
		make: (engine) => {
			const { a, b } = getMatmulData(n);
			const ta = torch.tensor(a, { shape: [n, n], device: engine });
			const tb = torch.tensor(b, { shape: [n, n], device: engine });
			return {
				run: async (inner) => {
					torch.noGrad(() => {
						for (let i = 0; i < inner; i++) ta.matmul(tb);
					});
					await settle(engine);
				}
			};
		}
	};
}

// ---------------------------------------------------------------- mlp_784_256_10_b256_step

const MLP = { n: 256, d: 784, h: 256, c: 10 };
const MLP_LABELS = Array.from({ length: MLP.n }, (_, i) => i % MLP.c);

function mlpCase(engine: Engine) {
	const x = fill(MLP.n * MLP.d, mulberry32(7), (u) => u);
	const next = mulberry32(11);
	const init = (count: number, fanIn: number) =>
		fill(count, next, (u) => (2 * u - 1) / Math.sqrt(fanIn));
	const values = [init(MLP.d * MLP.h, MLP.d), init(MLP.h, MLP.d), init(MLP.h * MLP.c, MLP.h)];
	values.push(init(MLP.c, MLP.h));
	const shapes = [[MLP.d, MLP.h], [MLP.h], [MLP.h, MLP.c], [MLP.c]];
	const input = torch.tensor(x, { shape: [MLP.n, MLP.d], device: engine });
	const [w1, b1, w2, b2] = values.map((v, i) =>
		torch.tensor(v, { shape: shapes[i], requiresGrad: true, device: engine })
	);
	const optimizer = new torch.optim.SGD([w1, b1, w2, b2], { lr: 0.01 });
	return () => {
		optimizer.zeroGrad();
		const hidden = input.matmul(w1).add(b1).relu();
		const logits = hidden.matmul(w2).add(b2);
		const loss = torch.nn.functional.crossEntropy(logits, MLP_LABELS);
		loss.backward();
		optimizer.step();
		return loss;
	};
}

const mlpWorkload: Workload = {
	name: 'mlp_784_256_10_b256_step',
	metricUnit: 'GFLOP/s',
	metric: (ms) => 209.5e6 / (ms * 1e6),
	gate: async (engine) => {
		const loss = await mlpCase(engine)().itemAsync();
		return within('first-step loss', loss, 2.310569, 1e-4);
	},
	make: (engine) => {
		const step = mlpCase(engine);
		return {
			run: async (inner) => {
				for (let i = 0; i < inner; i++) step();
				await settle(engine);
			}
		};
	}
};

// ---------------------------------------------------------------- runner

function stats(samples: number[]) {
	const sorted = [...samples].sort((x, y) => x - y);
	const n = sorted.length;
	const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	return { median, min: sorted[0], max: sorted[n - 1], n };
}

async function time(unit: Unit, inner: number): Promise<number> {
	const start = performance.now();
	await unit.run(inner);
	return (performance.now() - start) / inner;
}

interface Slot {
	workload: Workload;
	engine: Engine;
	unit: Unit | null;
	inner: number;
	samples: number[];
	gates: Gate[];
	errors: string[];
}

async function calibrate(unit: Unit): Promise<number> {
	const times: number[] = [];
	const start = performance.now();
	while (times.length < 3 || (performance.now() - start < 300 && times.length < 50)) {
		times.push(await time(unit, 1));
	}
	const perCall = stats(times.slice(-3)).median;
	return Math.max(1, Math.min(200, Math.ceil(options.sampleMs / Math.max(perCall, 1e-3))));
}

async function runWorkloads(workloads: Workload[]): Promise<void> {
	const slots: Slot[] = [];
	for (const workload of workloads) {
		for (const engine of workload.engines ?? (['cpu', 'webgpu'] as Engine[])) {
			slots.push({ workload, engine, unit: null, inner: 1, samples: [], gates: [], errors: [] });
		}
	}
	for (const slot of slots) {
		const label = `${slot.workload.name} [${ENGINE_NAME[slot.engine]}]`;
		try {
			const gate = await slot.workload.gate(slot.engine);
			slot.gates.push(gate);
			log(`${gate.ok ? 'ok  ' : 'FAIL'} gate ${label}: ${gate.detail}`);
			slot.unit = slot.workload.make(slot.engine);
			slot.inner = await calibrate(slot.unit);
			log(`     warm ${label}: ${slot.inner} call(s) per sample`);
		} catch (error) {
			slot.errors.push(String(error));
			slot.unit = null;
			log(`ERROR ${label}: ${String(error)}`);
		}
	}
	for (let round = 0; round < options.rounds; round++) {
		for (const slot of slots) {
			if (!slot.unit) continue;
			try {
				slot.samples.push(await time(slot.unit, slot.inner));
			} catch (error) {
				slot.errors.push(String(error));
				slot.unit = null;
			}
		}
		log(`round ${round + 1}/${options.rounds}`);
	}
	for (const workload of workloads) {
		const cpu = slots.find((s) => s.workload === workload && s.engine === 'cpu');
		const cpuMedian = cpu?.samples.length ? stats(cpu.samples).median : null;
		for (const slot of slots.filter((s) => s.workload === workload)) {
			const s = slot.samples.length ? stats(slot.samples) : null;
			state.rows.push({
				name: workload.name,
				engine: ENGINE_NAME[slot.engine],
				median_ms: s?.median ?? null,
				min_ms: s?.min ?? null,
				max_ms: s?.max ?? null,
				ratio_vs_cpu: s && cpuMedian !== null ? cpuMedian / s.median : null,
				metric: s ? { value: workload.metric(s.median), unit: workload.metricUnit } : undefined,
				samples: s?.n ?? 0,
				calls_per_sample: slot.inner,
				gate_ok: slot.gates.length > 0 && slot.gates.every((g) => g.ok),
				gates: slot.gates,
				errors: slot.errors
			});
		}
	}
}

/**
 * Per-dispatch overhead: (1) throughput: 2000 one-element adds recorded back to back, then one
 * wait for the GPU: microseconds per op (its dispatch, bind group and share of a submit);
 * (2) latency: one add and its readback, in milliseconds.
 */
async function measureOverhead(): Promise<void> {
	const a = torch.tensor([1.5], { device: 'webgpu' });
	const b = torch.tensor([2.25], { device: 'webgpu' });
	const count = 2000;
	const throughput: number[] = [];
	const record: number[] = [];
	const latency: number[] = [];
	for (let round = 0; round < Math.max(5, options.rounds); round++) {
		await torch.webgpu.synchronize();
		const dispatchesBefore = torch.webgpu.dispatchCount();
		const start = performance.now();
		torch.noGrad(() => {
			for (let i = 0; i < count; i++) a.add(b);
		});
		const recorded = performance.now();
		await torch.webgpu.synchronize();
		const end = performance.now();
		if (torch.webgpu.dispatchCount() - dispatchesBefore !== count) {
			throw new Error('expected one dispatch per add');
		}
		throughput.push(((end - start) * 1000) / count);
		record.push(((recorded - start) * 1000) / count);
		const one = performance.now();
		await a.add(b).itemAsync();
		latency.push(performance.now() - one);
	}
	const cpuA = torch.tensor([1.5]);
	const cpuB = torch.tensor([2.25]);
	const cpuStart = performance.now();
	for (let i = 0; i < 100_000; i++) cpuA.add(cpuB);
	const cpuPerOp = ((performance.now() - cpuStart) * 1000) / 100_000;
	state.overhead = {
		dispatch_us_median: stats(throughput).median,
		dispatch_us_min: stats(throughput).min,
		record_only_us_median: stats(record).median,
		roundtrip_ms_median: stats(latency).median,
		roundtrip_ms_min: stats(latency).min,
		cpu_add_1elem_us: cpuPerOp
	};
	state.rows.push({
		name: 'dispatch_overhead_add_1elem',
		engine: ENGINE_NAME.webgpu,
		median_ms: stats(throughput).median / 1000,
		min_ms: stats(throughput).min / 1000,
		max_ms: stats(throughput).max / 1000,
		ratio_vs_cpu: cpuPerOp / stats(throughput).median,
		metric: { value: stats(throughput).median, unit: 'us/dispatch' },
		samples: throughput.length,
		calls_per_sample: count,
		errors: []
	});
	log(`overhead: ${JSON.stringify(state.overhead)}`);
}

/** Where WebGPU overtakes the CPU: matmul N x N and elementwise add of n elements. */
async function measureCrossover(): Promise<void> {
	const result: Record<string, { cpu_ms: number; webgpu_ms: number; webgpu_roundtrip_ms: number }> =
		{};
	const measure = async (key: string, make: (engine: Engine) => () => unknown) => {
		const timings: Record<Engine, number[]> = { cpu: [], webgpu: [] };
		const roundtrip: number[] = [];
		const ops = { cpu: make('cpu'), webgpu: make('webgpu') };
		for (const engine of ['cpu', 'webgpu'] as Engine[]) {
			torch.noGrad(ops[engine]);
			await settle(engine);
		}
		for (let round = 0; round < 7; round++) {
			for (const engine of ['cpu', 'webgpu'] as Engine[]) {
				const repeat = 8;
				const start = performance.now();
				torch.noGrad(() => {
					for (let i = 0; i < repeat; i++) ops[engine]();
				});
				await settle(engine);
				timings[engine].push((performance.now() - start) / repeat);
			}
			const start = performance.now();
			await (torch.noGrad(ops.webgpu) as torch.Tensor).dataAsync();
			roundtrip.push(performance.now() - start);
		}
		result[key] = {
			cpu_ms: stats(timings.cpu).median,
			webgpu_ms: stats(timings.webgpu).median,
			webgpu_roundtrip_ms: stats(roundtrip).median
		};
	};
	for (const n of [16, 32, 64, 128, 256, 512]) {
		const { a, b } = {
			a: fill(n * n, mulberry32(n), (u) => u),
			b: fill(n * n, mulberry32(n + 1), (u) => u)
		};
		await measure(`matmul_${n}`, (engine) => {
			const ta = torch.tensor(a, { shape: [n, n], device: engine });
			const tb = torch.tensor(b, { shape: [n, n], device: engine });
			return () => ta.matmul(tb);
		});
	}
	for (const n of [1e3, 1e4, 1e5, 1e6]) {
		const values = fill(n, mulberry32(n), (u) => u);
		await measure(`add_${n}`, (engine) => {
			const t = torch.tensor(values, { device: engine });
			return () => t.add(t);
		});
	}
	const first = (prefix: string) =>
		Object.entries(result).find(
			([key, r]) => key.startsWith(prefix) && r.webgpu_ms < r.cpu_ms
		)?.[0] ?? null;
	state.crossover = {
		sizes: result,
		matmul_first_faster_on_webgpu: first('matmul_'),
		add_first_faster_on_webgpu: first('add_')
	};
	log(`crossover: ${JSON.stringify(state.crossover)}`);
}

async function main(): Promise<void> {
	const status = await torch.initWebGPU();
	state.webgpu = status;
	state.adapter = status.adapterInfo ?? null;
	log(`WebGPU: ${JSON.stringify(status)}`);
	if (!status.available) throw new Error(`WebGPU is not available: ${status.reason}`);
	const all = [linregWorkload, matmulWorkload(256), matmulWorkload(1024), mlpWorkload];
	const selected = options.only ? all.filter((w) => options.only!.includes(w.name)) : all;
	await runWorkloads(selected);
	if (!options.only || options.only.includes('dispatch_overhead')) await measureOverhead();
	if (!options.only || options.only.includes('crossover')) await measureCrossover();
}

main()
	.catch((error) => {
		state.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
		log(`ERROR: ${state.error}`);
	})
	.finally(() => {
		state.done = true;
	});
