/**
 * torch.compile against eager mode: for random small graphs and training loops, the compiled
 * step must give bit-identical values, gradients, `.grad` None-ness, version counters and errors
 * over 50 steps, through a change of batch shape mid-way; and the stats must show that it really
 * replayed (a compile that always ran eagerly would pass every equality trivially).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { Mulberry32 } from '$lib/engine/random';
import type { Tensor } from '$lib/engine';

type Program = (p: Params, x: Tensor, target: Tensor) => Tensor;

interface Params {
	w: Tensor;
	bias: Tensor;
	s: Tensor;
	unused: Tensor;
	constant: Tensor;
}

const F = 3;

function values(rng: Mulberry32, n: number, scale = 1): Float32Array {
	return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

function makeParams(seed: number): Params {
	const rng = new Mulberry32(seed);
	return {
		w: torch.tensor(values(rng, F * F, 0.5), { shape: [F, F], requiresGrad: true }),
		bias: torch.tensor(values(rng, F, 0.5), { requiresGrad: true }),
		s: torch.tensor(1 + rng.next(), { requiresGrad: true }),
		unused: torch.tensor(values(rng, F), { requiresGrad: true }),
		constant: torch.tensor(values(rng, F))
	};
}

/** One op applied to h (always [B, F]); the last ones reach the program's other tensors. */
const OPS: ((h: Tensor, p: Params, x: Tensor) => Tensor)[] = [
	(h, p) => h.matmul(p.w),
	(h, p) => h.add(p.bias),
	(h, p) => h.mul(p.s),
	(h) => h.tanh(),
	(h) => h.sigmoid(),
	(h) => h.relu(),
	(h, _p, x) => h.sub(x),
	(h) => h.mul(h),
	(h) => h.mul(0.5),
	(h) => h.div(h.pow(2).add(1)),
	(h) => h.tanh().exp(),
	(h) => h.t().t(),
	(h) => h.sum(1, true).expand(h.shape).mul(0.25),
	(h) => h.reshape([h.shape[1], h.shape[0]]).reshape(h.shape),
	(h, p) => h.add(p.constant).mean(0, true).sub(h),
	(h) => h.add(torch.noGrad(() => h.mul(2))),
	(h, p) => h.mul(p.s.mul(p.s)).sub(p.bias.sum())
];

const LOSSES: ((h: Tensor, target: Tensor) => Tensor)[] = [
	(h, t) => h.sub(t).pow(2).mean(),
	(h, t) => h.mseLoss(t),
	(h) => h.sum().mul(0.01),
	(h) => h.logSoftmax(1).mean().neg()
];

function randomProgram(rng: Mulberry32): { program: Program; text: string } {
	const length = 2 + Math.floor(rng.next() * 6);
	// The first op reads a parameter, so that the loss requires grad.
	const ops = [[0, 1, 2, 16][Math.floor(rng.next() * 4)]];
	while (ops.length < length) ops.push(Math.floor(rng.next() * OPS.length));
	const loss = Math.floor(rng.next() * LOSSES.length);
	return {
		program: (p, x, target) =>
			LOSSES[loss](
				ops.reduce((h, op) => OPS[op](h, p, x), x),
				target
			),
		text: `ops ${ops.join(',')} loss ${loss}`
	};
}

function same(a: Tensor | null, b: Tensor | null, what: string): void {
	if (a === null || b === null) {
		expect(b === null, `${what}: None-ness`).toBe(a === null);
		return;
	}
	expect(b.shape, `${what}: shape`).toEqual(a.shape);
	for (let i = 0; i < a.data.length; i++) {
		if (!Object.is(a.data[i], b.data[i])) {
			expect.fail(`${what}[${i}]: compiled ${b.data[i]}, eager ${a.data[i]}`);
		}
	}
}

function sameParams(a: Params, b: Params, when: string): void {
	for (const name of ['w', 'bias', 's', 'unused'] as const) {
		same(a[name], b[name], `${when} ${name}`);
		same(a[name].grad, b[name].grad, `${when} ${name}.grad`);
		expect(b[name]._version, `${when} ${name}._version`).toBe(a[name]._version);
	}
}

/** Runs fn eagerly or compiled and captures a result or an error message. */
function outcome(run: () => Tensor): { loss: Tensor | null; error: string | null } {
	try {
		return { loss: run(), error: null };
	} catch (error) {
		return { loss: null, error: String(error) };
	}
}

