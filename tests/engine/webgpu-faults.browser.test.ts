/**
 * Faults: no WebGPU, no adapter, failing adapter/device requests, a lost device and
 * out-of-memory. Each falls back to the CPU, tells onFallback listeners why, and
 * runWithFallback redoes the interrupted computation on the CPU. The tests run in order: the
 * first ones need no WebGPU backend to exist yet.
 */
import { afterAll, describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import type { FallbackEvent } from '$lib/engine';
import { nextTask, requireWebGPU } from './webgpu-helpers';

const events: FallbackEvent[] = [];
const stopListening = torch.onFallback((event) => events.push(event));
afterAll(stopListening);

/** A fake `navigator.gpu` (only what initWebGPU calls). */
const fakeGpu = (requestAdapter: () => Promise<unknown>) => ({ requestAdapter }) as unknown as GPU;

/** The tutorial's linear regression on `device`; `during(epoch)` runs after each epoch. */
async function regression(
	device: torch.Device,
	epochs: number,
	during?: (epoch: number) => void | Promise<void>
): Promise<[number, number]> {
	const xs = Float32Array.from({ length: 11 }, (_, i) => i);
	const x = torch.tensor(xs, { shape: [11, 1], device });
	const y = torch.tensor(
		xs.map((v) => 2 * v + 1),
		{ shape: [11, 1], device }
	);
	const w = torch.tensor(0, { requiresGrad: true, device });
	const b = torch.tensor(0, { requiresGrad: true, device });
	const optimizer = new torch.optim.SGD([w, b], { lr: 0.01 });
	for (let epoch = 1; epoch <= epochs; epoch++) {
		optimizer.zeroGrad();
		x.mul(w).add(b).sub(y).pow(2).mean().backward();
		optimizer.step();
		await during?.(epoch);
	}
	return [await w.itemAsync(), await b.itemAsync()];
}

describe('no WebGPU: everything stays on the CPU', () => {
	test('navigator.gpu missing: initWebGPU reports it and defaultDevice() is cpu', async () => {
		Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
		try {
			expect(navigator.gpu).toBeUndefined();
			const status = await torch.initWebGPU();
			expect(status.available).toBe(false);
			expect(status.reason).toMatch(/navigator\.gpu is missing/);
			expect(torch.defaultDevice()).toBe('cpu');
			expect(events.at(-1)?.kind).toBe('unsupported');
			expect(() => torch.ones([2], { device: 'webgpu' })).toThrow(/WebGPU is not available/);
			// runWithFallback runs on the CPU straight away.
			const seen: torch.Device[] = [];
			const sum = await torch.runWithFallback(async (device) => {
				seen.push(device);
				return torch.ones([3], { device }).sum().itemAsync();
			});
			expect([sum, seen]).toEqual([3, ['cpu']]);
		} finally {
			delete (navigator as unknown as Record<string, unknown>).gpu;
		}
		expect(navigator.gpu).toBeDefined();
	});

	test('requestAdapter resolving null, or rejecting, falls back with the reason', async () => {
		const none = await torch.initWebGPU({ gpu: fakeGpu(async () => null) });
		expect(none).toEqual({ available: false, reason: 'no WebGPU adapter was found' });
		expect(events.at(-1)?.kind).toBe('no-adapter');
		const rejected = await torch.initWebGPU({
			gpu: fakeGpu(async () => {
				throw new Error('adapter blocked');
			})
		});
		expect(rejected.available).toBe(false);
		expect(rejected.reason).toMatch(/requesting a WebGPU adapter failed: adapter blocked/);
		expect(events.at(-1)?.kind).toBe('adapter-request-failed');
		expect(torch.defaultDevice()).toBe('cpu');
	});

	test('requestDevice rejecting falls back with the reason', async () => {
		const adapter = {
			limits: { maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28 },
			info: {},
			requestDevice: async () => {
				throw new Error('device refused');
			}
		};
		const status = await torch.initWebGPU({ gpu: fakeGpu(async () => adapter) });
		expect(status.available).toBe(false);
		expect(status.reason).toMatch(/requesting a WebGPU device failed: device refused/);
		expect(events.at(-1)).toEqual({
			kind: 'device-request-failed',
			reason: status.reason,
			device: 'cpu'
		});
		expect(torch.defaultDevice()).toBe('cpu');
	});
});

describe('faults while computing on WebGPU', () => {
	test('an adapter registers the backend; defaultDevice() is webgpu on a real GPU only', async () => {
		const status = await requireWebGPU();
		expect(status.adapterInfo).toBeDefined();
		expect(torch.hasBackend('webgpu')).toBe(true);
		// Chromium's SwiftShader here: a software adapter, which is never the default device.
		expect(torch.defaultDevice()).toBe(status.software === null ? 'webgpu' : 'cpu');
	});

	test('a device lost mid-training: the computation is redone on the CPU and finishes', async () => {
		const expected = await regression('cpu', 200);
		const before = events.length;
		const devices: torch.Device[] = [];
		const result = await torch.runWithFallback(
			(device) => {
				devices.push(device);
				return regression(device, 200, async (epoch) => {
					if (device === 'webgpu' && epoch === 50) torch.webgpu.simulateFault('device-lost');
					// The loss is reported between tasks; the next op then finds no backend.
					if (epoch % 25 === 0) await nextTask();
				});
			},
			{ device: 'webgpu' }
		);
		expect(devices).toEqual(['webgpu', 'cpu']);
		expect(result).toEqual(expected);
		expect(events.slice(before).map((e) => e.kind)).toEqual(['device-lost']);
		expect(events.at(-1)?.reason).toMatch(/the GPU device was lost \(destroyed\)/);
		expect(torch.defaultDevice()).toBe('cpu');
		expect(torch.hasBackend('webgpu')).toBe(false);
	});

	test('a loss noticed only at readback is redone on the CPU too; initWebGPU recovers', async () => {
		expect((await torch.initWebGPU()).available).toBe(true);
		expect(torch.hasBackend('webgpu')).toBe(true);
		const expected = await regression('cpu', 60);
		const devices: torch.Device[] = [];
		const result = await torch.runWithFallback(
			(device) => {
				devices.push(device);
				// No await inside the loop: the device dies under it and the readback fails.
				return regression(device, 60, (epoch) => {
					if (device === 'webgpu' && epoch === 30) torch.webgpu.simulateFault('device-lost');
				});
			},
			{ device: 'webgpu' }
		);
		expect(devices).toEqual(['webgpu', 'cpu']);
		expect(result).toEqual(expected);
		expect((await torch.initWebGPU()).available).toBe(true);
		expect(await torch.ones([4], { device: 'webgpu' }).sum().itemAsync()).toBe(4);
	});

	test('out of memory falls back to the CPU and the computation is redone there', async () => {
		expect(torch.hasBackend('webgpu')).toBe(true);
		const before = events.length;
		const devices: torch.Device[] = [];
		const total = await torch.runWithFallback(
			async (device) => {
				devices.push(device);
				if (device === 'webgpu') torch.webgpu.simulateFault('out-of-memory');
				// A new size class, so the pool must create a buffer (inside the error scope).
				const big = torch.ones([3, 100_003], { device });
				return big.mul(2).sum().itemAsync();
			},
			{ device: 'webgpu' }
		);
		expect(devices).toEqual(['webgpu', 'cpu']);
		expect(total).toBe(600_018);
		expect(events.slice(before).map((e) => e.kind)).toEqual(['out-of-memory']);
		expect(events.at(-1)?.reason).toMatch(/out of GPU memory/);
		expect(torch.defaultDevice()).toBe('cpu');
		expect(torch.webgpu.memoryStats()).toBeNull();
	});

	test('errors that are not GPU faults are thrown, not retried on the CPU', async () => {
		expect((await torch.initWebGPU()).available).toBe(true);
		const devices: torch.Device[] = [];
		await expect(
			torch.runWithFallback(
				(device) => {
					devices.push(device);
					return torch.ones([2, 3], { device }).matmul(torch.ones([2, 3], { device }));
				},
				{ device: 'webgpu' }
			)
		).rejects.toThrow('mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)');
		expect(devices).toEqual(['webgpu']);
		expect(torch.hasBackend('webgpu')).toBe(true);
	});
});
