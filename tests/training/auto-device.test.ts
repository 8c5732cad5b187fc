/**
 * Auto's device (auto-device.ts): the CPU unless a real GPU is faster on this graph, timed once.
 * The choice from fake adapter reports and calibration outcomes; the timing with a fake clock;
 * and the host's choice with fake WebGPUs (none, a software adapter, a GPU that fails).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	type ProgressEvent,
	type TrainConfig,
	type TrainEvent
} from '$lib/training';
import { TrainingHost } from '$lib/training/host';
import { chooseAuto, timeEpochs } from '$lib/training/auto-device';
import { autoText, formatMs } from '$lib/editor/TrainPanel/auto-text';
import { translate } from '$lib/i18n';

describe('chooseAuto', () => {
	it('no adapter: the CPU', () => {
		expect(chooseAuto({ available: false }, null)).toEqual({
			device: 'cpu',
			reason: { kind: 'no-webgpu' }
		});
	});

	it('a software adapter: the CPU, naming it, without timing anything', () => {
		for (const adapter of ['SwiftShader', 'llvmpipe', '']) {
			const calibration = { cpuMs: 50, gpuMs: 1 };
			for (const known of [null, calibration]) {
				expect(chooseAuto({ available: true, software: adapter }, known)).toEqual({
					device: 'cpu',
					reason: { kind: 'software', adapter }
				});
			}
		}
	});

	it('a real GPU: calibrate first, then the faster device', () => {
		const gpu = { available: true, software: null } as const;
		expect(chooseAuto(gpu, null)).toBe('calibrate');
		expect(chooseAuto(gpu, { cpuMs: 0.3, gpuMs: 4 })).toEqual({
			device: 'cpu',
			reason: { kind: 'calibrated', cpuMs: 0.3, gpuMs: 4 }
		});
		expect(chooseAuto(gpu, { cpuMs: 40, gpuMs: 3 })).toEqual({
			device: 'webgpu',
			reason: { kind: 'calibrated', cpuMs: 40, gpuMs: 3 }
		});
		// A tie is not "faster": the CPU, with no round trips to wait for.
		expect(chooseAuto(gpu, { cpuMs: 2, gpuMs: 2 })).toMatchObject({ device: 'cpu' });
	});
});

describe('timeEpochs', () => {
	/** A clock that moves only when an epoch runs, by the given durations in turn. */
	function fakeEpochs(durations: number[]) {
		let clock = 0;
		let calls = 0;
		return {
			now: () => clock,
			epoch: async () => {
				clock += durations[Math.min(calls, durations.length - 1)];
				calls++;
			},
			calls: () => calls
		};
	}

	it('times a run of epochs shorter than the clock step (a compiled epoch in a browser)', async () => {
		// A clock of 0.1 ms steps; each epoch takes 1 µs of it.
		let exact = 0;
		const now = () => Math.floor(exact / 0.1) * 0.1;
		const epoch = async () => {
			exact += 0.001;
		};
		const ms = await timeEpochs(epoch, { now, epochs: 5, budgetMs: 40 });
		expect(ms).toBeGreaterThan(0.0008);
		expect(ms).toBeLessThan(0.0012);
		// A clock that never moves gives 0, and returns.
		expect(await timeEpochs(async () => {}, { now: () => 0, epochs: 3 })).toBe(0);
	});

	it('leaves out the warm-up epochs and takes the median of the timed ones', async () => {
		// Warm-up 100 ms (pipelines compiling) then 1, 9, 2, 3, 2 ms.
		const fake = fakeEpochs([100, 100, 1, 9, 2, 3, 2]);
		const ms = await timeEpochs(fake.epoch, { now: fake.now, epochs: 5, budgetMs: 1000 });
		expect(ms).toBe(2);
		expect(fake.calls()).toBe(7);
	});

	it('stops when its time budget is spent, after at least one timed epoch', async () => {
		const slow = fakeEpochs([30]);
		expect(await timeEpochs(slow.epoch, { now: slow.now, warmup: 1, budgetMs: 40 })).toBe(30);
		expect(slow.calls()).toBe(3); // one warm-up, then 30 ms and 60 ms > 40 ms
		const verySlow = fakeEpochs([500]);
		await timeEpochs(verySlow.epoch, { now: verySlow.now, warmup: 0, budgetMs: 40 });
		expect(verySlow.calls()).toBe(1);
	});
});

