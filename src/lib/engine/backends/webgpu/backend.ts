/**
 * The WebGPU backend: runs every registry op on the GPU with kernels generated from the
 * registry (see wgsl.ts). Values stay on the GPU between ops; they come back only through
 * `download` (`await t.dataAsync()` and friends).
 *
 * Dispatches are recorded into one command encoder and submitted in batches (at the latest
 * when the current task's microtasks run, or before any readback). Uploads go through a
 * staging buffer copied inside the same encoder, so every operation keeps its program order.
 * Uses nothing from the DOM: it runs on the main thread and in workers alike.
 */
import type { Backend, DeviceBuffer } from '../../device';
import type { DType, Storage } from '../../dtype';
import { runtimeError } from '../../errors';
import type { Attrs, OpDef } from '../../registry';
import { broadcastStrides, contiguousStrides, numel, type Shape } from '../../shape';
import type { Tensor } from '../../tensor';
import { coalesce, reductionLayout } from './layout';
import { loweringOf, type GpuKernels, type Operand } from './lowerings';
import { BufferPool, GpuBuffer, type MemoryStats } from './pool';
import {
	elementwiseKey,
	elementwiseSource,
	FILL_KEY,
	fillSource,
	MATMUL_TILE,
	matmulKey,
	matmulSmallKey,
	matmulSmallSource,
	matmulSource,
	reduceKey,
	reduceSource,
	WORKGROUP,
	type ElementwiseSpec,
	type OperandMode,
	type ReduceCombine,
	type ReduceMode
} from './wgsl';

/** Dispatches recorded before the encoder is submitted without waiting for the microtask. */
const MAX_BATCH = 64;
/** Cached parameter buffers (one per distinct shape/stride list). */
const MAX_PARAM_BUFFERS = 4096;
/** Free tensor buffers kept for reuse, at most this many bytes. */
const MAX_POOLED_BYTES = 512 * 2 ** 20;
/** Matmuls with fewer rows or columns than this use one thread per output, not 64x64 tiles. */
const SMALL_MATMUL_SIDE = 32;
/** Reductions over more elements than this use one workgroup per output. */
const TREE_REDUCTION_MIN = 64;

const BUFFER_COPY_SRC = 0x04;
const BUFFER_COPY_DST = 0x08;
const BUFFER_MAP_READ = 0x01;
const BUFFER_STORAGE = 0x80;
const MAP_MODE_READ = 0x01;

export const FLOAT64_MESSAGE =
	"WebGPU computes in float32 only (WGSL has no float64): use dtype 'float32' on device 'webgpu', or keep float64 tensors on the CPU";

/** What the UI can show about the adapter. */
export interface AdapterInfo {
	vendor: string;
	architecture: string;
	device: string;
	description: string;
	isFallbackAdapter: boolean;
}

/** Kinds of fault that take the GPU away. */
export type GpuFaultKind = 'device-lost' | 'out-of-memory';

/** For tests: force the next buffer allocation to report out-of-memory. */
export const faultInjection = { nextAllocationOutOfMemory: false };

/** Resolves after the current task: device events (`lost`) and finalizers run in between. */
export function nextTask(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}

function checkFloat32(dtype: DType): void {
	if (dtype !== 'float32') throw runtimeError(FLOAT64_MESSAGE);
}

function f32Bits(value: number): number {
	const view = new DataView(new ArrayBuffer(4));
	view.setFloat32(0, value, true);
	return view.getUint32(0, true);
}

const bufferOf = (t: Tensor | null): GpuBuffer => {
	if (!t || !(t.buffer instanceof GpuBuffer)) {
		throw runtimeError('internal: a WebGPU op got a tensor that is not on webgpu');
	}
	return t.buffer;
};

/**
 * Elementwise ops run the registry's WGSL expression; custom ops run their lowering (see
 * lowerings.ts), written with the kernels this class implements.
 */
export class WebGPUBackend implements Backend, GpuKernels {
	readonly device = 'webgpu' as const;
	/** Set when the device is lost or failed: nothing runs any more. */
	dead: string | null = null;
	/** Dispatches recorded since the backend started (for overhead measurements). */
	dispatchCount = 0;

