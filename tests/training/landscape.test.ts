/** The loss landscape grid against the engine's own loss, point by point. */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import {
	contourThresholds,
	formulaData,
	gridPoint,
	landscapeBounds,
	leastSquares,
	lossGrid,
	lossStats,
	trajectoryExtent,
	type Dataset
} from '$lib/training';

/** The engine's mse_loss of the line (w, b) on the data, in float64. */
function engineLoss(data: Dataset, w: number, b: number, reduction: 'mean' | 'sum' = 'mean') {
	const x = torch.tensor(
		data.x.map((v) => [v]),
		{ dtype: 'float64' }
	);
	const y = torch.tensor(
		data.y.map((v) => [v]),
		{ dtype: 'float64' }
	);
	const weight = torch.tensor([[w]], { dtype: 'float64' });
	const bias = torch.tensor([b], { dtype: 'float64' });
	return torch.nn.functional.linear(x, weight, bias).mseLoss(y, { reduction }).item();
}

const noisy = formulaData({ slope: -1.5, intercept: 4, noise: 2, seed: 11 });

describe('the loss landscape', () => {
	it.each([
		['the tutorial data', formulaData(), 'mean'],
		['noisy data', noisy, 'mean'],
		['noisy data, summed', noisy, 'sum']
	] as const)(
		'matches the engine mse_loss at every point of a 60x60 grid (%s)',
		(_name, data, reduction) => {
			const stats = lossStats(data);
			const bounds = landscapeBounds(stats, { w: [0, 0], b: [0, 0] });
			const grid = lossGrid(stats, bounds, { reduction });
			expect([grid.cols, grid.rows, grid.values.length]).toEqual([60, 60, 3600]);
			for (let row = 0; row < grid.rows; row++) {
				for (let col = 0; col < grid.cols; col++) {
					const { w, b } = gridPoint(grid, col, row);
					const expected = engineLoss(data, w, b, reduction);
					const actual = grid.values[row * grid.cols + col];
					expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
				}
			}
		}
	);

	it('puts the least-squares solution at the lowest loss, and inside the grid', () => {
		const stats = lossStats(formulaData());
		expect(leastSquares(stats)).toEqual({ w: 2, b: 1 });
		const best = leastSquares(lossStats(noisy));
		const grid = lossGrid(lossStats(noisy), landscapeBounds(lossStats(noisy), null));
		expect(best.w).toBeGreaterThan(grid.w[0]);
		expect(best.w).toBeLessThan(grid.w[1]);
		const lowest = Math.min(...Array.from(grid.values));
		expect(engineLoss(noisy, best.w, best.b)).toBeLessThanOrEqual(lowest + 1e-9);
	});

	it('covers the trajectory with a margin', () => {
		const stats = lossStats(formulaData());
		const path = trajectoryExtent([0, 1, 1.5, 2], [0, 0.2, 0.5, 0.9])!;
		const bounds = landscapeBounds(stats, path);
		expect(bounds.w[0]).toBeLessThan(0);
		expect(bounds.w[1]).toBeGreaterThan(2);
		expect(bounds.b[0]).toBeLessThan(0);
		expect(bounds.b[1]).toBeGreaterThan(1);
	});

	it('clips a runaway trajectory instead of zooming out without end', () => {
		const stats = lossStats(formulaData());
		const bounds = landscapeBounds(stats, { w: [-1e20, 1e20], b: [0, 1e18] });
		expect(bounds.w[1] - bounds.w[0]).toBeLessThan(1000);
	});

	it('spaces contour levels evenly in log scale', () => {
		const levels = contourThresholds(0, 1000, 4);
		expect(levels).toHaveLength(4);
		expect(levels[0]).toBeCloseTo(1e-3, 12);
		for (let i = 1; i < levels.length; i++)
			expect(levels[i] / levels[i - 1]).toBeCloseTo(levels[1] / levels[0], 9);
		expect(contourThresholds(0, 0, 5)).toEqual([]);
	});
});