describe('the words for it', () => {
	const t =
		(locale: 'en' | 'zh') =>
		(key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
			translate(locale, key, params);

	it('says the device and why, in English and Chinese', () => {
		const software = {
			device: 'cpu',
			reason: { kind: 'software', adapter: 'SwiftShader' }
		} as const;
		expect(autoText(software, t('en'))).toBe(
			'Auto: CPU — the only GPU adapter is a software fallback (SwiftShader) that runs on the CPU, and slower'
		);
		expect(autoText(software, t('zh'))).toMatch(/^自动：CPU — .*SwiftShader/);
		const timed = {
			device: 'cpu',
			reason: { kind: 'calibrated', cpuMs: 0.31, gpuMs: 4.2 }
		} as const;
		expect(autoText(timed, t('en'))).toBe(
			'Auto: CPU — faster for this graph (timed once: CPU 0.31 ms vs GPU 4.2 ms per epoch)'
		);
		expect(autoText({ ...timed, device: 'webgpu' }, t('zh'))).toMatch(
			/^自动：WebGPU — .*0\.31.*4\.2/
		);
		expect(autoText('calibrate', t('en'))).toMatch(/^Auto: decided when training starts/);
		expect(autoText({ device: 'cpu', reason: { kind: 'no-webgpu' } }, t('en'))).toBe(
			'Auto: CPU — no WebGPU adapter here'
		);
	});

	it('formats milliseconds to about two significant digits', () => {
		expect([0.3125, 4.234, 17.6].map(formatMs)).toEqual(['0.31', '4.2', '18']);
	});
});

describe('the host on Auto', () => {
	const doc = exampleDocument('linear-regression')!;
	const config = (overrides: Partial<TrainConfig> = {}): TrainConfig => ({
		doc,
		data: formulaData(),
		settings: DEFAULT_SETTINGS,
		device: 'auto',
		...overrides
	});

	/** A 'webgpu' backend that counts its calls and fails each one that computes. */
	function fakeBackend() {
		const calls: string[] = [];
		const fail = (name: string) => () => {
			calls.push(name);
			throw new Error('this fake GPU computes nothing');
		};
		const backend: torch.Backend = {
			device: 'webgpu',
			run: fail('run'),
			runInPlace: fail('runInPlace'),
			upload: fail('upload'),
			download: fail('download'),
			fill: fail('fill'),
			track: () => {}
		};
		return { backend, calls };
	}

	afterEach(() => torch.unregisterBackend('webgpu'));

	async function stepOnce(host: TrainingHost, events: TrainEvent[], request: TrainConfig) {
		host.handle({ type: 'step', ...request });
		for (let i = 0; i < 1000; i++) {
			await new Promise((resolve) => setTimeout(resolve, 0));
			const last = events.filter((e): e is ProgressEvent => e.type === 'progress').at(-1);
			if (last && last.epoch >= 1) return last;
		}
		throw new Error('no epoch');
	}

	it('no WebGPU: the CPU, and says so; the CPU choice says nothing about Auto', async () => {
		const events: TrainEvent[] = [];
		const host = new TrainingHost((event) => events.push(event), {
			initWebGPU: async () => ({ available: false, reason: 'none here' })
		});
		const last = await stepOnce(host, events, config());
		expect(last).toMatchObject({
			device: 'cpu',
			auto: { device: 'cpu', reason: { kind: 'no-webgpu' } }
		});
		host.handle({ type: 'step', ...config({ device: 'cpu' }) });
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect((events.at(-1) as ProgressEvent).auto).toBeNull();
	});

	it('a software adapter: the CPU, naming it, and the GPU is never touched', async () => {
		const { backend, calls } = fakeBackend();
		torch.registerBackend(backend, { isDefault: false });
		const events: TrainEvent[] = [];
		const host = new TrainingHost((event) => events.push(event), {
			initWebGPU: async () => ({ available: true, software: 'SwiftShader' })
		});
		const last = await stepOnce(host, events, config());
		expect(last).toMatchObject({
			device: 'cpu',
			auto: { device: 'cpu', reason: { kind: 'software', adapter: 'SwiftShader' } }
		});
		expect(calls).toEqual([]);
	});

	it('a real GPU that fails while it is timed: the CPU, saying WebGPU failed', async () => {
		const { backend, calls } = fakeBackend();
		torch.registerBackend(backend);
		const events: TrainEvent[] = [];
		const host = new TrainingHost((event) => events.push(event), {
			initWebGPU: async () => ({ available: true, software: null })
		});
		const last = await stepOnce(host, events, config());
		expect(last).toMatchObject({
			device: 'cpu',
			epoch: 1,
			auto: { device: 'cpu', reason: { kind: 'gpu-failed' } }
		});
		expect(calls.length).toBeGreaterThan(0);
	});
});
