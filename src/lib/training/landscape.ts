/**
 * The loss landscape of a line model y = w x + b under MSE: the loss over a (w, b) grid around
 * the least-squares solution and the SGD trajectory, and the contour levels to draw it with.
 *
 * The grid is computed in closed form from the data's centred sums (O(N) once, then O(1) per
 * grid point) rather than by running the model 3,600 times; tests/training/landscape.test.ts
 * checks every grid value against the engine's own mse_loss.
 */
import type { Dataset } from './data';

export type Reduction = 'mean' | 'sum';

export interface Point {
	w: number;
	b: number;
}

export interface Bounds {
	w: [number, number];
	b: [number, number];
}

/**
 * The loss on a cols x rows grid over bounds: `values[row * cols + col]` at the w of column
 * `col` and the b of row `row` (see `gridPoint`), with the contour levels to draw it at. It is
 * what the landscape chart draws (viz's `ContourGrid`, which asks for no more than this).
 */
export interface LossGrid extends Bounds {
	cols: number;
	rows: number;
	values: Float64Array;
	thresholds: number[];
}

/** Centred sums of the data: the loss of any (w, b) follows from them exactly. */
export interface LossStats {
	n: number;
	meanX: number;
	meanY: number;
	/** Σ (x - x̄)², Σ (x - x̄)(y - ȳ), Σ (y - ȳ)² */
	sxx: number;
	sxy: number;
	syy: number;
}

export function lossStats(data: Dataset): LossStats {
	const n = data.x.length;
	let meanX = 0;
	let meanY = 0;
	for (let i = 0; i < n; i++) {
		meanX += data.x[i];
		meanY += data.y[i];
	}
	meanX /= n;
	meanY /= n;
	let sxx = 0;
	let sxy = 0;
	let syy = 0;
	for (let i = 0; i < n; i++) {
		const u = data.x[i] - meanX;
		const v = data.y[i] - meanY;
		sxx += u * u;
		sxy += u * v;
		syy += v * v;
	}
	return { n, meanX, meanY, sxx, sxy, syy };
}

/**
 * The loss of the line (w, b): Σ (w x + b - y)² = w² Sxx - 2 w Sxy + Syy + n (w x̄ + b - ȳ)²,
 * divided by n for 'mean'.
 */
export function lineLoss(stats: LossStats, w: number, b: number, reduction: Reduction = 'mean') {
	const offset = w * stats.meanX + b - stats.meanY;
	const sum =
		Math.max(0, w * w * stats.sxx - 2 * w * stats.sxy + stats.syy) + stats.n * offset * offset;
	return reduction === 'mean' ? sum / stats.n : sum;
}

/** The least-squares line (w = 0 when every x is the same). */
export function leastSquares(stats: LossStats): Point {
	const w = stats.sxx > 0 ? stats.sxy / stats.sxx : 0;
	return { w, b: stats.meanY - w * stats.meanX };
}

/** The smallest box holding the points, or null for none (points that are not finite are left out). */
export function extentOf(points: Iterable<Point>): Bounds | null {
	let box: Bounds | null = null;
	for (const { w, b } of points) {
		if (!Number.isFinite(w) || !Number.isFinite(b)) continue;
		if (box === null) box = { w: [w, w], b: [b, b] };
		else {
			box.w = [Math.min(box.w[0], w), Math.max(box.w[1], w)];
			box.b = [Math.min(box.b[0], b), Math.max(box.b[1], b)];
		}
	}
	return box;
}

/** The box of a trajectory given as two series. */
export function trajectoryExtent(
	w: ArrayLike<number>,
	b: ArrayLike<number>,
	from = 0
): Bounds | null {
	let box: Bounds | null = null;
	for (let i = from; i < Math.min(w.length, b.length); i++) {
		const point = extentOf([{ w: w[i], b: b[i] }]);
		if (point === null) continue;
		box = box === null ? point : union(box, point);
	}
	return box;
}

