/**
 * QA: the Train panel wrote every value of a parameter as one line (166,484 characters at
 * 128 x 128, 88,000 px tall), rebuilt every frame; the page blocked for minutes at 1024 x 1024.
 * It prints them as PyTorch prints a big tensor, summarised, reading only what it shows.
 */
import { describe, expect, it } from 'vitest';
import { formatLive } from '$lib/editor/CanvasNode/format';
import { parameterText, shapeText } from '$lib/editor/TrainPanel/values-text';
import { formatTensor } from '$lib/engine/core';
import { MAX_SESSION_VALUES, snapshotSession } from '$lib/training/session';
import { INITIAL_STATE, type TrainState } from '$lib/training/client';
import { sessionInputs } from '../training/session-inputs';

/** `length` values from `value(i)`, counting the reads (a million values must not all be read). */
function counted(length: number, value: (i: number) => number) {
	const reads = { count: 0 };
	const values = new Proxy(new Float32Array(0), {
		get(_, key) {
			if (key === 'length') return length;
			if (typeof key === 'string' && /^\d+$/.test(key)) {
				reads.count++;
				return value(Number(key));
			}
			return undefined;
		}
	}) as unknown as ArrayLike<number>;
	return { values, reads };
}

describe('a parameter in the Train panel', () => {
	it('prints a 1024 x 1024 weight as PyTorch with threshold=16, edgeitems=2, reading 16 values', () => {
		const { values, reads } = counted(1024 * 1024, (i) => 1 + (i % 4) * 0.25);
		const row = '[1.0000, 1.2500,  ..., 1.5000, 1.7500]';
		expect(parameterText(values, [1024, 1024])).toBe(
			[
				`tensor([${row},`,
				`        ${row},`,
				'        ...,',
				`        ${row},`,
				`        ${row}])`
			].join('\n')
		);
		// The elements it prints, read to judge the format and to write them: nothing else.
		expect(reads.count).toBeLessThanOrEqual(2 * 16);
	});

	it('prints a small parameter whole, and a vector summarised on one line', () => {
		expect(parameterText(Float32Array.of(0.5, -1.25, 2), [1, 3])).toBe(
			'tensor([[ 0.5000, -1.2500,  2.0000]])'
		);
		expect(parameterText(Float32Array.of(1.5), [])).toBe('tensor(1.5000)');
		const ones = Float32Array.from({ length: 1024 }, (_, i) => i + 1);
		expect(parameterText(ones, [1, 1024])).toBe(
			'tensor([[1.0000e+00, 2.0000e+00,  ..., 1.0230e+03, 1.0240e+03]])'
		);
		expect(shapeText(ones, [1, 1024])).toBe('[1, 1024]');
	});

	it('prints values that no longer fill the shape (the graph changed) as a vector', () => {
		expect(parameterText(Float32Array.of(1, 2, 3), [2, 2])).toBe('tensor([1., 2., 3.])');
		expect(shapeText(Float32Array.of(1, 2, 3), [2, 2])).toBe('[3]');
	});

	it("keeps PyTorch's own print options by default", () => {
		const values = Float32Array.from({ length: 1001 }, () => 0.5);
		expect(formatTensor(values, [1001])).toBe(
			'tensor([0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000])'
		);
	});
});

describe("a parameter's live values on its canvas node", () => {
	it('judges the format on the elements a summarised print shows, not on a million', () => {
		const { values, reads } = counted(1024 * 1024, (i) => (i === 5000 ? 1e-9 : 0.5 + i / 2 ** 21));
		// PyTorch would judge on the printed corners too: the tiny value at 5000 takes no part.
		expect(formatLive(values, [1024, 1024])).toBe('0.5000, 0.5000, 0.5000, 0.5000, …');
		expect(reads.count).toBeLessThan(100);
	});
});

describe('a saved session of a big model', () => {
	const trained = (values: number): TrainState => ({
		...INITIAL_STATE,
		status: 'paused',
		epoch: 3,
		parameters: { W: new Float32Array(values) },
		model: {
			lossId: 'loss',
			inputId: 'x',
			targetId: 'y',
			parameterIds: ['W'],
			keys: { W: 'W' },
			line: null,
			reduction: 'mean'
		}
	});

	it('keeps its training up to MAX_SESSION_VALUES values', () => {
		const session = snapshotSession(sessionInputs(trained(MAX_SESSION_VALUES)));
		expect(session.training?.parameters[0][1]).toHaveLength(MAX_SESSION_VALUES);
		expect(session.trainingNotSaved).toBeNull();
	});

	it('past it, says so and copies nothing (it would not be read back)', () => {
		const session = snapshotSession(sessionInputs(trained(1024 * 1024)));
		expect(session.training).toBeNull();
		expect(session.trainingNotSaved).toBe(1024 * 1024);
	});
});
