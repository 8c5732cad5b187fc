/**
 * The loss history of a long run across a reload: a session keeps at most MAX_HISTORY points,
 * and after a reload each one is shown at its own epoch (the chart's x axis, its caption, the
 * CSV), with the shape of the whole run (the first loss and the drop), not only its last epochs.
 * Sessions saved before the epochs were saved still load, their losses at the last epochs.
 */
import { describe, expect, it, vi } from 'vitest';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	epochAt,
	formulaData,
	INITIAL_STATE,
	keptHistory,
	labelsFit,
	MAX_HISTORY,
	readSession,
	recordOf,
	restoredTraining,
	snapshotSession,
	TrainingClient,
	type TrainingSession,
	type TrainState
} from '$lib/training';
import { seriesCsv } from '$lib/viz';
import { sessionInputs } from './session-inputs';
import { waitFor } from './wait-for';

vi.setConfig({ testTimeout: 120_000 });

const inputs = sessionInputs;

const stored = (session: TrainingSession): unknown => JSON.parse(JSON.stringify(session));

/** A loss that drops from 150, with one spike at epoch 30,000: the shape a reload must keep. */
const lossOf = (epoch: number) => (epoch === 30_000 ? 500 : 150 / epoch);

/** A finished line-model run of `epochs` epochs, each point's w and b its epoch and -epoch. */
function ranState(epochs: number): TrainState {
	return {
		...INITIAL_STATE,
		status: 'finished',
		epoch: epochs,
		losses: Float64Array.from({ length: epochs }, (_, i) => lossOf(i + 1)),
		trajectory: {
			w: Float64Array.from({ length: epochs }, (_, i) => i + 1),
			b: Float64Array.from({ length: epochs }, (_, i) => -(i + 1))
		},
		parameters: recordOf([
			['n2', [2]],
			['n3', [1]]
		]),
		model: {
			lossId: 'n6',
			inputId: 'n1',
			targetId: 'n4',
			parameterIds: ['n2', 'n3'],
			keys: { n2: 'weight', n3: 'bias' },
			line: { weightId: 'n2', biasId: 'n3' },
			reduction: 'mean'
		}
	};
}

/** The epoch of every point of a saved or shown history. */
const epochsOf = (h: { epoch: number; losses: ArrayLike<number>; lossEpochs: readonly number[] }) =>
	Array.from({ length: h.losses.length }, (_, i) =>
		epochAt(h.lossEpochs, h.losses.length, h.epoch, i)
	);

describe('a session of a run longer than MAX_HISTORY epochs', () => {
	const epochs = 60_000;
	const training = readSession(stored(snapshotSession(inputs(ranState(epochs)))))!.training!;
	const saved = epochsOf(training);

	it('keeps at most MAX_HISTORY points, each at its true epoch', () => {
		expect(training.epoch).toBe(epochs);
		expect(training.losses.length).toBeLessThanOrEqual(MAX_HISTORY);
		expect(training.losses.length).toBeGreaterThan(MAX_HISTORY / 2);
		for (let i = 0; i < saved.length; i++) {
			expect(training.losses[i]).toBe(lossOf(saved[i]));
			expect(training.trajectory!.w[i]).toBe(saved[i]);
			expect(training.trajectory!.b[i]).toBe(-saved[i]);
		}
		for (let i = 1; i < saved.length; i++) expect(saved[i]).toBeGreaterThan(saved[i - 1]);
	});

	it('keeps the whole run: its first epoch, a spike, and every one of its last epochs', () => {
		expect(saved[0]).toBe(1);
		expect(training.losses[0]).toBe(150);
		expect(saved).toContain(30_000);
		expect(saved.at(-1)).toBe(epochs);
		expect(saved.slice(-MAX_HISTORY / 2)).toEqual(
			Array.from({ length: MAX_HISTORY / 2 }, (_, i) => epochs - MAX_HISTORY / 2 + 1 + i)
		);
		// The thinned part covers the epochs before evenly (no stretch of more than 1% missing).
		const gaps = saved.slice(1).map((epoch, i) => epoch - saved[i]);
		expect(Math.max(...gaps)).toBeLessThan(epochs / 100);
		// Only the thinned points are labelled: the rest are the last epochs.
		expect(training.lossEpochs.length).toBeLessThanOrEqual(MAX_HISTORY / 2);
	});

	it('is small: about as big as MAX_HISTORY points', () => {
		const json = JSON.stringify(snapshotSession(inputs(ranState(epochs))));
		const oneRun = JSON.stringify(snapshotSession(inputs(ranState(MAX_HISTORY))));
		expect(json.length).toBeLessThan(oneRun.length * 1.2);
	});

	it('is shown at its epochs after a reload, in the chart and the CSV', () => {
		const client = new TrainingClient({ mode: 'in-thread' });
		client.restore(restoredTraining(training), { model: null, device: 'cpu', line: null });
		const state = client.state;
		expect(state.epoch).toBe(epochs);
		expect(epochsOf(state)).toEqual(saved);
		const csv = seriesCsv(state.losses, undefined, (i) =>
			epochAt(state.lossEpochs, state.losses.length, state.epoch, i)
		).split('\n');
		expect(csv[1]).toBe('1,150');
		expect(csv.at(-2)).toBe(`${epochs},${lossOf(epochs)}`);
		client.dispose();
	});

	it('saved again after more epochs, still holds the whole run within MAX_HISTORY points', () => {
		const more = 15_000;
		const restored = epochsOf(training);
		const count = training.losses.length + more;
		const state: TrainState = {
			...ranState(1),
			epoch: epochs + more,
			losses: Float64Array.from({ length: count }, (_, i) =>
				lossOf(i < restored.length ? restored[i] : epochs + 1 + i - restored.length)
			),
			lossEpochs: training.lossEpochs,
			trajectory: null
		};
		const again = readSession(stored(snapshotSession(inputs(state))))!.training!;
		const epochsAgain = epochsOf(again);
		expect(again.losses.length).toBeLessThanOrEqual(MAX_HISTORY);
		expect(epochsAgain[0]).toBe(1);
		expect(epochsAgain).toContain(30_000);
		expect(epochsAgain.at(-1)).toBe(epochs + more);
		epochsAgain.forEach((epoch, i) => expect(again.losses[i]).toBe(lossOf(epoch)));
	});
});

