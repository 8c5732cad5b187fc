/**
 * Save model and Load model always get an answer, with a code the Train panel words in the UI's
 * language and the words it quotes as written: a graph that cannot be made into a model
 * (PyTorch's shape error), an engine that refuses to write the file, a training worker that fails
 * after it started (the requests waiting for it used to wait for ever).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	RequestFailed,
	TrainingClient,
	type TrainConfig
} from '$lib/training';
import { Trainer } from '$lib/training/trainer';

const config = (change?: (doc: TrainConfig['doc']) => void): TrainConfig => {
	const doc = structuredClone(exampleDocument('linear-regression')!);
	change?.(doc);
	return { doc, data: formulaData(), settings: { ...DEFAULT_SETTINGS, epochs: 5 }, device: 'cpu' };
};

/** The linear model with a weight of the wrong shape: PyTorch refuses it when it runs. */
const wrongWeight = config((doc) => {
	const weight = doc.nodes.find((node) => node.name === 'weight')!;
	(weight.attrs as { shape: number[] }).shape = [1, 2];
});

async function failureOf(answer: Promise<unknown>): Promise<RequestFailed> {
	const error = await answer.then(
		() => null,
		(error: unknown) => error
	);
	expect(error).toBeInstanceOf(RequestFailed);
	return error as RequestFailed;
}

afterEach(() => vi.restoreAllMocks());

describe('a request that fails says why with a code', () => {
	it('a graph that is no model: noModel, with PyTorch message as its reason', async () => {
		const client = new TrainingClient({ mode: 'in-thread', hostOptions: { sliceMs: 1 } });
		for (const answer of [
			client.saveState(wrongWeight, 'safetensors'),
			client.loadState(wrongWeight, new Uint8Array(8))
		]) {
			const failed = await failureOf(answer);
			expect(failed.code).toBe('noModel');
			expect(failed.reason).toBe('mat1 and mat2 shapes cannot be multiplied (11x1 and 2x1)');
		}
		client.dispose();
	});

	it('an engine that refuses to write the file: saveFailed, answered (Save model waited)', async () => {
		vi.spyOn(Trainer.prototype, 'saveState').mockImplementation(() => {
			throw new Error('ValueError: no room for this state dict');
		});
		const client = new TrainingClient({ mode: 'in-thread', hostOptions: { sliceMs: 1 } });
		const failed = await failureOf(client.saveState(config(), 'json'));
		expect(failed.code).toBe('saveFailed');
		expect(failed.reason).toBe('ValueError: no room for this state dict');
		// The trainer is still there: the next save is answered.
		vi.restoreAllMocks();
		const saved = await client.saveState(config(), 'json');
		expect(new TextDecoder().decode(saved)).toContain('autograd-canvas.state_dict');
		client.dispose();
	});

	it('a worker that fails after it started: the waiting requests fail (they waited for ever)', async () => {
		const worker = {
			onmessage: null as ((event: MessageEvent) => void) | null,
			onerror: null as ((event: ErrorEvent) => void) | null,
			postMessage() {},
			terminate() {}
		};
		const client = new TrainingClient({
			mode: 'worker',
			createWorker: () => worker as unknown as Worker
		});
		worker.onmessage!({ data: { type: 'ready' } } as MessageEvent);
		const saving = client.saveState(config(), 'safetensors');
		const loading = client.loadState(config(), new Uint8Array(8));
		worker.onerror!({ preventDefault() {}, message: 'out of memory' } as ErrorEvent);
		for (const answer of [saving, loading]) {
			const failed = await failureOf(answer);
			expect(failed.code).toBe('workerFailed');
			expect(failed.message).toBe('the training worker failed: out of memory');
			expect(failed.reason).toBe('out of memory');
		}
		expect(client.state.status).toBe('error');
		client.dispose();
	});

	it('a client closed before it answered: closed', async () => {
		const client = new TrainingClient({ mode: 'in-thread' });
		const answer = client.saveState(config(), 'json');
		client.dispose();
		expect((await failureOf(answer)).code).toBe('closed');
	});
});
