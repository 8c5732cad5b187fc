/**
 * The engine's random generator: mulberry32, a public-domain 32-bit generator (the same one the
 * benchmarks use), with Box-Muller for normal samples. `manualSeed(n)` makes `rand` and `randn`
 * reproducible across runs and machines. The streams differ from PyTorch's Mersenne Twister, so
 * a seed gives the same numbers here every time, not the numbers PyTorch would draw.
 */
export class Mulberry32 {
	private state: number;
	private spareNormal: number | null = null;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) | 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Standard normal, by the Box-Muller transform. */
	normal(): number {
		if (this.spareNormal !== null) {
			const value = this.spareNormal;
			this.spareNormal = null;
			return value;
		}
		let u = this.next();
		while (u === 0) u = this.next();
		const v = this.next();
		const radius = Math.sqrt(-2 * Math.log(u));
		this.spareNormal = radius * Math.sin(2 * Math.PI * v);
		return radius * Math.cos(2 * Math.PI * v);
	}
}

let generator = new Mulberry32(0x5eed);

/** Seed the default generator, like `torch.manual_seed`. */
export function manualSeed(seed: number): void {
	if (!Number.isFinite(seed))
		throw new RangeError(`manualSeed expected a finite number, got ${seed}`);
	generator = new Mulberry32(Math.trunc(seed));
}

export function defaultGenerator(): Mulberry32 {
	return generator;
}