	private readonly pool: BufferPool;
	private readonly pipelines = new Map<string, GPUComputePipeline>();
	private readonly paramBuffers = new Map<string, GPUBuffer>();
	private readonly registry = new FinalizationRegistry<GpuBuffer>((buffer) => this.untrack(buffer));
	private encoder: GPUCommandEncoder | null = null;
	private recorded = 0;
	private flushScheduled = false;
	private destroyAfterSubmit: GPUBuffer[] = [];
	private pendingScopes: Promise<unknown>[] = [];

	constructor(
		readonly gpu: GPUDevice,
		readonly adapterInfo: AdapterInfo,
		/** Called once when the GPU fails (the backend is then dead). */
		private readonly onFault: (kind: GpuFaultKind, message: string) => void
	) {
		const maxBytes = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
		this.pool = new BufferPool(
			maxBytes,
			MAX_POOLED_BYTES,
			(descriptor) => this.createBuffer(descriptor),
			(buffer) => this.destroyAfterSubmit.push(buffer)
		);
	}

	// ---------------------------------------------------------------- Backend interface

	run(
		op: OpDef,
		inputs: readonly (Tensor | null)[],
		attrs: Attrs,
		outShape: Shape,
		dtype: DType
	): DeviceBuffer {
		this.checkAlive();
		checkFloat32(dtype);
		for (const input of inputs) if (input) checkFloat32(input.dtype);
		if (op.kind === 'binary' || op.kind === 'unary') {
			const operands = inputs.map((t) => this.operand(t!, outShape));
			return this.elementwise(op.wgsl, operands, outShape);
		}
		const lowering = loweringOf(op.id);
		if (!lowering && op.wgsl) {
			// A custom op that declares itself elementwise: its WGSL, built from its attrs.
			const operands = inputs.map((t) => this.operand(t!, outShape));
			return this.elementwise(op.wgsl(attrs), operands, outShape);
		}
		if (!lowering) throw runtimeError(`op '${op.id}' has no WebGPU kernel`);
		return lowering(this, inputs, attrs, outShape);
	}

	runInPlace(op: OpDef, target: Tensor, other: Tensor): void {
		this.checkAlive();
		checkFloat32(target.dtype);
		checkFloat32(other.dtype);
		if (op.kind !== 'binary') throw runtimeError(`in-place '${op.id}' has no WebGPU kernel`);
		const into = bufferOf(target);
		const source = this.operand(other, target.shape);
		if (source.buffer === into.gpu) {
			// The operand is the target itself: compute aside, then copy over.
			const result = this.elementwise(
				op.wgsl,
				[this.operand(target, target.shape), source],
				target.shape
			);
			this.encode().copyBufferToBuffer(result.gpu, 0, into.gpu, 0, 4 * into.length);
			this.recordedOne();
			this.release(result);
			return;
		}
		this.elementwise(op.wgsl, [this.operand(target, target.shape), source], target.shape, into);
	}

	upload(data: Storage, dtype: DType): DeviceBuffer {
		this.checkAlive();
		checkFloat32(dtype);
		const out = this.pool.acquire(data.length);
		if (data.length === 0) return out;
		const staging = this.createBuffer({
			size: 4 * data.length,
			usage: BUFFER_COPY_SRC,
			mappedAtCreation: true
		});
		new Float32Array(staging.getMappedRange()).set(data);
		staging.unmap();
		this.encode().copyBufferToBuffer(staging, 0, out.gpu, 0, 4 * data.length);
		this.destroyAfterSubmit.push(staging);
		this.recordedOne();
		return out;
	}

