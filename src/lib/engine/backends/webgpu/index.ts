/**
 * WebGPU for the engine: `initWebGPU()` finds an adapter and registers the backend; faults (no
 * adapter, a failed request, a lost device, out of memory) fall back to the CPU and are reported
 * to `onFallback` listeners; `runWithFallback(fn)` redoes a computation on the CPU when the GPU
 * fails under it. No DOM: this works on the main thread and in workers.
 */
import { errorMessage } from '../../../util/error-message';
import {
	defaultDevice,
	hasBackend,
	registerBackend,
	unregisterBackend,
	type Device
} from '../../device';
import { runtimeError } from '../../errors';
import { describeAdapter, softwareAdapter } from './adapter';
import { faultInjection, nextTask, WebGPUBackend, type AdapterInfo } from './backend';
import type { MemoryStats } from './pool';

export { describeAdapter, softwareAdapter } from './adapter';
export type { AdapterInfo } from './backend';
export type { MemoryStats } from './pool';

/** Why WebGPU is not (or no longer) in use. */
export type FallbackKind =
	| 'unsupported'
	| 'no-adapter'
	| 'adapter-request-failed'
	| 'device-request-failed'
	| 'device-lost'
	| 'out-of-memory';

export interface FallbackEvent {
	kind: FallbackKind;
	/** A sentence the UI can show. */
	reason: string;
	/** Where computation goes now. */
	device: 'cpu';
}

export interface WebGPUStatus {
	available: boolean;
	adapterInfo?: AdapterInfo;
	reason?: string;
	/**
	 * With an adapter: the software implementation it runs on ('SwiftShader', 'llvmpipe', or ''
	 * for an unnamed fallback adapter), or null for a real GPU. A software adapter is registered
	 * (`device: 'webgpu'` works) but `defaultDevice()` stays 'cpu'.
	 */
	software?: string | null;
}

export interface InitOptions {
	/** The GPU object to use instead of `navigator.gpu` (tests inject fakes here). */
	gpu?: GPU | null;
	powerPreference?: GPUPowerPreference;
}

export type FallbackListener = (event: FallbackEvent) => void;

let current: WebGPUBackend | null = null;
/** An initWebGPU() request in flight (concurrent calls share it). */
let initializing: Promise<WebGPUStatus> | null = null;
let lastFallback: FallbackEvent | null = null;
/** Bumped by every fault: `runWithFallback` compares it before and after its computation. */
let faultGeneration = 0;
const listeners = new Set<FallbackListener>();

