/**
 * Shared by the WebGPU browser tests: starting WebGPU, the per-op tolerances of float32 on the
 * GPU against the CPU backend, and an elementwise comparison that treats NaN and infinities
 * exactly.
 */
import * as torch from '$lib/engine';

/** Initialise WebGPU or fail loudly: these tests exist to run on an adapter (SwiftShader here). */
export async function requireWebGPU(): Promise<torch.WebGPUStatus> {
	const status = await torch.initWebGPU();
	if (!status.available) {
		throw new Error(
			`WebGPU is required by the browser tests (Chromium with --enable-unsafe-webgpu): ${status.reason}`
		);
	}
	return status;
}

export interface Tolerance {
	rtol: number;
	atol: number;
}

/**
 * |gpu - cpu| <= atol + rtol * |cpu|. The CPU backend computes in float64 and rounds once; the
 * GPU computes in float32 throughout (and WGSL's exp/log/tanh are a few ulp off), so values near
 * zero that come from cancellation (log near 1, tanh near 0) carry an absolute error of a few
 * 1e-7 rather than a relative one: hence atol. Measured on the SwiftShader adapter, every op meets
 * rtol 1e-5, atol 1e-6 (webgpu-ops.browser.test.ts prints the observed errors per op); an op that
 * needed a looser bound would be listed in GPU_TOLERANCE with the reason.
 */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-6 };
export const GPU_TOLERANCE: Record<string, Tolerance> = {};

export const toleranceFor = (op: string) => GPU_TOLERANCE[op] ?? DEFAULT_TOLERANCE;

export interface Comparison {
	ok: boolean;
	/** The largest |actual - expected| / (atol + rtol |expected|): at most 1 when ok. */
	worst: number;
	/** The largest relative error |actual - expected| / max(|expected|, tiny). */
	maxRelative: number;
	/** The largest absolute error. */
	maxAbsolute: number;
	lines: string[];
}

/** Compare element by element: NaN must meet NaN, infinities must match exactly. */
export function compare(
	actual: ArrayLike<number>,
	expected: ArrayLike<number>,
	tolerance: Tolerance
): Comparison {
	const lines: string[] = [];
	let worst = 0;
	let maxRelative = 0;
	let maxAbsolute = 0;
	if (actual.length !== expected.length) {
		return {
			ok: false,
			worst: Infinity,
			maxRelative: Infinity,
			maxAbsolute: Infinity,
			lines: [`${actual.length} values, expected ${expected.length}`]
		};
	}
	for (let i = 0; i < expected.length; i++) {
		const [a, e] = [actual[i], expected[i]];
		if (Number.isNaN(e) || !Number.isFinite(e)) {
			if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
				lines.push(`[${i}] got ${a}, expected ${e}`);
				worst = Infinity;
			}
			continue;
		}
		const diff = Math.abs(a - e);
		const ratio = Number.isNaN(diff)
			? Infinity
			: diff / (tolerance.atol + tolerance.rtol * Math.abs(e));
		if (ratio > 1) lines.push(`[${i}] got ${a}, expected ${e}`);
		worst = Math.max(worst, ratio);
		maxAbsolute = Math.max(maxAbsolute, diff);
		if (Math.abs(e) > 1e-3) maxRelative = Math.max(maxRelative, diff / Math.abs(e));
	}
	return {
		ok: worst <= 1,
		worst,
		maxRelative,
		maxAbsolute,
		lines: lines.length > 5 ? [...lines.slice(0, 5), `... ${lines.length - 5} more`] : lines
	};
}

/** Let the event loop turn once (finalizers and device events run between tasks). */
export function nextTask(): Promise<void> {
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}
