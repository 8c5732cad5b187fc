/**
 * Benchmark plumbing shared by the workloads and the runner: the data generator, statistics,
 * timing and table formatting. Nothing here knows about either engine.
 */
import { performance } from 'node:perf_hooks';

/** mulberry32, exactly as the benchmark definitions give it: uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed | 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** `n` float32 values `scale * f(u)` drawn in order from `next`. */
export function fill(n: number, next: () => number, map: (u: number) => number): Float32Array {
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) out[i] = map(next());
	return out;
}

export interface Gate {
	ok: boolean;
	detail: string;
}

export function gateWithin(
	what: string,
	actual: number,
	expected: number,
	tolerance: number
): Gate {
	const diff = Math.abs(actual - expected);
	const ok = Number.isFinite(actual) && diff <= tolerance;
	return {
		ok,
		detail: `${what} = ${fmtNum(actual, 7)} (expected ${fmtNum(expected, 7)} +-${fmtNum(tolerance, 2)}, diff ${diff.toExponential(2)})`
	};
}

export function combineGates(gates: Gate[]): Gate {
	return { ok: gates.every((g) => g.ok), detail: gates.map((g) => g.detail).join('; ') };
}

export interface Stats {
	median: number;
	min: number;
	max: number;
	n: number;
}

export function stats(samples: readonly number[]): Stats {
	const sorted = [...samples].sort((x, y) => x - y);
	const n = sorted.length;
	const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	return { median, min: sorted[0], max: sorted[n - 1], n };
}

/** Values written by timed loops, so that no work can be optimised away. */
export const sink: { value: unknown } = { value: undefined };

/** Milliseconds per call of `fn`, timed over `inner` back-to-back calls. */
export function timeSample(fn: () => unknown, inner: number): number {
	const start = performance.now();
	for (let i = 0; i < inner; i++) sink.value = fn();
	return (performance.now() - start) / inner;
}

/**
 * Warm `fn` up (at least `minCalls` calls and `minMs` milliseconds, at most `maxCalls` calls),
 * then pick how many calls one timed sample makes so that a sample lasts about `sampleMs`.
 */
export function warmUpAndCalibrate(
	fn: () => unknown,
	opts: { minCalls: number; maxCalls: number; minMs: number; sampleMs: number; maxInner: number }
): { inner: number; warmupCalls: number; perCallMs: number } {
	const times: number[] = [];
	const start = performance.now();
	while (
		times.length < opts.minCalls ||
		(performance.now() - start < opts.minMs && times.length < opts.maxCalls)
	) {
		times.push(timeSample(fn, 1));
	}
	// The latest calls are the warmest; their median ignores a stray GC pause.
	const perCallMs = stats(times.slice(-Math.max(3, Math.floor(times.length / 2)))).median;
	const inner = Math.max(
		1,
		Math.min(opts.maxInner, Math.ceil(opts.sampleMs / Math.max(perCallMs, 1e-6)))
	);
	return { inner, warmupCalls: times.length, perCallMs };
}

export function fmtNum(x: number | null | undefined, digits = 3): string {
	if (x === null || x === undefined || !Number.isFinite(x)) return String(x ?? '-');
	if (x === 0) return '0';
	const abs = Math.abs(x);
	if (abs >= 1000) return x.toFixed(0);
	return Number(x.toPrecision(digits)).toString();
}

export function fmtMs(ms: number): string {
	return ms >= 100 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(3) : ms.toPrecision(3);
}

/** A Markdown table with padded columns (readable in a terminal and pasteable in a report). */
export function table(header: string[], rows: string[][]): string {
	const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) =>
		`| ${cells.map((c, i) => (c ?? '').padEnd(width[i])).join(' | ')} |`;
	return [
		line(header),
		`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...rows.map(line)
	].join('\n');
}
