/** The WebGPU backend in a Web Worker: no DOM needed (see webgpu-worker.ts). */
import { expect, test } from 'vitest';

test('a module worker initialises WebGPU and runs ops, forward and backward', async () => {
	const worker = new Worker(new URL('./webgpu-worker.ts', import.meta.url), { type: 'module' });
	try {
		const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error('the worker did not answer in 20 s')),
				20_000
			);
			worker.onmessage = (event) => {
				clearTimeout(timer);
				resolve(event.data);
			};
			worker.onerror = (event) => {
				clearTimeout(timer);
				reject(new Error(`worker error: ${event.message}`));
			};
			worker.postMessage('run');
		});
		expect(result, String(result.reason)).toMatchObject({
			ok: true,
			// A software adapter (SwiftShader here) is never the default device.
			defaultDevice: result.software === null ? 'webgpu' : 'cpu',
			inWorker: true,
			values: [3, 5, 7],
			grad: [2, 2, 2],
			matmul: [[11]]
		});
		expect(result.software === null || typeof result.software === 'string').toBe(true);
	} finally {
		worker.terminate();
	}
});
