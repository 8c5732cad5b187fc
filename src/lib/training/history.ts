/**
 * Which epoch each point of a loss history belongs to, and the history a saved session keeps.
 *
 * A history is a list of points (a loss, and for a line model the (w, b) it started from). Each
 * epoch trained adds one point at that epoch, so a history always ends with consecutive epochs up
 * to the current one. A restored session may begin with points at other epochs (the thinned
 * history of a long run): those are `labelled`, each with its epoch, in increasing order. So
 * point `i` of `count` points is at epoch `labelled[i]` for `i < labelled.length`, else at
 * `epoch - (count - 1 - i)`. With no labels (every history before a long run was saved, and
 * every old saved session) the points are the last `count` epochs.
 */

/** The epoch of point `index` of a history of `count` points that ends at `epoch`. */
export function epochAt(
	labelled: readonly number[],
	count: number,
	epoch: number,
	index: number
): number {
	return index < labelled.length ? labelled[index] : epoch - (count - 1 - index);
}

/**
 * Whether `labelled` can label the first points of a history of `count` points that ends at
 * `epoch`: whole epochs from 1, increasing, before the consecutive ones that follow, which start
 * at epoch 1 or later.
 */
export function labelsFit(labelled: readonly number[], count: number, epoch: number): boolean {
	if (labelled.length > count) return false;
	const firstConsecutive = epoch - (count - labelled.length) + 1;
	if (firstConsecutive < 1) return false;
	let previous = 0;
	for (const value of labelled) {
		if (!Number.isSafeInteger(value) || value <= previous) return false;
		previous = value;
	}
	return previous < firstConsecutive;
}

export interface History {
	/** The current epoch: the last point's. */
	epoch: number;
	losses: ArrayLike<number>;
	/** The epochs of the first points (see the module's comment). */
	lossEpochs: readonly number[];
	/** For a line model, the (w, b) of each point; else null. */
	trajectory: { w: ArrayLike<number>; b: ArrayLike<number> } | null;
}

export interface KeptHistory {
	losses: number[];
	lossEpochs: number[];
	trajectory: { w: number[]; b: number[] } | null;
}

/**
 * At most `max` points of `history` (max >= 4), as plain arrays: all of them when they fit.
 * Else the last `max / 2` points as they are, and before them a thinned history of the whole
 * run, so that its shape (the first loss, the drop, any spike) is still there: the epochs before
 * are cut into equal stretches, and of each stretch the points of lowest and highest loss are
 * kept, with the very first point. Points are kept whole (loss, w and b of the same epoch).
 */
export function keptHistory(history: History, max: number): KeptHistory {
	const { epoch, losses, lossEpochs, trajectory } = history;
	const count = losses.length;
	const at = (index: number) => epochAt(lossEpochs, count, epoch, index);
	const indices: number[] = [];
	if (count <= max) {
		for (let i = 0; i < count; i++) indices.push(i);
	} else {
		const recent = Math.floor(max / 2);
		const older = count - recent;
		thinned(losses, older, at, Math.floor((max - recent - 1) / 2), indices);
		for (let i = older; i < count; i++) indices.push(i);
	}
	const kept = indices.length;
	const keptEpochs = indices.map(at);
	// Label the points up to the last one that is not among the consecutive epochs at the end.
	let labelled = kept;
	while (labelled > 0 && keptEpochs[labelled - 1] === epoch - (kept - labelled)) labelled--;
	return {
		losses: indices.map((i) => losses[i]),
		lossEpochs: keptEpochs.slice(0, labelled),
		trajectory:
			trajectory === null
				? null
				: { w: indices.map((i) => trajectory.w[i]), b: indices.map((i) => trajectory.b[i]) }
	};
}

/**
 * Appends to `out` the indices kept of the first `length` points: the first one, then the lowest
 * and highest loss of each of `stretches` stretches of equal epochs, in order.
 */
function thinned(
	losses: ArrayLike<number>,
	length: number,
	at: (index: number) => number,
	stretches: number,
	out: number[]
): void {
	out.push(0);
	const first = at(0);
	const span = at(length - 1) - first + 1;
	let stretch = -1;
	let lo = 0;
	let hi = 0;
	const flush = () => {
		for (const i of lo < hi ? [lo, hi] : [hi, lo]) if (i > out[out.length - 1]) out.push(i);
	};
	for (let i = 1; i < length; i++) {
		const own = Math.floor(((at(i) - first) * stretches) / span);
		if (own !== stretch) {
			if (stretch >= 0) flush();
			stretch = own;
			lo = hi = i;
		} else {
			if (losses[i] < losses[lo]) lo = i;
			if (losses[i] > losses[hi]) hi = i;
		}
	}
	if (stretch >= 0) flush();
}
