/**
 * A module worker for webgpu-worker.browser.test.ts: initialises WebGPU inside the worker,
 * runs a small forward and backward there, and posts the results back.
 */
import * as torch from '$lib/engine';

self.onmessage = async () => {
	try {
		const status = await torch.initWebGPU();
		if (!status.available) {
			self.postMessage({ ok: false, reason: status.reason });
			return;
		}
		const x = torch.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
		const y = x.mul(2).add(1);
		y.sum().backward();
		self.postMessage({
			ok: true,
			defaultDevice: torch.defaultDevice(),
			software: status.software,
			inWorker: typeof (globalThis as { document?: unknown }).document === 'undefined',
			values: await y.tolistAsync(),
			grad: await x.grad!.tolistAsync(),
			matmul: await torch
				.tensor([[1, 2]], { device: 'webgpu' })
				.matmul(torch.tensor([[3], [4]], { device: 'webgpu' }))
				.tolistAsync(),
			adapter: status.adapterInfo
		});
	} catch (error) {
		self.postMessage({ ok: false, reason: String(error) });
	}
};