	async download(buffer: DeviceBuffer, dtype: DType): Promise<Storage> {
		this.checkAlive();
		checkFloat32(dtype);
		const source = buffer as GpuBuffer;
		if (source.length === 0) return new Float32Array(0);
		const bytes = 4 * source.length;
		this.flush();
		const staging = this.gpu.createBuffer({
			size: bytes,
			usage: BUFFER_MAP_READ | BUFFER_COPY_DST
		});
		const encoder = this.gpu.createCommandEncoder();
		encoder.copyBufferToBuffer(source.gpu, 0, staging, 0, bytes);
		this.gpu.queue.submit([encoder.finish()]);
		try {
			await staging.mapAsync(MAP_MODE_READ);
		} catch (error) {
			staging.destroy();
			// Let a `device.lost` that caused this report itself first (it marks the backend dead).
			await this.errorScopes();
			await nextTask();
			throw runtimeError(
				`reading a tensor back from WebGPU failed${this.dead ? ` (${this.dead})` : ''}: ${String(error)}`
			);
		}
		const out = new Float32Array(staging.getMappedRange().slice(0));
		staging.unmap();
		staging.destroy();
		if (this.dead) throw runtimeError(`WebGPU failed while reading a tensor back: ${this.dead}`);
		return out;
	}

	fill(length: number, value: number, dtype: DType): DeviceBuffer {
		this.checkAlive();
		checkFloat32(dtype);
		const out = this.pool.acquire(length);
		if (length === 0) return out;
		if (Object.is(value, 0)) {
			this.encode().clearBuffer(out.gpu, 0, 4 * length);
			this.recordedOne();
			return out;
		}
		this.dispatch(FILL_KEY, fillSource, [out.gpu], [length, f32Bits(value)], this.grid(length));
		return out;
	}

	track(tensor: Tensor, buffer: DeviceBuffer): void {
		const gpuBuffer = buffer as GpuBuffer;
		gpuBuffer.refs++;
		this.registry.register(tensor, gpuBuffer);
	}

	// ---------------------------------------------------------------- state, faults, sync

	memory(): MemoryStats {
		return this.pool.memory();
	}

	/** Submit what is recorded and wait until the GPU has finished it. */
	async synchronize(): Promise<void> {
		if (this.dead) return;
		this.flush();
		await this.gpu.queue.onSubmittedWorkDone();
		await this.errorScopes();
	}

	/** Stop: nothing runs after this; pooled memory is freed. */
	kill(reason: string): void {
		if (this.dead) return;
		this.dead = reason;
		this.encoder = null;
		this.recorded = 0;
		for (const buffer of this.destroyAfterSubmit) buffer.destroy();
		this.destroyAfterSubmit = [];
		this.pool.close();
		for (const buffer of this.paramBuffers.values()) buffer.destroy();
		this.paramBuffers.clear();
	}

	/** Wait until the outstanding out-of-memory error scopes have reported. */
	private async errorScopes(): Promise<void> {
		const scopes = this.pendingScopes;
		this.pendingScopes = [];
		await Promise.all(scopes);
	}

	private checkAlive(): void {
		if (this.dead) {
			throw runtimeError(
				`WebGPU is no longer available (${this.dead}): tensors on webgpu were lost; run again on 'cpu'`
			);
		}
	}

	private untrack(buffer: GpuBuffer): void {
		buffer.refs--;
		if (buffer.refs === 0) this.pool.release(buffer);
	}

	/** Give back an intermediate buffer that no tensor holds. */
	release(buffer: GpuBuffer): void {
		if (buffer.refs === 0) this.pool.release(buffer);
	}

	private createBuffer(descriptor: GPUBufferDescriptor): GPUBuffer {
		const simulated = faultInjection.nextAllocationOutOfMemory;
		faultInjection.nextAllocationOutOfMemory = false;
		this.gpu.pushErrorScope('out-of-memory');
		const buffer = this.gpu.createBuffer(descriptor);
		const scope = this.gpu
			.popErrorScope()
			.catch(() => null)
			.then((scopeError) => {
				const error = simulated
					? { message: 'simulated out-of-memory (simulateFault)' }
					: scopeError;
				if (error) {
					this.onFault(
						'out-of-memory',
						`out of GPU memory allocating ${descriptor.size} bytes: ${error.message}`
					);
				}
			});
		this.pendingScopes.push(scope);
		if (this.pendingScopes.length > 256) {
			// Keep the list short: scopes resolve in order, so the old ones are done or nearly.
			this.pendingScopes = this.pendingScopes.slice(-16);
		}
		return buffer;
	}

