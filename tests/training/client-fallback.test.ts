/**
 * The client's in-thread fallback loads the trainer on first use (the page's first load does
 * without it): requests made meanwhile wait for it, in order; a worker that fails to start hands
 * its requests over; a client closed meanwhile never starts it; a trainer that cannot be loaded
 * is an error, not a hang.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	TrainingClient,
	type TrainConfig,
	type TrainState
} from '$lib/training';
import { waitFor } from './wait-for';

const config = (): TrainConfig => ({
	doc: exampleDocument('linear-regression')!,
	data: formulaData(),
	settings: { ...DEFAULT_SETTINGS, epochs: 50 },
	device: 'cpu'
});

/** A Worker that never starts: its error comes when the test says. */
class DeadWorker {
	onmessage: ((event: MessageEvent) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	posted: unknown[] = [];
	terminated = false;
	postMessage(message: unknown) {
		this.posted.push(message);
	}
	terminate() {
		this.terminated = true;
	}
	fail() {
		this.onerror!({ preventDefault() {}, message: 'no worker here' } as ErrorEvent);
	}
}

afterEach(() => {
	vi.doUnmock('$lib/training/host');
	vi.resetModules();
});

describe('the in-thread fallback', () => {
	it('handles the requests made while the trainer loads, in order', async () => {
		const client = new TrainingClient({ mode: 'in-thread', hostOptions: { sliceMs: 1 } });
		const c = config();
		client.start(c);
		client.pause();
		client.step(c);
		// start, then pause (at most a slice in), then one more epoch: paused, one epoch past the pause.
		const stepped = await waitFor(client, (s) => s.status === 'paused' && s.epoch > 0);
		expect(stepped.run!.done).toBeLessThan(50);
		const saved = await client.saveState(c, 'json');
		expect(new TextDecoder().decode(saved)).toContain('autograd-canvas.state_dict');
		client.dispose();
	});

	it('takes over the requests of a worker that fails to start', async () => {
		const worker = new DeadWorker();
		const client = new TrainingClient({
			mode: 'worker',
			createWorker: () => worker as unknown as Worker,
			hostOptions: { sliceMs: 1 }
		});
		expect(client.mode).toBe('worker');
		client.start(config());
		expect(worker.posted).toHaveLength(1);
		worker.fail();
		expect(worker.terminated).toBe(true);
		expect(client.mode).toBe('in-thread');
		const done = await waitFor(client, (s) => s.status === 'finished');
		expect(done.epoch).toBe(50);
		client.dispose();
	});

	it('never starts the trainer for a client closed while it loads', async () => {
		const client = new TrainingClient({ mode: 'in-thread' });
		const states: TrainState[] = [];
		client.subscribe((state) => states.push(state));
		client.start(config());
		const answer = client.saveState(config(), 'json');
		client.dispose();
		await expect(answer).rejects.toThrow('training was closed');
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(states).toEqual([]);
		expect(client.state.status).toBe('idle');
	});

	it('reports a trainer that cannot be loaded on the pending requests and the status', async () => {
		vi.resetModules();
		vi.doMock('$lib/training/host', () => {
			throw new Error('offline, and not cached');
		});
		const { TrainingClient: FreshClient } = await import('$lib/training/client');
		const client = new FreshClient({ mode: 'in-thread' });
		const answer = client.saveState(config(), 'json');
		await expect(answer).rejects.toThrow(/^the trainer could not be loaded: \S/);
		const failed = await waitFor(client, (s) => s.status === 'error');
		expect(failed.message).toMatch(/^the trainer could not be loaded/);

		// Back online: the next request loads it and is answered.
		vi.doUnmock('$lib/training/host');
		const saved = await client.saveState(config(), 'json');
		expect(new TextDecoder().decode(saved)).toContain('autograd-canvas.state_dict');
		client.dispose();
	});
});
