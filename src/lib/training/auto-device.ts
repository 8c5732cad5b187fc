/**
 * The Train panel's "Auto" device. A graph like the tutorial's linear regression is far too
 * small for a GPU: every epoch's round trip to the GPU costs more than the CPU's whole epoch.
 * So Auto picks the CPU unless
 *  - there is a WebGPU adapter that is a real GPU (never a software one: SwiftShader, llvmpipe,
 *    see `torch.webgpu.softwareAdapter`), and
 *  - a one-off calibration, a few epochs of this graph timed on both devices (cached for the
 *    session), shows the GPU faster.
 * Pure: the host does the timing (`timeEpochs`), the panel words the reason.
 */
import type { Device } from '$lib/engine/core';

/** What is known about WebGPU: no adapter, or one that is a GPU (`software` null) or not. */
export type GpuReport = { available: false } | { available: true; software: string | null };

/** One epoch of the graph, in milliseconds (median of a few), on each device. */
export interface Calibration {
	cpuMs: number;
	gpuMs: number;
}

/** Why Auto picked its device. */
export type AutoReason =
	/** No WebGPU adapter (or no WebGPU at all). */
	| { kind: 'no-webgpu' }
	/** The only adapter runs on the CPU: `adapter` names it ('SwiftShader'; '' when unnamed). */
	| { kind: 'software'; adapter: string }
	/** Both devices were timed on this graph. */
	| ({ kind: 'calibrated' } & Calibration)
	/** WebGPU failed (during the calibration or training): the CPU carries on. */
	| { kind: 'gpu-failed' };

export interface AutoChoice {
	device: Device;
	reason: AutoReason;
}

/**
 * Auto's device, or 'calibrate' when only timing the graph on both devices can tell (a real
 * GPU and no calibration yet). The GPU must be faster than the CPU to be picked.
 */
export function chooseAuto(
	gpu: GpuReport,
	calibration: Calibration | null
): AutoChoice | 'calibrate' {
	if (!gpu.available) return { device: 'cpu', reason: { kind: 'no-webgpu' } };
	if (gpu.software !== null) {
		return { device: 'cpu', reason: { kind: 'software', adapter: gpu.software } };
	}
	if (calibration === null) return 'calibrate';
	const gpuFaster = calibration.gpuMs < calibration.cpuMs;
	return { device: gpuFaster ? 'webgpu' : 'cpu', reason: { kind: 'calibrated', ...calibration } };
}

export interface TimingOptions {
	/** Untimed epochs first (the GPU compiles its pipelines in the first). Default 2. */
	warmup?: number;
	/** Timed epochs at most. Default 10. */
	epochs?: number;
	/** Stop timing after this long (at least one epoch is timed). Default 40 ms. */
	budgetMs?: number;
	now?: () => number;
}

/** The median time of one `epoch()`, after a warm-up: cheap (tens of ms), robust to one slow epoch. */
export async function timeEpochs(
	epoch: () => Promise<unknown>,
	options: TimingOptions = {}
): Promise<number> {
	const { warmup = 2, epochs = 10, budgetMs = 40, now = () => performance.now() } = options;
	for (let i = 0; i < warmup; i++) await epoch();
	const times: number[] = [];
	const end = now() + budgetMs;
	while (times.length < epochs) {
		const start = now();
		await epoch();
		const finish = now();
		times.push(finish - start);
		if (finish >= end) break;
	}
	times.sort((a, b) => a - b);
	const middle = times.length >> 1;
	const median = times.length % 2 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
	if (median > 0) return median;
	// Epochs shorter than the clock's step (a browser's is 0.1 ms, a compiled epoch ~1 µs): time
	// a run of them instead, long enough to read, within the budget.
	let count = 0;
	const start = now();
	let elapsed = 0;
	while (elapsed < MIN_RUN_MS && count < MAX_RUN_EPOCHS) {
		await epoch();
		count++;
		elapsed = now() - start;
	}
	return elapsed / count;
}

/** The shortest run of epochs whose time is read when one epoch is too short to time. */
const MIN_RUN_MS = 2;
/** At most this many epochs in that run (a clock that never moves must not hang it). */
const MAX_RUN_EPOCHS = 10_000;