	// ---------------------------------------------------------------- recording

	private encode(): GPUCommandEncoder {
		if (!this.encoder) {
			this.encoder = this.gpu.createCommandEncoder();
			if (!this.flushScheduled) {
				this.flushScheduled = true;
				queueMicrotask(() => {
					this.flushScheduled = false;
					this.flush();
				});
			}
		}
		return this.encoder;
	}

	private recordedOne(): void {
		this.recorded++;
		if (this.recorded >= MAX_BATCH) this.flush();
	}

	/** Submit everything recorded so far. */
	flush(): void {
		if (this.dead) return;
		if (this.encoder) {
			this.gpu.queue.submit([this.encoder.finish()]);
			this.encoder = null;
			this.recorded = 0;
		}
		// Everything that used these buffers is submitted: destroying them now is safe.
		for (const buffer of this.destroyAfterSubmit) buffer.destroy();
		this.destroyAfterSubmit = [];
	}

	private pipeline(key: string, source: () => string): GPUComputePipeline {
		let pipeline = this.pipelines.get(key);
		if (!pipeline) {
			const module = this.gpu.createShaderModule({ label: key, code: source() });
			pipeline = this.gpu.createComputePipeline({
				label: key,
				layout: 'auto',
				compute: { module, entryPoint: 'main' }
			});
			this.pipelines.set(key, pipeline);
		}
		return pipeline;
	}

	/** A storage buffer holding `params` (u32), shared by every dispatch with the same list. */
	private paramBuffer(params: readonly number[]): GPUBuffer {
		const key = params.join(',');
		let buffer = this.paramBuffers.get(key);
		if (buffer) {
			// Most recently used last, so the oldest is evicted first.
			this.paramBuffers.delete(key);
			this.paramBuffers.set(key, buffer);
			return buffer;
		}
		buffer = this.gpu.createBuffer({
			size: Math.max(16, 4 * params.length),
			usage: BUFFER_STORAGE,
			mappedAtCreation: true
		});
		new Uint32Array(buffer.getMappedRange(), 0, params.length).set(params);
		buffer.unmap();
		this.paramBuffers.set(key, buffer);
		if (this.paramBuffers.size > MAX_PARAM_BUFFERS) {
			const [oldest, old] = this.paramBuffers.entries().next().value as [string, GPUBuffer];
			this.paramBuffers.delete(oldest);
			this.destroyAfterSubmit.push(old);
		}
		return buffer;
	}

	/** Workgroups for `n` threads of a one-dimensional kernel (2-D past the per-dim limit). */
	private grid(threads: number, perGroup = WORKGROUP): [number, number] {
		const groups = Math.max(1, Math.ceil(threads / perGroup));
		const limit = this.gpu.limits.maxComputeWorkgroupsPerDimension;
		const x = Math.min(groups, limit);
		return [x, Math.ceil(groups / x)];
	}

