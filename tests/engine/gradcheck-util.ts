/**
 * A finite-difference gradient check in float64, like `torch.autograd.gradcheck`.
 *
 * For `out = fn(...inputs)` it compares the analytic gradient of the scalar
 * `loss = (out * weights).sum()` (fixed pseudo-random weights, so every output element matters
 * with a different weight) computed by `backward()`, with central differences
 *
 *     d loss / d x_j  ≈  Σ_k w_k (out_k(x + eps e_j) - out_k(x - eps e_j)) / (2 eps)
 *
 * The difference is taken per output element before summing, so the rounding error of the
 * numerical estimate scales with the output elements that `x_j` moves, not with the whole loss.
 * A leaf whose `.grad` stays null after backward counts as a zero gradient (as in PyTorch).
 */
import { noGrad, Mulberry32, Tensor, tensor } from '$lib/engine';

/** An argument of the checked function: a tensor (differentiated), a number or null (constants). */
export type GradcheckInput = Tensor | number | null;

export interface GradcheckOptions {
	/** Finite-difference step. */
	eps?: number;
	/** Relative tolerance (of the numerical value). */
	rtol?: number;
	/** Absolute tolerance. */
	atol?: number;
	/** Seed of the output weights. */
	seed?: number;
	/** Which tensor inputs to differentiate (default: every tensor input). */
	wrt?: readonly boolean[];
}

export interface GradMismatch {
	/** Position of the input among the function's arguments. */
	input: number;
	/** Flat (row-major) index of the element. */
	index: number;
	analytic: number;
	numerical: number;
}

export interface GradcheckResult {
	ok: boolean;
	/** Elements whose analytic and numerical gradients disagree (at most `MAX_REPORTED`). */
	mismatches: GradMismatch[];
	/** Total number of disagreeing elements. */
	mismatchCount: number;
	/** Structural problems: wrong output dtype, a gradient of the wrong shape, ... */
	problems: string[];
	/** Largest |analytic - numerical| over all checked elements. */
	maxAbsError: number;
	/** Number of input elements checked. */
	checked: number;
}

const MAX_REPORTED = 20;

/** A float64 leaf holding a copy of `t`'s values. */
function float64Copy(t: Tensor, requiresGrad: boolean): Tensor {
	return tensor(Float64Array.from(t.data), {
		shape: t.shape,
		dtype: 'float64',
		requiresGrad
	});
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
	return a.length === b.length && a.every((size, i) => size === b[i]);
}

/** Run the gradient check; never throws for a mismatch (see `assertGradcheck`). */
export function gradcheck(
	fn: (...inputs: GradcheckInput[]) => Tensor,
	inputs: readonly GradcheckInput[],
	options: GradcheckOptions = {}
): GradcheckResult {
	const { eps = 1e-6, rtol = 1e-6, atol = 1e-8, seed = 1234 } = options;
	const problems: string[] = [];
	const wrt = inputs.map(
		(input, i) => input instanceof Tensor && (options.wrt ? Boolean(options.wrt[i]) : true)
	);

	// Analytic: backward through (out * w).sum() on float64 leaves.
	const leaves = inputs.map((input, i) =>
		input instanceof Tensor ? float64Copy(input, wrt[i]) : input
	);
	const out = fn(...leaves);
	if (out.dtype !== 'float64') problems.push(`output dtype is ${out.dtype}, expected float64`);
	const generator = new Mulberry32(seed);
	const weightData = new Float64Array(out.numel());
	for (let k = 0; k < weightData.length; k++) weightData[k] = 2 * generator.next() - 1;
	const weights = tensor(weightData, { shape: out.shape, dtype: 'float64' });
	const differentiable = wrt.some(Boolean);
	if (differentiable && !out.requiresGrad) {
		problems.push('output does not require grad although an input does');
	}
	if (differentiable && out.requiresGrad) out.mul(weights).sum().backward();

	const analytic = leaves.map((leaf, i) => {
		if (!wrt[i]) return null;
		const t = leaf as Tensor;
		const grad = t.grad;
		if (grad === null) return new Float64Array(t.numel());
		if (!sameShape(grad.shape, t.shape)) {
			problems.push(
				`input ${i}: grad has shape [${grad.shape.join(', ')}], input has [${t.shape.join(', ')}]`
			);
			return null;
		}
		if (grad.dtype !== 'float64') problems.push(`input ${i}: grad dtype is ${grad.dtype}`);
		return Float64Array.from(grad.data);
	});

	// Numerical: central differences on plain float64 copies, with recording off.
	const mismatches: GradMismatch[] = [];
	let mismatchCount = 0;
	let maxAbsError = 0;
	let checked = 0;
	noGrad(() => {
		const copies = inputs.map((input) =>
			input instanceof Tensor ? float64Copy(input, false) : input
		);
		for (let i = 0; i < inputs.length; i++) {
			const grad = analytic[i];
			if (!wrt[i] || grad === null) continue;
			const data = (copies[i] as Tensor).data;
			for (let j = 0; j < data.length; j++) {
				const x = data[j];
				data[j] = x + eps;
				const plus = fn(...copies);
				data[j] = x - eps;
				const minus = fn(...copies);
				data[j] = x;
				if (!sameShape(plus.shape, out.shape) || !sameShape(minus.shape, out.shape)) {
					problems.push(`input ${i}: output shape changed under perturbation`);
					return;
				}
				let total = 0;
				for (let k = 0; k < weightData.length; k++) {
					const delta = plus.data[k] - minus.data[k];
					if (delta !== 0) total += weightData[k] * delta;
				}
				const numerical = total / (2 * eps);
				const error = Math.abs(grad[j] - numerical);
				checked++;
				if (Number.isNaN(error) || error > maxAbsError) maxAbsError = error;
				if (!(error <= atol + rtol * Math.abs(numerical))) {
					mismatchCount++;
					if (mismatches.length < MAX_REPORTED) {
						mismatches.push({ input: i, index: j, analytic: grad[j], numerical });
					}
				}
			}
		}
	});
	return {
		ok: problems.length === 0 && mismatchCount === 0,
		mismatches,
		mismatchCount,
		problems,
		maxAbsError,
		checked
	};
}

/** A readable account of a failed check. */
export function describeGradcheck(result: GradcheckResult): string {
	const lines = [...result.problems];
	if (result.mismatchCount > 0) {
		lines.push(`${result.mismatchCount} of ${result.checked} gradient elements disagree:`);
		for (const m of result.mismatches) {
			lines.push(
				`  input ${m.input}[${m.index}]: analytic ${m.analytic}, numerical ${m.numerical}`
			);
		}
	}
	return lines.join('\n');
}

/** Run the check and throw with the details when it fails. */
export function assertGradcheck(
	fn: (...inputs: GradcheckInput[]) => Tensor,
	inputs: readonly GradcheckInput[],
	options: GradcheckOptions = {}
): GradcheckResult {
	const result = gradcheck(fn, inputs, options);
	if (!result.ok) throw new Error(`gradcheck failed\n${describeGradcheck(result)}`);
	return result;
}