/** Listen for falls back to the CPU; returns a function that stops listening. */
export function onFallback(listener: FallbackListener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** The last fall back to the CPU, or null when WebGPU never failed. */
export function lastFallbackEvent(): FallbackEvent | null {
	return lastFallback;
}

function fallBack(kind: FallbackKind, reason: string): FallbackEvent {
	const event: FallbackEvent = { kind, reason, device: 'cpu' };
	faultGeneration++;
	lastFallback = event;
	const backend = current;
	current = null;
	if (backend) {
		backend.kill(reason);
		unregisterBackend('webgpu');
		if (kind === 'out-of-memory') backend.gpu.destroy();
	}
	for (const listener of listeners) {
		try {
			listener(event);
		} catch (error) {
			console.error('a WebGPU fallback listener threw', error);
		}
	}
	return event;
}

/**
 * Find a WebGPU adapter and register the backend for device 'webgpu'. Resolves to whether
 * WebGPU is available, with the adapter's description or the reason it is not. Never rejects.
 */
export function initWebGPU(options: InitOptions = {}): Promise<WebGPUStatus> {
	if (current && !current.dead && hasBackend('webgpu')) {
		return Promise.resolve({
			available: true,
			adapterInfo: current.adapterInfo,
			software: softwareAdapter(current.adapterInfo)
		});
	}
	initializing ??= start(options).finally(() => (initializing = null));
	return initializing;
}

async function start(options: InitOptions): Promise<WebGPUStatus> {
	const gpu =
		options.gpu !== undefined ? options.gpu : (globalThis.navigator as Navigator | undefined)?.gpu;
	const fail = (kind: FallbackKind, reason: string): WebGPUStatus => {
		fallBack(kind, reason);
		return { available: false, reason };
	};
	if (!gpu) {
		return fail('unsupported', 'WebGPU is not supported here (navigator.gpu is missing)');
	}
	let adapter: GPUAdapter | null;
	try {
		adapter = await gpu.requestAdapter(
			options.powerPreference ? { powerPreference: options.powerPreference } : undefined
		);
	} catch (error) {
		return fail(
			'adapter-request-failed',
			`requesting a WebGPU adapter failed: ${errorMessage(error)}`
		);
	}
	if (!adapter) return fail('no-adapter', 'no WebGPU adapter was found');
	let device: GPUDevice;
	try {
		device = await adapter.requestDevice({
			requiredLimits: {
				maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
				maxBufferSize: adapter.limits.maxBufferSize
			}
		});
	} catch (error) {
		return fail(
			'device-request-failed',
			`requesting a WebGPU device failed: ${errorMessage(error)}`
		);
	}
	const adapterInfo = describeAdapter(adapter);
	const software = softwareAdapter(adapterInfo);
	const backend = new WebGPUBackend(device, adapterInfo, (kind, message) => {
		if (current === backend) fallBack(kind, message);
	});
	if (current) {
		current.kill('replaced by a new WebGPU device');
		current.gpu.destroy();
	}
	current = backend;
	registerBackend(backend, { isDefault: software === null });
	device.lost.then((lost) => {
		if (current === backend) {
			fallBack(
				'device-lost',
				`the GPU device was lost (${lost.reason})${lost.message ? `: ${lost.message}` : ''}`
			);
		}
	});
	device.addEventListener('uncapturederror', (event) => {
		const error = (event as GPUUncapturedErrorEvent).error;
		if (typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError) {
			if (current === backend) fallBack('out-of-memory', `out of GPU memory: ${error.message}`);
		} else {
			console.error(`WebGPU error: ${error.message}`);
		}
	});
	return { available: true, adapterInfo, software };
}

/**
 * Run `fn(device)` on the default device (or on `options.device`, e.g. 'webgpu' on a software
 * adapter, which is never the default); when the GPU fails during it (lost device, out of
 * memory), run it again on the CPU and return that result. Errors that are not GPU faults are
 * thrown as they are. `fn` should create its tensors on the device it is given.
 */
export async function runWithFallback<T>(
	fn: (device: Device) => T | Promise<T>,
	options: { device?: Device } = {}
): Promise<T> {
	const wanted = options.device ?? defaultDevice();
	const device = hasBackend(wanted) ? wanted : 'cpu';
	if (device === 'cpu') return await fn('cpu');
	const generation = faultGeneration;
	// A lost device reports itself asynchronously: wait for the GPU, then let a `lost` event run.
	const settle = async () => {
		await current?.synchronize().catch(() => undefined);
		await nextTask();
	};
	try {
		const result = await fn(device);
		await settle();
		if (faultGeneration === generation) return result;
	} catch (error) {
		await settle();
		if (faultGeneration === generation) throw error;
	}
	return await fn('cpu');
}

/** Wait until the GPU has done everything submitted so far (like torch.cuda.synchronize). */
export async function synchronize(): Promise<void> {
	await current?.synchronize();
	if (lastFallback && !current) {
		throw runtimeError(`WebGPU is not available: ${lastFallback.reason}`);
	}
}

/** Bytes and buffers the WebGPU backend holds (null without a WebGPU backend). */
export function memoryStats(): MemoryStats | null {
	return current ? current.memory() : null;
}

/** Compute dispatches recorded so far (0 without a WebGPU backend). */
export function dispatchCount(): number {
	return current?.dispatchCount ?? 0;
}

/** The adapter in use, or null. */
export function adapterInfo(): AdapterInfo | null {
	return current?.adapterInfo ?? null;
}

/**
 * For tests and demos: make the GPU fail. 'device-lost' destroys the device (its `lost`
 * promise resolves, as on a real loss); 'out-of-memory' makes the next buffer allocation report
 * out-of-memory through the same error scope a real one would.
 */
export function simulateFault(kind: 'device-lost' | 'out-of-memory'): void {
	if (!current) throw runtimeError('no WebGPU device to fail: call initWebGPU() first');
	if (kind === 'device-lost') current.gpu.destroy();
	else faultInjection.nextAllocationOutOfMemory = true;
}
