/**
 * GPU buffers for tensors, pooled by size class. A buffer goes back to the pool when the last
 * tensor holding it is garbage-collected (several tensors can share one: `detach()` does), or
 * at once when it was an intermediate that no tensor ever held.
 */
import type { DeviceBuffer } from '../../device';

/** Usage of every tensor buffer: bound as storage, copied from and to. */
const TENSOR_USAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST

/**
 * Free buffers kept per size class. A training step needs a few dozen of each; a synchronous
 * loop of many steps (no task boundary, so no finalizer runs) creates thousands, which are then
 * destroyed rather than kept.
 */
const MAX_POOLED_PER_CLASS = 4096;

/** A tensor's values on the GPU: the engine's opaque DeviceBuffer. */
export class GpuBuffer implements DeviceBuffer {
	/** How many live tensors hold this buffer. */
	refs = 0;
	/** True while the buffer sits in the pool (so it is never returned twice). */
	pooled = false;
	constructor(
		/** Elements (float32). */
		readonly length: number,
		readonly gpu: GPUBuffer,
		/** Bytes of the GPU buffer: its size class, at least 4 * length. */
		readonly bytes: number,
		readonly pool: BufferPool
	) {}
}

export interface MemoryStats {
	/** GPU buffers that exist now (in use or pooled), and their bytes. */
	buffers: number;
	allocatedBytes: number;
	/** Buffers held by tensors or in flight, and their bytes. */
	liveBuffers: number;
	liveBytes: number;
	/** Free buffers waiting in the pool, and their bytes. */
	pooledBuffers: number;
	pooledBytes: number;
	/** Buffers created and destroyed since the backend started. */
	created: number;
	destroyed: number;
	/** Requests served from the pool rather than by a new buffer. */
	reused: number;
}

/** Size classes: powers of two up to 4 KiB, then quarter steps between powers of two. */
export function sizeClass(bytes: number): number {
	const n = Math.max(16, bytes);
	const power = 2 ** Math.floor(Math.log2(n));
	if (power === n) return n;
	if (n <= 4096) return power * 2;
	const step = power / 4;
	return Math.ceil(n / step) * step;
}

export class BufferPool {
	private readonly free = new Map<number, GPUBuffer[]>();
	private readonly stats: MemoryStats = {
		buffers: 0,
		allocatedBytes: 0,
		liveBuffers: 0,
		liveBytes: 0,
		pooledBuffers: 0,
		pooledBytes: 0,
		created: 0,
		destroyed: 0,
		reused: 0
	};
	/** Set once the device is gone: buffers are then dropped, never pooled. */
	closed = false;

	constructor(
		/** Largest buffer the device binds. */
		private readonly maxBytes: number,
		/** Free buffers kept beyond this many bytes are destroyed. */
		private readonly maxPooledBytes: number,
		/** Creates the GPU buffer (the backend wraps it in an out-of-memory error scope). */
		private readonly create: (descriptor: GPUBufferDescriptor) => GPUBuffer,
		/** Destroys a GPU buffer once no queued work can still use it. */
		private readonly destroyLater: (buffer: GPUBuffer) => void
	) {}

	acquire(length: number): GpuBuffer {
		const needed = Math.max(4, 4 * length);
		let bytes = sizeClass(needed);
		if (bytes > this.maxBytes) bytes = Math.ceil(needed / 4) * 4;
		const list = this.free.get(bytes);
		let gpu = list?.pop();
		if (gpu) {
			this.stats.reused++;
			this.stats.pooledBuffers--;
			this.stats.pooledBytes -= bytes;
		} else {
			gpu = this.create({ size: bytes, usage: TENSOR_USAGE });
			this.stats.created++;
			this.stats.buffers++;
			this.stats.allocatedBytes += bytes;
		}
		this.stats.liveBuffers++;
		this.stats.liveBytes += bytes;
		return new GpuBuffer(length, gpu, bytes, this);
	}

	/** Return a buffer that no tensor holds any more. */
	release(buffer: GpuBuffer): void {
		if (buffer.pooled) return;
		buffer.pooled = true;
		this.stats.liveBuffers--;
		this.stats.liveBytes -= buffer.bytes;
		let list = this.free.get(buffer.bytes);
		if (
			this.closed ||
			this.stats.pooledBytes + buffer.bytes > this.maxPooledBytes ||
			(list !== undefined && list.length >= MAX_POOLED_PER_CLASS)
		) {
			this.drop(buffer.gpu, buffer.bytes);
			return;
		}
		if (!list) this.free.set(buffer.bytes, (list = []));
		list.push(buffer.gpu);
		this.stats.pooledBuffers++;
		this.stats.pooledBytes += buffer.bytes;
	}

	/** Destroy every pooled buffer (and pool nothing from now on). */
	close(): void {
		this.closed = true;
		for (const [bytes, list] of this.free) for (const gpu of list) this.drop(gpu, bytes);
		this.free.clear();
		this.stats.pooledBuffers = 0;
		this.stats.pooledBytes = 0;
	}

	memory(): MemoryStats {
		return { ...this.stats };
	}

	private drop(gpu: GPUBuffer, bytes: number): void {
		this.stats.buffers--;
		this.stats.allocatedBytes -= bytes;
		this.stats.destroyed++;
		if (this.closed) gpu.destroy();
		else this.destroyLater(gpu);
	}
}