describe('sessions saved before the epochs of the history were', () => {
	it('load as before: the losses are of the last epochs', () => {
		const training = readSession(stored(snapshotSession(inputs(ranState(MAX_HISTORY)))))!.training!;
		const old = structuredClone(training) as Partial<typeof training>;
		delete old.lossEpochs;
		const oldSession = { ...(stored(snapshotSession(inputs(ranState(1)))) as object) };
		const read = readSession({ ...oldSession, training: { ...old, epoch: 60_000 } })!.training!;
		expect(read.losses).toEqual(training.losses);
		expect(read.lossEpochs).toEqual([]);
		expect(read.trajectory!.w).toEqual(training.trajectory!.w);
		const shown = epochsOf(read);
		expect(shown[0]).toBe(60_000 - MAX_HISTORY + 1);
		expect(shown.at(-1)).toBe(60_000);
	});

	it('a run of at most MAX_HISTORY epochs is kept whole, with no epochs to save', () => {
		const training = readSession(stored(snapshotSession(inputs(ranState(500)))))!.training!;
		expect(training.losses).toHaveLength(500);
		expect(training.lossEpochs).toEqual([]);
		expect(epochsOf(training)[0]).toBe(1);
	});
});

describe('epochs read back from storage', () => {
	const base = () => stored(snapshotSession(inputs(ranState(10)))) as { training: object };
	const withEpochs = (lossEpochs: unknown, epoch = 100) => {
		const session = base();
		return readSession({ ...session, training: { ...session.training, epoch, lossEpochs } })!
			.training!;
	};

	it('are used when they fit the history', () => {
		const training = withEpochs([1, 50, 80]);
		expect(epochsOf(training)).toEqual([1, 50, 80, 94, 95, 96, 97, 98, 99, 100]);
	});

	it.each([
		['not a list', 'x'],
		['not whole', [1, 2.5]],
		['not increasing', [5, 3]],
		['from 0', [0, 3]],
		['into the last epochs', [1, 95]],
		['more than the losses', Array.from({ length: 11 }, (_, i) => i + 1)]
	])('%s: the history is dropped, the rest kept', (_, lossEpochs) => {
		const training = withEpochs(lossEpochs);
		expect(training.losses).toEqual([]);
		expect(training.lossEpochs).toEqual([]);
		expect(training.trajectory).toEqual({ w: [], b: [] });
		expect(training.epoch).toBe(100);
		expect(training.parameters.length).toBeGreaterThan(0);
	});

	it('labelsFit: the consecutive epochs at the end start at epoch 1 or later', () => {
		expect(labelsFit([], 10, 10)).toBe(true);
		expect(labelsFit([], 11, 10)).toBe(false);
		expect(labelsFit([1], 10, 9)).toBe(false);
		expect(labelsFit([1, 2, 3], 3, 3)).toBe(true);
		expect(labelsFit([1, 2, 4], 3, 3)).toBe(false);
	});

	it('keptHistory keeps a short history as it is', () => {
		expect(
			keptHistory({ epoch: 7, losses: [3, 2, 1], lossEpochs: [1], trajectory: null }, 10)
		).toEqual({ losses: [3, 2, 1], lossEpochs: [1], trajectory: null });
	});
});

describe('a long run trained, reloaded and trained on (the trainer keeps the epochs)', () => {
	const doc = exampleDocument('linear-regression')!;
	const settings = { ...DEFAULT_SETTINGS, lr: 0.01, logEvery: 1_000 };
	const config = (epochs: number) => ({
		doc,
		data: formulaData(),
		settings: { ...settings, epochs },
		device: 'cpu' as const
	});
	const done = (s: TrainState) => ['finished', 'diverged', 'error'].includes(s.status);

	it('goes on at the right epochs, and the log too', async () => {
		const long = MAX_HISTORY + 3_000;
		const first = new TrainingClient({ mode: 'in-thread' });
		first.start(config(long));
		const ran = await waitFor(first, done);
		expect(ran.epoch).toBe(long);
		const session = readSession(stored(snapshotSession(inputs(ran))))!;
		first.dispose();

		const reloaded = new TrainingClient({ mode: 'in-thread' });
		reloaded.restore(restoredTraining(session.training!), {
			model: null,
			device: 'cpu',
			line: null
		});
		reloaded.start(config(10_000));
		const continued = await waitFor(reloaded, (s) => done(s) && s.epoch === long + 10_000);
		const shown = epochsOf(continued);
		expect(shown[0]).toBe(1);
		expect(continued.losses[0]).toBe(ran.losses[0]);
		expect(shown.at(-1)).toBe(long + 10_000);
		for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeGreaterThan(shown[i - 1]);
		const savedEpochs = epochsOf(session.training!);
		expect(shown.slice(0, savedEpochs.length)).toEqual(savedEpochs);
		expect(continued.trajectory!.w).toHaveLength(continued.losses.length);
		expect(continued.logs.at(-1)).toMatch(new RegExp(`^epoch ${long + 10_000}, loss `));
		reloaded.dispose();
	});
});