describe('torch.compile: random training loops are bit-identical to eager mode', () => {
	// 'step': the whole step compiled; 'forward': the loss compiled, backward and step by the caller.
	const CASES = [
		...Array.from({ length: 24 }, (_, i) => ({ seed: i + 1, mode: 'step' as const })),
		...Array.from({ length: 12 }, (_, i) => ({ seed: i + 101, mode: 'forward' as const }))
	];
	for (const { seed, mode } of CASES) {
		it(`seed ${seed}, ${mode} compiled`, () => {
			const rng = new Mulberry32(1000 + seed);
			const { program, text } = randomProgram(rng);
			const momentum = rng.next() < 0.5 ? 0 : 0.9;
			const weightDecay = rng.next() < 0.5 ? 0 : 0.01;
			const setToNone = rng.next() < 0.5;
			const lr = 0.01 + rng.next() * 0.04;
			const make = () => {
				const p = makeParams(seed);
				const optimizer = new torch.optim.SGD([p.w, p.bias, p.s, p.unused], {
					lr,
					momentum,
					weightDecay
				});
				const forward = (x: Tensor, target: Tensor) => program(p, x, target);
				const step = (x: Tensor, target: Tensor) => {
					optimizer.zeroGrad({ setToNone });
					const loss = program(p, x, target);
					loss.backward();
					optimizer.step();
					return loss;
				};
				return { p, optimizer, forward, step };
			};
			const eager = make();
			const compiled = make();
			const compiledForward = torch.compile(compiled.forward);
			const compiledTrain = torch.compile(compiled.step);
			const compiledStep =
				mode === 'step'
					? compiledTrain
					: Object.assign(
							(x: Tensor, target: Tensor) => {
								compiled.optimizer.zeroGrad({ setToNone });
								const loss = compiledForward(x, target);
								loss.backward();
								compiled.optimizer.step();
								return loss;
							},
							{ stats: compiledForward.stats }
						);
			for (let i = 0; i < 50; i++) {
				// The batch grows mid-way (a shape change), and step 40 passes a target of the
				// wrong width: both modes must raise the same error and change nothing.
				const batch = i < 25 ? 2 : 4;
				const width = i === 40 ? F + 1 : F;
				const x = torch.tensor(values(rng, batch * F), { shape: [batch, F] });
				const target = torch.tensor(values(rng, batch * width), { shape: [batch, width] });
				const a = outcome(() => eager.step(x, target));
				const b = outcome(() => compiledStep(x, target));
				const when = `${text}, step ${i}`;
				expect(b.error, `${when}: error`).toBe(a.error);
				same(a.loss, b.loss, `${when} loss`);
				if (a.loss && b.loss) {
					expect(b.loss.requiresGrad).toBe(a.loss.requiresGrad);
					expect(b.loss.gradFn?.name).toBe(a.loss.gradFn?.name);
				}
				sameParams(eager.p, compiled.p, when);
			}
			expect(compiledStep.stats.calls).toBe(50);
			expect(
				compiledStep.stats.replayed,
				JSON.stringify(compiledStep.stats)
			).toBeGreaterThanOrEqual(40);
		});
	}
});

/** The linear regression of the tutorial, eager and compiled, from the same start. */
function linreg() {
	const xs = Float32Array.from({ length: 11 }, (_, i) => i);
	const x = torch.tensor(xs, { shape: [11, 1] });
	const y = torch.tensor(
		xs.map((v) => 2 * v + 1),
		{ shape: [11, 1] }
	);
	const w = torch.tensor(0, { requiresGrad: true });
	const b = torch.tensor(0, { requiresGrad: true });
	const optimizer = new torch.optim.SGD([w, b], { lr: 0.01 });
	const forward = () => x.mul(w).add(b).sub(y).pow(2).mean();
	return { x, y, w, b, optimizer, forward };
}

