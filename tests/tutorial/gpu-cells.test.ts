/** The tutorial's GPU section (src/lib/tutorial/gpu-cells.ts), here on the CPU (Node has no WebGPU). */
import { describe, expect, it } from 'vitest';
import { LinearRegressionExample } from '$lib/tutorial/cells';
import {
	adapterName,
	chooseDevice,
	DeviceRegressionExample,
	pythonDevice
} from '$lib/tutorial/gpu-cells';

describe('device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")', () => {
	it('prints as PyTorch prints the device WebGPU stands for', () => {
		expect(pythonDevice('webgpu')).toBe("device(type='cuda', index=0)");
		expect(pythonDevice('cpu')).toBe("device(type='cpu')");
	});

	it('without a WebGPU backend every choice runs on the CPU', () => {
		expect(chooseDevice('auto')).toBe('cpu');
		expect(chooseDevice('webgpu')).toBe('cpu');
		expect(chooseDevice('cpu')).toBe('cpu');
	});

	it('names the adapter by its description, else vendor and architecture', () => {
		const info = {
			vendor: 'google',
			architecture: 'swiftshader',
			device: '',
			description: '',
			isFallbackAdapter: true
		};
		expect(adapterName({ available: true, adapterInfo: info })).toBe('google swiftshader');
		expect(
			adapterName({ available: true, adapterInfo: { ...info, description: 'NVIDIA H100' } })
		).toBe('NVIDIA H100');
		expect(adapterName({ available: false, reason: 'no adapter' })).toBe('');
		expect(adapterName(null)).toBe('');
	});
});

describe("the GPU section's model and loop", () => {
	it('model.to(device) prints the model repr', () => {
		expect(new DeviceRegressionExample(0, 'cpu').modelRepr).toBe(
			'LinearRegressionModel(\n  (linear): Linear(in_features=1, out_features=1, bias=True)\n)'
		);
	});

	it("is a new model, drawn after the first section's as in the notebook", async () => {
		const first = new LinearRegressionExample(0).snapshot().parametersText;
		const untrained = await new DeviceRegressionExample(0, 'cpu').train(0);
		expect(untrained.log).toEqual([]);
		expect(untrained.parametersText).not.toBe(first);
	});

	it('1000 epochs print the 20 lines of the loop and learn w ~ 2, b ~ 1', async () => {
		const example = new DeviceRegressionExample(0, 'cpu');
		const result = await example.train();
		expect(result.device).toBe('cpu');
		expect(result.error).toBeNull();
		expect(result.log).toHaveLength(20);
		result.log.forEach((line, i) =>
			expect(line).toMatch(new RegExp(`^epoch ${50 * (i + 1)}, loss \\d\\.\\d+(e-\\d\\d)?$`))
		);
		expect(Math.abs(result.weight - 2)).toBeLessThan(0.05);
		expect(Math.abs(result.bias - 1)).toBeLessThan(0.1);
		expect(example.trained).toBe(1000);
	});

	it('runs again from where the last run left off, as a notebook cell run twice', async () => {
		const example = new DeviceRegressionExample(3, 'cpu');
		const first = await example.train(100);
		const second = await example.train(100);
		expect(example.trained).toBe(200);
		expect(second.log[0]).toMatch(/^epoch 50, loss /);
		expect(second.losses[1]).toBeLessThan(first.losses[1]);
	});
});
