/**
 * The WebAssembly SIMD float32 peak of this machine, one thread: a loop that keeps
 * `ACCUMULATORS` independent f32x4 accumulators in registers and does, per step, for each of
 * them, one f32x4 mul and one f32x4 add (acc = acc + acc * y, with y = 0 passed at run time so the
 * values stay put and nothing can be folded away). No memory is touched. It is assembled with the
 * matmul kernel's own writer, so it measures what that writer and V8 can reach: the ceiling for
 * src/lib/engine/backends/cpu/wasm-matmul.ts, which does the same mul then add per element.
 *
 *     npx tsx bench/simd-peak.ts
 */
import { performance } from 'node:perf_hooks';
import {
	I32,
	V128,
	assembleModule,
	bump,
	emit,
	op,
	whileLoop
} from '../src/lib/engine/backends/cpu/wasm-matmul';

/**
 * Independent chains. Each step of a chain is a mul then an add that depends on it (about 6
 * cycles of latency), so 12 chains only just keep two mul and two add pipes busy: this is a
 * slightly low estimate of the ceiling (10 chains measured about 4% less, 14 no more, on the
 * AMD EPYC this was written on), and a kernel that streams fresh operands from memory, as the
 * matmul does, can come out a little above it. With 15 usable xmm registers a register-only loop
 * cannot hold more independent mul/add pairs.
 */
const ACCUMULATORS = 12;
/** Copies of the step per turn of the loop, so the counter costs little. */
const REPEAT = 4;
const F32 = 0x7d;

/** `peak(steps, y) -> f32`: runs steps * REPEAT steps and returns a lane of the sum. */
function peakModule(): Uint8Array {
	const [steps, y] = [0, 1];
	const acc = (j: number) => 2 + j;
	const ySplat = 2 + ACCUMULATORS;
	const body: number[] = [];
	emit(body, op.localGet(y), op.f32x4Splat, op.localSet(ySplat));
	for (let j = 0; j < ACCUMULATORS; j++)
		emit(body, op.f32Const(j + 1), op.f32x4Splat, op.localSet(acc(j)));
	const step: number[] = [];
	for (let r = 0; r < REPEAT; r++)
		for (let j = 0; j < ACCUMULATORS; j++)
			emit(
				step,
				op.localGet(acc(j)),
				op.localGet(acc(j)),
				op.localGet(ySplat),
				op.f32x4Mul,
				op.f32x4Add,
				op.localSet(acc(j))
			);
	emit(step, bump(steps, -1));
	emit(body, whileLoop([...op.localGet(steps), ...op.i32Eqz], step));
	emit(body, op.localGet(acc(0)));
	for (let j = 1; j < ACCUMULATORS; j++) emit(body, op.localGet(acc(j)), op.f32x4Add);
	emit(body, op.f32x4ExtractLane(0));
	return assembleModule([
		{
			exportName: 'peak',
			params: [I32, F32],
			results: [F32],
			locals: [[ACCUMULATORS + 1, V128]],
			body
		}
	]);
}

/**
 * GFLOP/s (one f32x4 mul + add = 8 flops) of the best of several timed runs of the register-only
 * loop, after a warm-up that lets V8 tier the function up. About a quarter of a second.
 */
export function measureSimdPeak(): number {
	const module = new WebAssembly.Module(peakModule() as BufferSource);
	const { peak } = new WebAssembly.Instance(module, {}).exports as {
		peak: (steps: number, y: number) => number;
	};
	const steps = 200_000;
	const flops = steps * REPEAT * ACCUMULATORS * 8;
	let checksum = 0;
	for (let i = 0; i < 5; i++) checksum += peak(steps, 0);
	let best = Infinity;
	for (let i = 0; i < 15; i++) {
		const start = performance.now();
		checksum += peak(steps, 0);
		best = Math.min(best, performance.now() - start);
	}
	// acc = j + 1 stays put: the sum of 1..ACCUMULATORS per call.
	const expected = 20 * ((ACCUMULATORS * (ACCUMULATORS + 1)) / 2);
	if (checksum !== expected)
		throw new Error(`SIMD peak loop: checksum ${checksum}, not ${expected}`);
	return flops / best / 1e6;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(`SIMD peak (measured, one thread): ${measureSimdPeak().toFixed(1)} GFLOP/s`);
}