describe('torch.compile', () => {
	it('trains the tutorial to the regression gate, replaying every call after the first', () => {
		const eager = linreg();
		const compiled = linreg();
		const step = (m: ReturnType<typeof linreg>) => () => {
			m.optimizer.zeroGrad();
			const loss = m.forward();
			loss.backward();
			m.optimizer.step();
			return loss;
		};
		const eagerStep = step(eager);
		const compiledStep = torch.compile(step(compiled));
		for (let i = 0; i < 1000; i++) {
			const a = eagerStep().item();
			const b = compiledStep().item();
			if (!Object.is(a, b)) expect.fail(`epoch ${i}: loss ${b}, eager ${a}`);
		}
		expect(compiled.w.item()).toBe(eager.w.item());
		expect(compiled.b.item()).toBe(eager.b.item());
		expect(compiled.w.item()).toBeCloseTo(2.00037, 4);
		expect(compiled.b.item()).toBeCloseTo(0.99746, 4);
		expect(compiledStep.stats).toMatchObject({ calls: 1000, recorded: 1, replayed: 999 });
	});

	it('returns a new tensor on every call, as eager mode does', () => {
		const m = linreg();
		const step = torch.compile(() => {
			m.optimizer.zeroGrad();
			const loss = m.forward();
			loss.backward();
			m.optimizer.step();
			return [loss, loss.detach()] as const;
		});
		const kept = Array.from({ length: 5 }, () => step());
		const reference = linreg();
		for (const [loss, detached] of kept) {
			reference.optimizer.zeroGrad();
			const expected = reference.forward();
			expected.backward();
			reference.optimizer.step();
			expect(loss.item()).toBe(expected.item());
			expect(detached.item()).toBe(expected.item());
			expect(loss.gradFn?.name).toBe('MeanBackward0');
		}
		expect(new Set(kept.map(([loss]) => loss)).size).toBe(5);
		expect(step.stats.replayed).toBe(4);
	});

	it('follows a JavaScript branch taken differently, then replays again', () => {
		const run = (compileIt: boolean) => {
			const m = linreg();
			let fn = (extra: number) => {
				m.optimizer.zeroGrad();
				let loss = m.forward();
				if (extra > 0) loss = loss.add(m.w.mul(m.w).mul(extra));
				loss.backward();
				m.optimizer.step();
				return loss;
			};
			if (compileIt) fn = torch.compile(fn);
			const losses = Array.from({ length: 30 }, (_, i) => fn(i % 10 === 5 ? 0.5 : 0).item());
			return { losses, w: m.w.item(), b: m.b.item(), stats: (fn as { stats?: unknown }).stats };
		};
		const eager = run(false);
		const compiled = run(true);
		expect(compiled.losses).toEqual(eager.losses);
		expect([compiled.w, compiled.b]).toEqual([eager.w, eager.b]);
		expect(compiled.stats).toMatchObject({ fellBack: 3 });
		expect((compiled.stats as torch.CompileStats).replayed).toBeGreaterThan(15);
	});

	it("raises eager mode's error for a saved tensor changed in place, on a replayed call", () => {
		const errors = [false, true].map((compileIt) => {
			const m = linreg();
			let fn = (modify: number) => {
				m.optimizer.zeroGrad();
				const loss = m.x.mul(m.w).sum();
				if (modify) torch.noGrad(() => m.w.add_(1));
				loss.backward();
				return loss;
			};
			if (compileIt) fn = torch.compile(fn);
			fn(0);
			fn(0);
			const grad = m.w.grad?.item();
			let error = '';
			try {
				fn(1);
			} catch (e) {
				error = String(e);
			}
			return { error, grad, version: m.w._version };
		});
		expect(errors[1].error).toContain('modified by an inplace operation');
		expect(errors[1]).toEqual(errors[0]);
	});

	it('compiles a forward whose loss the caller backwards, and waits for that backward', () => {
		const a = linreg();
		const b = linreg();
		const forward = torch.compile(() => b.forward());
		for (let i = 0; i < 6; i++) {
			a.optimizer.zeroGrad();
			b.optimizer.zeroGrad();
			const la = a.forward();
			const lb = forward();
			expect(lb.gradFn?.name).toBe('MeanBackward0');
			la.backward();
			lb.backward();
			a.optimizer.step();
			b.optimizer.step();
			expect(lb.item()).toBe(la.item());
			expect([b.w.grad!.item(), b.b.grad!.item()]).toEqual([a.w.grad!.item(), a.b.grad!.item()]);
		}
		expect(forward.stats).toMatchObject({ recorded: 1, replayed: 5, fellBack: 0 });
		// Two calls before a backward: the first call's graph still needs its tensors, so the
		// second runs eagerly (and records again); both backwards then give eager's gradients.
		const first = [a.forward(), forward()];
		const second = [a.forward(), forward()];
		expect(forward.stats.fellBack).toBe(1);
		expect(forward.stats.lastReason).toMatch(/not been backwarded yet/);
		for (const [la, lb] of [first, second]) {
			a.optimizer.zeroGrad();
			b.optimizer.zeroGrad();
			la.backward();
			lb.backward();
			expect(b.w.grad!.item()).toBe(a.w.grad!.item());
			expect(b.b.grad!.item()).toBe(a.b.grad!.item());
		}
	});

	it('gives the same error as eager mode for a second backward through a freed graph', () => {
		const messages = [false, true].map((compileIt) => {
			const m = linreg();
			let fn = (twice: number) => {
				m.optimizer.zeroGrad();
				const loss = m.forward();
				loss.backward({ retainGraph: true });
				loss.backward();
				if (twice) loss.backward();
				return loss;
			};
			if (compileIt) fn = torch.compile(fn);
			fn(0);
			fn(0);
			const grads = [m.w.grad!.item(), m.b.grad!.item()];
			try {
				fn(1);
				return { grads, error: '' };
			} catch (e) {
				return { grads, error: String(e) };
			}
		});
		expect(messages[1].error).toMatch(/backward through the graph a second time/);
		expect(messages[1]).toEqual(messages[0]);
	});

	it('keeps a parameter outside the loss at grad None, and a leaf made inside fn', () => {
		const m = linreg();
		const other = torch.tensor([1, 2], { requiresGrad: true });
		const fn = torch.compile(() => {
			m.optimizer.zeroGrad();
			const scale = torch.full([11, 1], 0.5);
			const loss = m.x.mul(m.w).mul(scale).add(m.b).sub(m.y).pow(2).mean();
			loss.backward();
			m.optimizer.step();
			return loss;
		});
		const reference = linreg();
		for (let i = 0; i < 10; i++) {
			const loss = fn();
			reference.optimizer.zeroGrad();
			const expected = reference.x
				.mul(reference.w)
				.mul(torch.full([11, 1], 0.5))
				.add(reference.b)
				.sub(reference.y)
				.pow(2)
				.mean();
			expected.backward();
			reference.optimizer.step();
			expect(loss.item()).toBe(expected.item());
		}
		expect(other.grad).toBeNull();
		expect(fn.stats.replayed).toBe(9);
	});

	it('warns again on every replayed call where eager mode warns', () => {
		const seen: string[] = [];
		const previous = torch.setWarningHandler((message) => seen.push(message));
		try {
			const m = linreg();
			const target = torch.tensor(Float32Array.from({ length: 11 }, (_, i) => 2 * i + 1));
			const fn = torch.compile(() => {
				m.optimizer.zeroGrad();
				const loss = m.x.mul(m.w).add(m.b).mseLoss(target);
				loss.backward();
				m.optimizer.step();
				return loss;
			});
			for (let i = 0; i < 3; i++) fn();
			expect(fn.stats.replayed).toBe(2);
			expect(seen.filter((m) => m.startsWith('Using a target size'))).toHaveLength(3);
		} finally {
			torch.setWarningHandler(previous);
		}
	});

	it('compiles a step that builds its one-hot targets (cross_entropy with labels)', () => {
		const run = (compileIt: boolean) => {
			const rng = new Mulberry32(5);
			const x = torch.tensor(values(rng, 8 * 4), { shape: [8, 4] });
			const w = torch.tensor(values(rng, 4 * 3), { shape: [4, 3], requiresGrad: true });
			const optimizer = new torch.optim.SGD([w], { lr: 0.1, momentum: 0.9 });
			let fn = (labels: number[]) => {
				optimizer.zeroGrad();
				const loss = torch.nn.functional.crossEntropy(x.matmul(w), labels);
				loss.backward();
				optimizer.step();
				return loss;
			};
			if (compileIt) fn = torch.compile(fn);
			const losses = Array.from({ length: 20 }, (_, i) =>
				fn(Array.from({ length: 8 }, (_, j) => (i + j) % 3)).item()
			);
			return { losses, w: Array.from(w.data), stats: (fn as { stats?: unknown }).stats };
		};
		const eager = run(false);
		const compiled = run(true);
		expect(compiled.losses).toEqual(eager.losses);
		expect(compiled.w).toEqual(eager.w);
		expect((compiled.stats as torch.CompileStats).replayed).toBeGreaterThan(15);
	});

	it('runs a nested compiled function as part of the outer one, and an async one eagerly', async () => {
		const m = linreg();
		const inner = torch.compile(() => m.forward());
		const outer = torch.compile(() => {
			m.optimizer.zeroGrad();
			const loss = inner();
			loss.backward();
			m.optimizer.step();
			return loss;
		});
		const reference = linreg();
		for (let i = 0; i < 5; i++) {
			reference.optimizer.zeroGrad();
			const expected = reference.forward();
			expected.backward();
			reference.optimizer.step();
			expect(outer().item()).toBe(expected.item());
		}
		expect(outer.stats.replayed).toBe(4);
		const later = torch.compile(async () => m.forward());
		await later();
		await later();
		expect(later.stats.eager).toBe(1);
		expect(later.stats.lastReason).toMatch(/promise/);
	});

	it('refuses what is not a function', () => {
		expect(() => torch.compile(null as unknown as () => void)).toThrow(
			'torch.compile() expects a function, got null'
		);
	});
});
