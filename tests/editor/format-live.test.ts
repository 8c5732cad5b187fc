import { describe, expect, it } from 'vitest';
import { formatLive } from '$lib/editor/CanvasNode/format';

/**
 * The live "trained =" values take their tensor's one format, as PyTorch prints it and as the
 * node's value badge, table and the chain-rule panel write the same numbers (engine's format).
 */
describe('formatLive', () => {
	it('writes integers as PyTorch does, with a trailing dot', () => {
		expect(formatLive([2])).toBe('2.');
		expect(formatLive([0, -1])).toBe('0., -1.');
	});

	it('gives every value of one tensor the same decimals', () => {
		expect(formatLive([2.0004, 1])).toBe('2.0004, 1.0000');
		expect(formatLive([0.5])).toBe('0.5000');
	});

	it('goes scientific for the whole tensor when PyTorch does', () => {
		expect(formatLive([1e-7, 1])).toBe('1.0000e-07, 1.0000e+00');
	});

	it('shows four values, then an ellipsis, judged on all of them', () => {
		expect(formatLive([1, 2, 3, 4, 0.5])).toBe('1.0000, 2.0000, 3.0000, 4.0000, …');
		expect(formatLive([])).toBe('');
	});
});
