/**
 * defaultDevice() picks WebGPU on a real GPU only: Chromium's SwiftShader adapter (here) is
 * registered, so `device: 'webgpu'` runs on it, but the default stays the CPU. The real adapter
 * is also offered under a GPU's name (a fake `navigator.gpu` around it): then the default is
 * WebGPU. The tests run in order.
 */
import { describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';

/** A `navigator.gpu` whose adapter is the real one, described by `info`. */
async function disguisedGpu(info: Record<string, unknown>): Promise<GPU> {
	const real = (await navigator.gpu.requestAdapter())!;
	const adapter = {
		info,
		limits: real.limits,
		features: real.features,
		requestDevice: (descriptor?: GPUDeviceDescriptor) => real.requestDevice(descriptor)
	};
	return { requestAdapter: async () => adapter } as unknown as GPU;
}

describe('defaultDevice', () => {
	test('an adapter named as a GPU is the default device', async () => {
		const gpu = await disguisedGpu({ vendor: 'nvidia', architecture: 'ampere' });
		const status = await torch.initWebGPU({ gpu });
		expect(status).toMatchObject({ available: true, software: null });
		expect(torch.defaultDevice()).toBe('webgpu');
		expect(await torch.ones([3], { device: torch.defaultDevice() }).sum().itemAsync()).toBe(3);
		torch.webgpu.simulateFault('device-lost');
		await expect.poll(() => torch.hasBackend('webgpu')).toBe(false);
		expect(torch.defaultDevice()).toBe('cpu');
	});

	test('an adapter flagged as a fallback is registered but never the default', async () => {
		const gpu = await disguisedGpu({ vendor: 'someone', isFallbackAdapter: true });
		const status = await torch.initWebGPU({ gpu });
		expect(status).toMatchObject({ available: true, software: '' });
		expect(torch.hasBackend('webgpu')).toBe(true);
		expect(torch.defaultDevice()).toBe('cpu');
		torch.webgpu.simulateFault('device-lost');
		await expect.poll(() => torch.hasBackend('webgpu')).toBe(false);
	});

	test("Chromium's SwiftShader adapter: 'webgpu' runs when asked, the default is the CPU", async () => {
		const status = await torch.initWebGPU();
		expect(status.available).toBe(true);
		expect(status.adapterInfo?.isFallbackAdapter).toBe(true);
		expect(status.software).toBe('SwiftShader');
		expect(torch.defaultDevice()).toBe('cpu');
		const x = torch.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
		x.mul(x).sum().backward();
		expect(await x.grad!.tolistAsync()).toEqual([2, 4, 6]);
		// numpy(): PyTorch's refusal for a device tensor; numpyAsync() reads a copy back.
		expect(() => x.grad!.numpy()).toThrow(
			"can't convert webgpu device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first."
		);
		const values = await x.grad!.numpyAsync();
		expect(values).toBeInstanceOf(Float32Array);
		expect(Array.from(values)).toEqual([2, 4, 6]);
		values[0] = 0;
		expect(await x.grad!.tolistAsync()).toEqual([2, 4, 6]);
		// runWithFallback follows the default unless told the device.
		const seen: torch.Device[] = [];
		await torch.runWithFallback((device) => seen.push(device));
		await torch.runWithFallback((device) => seen.push(device), { device: 'webgpu' });
		expect(seen).toEqual(['cpu', 'webgpu']);
	});

	test('torch.compile runs a WebGPU step eagerly, with eager results', async () => {
		const run = async (compileIt: boolean) => {
			const w = torch.tensor([0.5, -1], { device: 'webgpu', requiresGrad: true });
			const x = torch.tensor([1, 2], { device: 'webgpu' });
			const optimizer = new torch.optim.SGD([w], { lr: 0.1 });
			let step = () => {
				optimizer.zeroGrad();
				const loss = x.mul(w).sub(1).pow(2).sum();
				loss.backward();
				optimizer.step();
				return loss;
			};
			if (compileIt) step = torch.compile(step);
			const losses: number[] = [];
			for (let i = 0; i < 4; i++) losses.push(await step().itemAsync());
			return { losses, w: await w.tolistAsync(), stats: (step as { stats?: unknown }).stats };
		};
		const eager = await run(false);
		const compiled = await run(true);
		expect(compiled.losses).toEqual(eager.losses);
		expect(compiled.w).toEqual(eager.w);
		expect(compiled.stats).toMatchObject({ recorded: 1, eager: 3, replayed: 0 });
		expect((compiled.stats as torch.CompileStats).lastReason).toMatch(/device/);
	});
});
