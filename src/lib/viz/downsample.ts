/** Fewer points to draw than a long series holds, keeping its shape. */

/**
 * Indices of a series of `length` values to draw with at most about `budget` points: all of
 * them when they fit, else the minimum and maximum of each bucket (so spikes stay visible),
 * always with the first and the last.
 */
export function minMaxIndices(values: ArrayLike<number>, budget: number): number[] {
	const length = values.length;
	if (length <= budget) return Array.from({ length }, (_, i) => i);
	const buckets = Math.max(1, Math.floor(budget / 2));
	const size = length / buckets;
	const out: number[] = [0];
	for (let k = 0; k < buckets; k++) {
		const start = Math.floor(k * size);
		const end = Math.min(length, Math.floor((k + 1) * size));
		let lo = start;
		let hi = start;
		for (let i = start; i < end; i++) {
			if (values[i] < values[lo]) lo = i;
			if (values[i] > values[hi]) hi = i;
		}
		const pair = lo < hi ? [lo, hi] : [hi, lo];
		for (const i of pair) if (i > out[out.length - 1]) out.push(i);
	}
	if (out[out.length - 1] !== length - 1) out.push(length - 1);
	return out;
}

/** Every k-th index so that at most `budget` remain, plus the last. */
export function strideIndices(length: number, budget: number): number[] {
	if (length <= budget) return Array.from({ length }, (_, i) => i);
	const step = Math.ceil(length / budget);
	const out: number[] = [];
	for (let i = 0; i < length; i += step) out.push(i);
	if (out[out.length - 1] !== length - 1) out.push(length - 1);
	return out;
}
