/** Load model (issue #11): a model file over the stated limit is refused by its size, unread. */
import { describe, expect, it } from 'vitest';
import { MAX_MODEL_FILE_BYTES, TrainPanelState } from '$lib/editor/TrainPanel/panel-state.svelte';
import { INITIAL_STATE, type TrainingClient } from '$lib/training/client';
import { EXAMPLES } from '$lib/graph';

function recordingClient(calls: Uint8Array[]): TrainingClient {
	return {
		state: INITIAL_STATE,
		subscribe: () => () => {},
		dispose: () => {},
		loadState: async (_config: unknown, bytes: Uint8Array) => {
			calls.push(bytes);
			return ['weight', 'bias'];
		}
	} as unknown as TrainingClient;
}

const linear = EXAMPLES.find((e) => e.id === 'linear-regression')!.doc;

function fakeFile(size: number, name: string) {
	let read = false;
	const file = {
		size,
		name,
		arrayBuffer: () => {
			read = true;
			return Promise.resolve(new ArrayBuffer(8));
		}
	} as unknown as File;
	return { file, wasRead: () => read };
}

describe('Load model', () => {
	it('refuses a file over the limit before reading it, with the limit and a short name', async () => {
		const calls: Uint8Array[] = [];
		const panel = new TrainPanelState({ doc: () => linear, client: recordingClient(calls) });
		const { file, wasRead } = fakeFile(MAX_MODEL_FILE_BYTES + 1, 'm'.repeat(5000) + '.safetensors');
		await panel.loadModel(file);
		expect(wasRead()).toBe(false);
		expect(calls).toHaveLength(0);
		expect(panel.fileMessage?.tone).toBe('error');
		expect(panel.fileMessage?.text).toContain('model files of up to 256 MB can be loaded');
		expect(panel.fileMessage!.text.length).toBeLessThan(160);
	});

	it('reads a file within the limit, and says so briefly', async () => {
		const calls: Uint8Array[] = [];
		const panel = new TrainPanelState({ doc: () => linear, client: recordingClient(calls) });
		const { file, wasRead } = fakeFile(1000, 'n'.repeat(5000));
		await panel.loadModel(file);
		expect(wasRead()).toBe(true);
		expect(calls).toHaveLength(1);
		expect(panel.fileMessage).toMatchObject({
			tone: 'info',
			text: expect.stringMatching(/^Loaded weight, bias from n+…\.$/)
		});
		expect(panel.fileMessage!.text.length).toBeLessThan(120);
	});
});
