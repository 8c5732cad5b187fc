/**
 * The worker protocol: request checks, the events a host posts, and round trips through the
 * client's in-thread fallback (the same host the worker runs).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { exampleDocument, type GraphDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	noticeText,
	requestProblem,
	TrainingClient,
	type ProgressEvent,
	type TrainConfig,
	type TrainEvent
} from '$lib/training';
import { TrainingHost } from '$lib/training/host';
import { plain, waitFor } from './wait-for';

const doc = exampleDocument('linear-regression')!;
const config = (overrides: Partial<TrainConfig> = {}): TrainConfig => ({
	doc,
	data: formulaData(),
	settings: DEFAULT_SETTINGS,
	device: 'cpu',
	...overrides
});

/** A host whose events are collected, with a fake WebGPU that is never there. */
function collectingHost(sliceMs = 16) {
	const events: TrainEvent[] = [];
	const host = new TrainingHost((event) => events.push(event), {
		sliceMs,
		initWebGPU: async () => ({ available: false, reason: 'no adapter in this test' })
	});
	const settled = async () => {
		for (let i = 0; i < 10_000; i++) {
			await new Promise((resolve) => setTimeout(resolve, 0));
			const last = events.filter((e): e is ProgressEvent => e.type === 'progress').at(-1);
			if (last && last.status !== 'running') return;
		}
		throw new Error('the host never settled');
	};
	return { events, host, settled };
}

describe('requests', () => {
	it('accepts each well-formed request', () => {
		const c = config();
		expect(requestProblem({ type: 'start', ...c })).toBeNull();
		expect(requestProblem({ type: 'pause' })).toBeNull();
		expect(requestProblem({ type: 'resume', ...c })).toBeNull();
		expect(requestProblem({ type: 'resume' })).toBe('doc: expected a graph document');
		expect(requestProblem({ type: 'step', ...c })).toBeNull();
		expect(requestProblem({ type: 'reset', ...c })).toBeNull();
		expect(requestProblem({ type: 'save-state', id: 1, format: 'json', ...c })).toBeNull();
		expect(
			requestProblem({ type: 'load-state', id: 2, bytes: new Uint8Array(1), ...c })
		).toBeNull();
	});

	it.each([
		[null, 'expected { type: ... }'],
		[{ type: 'fly' }, "unknown request type 'fly'"],
		[{ type: 'start' }, 'doc: expected a graph document'],
		[{ type: 'start', doc, data: { x: [] } }, 'data: expected { x: number[], y: number[] }'],
		[{ ...config(), type: 'step', settings: { lr: '0.1' } }, 'settings.lr: expected a number'],
		[{ ...config(), type: 'step', device: 'cuda' }, 'device: expected one of auto, cpu, webgpu'],
		[
			{ ...config(), type: 'save-state', id: 1, format: 'pickle' },
			"format: expected 'safetensors', 'pt' or 'json'"
		],
		[{ ...config(), type: 'load-state', id: 1, bytes: [1] }, 'bytes: expected a Uint8Array']
	])('refuses %j', (request, problem) => {
		expect(requestProblem(request)).toBe(problem);
	});

	it('answers a malformed request that has an id with failed', () => {
		const { events, host } = collectingHost();
		host.handle({ type: 'save-state', id: 9, format: 'pickle' } as never);
		expect(events).toEqual([{ type: 'failed', id: 9, message: 'doc: expected a graph document' }]);
	});
});

