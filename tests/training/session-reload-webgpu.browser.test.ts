/**
 * A reload while training runs on WebGPU (Chromium's software adapter). Every progress report
 * holds the momentum buffers of its own epoch, read back from the GPU with the parameters' epoch
 * (they were the ones of the last pause before, or none: a session saved in the middle of a run
 * went on with momentum of another epoch, or none). So a session saved mid-run and continued
 * gives exactly what the run gives without the reload.
 */
import { expect, test } from 'vitest';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	readSession,
	restoredTraining,
	snapshotSession,
	TrainingClient,
	type TrainConfig,
	type TrainState
} from '$lib/training';
import { sessionInputs } from './session-inputs';
import { waitFor } from './wait-for';

const doc = exampleDocument('linear-regression')!;
const EPOCHS = 60;
const config: TrainConfig = {
	doc,
	data: formulaData(),
	settings: { ...DEFAULT_SETTINGS, lr: 0.005, momentum: 0.9, epochs: EPOCHS, logEvery: 10 },
	device: 'webgpu'
};

const inThread = () => new TrainingClient({ mode: 'in-thread', hostOptions: { sliceMs: 4 } });

const finished = (client: TrainingClient) =>
	waitFor(client, (s) => ['finished', 'diverged', 'error'].includes(s.status));

test('momentum on WebGPU: a session saved mid-run is of one epoch, and goes on as without a reload', async () => {
	const whole = inThread();
	whole.start(config);
	const reference = await finished(whole);
	whole.dispose();
	expect(reference.status).toBe('finished');
	expect(reference.device).toBe('webgpu');

	const first = inThread();
	first.start(config);
	let reports = 0;
	const running: TrainState = await waitFor(
		first,
		(s) => s.status === 'running' && s.epoch > 1 && ++reports >= 2 && s.epoch < EPOCHS
	);
	const saved = readSession(
		JSON.parse(JSON.stringify(snapshotSession(sessionInputs(running))))
	)!.training!;
	first.dispose();
	const epoch = saved.epoch;
	expect(epoch).toBeGreaterThan(1);
	expect(epoch).toBeLessThan(EPOCHS);
	// The parameters are those the next epoch of the run starts from.
	expect(saved.parameters.map(([, [value]]) => value)).toEqual([
		reference.trajectory!.w[epoch],
		reference.trajectory!.b[epoch]
	]);
	expect(saved.momentum).not.toBeNull();

	const reloaded = inThread();
	reloaded.restore(restoredTraining(saved), { model: null, device: 'webgpu', line: null });
	reloaded.resume(config);
	const continued = await finished(reloaded);
	reloaded.dispose();
	expect(continued.device).toBe('webgpu');
	expect(continued.epoch).toBe(EPOCHS);
	expect(Array.from(continued.losses)).toEqual(Array.from(reference.losses));
	expect(continued.parameters).toEqual(reference.parameters);
});
