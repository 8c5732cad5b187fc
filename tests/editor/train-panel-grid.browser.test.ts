/**
 * The Train panel's loss landscape grid (issue #12): a pure derived of the panel's state. The
 * grid stays the same object while the trajectory and the line stay inside it (its contours are
 * not redone), and a new one covers them once they leave it or the data change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrainPanelState } from '$lib/editor/TrainPanel/panel-state.svelte';
import { EXAMPLES } from '$lib/graph';
import { covers, type Bounds } from '$lib/training';
import { INITIAL_STATE, type TrainingClient, type TrainState } from '$lib/training/client';
import { watch } from './watched.svelte';

/** Animation frames asked for and not run yet. */
let frames: FrameRequestCallback[] = [];
const stops: (() => void)[] = [];

const linear = EXAMPLES.find((e) => e.id === 'linear-regression')!.doc;

/** A client whose states the test sends, and the animation frames the test runs. */
function setup() {
	let listener: ((state: TrainState) => void) | null = null;
	const client = {
		state: INITIAL_STATE,
		subscribe: (fn: (state: TrainState) => void) => {
			listener = fn;
			return () => (listener = null);
		},
		dispose: () => {}
	} as unknown as TrainingClient;
	const panel = new TrainPanelState({ doc: () => linear, client });
	// The panel shows the grid: it is watched, as the chart's effect watches it.
	stops.push(watch(() => panel.grid));
	/** The trainer reports a trajectory through `points` (the line at the last one). */
	const report = (points: [number, number][]) => {
		const [w, b] = points[points.length - 1];
		listener!({
			...INITIAL_STATE,
			status: 'running',
			epoch: points.length,
			trajectory: {
				w: Float64Array.from(points, (p) => p[0]),
				b: Float64Array.from(points, (p) => p[1])
			},
			line: { w, b }
		});
		for (const frame of frames.splice(0)) frame(0);
	};
	return { panel, report };
}

const box = (points: [number, number][]): Bounds => ({
	w: [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))],
	b: [Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[1]))]
});

beforeEach(() => {
	frames = [];
	vi.stubGlobal('requestAnimationFrame', (frame: FrameRequestCallback) => frames.push(frame));
});

afterEach(() => {
	for (const stop of stops.splice(0)) stop();
	vi.unstubAllGlobals();
});

describe('the loss landscape grid', () => {
	it('is kept while the path stays inside it, and replaced by one covering it when it leaves', () => {
		const { panel, report } = setup();
		const first = panel.grid!;
		expect(first).not.toBeNull();
		expect(panel.grid).toBe(first);

		const inside: [number, number][] = [
			[0, 0],
			[0.5, 0.2],
			[1, 0.4]
		];
		expect(covers(first, box(inside))).toBe(true);
		report(inside);
		expect(panel.grid).toBe(first);

		const outside: [number, number][] = [...inside, [40, -30]];
		expect(covers(first, box(outside))).toBe(false);
		report(outside);
		const wider = panel.grid!;
		expect(wider).not.toBe(first);
		expect(covers(wider, box(outside))).toBe(true);

		// Back inside the wider grid: it stays.
		report([...outside, [2, 1]]);
		expect(panel.grid).toBe(wider);
	});

	it('follows the data: new data, a new grid', () => {
		const { panel } = setup();
		const first = panel.grid!;
		panel.setFormula('slope', '-3');
		const next = panel.grid!;
		expect(next).not.toBe(first);
		expect(Array.from(next.values)).not.toEqual(Array.from(first.values));
	});
});
