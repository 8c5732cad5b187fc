/**
 * The training data: x and y as plain numbers. By default the tutorial's x = 0..10 and
 * y = slope * x + intercept (+ seeded Gaussian noise), slope 2, intercept 1, noise 0.
 */
import { Mulberry32 } from '$lib/engine/core';

export interface Dataset {
	x: number[];
	y: number[];
}

/** y = slope * x + intercept + noise * N(0, 1), with the noise drawn from mulberry32(seed). */
export interface Formula {
	slope: number;
	intercept: number;
	/** The standard deviation of the noise added to each y (0: none). */
	noise: number;
	seed: number;
}

export const DEFAULT_FORMULA: Formula = { slope: 2, intercept: 1, noise: 0, seed: 0 };

/** The tutorial's x: 0, 1, ..., 10. */
export const DEFAULT_X: readonly number[] = Array.from({ length: 11 }, (_, i) => i);

/** The formula's data over x (the tutorial's 0..10 by default). */
export function formulaData(
	formula: Formula = DEFAULT_FORMULA,
	x: readonly number[] = DEFAULT_X
): Dataset {
	const rng = new Mulberry32(formula.seed);
	return {
		x: x.slice(),
		y: x.map(
			(v) =>
				formula.slope * v +
				formula.intercept +
				(formula.noise === 0 ? 0 : formula.noise * rng.normal())
		)
	};
}

/** Same numbers in the same order. */
export function sameDataset(a: Dataset, b: Dataset): boolean {
	if (a.x.length !== b.x.length || a.y.length !== b.y.length) return false;
	for (let i = 0; i < a.x.length; i++) if (!Object.is(a.x[i], b.x[i])) return false;
	for (let i = 0; i < a.y.length; i++) if (!Object.is(a.y[i], b.y[i])) return false;
	return true;
}