describe('the host', () => {
	it('posts progress events with the history since the previous one, then finished with predicted', async () => {
		const { events, host, settled } = collectingHost(2);
		host.handle({ type: 'start', ...config() });
		await settled();
		const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
		expect(progress.length).toBeGreaterThan(2);
		const first = progress[0];
		expect(first).toMatchObject({
			status: 'running',
			epoch: 0,
			restart: true,
			from: 0,
			device: 'cpu'
		});
		expect(first.model).toEqual({
			lossId: 'n6',
			inputId: 'n1',
			targetId: 'n4',
			parameterIds: ['n2', 'n3'],
			keys: { n2: 'weight', n3: 'bias' },
			line: { weightId: 'n2', biasId: 'n3' },
			reduction: 'mean'
		});
		// Each event continues where the previous one stopped.
		let expected = 0;
		for (const event of progress) {
			expect(event.from).toBe(expected);
			expect(event.losses).toBeInstanceOf(Float64Array);
			expect(event.weights!.length).toBe(event.losses.length);
			expected += event.losses.length;
		}
		expect(expected).toBe(1000);
		const last = progress.at(-1)!;
		expect(last).toMatchObject({
			status: 'finished',
			epoch: 1000,
			run: { done: 1000, total: 1000 }
		});
		expect(last.predicted).toMatch(/^array\(\[\[ 0\.99\d*\s*\],/);
		expect(progress.flatMap((e) => e.logs)).toHaveLength(20);
		expect(Math.abs(last.line!.w - 2)).toBeLessThan(0.05);
		expect(last.parameters!.n2[0]).toBe(last.line!.w);
		// Plain data only: structured clone keeps it as it is.
		expect(structuredClone(last)).toEqual(last);
	});

	it('falls back to the CPU with a notice when WebGPU is asked for and missing', async () => {
		const { events, host } = collectingHost();
		host.handle({ type: 'step', ...config({ device: 'webgpu' }) });
		await new Promise((resolve) => setTimeout(resolve, 50));
		const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
		expect(progress.at(-1)).toMatchObject({ device: 'cpu', epoch: 1, status: 'idle' });
		const notice = progress.map((e) => e.notice).find((n) => n !== null);
		expect(notice).toEqual({ code: 'gpuUnavailable', reason: 'no adapter in this test' });
		expect(noticeText(notice!)).toBe(
			'WebGPU is not available (no adapter in this test); training runs on the CPU'
		);
	});

	it('reports a graph it cannot train as an error on the node', async () => {
		const { events, host } = collectingHost();
		const broken = {
			...doc,
			nodes: doc.nodes.map((n) =>
				n.id === 'n4' ? { ...n, attrs: { ...n.attrs, requiresGrad: true } } : n
			)
		};
		host.handle({ type: 'start', ...config({ doc: broken }) });
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(events.at(-1)).toMatchObject({ type: 'progress', status: 'error', nodeId: 'n4' });
		expect((events.at(-1) as ProgressEvent).message).toMatch(/target 'y' must be a tensor leaf/);
	});
});

describe('a round trip through the in-thread client', () => {
	it('trains, pauses, resumes, steps, saves, loads and resets', async () => {
		const client = new TrainingClient({ mode: 'in-thread', hostOptions: { sliceMs: 1 } });
		expect(client.mode).toBe('in-thread');
		expect(client.lastParameters).toBeNull();
		const c = config();

		client.start(c);
		await waitFor(client, (s) => s.status === 'running' && s.epoch > 0);
		client.pause();
		const paused = await waitFor(client, (s) => s.status === 'paused');
		expect(paused.run!.done).toBeLessThan(1000);
		expect(paused.losses.length).toBe(paused.epoch);
		expect(paused.predicted).not.toBeNull();

		client.step(c);
		const stepped = await waitFor(client, (s) => s.epoch === paused.epoch + 1);
		expect(stepped.status).toBe('paused');

		client.resume(c);
		const done = await waitFor(client, (s) => s.status === 'finished');
		expect(done.run).toEqual({ done: 1000, total: 1000 });
		expect(done.epoch).toBe(1001);
		expect(done.losses.length).toBe(1001);
		expect(done.trajectory!.w.length).toBe(1001);
		expect(Math.abs(done.line!.w - 2)).toBeLessThan(0.05);
		expect(Math.abs(done.line!.b - 1)).toBeLessThan(0.1);
		expect(plain(client.lastParameters!)).toEqual({ n2: [done.line!.w], n3: [done.line!.b] });

		const bytes = await client.saveState(c, 'safetensors');
		expect(Object.keys(torch.loadStateDict(bytes))).toEqual(['weight', 'bias']);

		client.reset(c);
		const reset = await waitFor(client, (s) => s.epoch === 0);
		expect(reset.losses.length).toBe(0);
		expect(reset.logs).toEqual([]);
		expect(plain(reset.parameters)).toEqual({ n2: [0], n3: [0] });

		expect(await client.loadState(c, bytes)).toEqual(['weight', 'bias']);
		const loaded = await waitFor(client, (s) => s.parameters.n2[0] !== 0);
		expect(plain(loaded.parameters)).toEqual({ n2: [done.line!.w], n3: [done.line!.b] });
		expect(loaded.logs.at(-1)).toBe('<All keys matched successfully>');

		const wrong = torch.saveStateDict(
			{ weight: torch.tensor([[1, 2]]), bias: torch.tensor([0]) },
			'json'
		);
		await expect(client.loadState(c, wrong)).rejects.toThrow(
			'size mismatch for weight: copying a param with shape torch.Size([1, 2]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		);
		expect(client.state.parameters).toEqual(loaded.parameters);
		client.dispose();
	});

	it('diverges at lr = 5 with the message, keeping finite parameters', async () => {
		const client = new TrainingClient({ mode: 'in-thread' });
		client.start(config({ settings: { ...DEFAULT_SETTINGS, lr: 5 } }));
		const state = await waitFor(client, (s) => s.status === 'diverged');
		expect(state.message).toMatch(/^the loss diverged at epoch \d+; try a smaller learning rate$/);
		expect(state.logs.at(-1)).toBe(state.message);
		expect(Number.isFinite(state.line!.w)).toBe(true);
		expect(state.line!.w).toBe(state.trajectory!.w.at(-1));
		client.dispose();
	});

	it('keeps the parameters when only the data, settings or names change, and rebuilds for a new model', async () => {
		const client = new TrainingClient({ mode: 'in-thread' });
		client.step(config());
		await waitFor(client, (s) => s.epoch === 1);
		const moved = client.state.parameters;
		client.step(config({ data: formulaData({ slope: 3, intercept: 0, noise: 0, seed: 0 }) }));
		const second = await waitFor(client, (s) => s.epoch === 2);
		expect(second.losses.length).toBe(2);
		expect(second.trajectory!.w[1]).toBe(moved.n2[0]);
		// Renamed and moved nodes, and a node that does not reach the loss: the same model.
		const renamed = {
			...doc,
			nodes: [
				...doc.nodes.map((n) =>
					n.id === 'n2' ? { ...n, name: 'w', position: { x: 900, y: 900 } } : n
				),
				{
					id: 'n9',
					op: 'tensor',
					name: 'spare',
					position: { x: 0, y: 0 },
					attrs: { shape: [2], init: 'ones', requiresGrad: true }
				}
			]
		} as GraphDocument;
		client.step(config({ doc: renamed }));
		const third = await waitFor(client, (s) => s.epoch === 3);
		expect(third.losses.length).toBe(3);
		// A new init for the bias: another model, trained from its leaves.
		const newInit = {
			...doc,
			nodes: doc.nodes.map((n) =>
				n.id === 'n3'
					? { ...n, attrs: { shape: [1], init: 'full', fill: 0.5, requiresGrad: true } }
					: n
			)
		} as GraphDocument;
		client.step(config({ doc: newInit }));
		const rebuilt = await waitFor(client, (s) => s.epoch === 1 && s.losses.length === 1);
		expect(rebuilt.trajectory!.w[0]).toBe(0);
		expect(rebuilt.trajectory!.b[0]).toBe(0.5);
		client.dispose();
	});
});

/**
 * QA: a 1024 x 1024 parameter froze the page; every progress event carried its million values
 * (4 MB, some 60 times a second), which kept the page's garbage collector busy. A model of more
 * than LIVE_VALUES_MAX values sends them at most every FULL_VALUES_MS while it trains, and at
 * every event that ends a phase.
 */
describe('the values of a big model', () => {
	it('go at most every FULL_VALUES_MS while it trains, and with the end of the run', async () => {
		// x [11, 1] @ A [1, 120000], a mean over dim 1, mse_loss with y: 120,000 values to train.
		const doc = exampleDocument('linear-regression')!;
		const big: GraphDocument = {
			...doc,
			nodes: [
				...doc.nodes.map((n) =>
					n.id === 'n2'
						? { ...n, attrs: { shape: [1, 120_000], init: 'zeros', requiresGrad: true } }
						: n.id === 'n5'
							? { ...n, op: 'matmul' }
							: n
				),
				{
					id: 'm',
					op: 'mean',
					name: 'm',
					position: { x: 0, y: 0 },
					attrs: { dim: [1], keepdim: true }
				}
			],
			edges: [
				{ id: 'a', source: 'n1', target: 'n5', targetInput: 'input' },
				{ id: 'b', source: 'n2', target: 'n5', targetInput: 'other' },
				{ id: 'c', source: 'n5', target: 'm', targetInput: 'input' },
				{ id: 'd', source: 'm', target: 'n6', targetInput: 'input' },
				{ id: 'e', source: 'n4', target: 'n6', targetInput: 'target' }
			]
		};
		let clock = 0;
		const events: ProgressEvent[] = [];
		const host = new TrainingHost(
			(event) => {
				if (event.type === 'progress') events.push(event);
			},
			{
				sliceMs: 16,
				// Each reading of the clock is 10 ms later: every epoch is a slice of its own.
				now: () => (clock += 10),
				initWebGPU: async () => ({ available: false, reason: 'no adapter in this test' })
			}
		);
		host.handle({
			type: 'start',
			doc: big,
			data: formulaData(),
			settings: { ...DEFAULT_SETTINGS, epochs: 60 },
			device: 'cpu'
		});
		for (let i = 0; i < 100_000 && events.at(-1)?.status !== 'finished'; i++) {
			await new Promise((resolve) => setTimeout(resolve, 0));
		}
		expect(events.at(-1)).toMatchObject({ status: 'finished', epoch: 60 });
		expect(events.at(-1)!.parameters!.n2).toHaveLength(120_000);
		const running = events.filter((e) => e.status === 'running');
		expect(running.length).toBeGreaterThan(20);
		const withValues = running.filter((e) => e.parameters !== null);
		// The first (a new model) and then a few: not one per event.
		expect(withValues.length).toBeGreaterThan(0);
		expect(withValues.length).toBeLessThan(running.length / 3);
		host.dispose();
	});
});
