/**
 * The minimal hand-written tape: the baseline issue 15 measures our eager engine against. It is
 * what a careful programmer writes for these workloads alone: float32 values in typed arrays,
 * one closure per recorded op on a flat tape, backward as a reverse walk, and nothing else (no
 * dtypes, devices, version counters, hooks, error messages, or broadcasting beyond a
 * one-element operand). Not part of the app: the benchmarks only.
 */

/** A float32 tensor of the tape: its values, its gradient once backward reaches it. */
export class TapeTensor {
	grad: Float32Array | null = null;
	constructor(
		readonly data: Float32Array,
		readonly requiresGrad = false
	) {}
}

/** The ops recorded since the last backward, each as the closure that propagates its grad. */
let tape: (() => void)[] = [];

const gradOf = (t: TapeTensor) => (t.grad ??= new Float32Array(t.data.length));

function result(data: Float32Array, a: TapeTensor, b?: TapeTensor): TapeTensor {
	return new TapeTensor(data, a.requiresGrad || (b?.requiresGrad ?? false));
}

/** The size of `a op b` where one side may have one element. */
const sizeOf = (a: TapeTensor, b: TapeTensor) => Math.max(a.data.length, b.data.length);

/** Adds `from` into `t`'s grad, summing over a one-element `t` (its broadcast). */
function accumulate(t: TapeTensor, from: Float32Array, scale: (i: number) => number): void {
	if (!t.requiresGrad) return;
	const g = gradOf(t);
	if (g.length === 1 && from.length > 1) {
		let sum = 0;
		for (let i = 0; i < from.length; i++) sum += from[i] * scale(i);
		g[0] += sum;
	} else {
		for (let i = 0; i < from.length; i++) g[i] += from[i] * scale(i);
	}
}

const at = (t: TapeTensor, i: number) => (t.data.length === 1 ? t.data[0] : t.data[i]);

export function add(a: TapeTensor, b: TapeTensor): TapeTensor {
	const n = sizeOf(a, b);
	const data = new Float32Array(n);
	for (let i = 0; i < n; i++) data[i] = at(a, i) + at(b, i);
	const out = result(data, a, b);
	if (out.requiresGrad) {
		tape.push(() => {
			const g = gradOf(out);
			accumulate(a, g, () => 1);
			accumulate(b, g, () => 1);
		});
	}
	return out;
}

export function sub(a: TapeTensor, b: TapeTensor): TapeTensor {
	const n = sizeOf(a, b);
	const data = new Float32Array(n);
	for (let i = 0; i < n; i++) data[i] = at(a, i) - at(b, i);
	const out = result(data, a, b);
	if (out.requiresGrad) {
		tape.push(() => {
			const g = gradOf(out);
			accumulate(a, g, () => 1);
			accumulate(b, g, () => -1);
		});
	}
	return out;
}

export function mul(a: TapeTensor, b: TapeTensor): TapeTensor {
	const n = sizeOf(a, b);
	const data = new Float32Array(n);
	for (let i = 0; i < n; i++) data[i] = at(a, i) * at(b, i);
	const out = result(data, a, b);
	if (out.requiresGrad) {
		tape.push(() => {
			const g = gradOf(out);
			accumulate(a, g, (i) => at(b, i));
			accumulate(b, g, (i) => at(a, i));
		});
	}
	return out;
}

/** `a * c + d` for numbers c, d would be two ops; these two take a number operand. */
export function mulScalar(a: TapeTensor, c: number): TapeTensor {
	const data = new Float32Array(a.data.length);
	for (let i = 0; i < data.length; i++) data[i] = a.data[i] * c;
	const out = result(data, a);
	if (out.requiresGrad) tape.push(() => accumulate(a, gradOf(out), () => c));
	return out;
}

export function addScalar(a: TapeTensor, c: number): TapeTensor {
	const data = new Float32Array(a.data.length);
	for (let i = 0; i < data.length; i++) data[i] = a.data[i] + c;
	const out = result(data, a);
	if (out.requiresGrad) tape.push(() => accumulate(a, gradOf(out), () => 1));
	return out;
}

export function square(a: TapeTensor): TapeTensor {
	const data = new Float32Array(a.data.length);
	for (let i = 0; i < data.length; i++) data[i] = a.data[i] * a.data[i];
	const out = result(data, a);
	if (out.requiresGrad) tape.push(() => accumulate(a, gradOf(out), (i) => 2 * a.data[i]));
	return out;
}

export function mean(a: TapeTensor): TapeTensor {
	let sum = 0;
	for (let i = 0; i < a.data.length; i++) sum += a.data[i];
	const n = a.data.length;
	const out = result(Float32Array.of(sum / n), a);
	if (out.requiresGrad) {
		tape.push(() => {
			const g = gradOf(out)[0] / n;
			if (!a.requiresGrad) return;
			const ga = gradOf(a);
			for (let i = 0; i < n; i++) ga[i] += g;
		});
	}
	return out;
}

/** d(loss)/d(every tensor on the tape), then an empty tape. */
export function backward(loss: TapeTensor): void {
	gradOf(loss)[0] = 1;
	for (let i = tape.length - 1; i >= 0; i--) tape[i]();
	tape = [];
}

/** SGD without momentum: `p -= lr * p.grad`, then the grads are dropped (zero_grad). */
export function sgdStep(parameters: readonly TapeTensor[], lr: number): void {
	for (const p of parameters) {
		const g = p.grad;
		if (g === null) continue;
		for (let i = 0; i < p.data.length; i++) p.data[i] -= lr * g[i];
		p.grad = null;
	}
}
