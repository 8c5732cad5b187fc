/**
 * Devices and backends. The CPU backend is built into the tensor module; other devices (WebGPU)
 * register a `Backend` here. A backend runs registry ops on its own buffers; the tensor module
 * computes shapes, dtypes and the autograd record the same way for every device.
 */
import type { DType, Storage } from './dtype';
import { runtimeError } from './errors';
import type { Attrs, OpDef } from './registry';
import type { Shape } from './shape';
import type { Tensor } from './tensor';

export type Device = 'cpu' | 'webgpu';
export const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

/** A backend's handle to a tensor's values on its device. Opaque to the engine. */
export interface DeviceBuffer {
	/** Number of elements. */
	readonly length: number;
}

export interface Backend {
	readonly device: Device;
	/**
	 * Run one registry op on this device. Inputs are tensors on this device (null for a left-out
	 * optional input); `attrs` are already normalised by the op's shape rule. Returns the
	 * output's buffer, `outShape` in shape and `dtype` in type.
	 */
	run(
		op: OpDef,
		inputs: readonly (Tensor | null)[],
		attrs: Attrs,
		outShape: Shape,
		dtype: DType
	): DeviceBuffer;
	/** In place: `target = op(target, other)` with `other` broadcast to target's shape. */
	runInPlace(op: OpDef, target: Tensor, other: Tensor): void;
	/** Copy host values to a new buffer on the device. */
	upload(data: Storage, dtype: DType): DeviceBuffer;
	/** Read a buffer back to the host. */
	download(buffer: DeviceBuffer, dtype: DType): Promise<Storage>;
	/** A new buffer of `length` elements, every one `value`. */
	fill(length: number, value: number, dtype: DType): DeviceBuffer;
	/** Called for each new tensor on this device, so the backend can reclaim its buffer later. */
	track(tensor: Tensor, buffer: DeviceBuffer): void;
}

const backends = new Map<Device, Backend>();
/** Registered devices that `defaultDevice()` may pick (a software GPU adapter is not one). */
const defaultCandidates = new Set<Device>();

export interface RegisterOptions {
	/**
	 * Whether `defaultDevice()` may pick this backend (default true). False for a WebGPU adapter
	 * that runs on the CPU (SwiftShader, llvmpipe): it works when asked for by name, but is
	 * never the default, as PyTorch's `cuda if available` only finds a real GPU.
	 */
	isDefault?: boolean;
}

export function registerBackend(backend: Backend, options: RegisterOptions = {}): void {
	backends.set(backend.device, backend);
	if (options.isDefault ?? true) defaultCandidates.add(backend.device);
	else defaultCandidates.delete(backend.device);
}

export function unregisterBackend(device: Device): void {
	backends.delete(device);
	defaultCandidates.delete(device);
}

export function hasBackend(device: Device): boolean {
	return device === 'cpu' || backends.has(device);
}

export function backendFor(device: Device): Backend {
	const backend = backends.get(device);
	if (!backend) {
		throw runtimeError(
			device === 'webgpu'
				? "WebGPU is not available: no adapter was found (or await torch.initWebGPU() was not called). Use device 'cpu'."
				: `unknown device '${device}'`
		);
	}
	return backend;
}

/** `torch.device('webgpu')`: checks the name and returns it. */
export function device(name: string): Device {
	if (name === 'cuda' || name.startsWith('cuda:')) {
		throw runtimeError(
			`device '${name}' does not exist in the browser: use 'webgpu' (the GPU) or 'cpu'`
		);
	}
	if (!DEVICES.includes(name as Device)) {
		throw runtimeError(
			`Expected one of cpu, webgpu device type at start of device string: ${name}`
		);
	}
	return name as Device;
}

/**
 * `torch.defaultDevice()`, the tutorial's `cuda if available else cpu`: 'webgpu' when a WebGPU
 * backend is registered on a real GPU, else 'cpu'. A software adapter (SwiftShader, llvmpipe)
 * is registered, so `device: 'webgpu'` runs there, but it is never the default.
 */
export function defaultDevice(): Device {
	return backends.has('webgpu') && defaultCandidates.has('webgpu') ? 'webgpu' : 'cpu';
}
