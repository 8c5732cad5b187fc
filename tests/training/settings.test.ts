/** Settings and the data formula: each bad value refused with its own message. */
import { describe, expect, it } from 'vitest';
import {
	checkEpochs,
	checkLogEvery,
	checkLr,
	checkMomentum,
	DEFAULT_FORMULA,
	DEFAULT_SETTINGS,
	formulaData,
	validateFormula,
	validateSettings
} from '$lib/training';

describe('settings', () => {
	it('the defaults are the tutorial', () => {
		expect(DEFAULT_SETTINGS).toEqual({ lr: 0.01, momentum: 0, epochs: 1000, logEvery: 50 });
		expect(validateSettings(DEFAULT_SETTINGS)).toEqual({ ok: true, value: DEFAULT_SETTINGS });
	});

	it('reads the text of inputs', () => {
		expect(
			validateSettings({ lr: ' 1e-3 ', momentum: '0.9', epochs: '200', logEvery: '10' })
		).toEqual({
			ok: true,
			value: { lr: 0.001, momentum: 0.9, epochs: 200, logEvery: 10 }
		});
	});

	it.each([
		[0, 'lr must be greater than 0'],
		[-0.1, 'lr must be greater than 0'],
		['abc', 'lr must be a number, such as 0.01'],
		['', 'lr must be a number, such as 0.01'],
		[NaN, 'lr must be a number, such as 0.01'],
		[Infinity, 'lr must be a finite number'],
		[null, 'lr must be a number, such as 0.01']
	])('lr %s is refused', (value, message) => {
		expect(checkLr(value)).toEqual({ ok: false, message });
	});

	it.each([-0.1, 1, 1.5, 'x'])('momentum %s is refused', (value) => {
		expect(checkMomentum(value).ok).toBe(false);
	});

	it.each([0, -1, 1.5, 1_000_001, 'many'])('epochs %s is refused', (value) => {
		expect(checkEpochs(value)).toEqual({
			ok: false,
			message: 'epochs must be a whole number from 1 to 1,000,000'
		});
	});

	it('epochs 1 and 1,000,000 are fine', () => {
		expect(checkEpochs(1)).toEqual({ ok: true, value: 1 });
		expect(checkEpochs('1000000')).toEqual({ ok: true, value: 1_000_000 });
	});

	it.each([0, 2.5, 'x'])('log every %s is refused', (value) => {
		expect(checkLogEvery(value)).toEqual({
			ok: false,
			message: 'log every must be a whole number of at least 1'
		});
	});

	it('lists every refusal at once', () => {
		const result = validateSettings({ lr: 0, momentum: 1, epochs: 0, logEvery: 0 });
		expect(result.ok).toBe(false);
		if (!result.ok)
			expect(Object.keys(result.errors).sort()).toEqual(['epochs', 'logEvery', 'lr', 'momentum']);
	});
});

describe('the data formula', () => {
	it('gives the tutorial data by default: x = 0..10, y = 2x + 1', () => {
		expect(formulaData()).toEqual({
			x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
			y: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
		});
	});

	it('adds seeded noise: the same seed, the same data', () => {
		const noisy = formulaData({ ...DEFAULT_FORMULA, noise: 0.5, seed: 3 });
		expect(formulaData({ ...DEFAULT_FORMULA, noise: 0.5, seed: 3 })).toEqual(noisy);
		expect(formulaData({ ...DEFAULT_FORMULA, noise: 0.5, seed: 4 })).not.toEqual(noisy);
		const residuals = noisy.y.map((y, i) => y - (2 * i + 1));
		expect(residuals.some((r) => r !== 0)).toBe(true);
		expect(Math.max(...residuals.map(Math.abs))).toBeLessThan(2.5);
	});

	it('refuses a bad slope, intercept, noise or seed', () => {
		const result = validateFormula({ slope: 'x', intercept: Infinity, noise: -1, seed: 1.5 });
		expect(result).toEqual({
			ok: false,
			errors: {
				slope: 'slope must be a finite number',
				intercept: 'intercept must be a finite number',
				noise: 'noise must be a number of at least 0',
				seed: 'seed must be a whole number from 0 to 4294967295'
			}
		});
	});
});
