/**
 * The tutorial's GPU section on WebGPU (SwiftShader here): model.to(device), the data moved
 * .to(device) each epoch, loss.item() read back every 50 epochs. The same losses as the CPU's,
 * to float32's rounding on the GPU.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import { chooseDevice, DeviceRegressionExample, pythonDevice } from '$lib/tutorial/gpu-cells';
import { requireWebGPU } from '../engine/webgpu-helpers';

let software: string | null | undefined;

beforeAll(async () => {
	software = (await requireWebGPU()).software;
});

describe('the GPU section on WebGPU', () => {
	test('auto picks WebGPU only on a real GPU; WebGPU can be forced on any adapter', () => {
		expect(chooseDevice('auto')).toBe(software === null ? 'webgpu' : 'cpu');
		expect(chooseDevice('webgpu')).toBe('webgpu');
		expect(pythonDevice(chooseDevice('webgpu'))).toBe("device(type='cuda', index=0)");
	});

	test("1000 epochs on WebGPU print the loop's 20 lines, with the CPU's losses", async () => {
		const gpu = new DeviceRegressionExample(0, 'webgpu');
		expect(gpu.modelRepr).toBe(
			'LinearRegressionModel(\n  (linear): Linear(in_features=1, out_features=1, bias=True)\n)'
		);
		const onGpu = await gpu.train();
		expect(onGpu.error).toBeNull();
		expect(onGpu.device).toBe('webgpu');
		expect(onGpu.log).toHaveLength(20);
		expect(onGpu.log[19]).toMatch(/^epoch 1000, loss \d/);
		const onCpu = await new DeviceRegressionExample(0, 'cpu').train();
		onGpu.losses.forEach((loss, i) =>
			expect(Math.abs(loss - onCpu.losses[i])).toBeLessThan(1e-4 + 1e-3 * onCpu.losses[i])
		);
		expect(Math.abs(onGpu.weight - 2)).toBeLessThan(0.05);
		await torch.webgpu.synchronize();
	});
});