	private dispatch(
		key: string,
		source: () => string,
		buffers: readonly GPUBuffer[],
		params: readonly number[],
		[x, y]: [number, number]
	): void {
		const pipeline = this.pipeline(key, source);
		const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
			binding,
			resource: { buffer }
		}));
		entries.push({ binding: buffers.length, resource: { buffer: this.paramBuffer(params) } });
		const bindGroup = this.gpu.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
		const pass = this.encode().beginComputePass();
		pass.setPipeline(pipeline);
		pass.setBindGroup(0, bindGroup);
		pass.dispatchWorkgroups(x, y);
		pass.end();
		this.dispatchCount++;
		this.recordedOne();
	}

	// ---------------------------------------------------------------- kernels (GpuKernels)

	readonly buffer = bufferOf;

	view(buffer: GpuBuffer, shape: Shape, outShape: Shape): Operand {
		return {
			buffer: buffer.gpu,
			strides: broadcastStrides(shape, outShape),
			single: buffer.length === 1
		};
	}

	operand(t: Tensor, outShape: Shape): Operand {
		return this.view(bufferOf(t), t.shape, outShape);
	}

	/** out = expression(a, b) over outShape; into `target` (which is also `a`) when given. */
	elementwise(
		expression: string,
		operands: readonly Operand[],
		outShape: Shape,
		target?: GpuBuffer
	): GpuBuffer {
		const n = numel(outShape);
		const out = target ?? this.pool.acquire(n);
		if (n === 0) return out;
		const contiguous = contiguousStrides(outShape);
		const modes: OperandMode[] = operands.map((operand, i) => {
			if (target && i === 0) return 'same';
			if (operand.strides.every((s, d) => s === contiguous[d] || outShape[d] === 1)) return 'same';
			if (operand.single) return 'scalar';
			return 'strided';
		});
		const params = [n];
		if (modes.includes('strided')) {
			const { shape, strides } = coalesce(
				outShape,
				operands.map((o) => o.strides)
			);
			params.push(shape.length);
			for (const size of shape) params.push(size);
			for (const list of strides) for (const stride of list) params.push(stride);
		}
		const spec: ElementwiseSpec = { expression, modes, inPlace: target !== undefined };
		const buffers = operands.filter((_, i) => !(target && i === 0)).map((o) => o.buffer);
		buffers.push(out.gpu);
		this.dispatch(
			elementwiseKey(spec),
			() => elementwiseSource(spec),
			buffers,
			params,
			this.grid(n)
		);
		return out;
	}

	copy(source: GpuBuffer): GpuBuffer {
		const out = this.pool.acquire(source.length);
		if (source.length > 0) {
			this.encode().copyBufferToBuffer(source.gpu, 0, out.gpu, 0, 4 * source.length);
			this.recordedOne();
		}
		return out;
	}

	/** Reduce `shape` over `dims` (all when undefined); the output has the kept dims. */
	reduce(
		combine: ReduceCombine,
		input: GpuBuffer,
		shape: Shape,
		dims: readonly number[] | undefined,
		mean: boolean
	): GpuBuffer {
		const { kept, over } = reductionLayout(shape, dims);
		const outputs = numel(kept.shape);
		const count = numel(over.shape);
		const out = this.pool.acquire(outputs);
		if (outputs === 0) return out;
		if (count === 0 || numel(shape) === 0) {
			this.fillInto(out, combine === 'max' ? -Infinity : mean ? NaN : 0);
			return out;
		}
		const mode: ReduceMode = count > TREE_REDUCTION_MIN ? 'tree' : 'serial';
		const params = [
			outputs,
			count,
			kept.shape.length,
			over.shape.length,
			...kept.shape,
			...kept.strides,
			...over.shape,
			...over.strides,
			f32Bits(mean ? count : 1)
		];
		this.dispatch(
			reduceKey(combine, mode),
			() => reduceSource(combine, mode),
			[input.gpu, out.gpu],
			params,
			mode === 'tree' ? this.grid(outputs, 1) : this.grid(outputs)
		);
		return out;
	}

	private fillInto(out: GpuBuffer, value: number): void {
		this.dispatch(
			FILL_KEY,
			fillSource,
			[out.gpu],
			[out.length, f32Bits(value)],
			this.grid(out.length)
		);
	}

	/** C[m, n] = A[m, k] B[k, n], or A B^T with B stored [n, k]. */
	matmul(
		a: GpuBuffer,
		b: GpuBuffer,
		m: number,
		k: number,
		n: number,
		transposeB: boolean
	): GpuBuffer {
		const out = this.pool.acquire(m * n);
		if (m * n === 0) return out;
		if (m < SMALL_MATMUL_SIDE || n < SMALL_MATMUL_SIDE) {
			this.dispatch(
				matmulSmallKey(transposeB),
				() => matmulSmallSource(transposeB),
				[a.gpu, b.gpu, out.gpu],
				[m, n, k],
				this.grid(m * n)
			);
			return out;
		}
		this.dispatch(
			matmulKey(transposeB),
			() => matmulSource(transposeB),
			[a.gpu, b.gpu, out.gpu],
			[m, n, k],
			[Math.ceil(n / MATMUL_TILE), Math.ceil(m / MATMUL_TILE)]
		);
		return out;
	}
}