export function union(a: Bounds, b: Bounds): Bounds {
	return {
		w: [Math.min(a.w[0], b.w[0]), Math.max(a.w[1], b.w[1])],
		b: [Math.min(a.b[0], b.b[0]), Math.max(a.b[1], b.b[1])]
	};
}

export function covers(outer: Bounds, inner: Bounds): boolean {
	return (
		outer.w[0] <= inner.w[0] &&
		outer.w[1] >= inner.w[1] &&
		outer.b[0] <= inner.b[0] &&
		outer.b[1] >= inner.b[1]
	);
}

/** How far the view may zoom out from the least-squares solution: a runaway trajectory is clipped. */
const MAX_ZOOM_OUT = 50;

/**
 * The grid's (w, b) range: the least-squares solution and `points` (the trajectory's box, the
 * current parameters), with a margin, at least 2 units (or 1 + |value| / 2) wide on each axis,
 * and at most MAX_ZOOM_OUT times that around the solution.
 */
export function landscapeBounds(stats: LossStats, points: Bounds | null): Bounds {
	const best = leastSquares(stats);
	const solution: Bounds = { w: [best.w, best.w], b: [best.b, best.b] };
	const box = points === null ? solution : union(solution, points);
	const axis = (range: [number, number], centre: number): [number, number] => {
		const least = Math.max(2, 1 + Math.abs(centre) / 2);
		const lo = Math.max(range[0], centre - least * MAX_ZOOM_OUT);
		const hi = Math.min(range[1], centre + least * MAX_ZOOM_OUT);
		const half = Math.max((hi - lo) / 2, least / 2) * 1.15;
		return [(lo + hi) / 2 - half, (lo + hi) / 2 + half];
	};
	return { w: axis(box.w, best.w), b: axis(box.b, best.b) };
}

export interface GridOptions {
	cols?: number;
	rows?: number;
	reduction?: Reduction;
	/** Contour levels (default 14). */
	levels?: number;
}

/**
 * The loss at every point of a cols x rows grid over `bounds` (w along the columns, b along the
 * rows: `values[row * cols + col]`), with its contour thresholds.
 */
export function lossGrid(stats: LossStats, bounds: Bounds, options: GridOptions = {}): LossGrid {
	const cols = options.cols ?? 60;
	const rows = options.rows ?? 60;
	const reduction = options.reduction ?? 'mean';
	const values = new Float64Array(cols * rows);
	let min = Infinity;
	let max = -Infinity;
	for (let row = 0; row < rows; row++) {
		const b = bounds.b[0] + ((bounds.b[1] - bounds.b[0]) * row) / (rows - 1);
		for (let col = 0; col < cols; col++) {
			const w = bounds.w[0] + ((bounds.w[1] - bounds.w[0]) * col) / (cols - 1);
			const value = lineLoss(stats, w, b, reduction);
			values[row * cols + col] = value;
			min = Math.min(min, value);
			max = Math.max(max, value);
		}
	}
	return {
		w: [bounds.w[0], bounds.w[1]],
		b: [bounds.b[0], bounds.b[1]],
		cols,
		rows,
		values,
		thresholds: contourThresholds(min, max, options.levels ?? 14)
	};
}

/**
 * Contour levels spaced evenly in log scale between the grid's smallest and largest loss (the
 * loss of a line grows quadratically, so even spacing would crowd every level at the rim).
 */
export function contourThresholds(min: number, max: number, count: number): number[] {
	if (!(max > 0) || !Number.isFinite(max)) return [];
	const low = Math.max(min, max * 1e-6, Number.MIN_VALUE);
	if (low >= max) return [max];
	const ratio = Math.log(max / low);
	return Array.from({ length: count }, (_, i) => low * Math.exp((ratio * i) / count));
}

/** The w of a grid column and the b of a grid row. */
export function gridPoint(grid: LossGrid, col: number, row: number): Point {
	return {
		w: grid.w[0] + ((grid.w[1] - grid.w[0]) * col) / (grid.cols - 1),
		b: grid.b[0] + ((grid.b[1] - grid.b[0]) * row) / (grid.rows - 1)
	};
}
