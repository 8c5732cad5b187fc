/** The data the charts draw: plain numbers, no tensors. */

/** A line y = w x + b. */
export interface Line {
	w: number;
	b: number;
}

/**
 * A function of (w, b) sampled on a grid: `values[row * cols + col]` at w = w[0] + col * dw and
 * b = b[0] + row * db (so w[0], b[0] at the first sample and w[1], b[1] at the last), with the
 * levels to draw contours at.
 */
export interface ContourGrid {
	w: [number, number];
	b: [number, number];
	cols: number;
	rows: number;
	values: ArrayLike<number>;
	thresholds: number[];
}

/** Two series of the same length: the (w, b) of each epoch. */
export interface Trajectory {
	w: ArrayLike<number>;
	b: ArrayLike<number>;
}
