/**
 * A reload while training runs (QA: a reload came back 64 epochs earlier than the panel showed).
 * The session the Train panel hands out is one report of the trainer (epoch, parameters,
 * momentum buffers, history and log of one moment), taken from the client as it reports, not
 * from the frames the panel takes (a hidden page takes none); `saveSession()` (the page is
 * hidden or closed) hands out the latest at once; a pause hands it out at once. A session saved
 * in the middle of a run and continued gives exactly what the run gives without the reload.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	readSession,
	restoredTraining,
	snapshotSession,
	TrainingClient,
	type TrainConfig,
	type TrainingSession,
	type TrainSettings,
	type TrainState
} from '$lib/training';
import { SESSION_SAVE_MS, TrainPanelState } from '$lib/editor/TrainPanel/panel-state.svelte';
import { sessionInputs } from './session-inputs';
import { plain, waitFor } from './wait-for';

vi.setConfig({ testTimeout: 60_000 });

const doc = exampleDocument('linear-regression')!;

const config = (settings: Partial<TrainSettings>): TrainConfig => ({
	doc,
	data: formulaData(),
	settings: { ...DEFAULT_SETTINGS, ...settings },
	device: 'cpu'
});

/**
 * A client training in this thread, its slices timed by a clock that moves 1 ms per reading: a
 * few epochs per progress report however fast the machine, so that a run reports often before
 * it ends (with real time, 400 epochs may end within the first slice and `midRun` waits forever).
 */
const inThread = () => {
	let ms = 0;
	return new TrainingClient({
		mode: 'in-thread',
		hostOptions: { sliceMs: 2, now: () => ++ms }
	});
};

/** Through JSON and back, as storage gives it. */
const stored = (session: TrainingSession) =>
	readSession(JSON.parse(JSON.stringify(session)))!.training!;

/** The state the client reports `count` reports after the run has begun. */
async function midRun(client: TrainingClient, epochs: number): Promise<TrainState> {
	let reports = 0;
	return waitFor(
		client,
		(s) => s.status === 'running' && s.epoch > 0 && ++reports === 3 && s.epoch < epochs
	);
}

describe('a session saved in the middle of a run', () => {
	it.each([
		['plain SGD', { lr: 0.02, momentum: 0, logEvery: 10 }],
		['SGD with momentum 0.9', { lr: 0.005, momentum: 0.9, logEvery: 10 }]
	])(
		'%s: continued after a reload, it ends exactly where the run without one ends',
		async (_, settings) => {
			const epochs = 400;
			const whole = inThread();
			whole.start(config({ ...settings, epochs }));
			const reference = await waitFor(whole, (s) => s.status === 'finished');
			whole.dispose();

			const first = inThread();
			first.start(config({ ...settings, epochs }));
			const saved = stored(snapshotSession(sessionInputs(await midRun(first, epochs))));
			first.dispose();
			const epoch = saved.epoch;
			expect(epoch).toBeGreaterThan(0);
			expect(saved.run).toEqual({ done: epoch, total: epochs });
			// One moment: the history ends at that epoch, and its last point started from the
			// parameters of the epoch before (the reference run's).
			expect(saved.losses).toEqual(Array.from(reference.losses.subarray(0, epoch)));
			expect(saved.trajectory!.w.at(-1)).toBe(reference.trajectory!.w[epoch - 1]);
			// The parameters are those the next epoch starts from.
			const [[weight, [w]], [bias, [b]]] = saved.parameters;
			expect([weight, bias]).toEqual(['n2', 'n3']);
			expect(w).toBe(reference.trajectory!.w[epoch]);
			expect(b).toBe(reference.trajectory!.b[epoch]);
			if (settings.momentum) expect(saved.momentum).not.toBeNull();

			const reloaded = inThread();
			reloaded.restore(restoredTraining(saved), { model: null, device: 'cpu', line: null });
			expect(reloaded.state.status).toBe('paused');
			reloaded.resume(config({ ...settings, epochs }));
			const continued = await waitFor(reloaded, (s) => s.status === 'finished');
			reloaded.dispose();
			expect(continued.epoch).toBe(epochs);
			expect(continued.parameters).toEqual(reference.parameters);
			expect(Array.from(continued.losses)).toEqual(Array.from(reference.losses));
			expect(continued.logs).toEqual(reference.logs);
		}
	);
});

describe('the Train panel hands out its latest training', () => {
	// A hidden page: no animation frame ever runs, so the panel shows nothing new.
	beforeAll(() => {
		vi.stubGlobal('requestAnimationFrame', () => 1);
		vi.stubGlobal('cancelAnimationFrame', () => {});
	});
	afterAll(() => vi.unstubAllGlobals());

	it('while it trains with no frames taken: within SESSION_SAVE_MS, at once when asked, at once on a pause', async () => {
		const client = inThread();
		const sessions: TrainingSession[] = [];
		const panel = new TrainPanelState({
			doc: () => doc,
			client,
			onSession: (session) => sessions.push(session)
		});
		panel.device = 'cpu';
		panel.settingsText.epochs = '1000000';
		panel.trainOrPause();
		await waitFor(client, (s) => s.status === 'running' && s.epoch > 0);
		// Nothing is shown (no frame), and nothing handed out yet: the first waits its turn.
		expect(panel.train.epoch).toBe(0);
		expect(sessions).toHaveLength(0);
		await vi.waitFor(() => expect(sessions.length).toBeGreaterThan(0), {
			timeout: SESSION_SAVE_MS * 10
		});
		const throttled = sessions.length;

		// The page is hidden or closed: the latest report, now, whole.
		await waitFor(client, (s) => s.epoch > (sessions.at(-1)!.training?.epoch ?? 0));
		panel.saveSession();
		expect(sessions).toHaveLength(throttled + 1);
		const latest = sessions.at(-1)!.training!;
		const state = client.state;
		expect(latest.epoch).toBe(state.epoch);
		expect(latest.parameters).toEqual(Object.entries(plain(state.parameters)));
		expect(latest.losses.at(-1)).toBe(state.losses.at(-1));
		expect(latest.run).toEqual(state.run);
		// Asked again with nothing new waiting: nothing more.
		panel.saveSession();
		expect(sessions).toHaveLength(throttled + 1);

		// Paused (by an edit of the graph, say: the panel shows nothing new to click on).
		client.pause();
		const paused = await waitFor(client, (s) => s.status === 'paused');
		const last = sessions.at(-1)!;
		expect(last.training!.epoch).toBe(paused.epoch);
		expect(last.training!.run).toEqual(paused.run);
		expect(last.training!.predicted).toBe(paused.predicted);
		panel.dispose();
		client.dispose();
	});
});
