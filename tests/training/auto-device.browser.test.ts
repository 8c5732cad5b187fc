/**
 * Auto in Chromium, whose only WebGPU adapter is SwiftShader, a software fallback: Auto trains
 * on the CPU and the Train panel says why (in English and Chinese), before and after training.
 * The same adapter offered under a GPU's name is timed once on the graph instead (the host's
 * calibration), and Auto takes the faster device. The tests run in order.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-svelte';
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
import TrainPanelWithLanguage from './TrainPanelWithLanguage.svelte';

const doc = exampleDocument('linear-regression')!;
const config: TrainConfig = {
	doc,
	data: formulaData(),
	settings: DEFAULT_SETTINGS,
	device: 'auto'
};

/** One epoch on a new host; its last progress event. */
async function oneEpoch(host: TrainingHost, events: TrainEvent[]): Promise<ProgressEvent> {
	host.handle({ type: 'step', ...config });
	await expect
		.poll(() => events.some((e) => e.type === 'progress' && e.epoch === 1), { timeout: 15_000 })
		.toBe(true);
	return events.filter((e): e is ProgressEvent => e.type === 'progress').at(-1)!;
}

afterEach(() => {
	document.body.innerHTML = '';
});

describe('Auto on a real GPU: timed once on the graph', () => {
	test('the adapter under a GPU name is calibrated, and Auto takes the faster device', async () => {
		const real = (await navigator.gpu.requestAdapter())!;
		const adapter = {
			info: { vendor: 'nvidia', architecture: 'ampere' },
			limits: real.limits,
			requestDevice: (descriptor?: GPUDeviceDescriptor) => real.requestDevice(descriptor)
		};
		const gpu = { requestAdapter: async () => adapter } as unknown as GPU;
		const events: TrainEvent[] = [];
		let timings = 0;
		const host = new TrainingHost((event) => events.push(event), {
			initWebGPU: () => torch.initWebGPU({ gpu }),
			calibration: { now: () => (timings++, performance.now()) }
		});
		const last = await oneEpoch(host, events);
		expect(last.auto?.reason.kind).toBe('calibrated');
		const reason = last.auto!.reason as { cpuMs: number; gpuMs: number };
		expect(reason.cpuMs).toBeGreaterThan(0);
		expect(reason.gpuMs).toBeGreaterThan(0);
		expect(last.auto!.device).toBe(reason.gpuMs < reason.cpuMs ? 'webgpu' : 'cpu');
		expect(last.device).toBe(last.auto!.device);
		// Once per graph: a second epoch times nothing again.
		const before = timings;
		host.handle({ type: 'step', ...config });
		await expect
			.poll(() => events.some((e) => e.type === 'progress' && e.epoch === 2), { timeout: 15_000 })
			.toBe(true);
		expect(timings).toBe(before);
		host.dispose();
		torch.webgpu.simulateFault('device-lost');
		await expect.poll(() => torch.hasBackend('webgpu')).toBe(false);
	});
});

describe("Auto on Chromium's SwiftShader", () => {
	test('the host trains on the CPU and names the software adapter', async () => {
		const events: TrainEvent[] = [];
		const host = new TrainingHost((event) => events.push(event));
		const last = await oneEpoch(host, events);
		expect(last.device).toBe('cpu');
		expect(last.auto).toEqual({
			device: 'cpu',
			reason: { kind: 'software', adapter: 'SwiftShader' }
		});
		// WebGPU is still there when asked for by name.
		expect(torch.hasBackend('webgpu')).toBe(true);
		host.dispose();
	});

	test('the Train panel says Auto chose the CPU and why, before and after training', async () => {
		const screen = await render(TrainPanelWithLanguage, { doc });
		const line = screen.getByTestId('auto-device');
		await expect
			.element(line)
			.toHaveTextContent(
				'Auto: CPU — the only GPU adapter is a software fallback (SwiftShader) that runs on the CPU, and slower'
			);
		// The line describes the Device choice; WebGPU is offered, named as the software it is.
		await expect
			.element(screen.getByRole('combobox', { name: 'Device' }))
			.toHaveAccessibleDescription(/^Auto: CPU — .*SwiftShader/);
		await expect
			.element(screen.getByRole('option', { name: 'WebGPU (software: SwiftShader)' }))
			.toBeEnabled();
		await screen.getByRole('button', { name: 'Step epoch' }).click();
		await expect.element(screen.getByText('Device:')).toHaveTextContent('Device: CPU');
		await expect.element(line).toHaveTextContent(/^Auto: CPU — .*\(SwiftShader\)/);
		// Choosing a device by hand: no Auto line.
		await screen.getByRole('combobox', { name: 'Device' }).selectOptions('cpu');
		await expect.element(line).not.toBeInTheDocument();
	});

	test('in Chinese too', async () => {
		const screen = await render(TrainPanelWithLanguage, { doc, locale: 'zh' });
		await expect
			.element(screen.getByTestId('auto-device'))
			.toHaveTextContent(/^自动：CPU — 唯一的 GPU 适配器是.*（SwiftShader）/);
	});
});
