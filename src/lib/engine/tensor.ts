/**
 * The Tensor: a contiguous float32/float64 buffer with a shape, plus the autograd fields.
 * Every op method is a thin typed front for a registry entry, run by `dispatch.ts`.
 */
import {
	AccumulateGrad,
	backward,
	GradNode,
	isGradEnabled,
	noGrad,
	type BackwardOptions
} from './autograd';
import { broadcastCopy } from './backends/cpu/kernels';
import { backendFor, device as checkDevice, type Device, type DeviceBuffer } from './device';
import { allocate, type DType, type Storage } from './dtype';
import {
	LEAF_INPLACE_MESSAGE,
	NON_LEAF_GRAD_WARNING,
	NON_LEAF_REQUIRES_GRAD_MESSAGE,
	indexError,
	runtimeError,
	typeError,
	warn
} from './errors';
import { formatTensor } from './format';
import { OPS, type ElementwiseBinaryOp } from './registry';
import { broadcastShapes, checkNumel, numel, sameShape, type Shape } from './shape';
import { binary, record, run, toTensor, unary } from './dispatch';
import { interceptor } from './intercept';
import { OPS_CLONE, OPS_COPY, OPS_TO_COPY } from './registry/copies';

export type { Device } from './device';
export type NestedList = number | NestedList[];
export type Scalar = number;

export class Tensor {
	/** The values, row-major. Internal: use `tolist()` / `item()` to read. */
	data: Storage;
	readonly shape: number[];
	readonly dtype: DType;
	readonly device: Device;
	/** The values on a device other than the CPU (null on the CPU). Internal. */
	readonly buffer: DeviceBuffer | null;
	/** The node that made this tensor; null for leaves. */
	gradFn: GradNode | null = null;
	/** Bumped by every in-place change, so backward can detect a modified saved tensor. */
	_version = 0;
	/** @internal Read through `requiresGrad`; ops read it directly on the hot path. */
	_requiresGrad = false;
	private _grad: Tensor | null = null;
	private _retainsGrad = false;
	private _accumulator: AccumulateGrad | null = null;

	constructor(
		data: Storage,
		shape: number[],
		dtype: DType,
		device: Device = 'cpu',
		buffer: DeviceBuffer | null = null
	) {
		this.data = data;
		this.shape = shape;
		this.dtype = dtype;
		this.device = device;
		this.buffer = buffer;
		if (buffer !== null) backendFor(device).track(this, buffer);
	}

	/** @internal A tensor on `device` holding `buffer` (no values on the host). */
	static onDevice(buffer: DeviceBuffer, shape: number[], dtype: DType, device: Device): Tensor {
		return new Tensor(NO_HOST_DATA, shape, dtype, device, buffer);
	}

	get requiresGrad(): boolean {
		return this._requiresGrad;
	}

	set requiresGrad(value: boolean) {
		if (this.gradFn !== null) {
			if (value) return;
			throw runtimeError(
				`${NON_LEAF_REQUIRES_GRAD_MESSAGE} If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().`
			);
		}
		this._requiresGrad = Boolean(value);
	}

	/** A tensor is a leaf when no recorded op made it (PyTorch's `is_leaf`). */
	get isLeaf(): boolean {
		return this.gradFn === null;
	}

	/** `.grad`: the accumulated gradient of a leaf (or of a non-leaf that retains it). */
	get grad(): Tensor | null {
		if (this.gradFn !== null && !this._retainsGrad) {
			warn(NON_LEAF_GRAD_WARNING);
			return null;
		}
		return this._grad;
	}

	set grad(value: Tensor | null) {
		if (value !== null && !sameShape(value.shape, this.shape)) {
			throw runtimeError('assigned grad has data of a different size');
		}
		this._grad = value;
	}

	/** `.grad` without PyTorch's non-leaf warning (for the UI and the trace). */
	get gradSilently(): Tensor | null {
		return this._grad;
	}

	get retainsGrad(): boolean {
		return this._retainsGrad;
	}

	/** @internal The AccumulateGrad node of a leaf that requires grad. */
	accumulator(): AccumulateGrad {
		return (this._accumulator ??= new AccumulateGrad(this));
	}

	numel(): number {
		return this.buffer === null ? this.data.length : this.buffer.length;
	}

	dim(): number {
		return this.shape.length;
	}

	get ndim(): number {
		return this.shape.length;
	}

	size(dim?: number): number | number[] {
		if (dim === undefined) return this.shape.slice();
		return this.shape[dim < 0 ? dim + this.shape.length : dim];
	}

	item(): number {
		this.checkHost('item', 'itemAsync');
		if (this.data.length !== 1) {
			throw runtimeError(
				`a Tensor with ${this.data.length} elements cannot be converted to Scalar`
			);
		}
		return this.data[0];
	}

	tolist(): NestedList {
		this.checkHost('tolist', 'tolistAsync');
		return toNested(this.data, this.shape, 0, 0);
	}

	/**
	 * The values as a flat row-major typed array, as PyTorch's `.numpy()` (and tfjs's
	 * `dataSync()`) serve them: on the CPU it shares the tensor's memory (writing to it changes
	 * the tensor), without the nesting `tolist()` builds. PyTorch's rules: a tensor that requires
	 * grad is refused unless `force` (use `t.detach().numpy()`), and a device tensor is refused
	 * (read it with `numpyAsync()`).
	 */
	numpy(options: { force?: boolean } = {}): Storage {
		this.checkNumpy(options.force);
		if (this.buffer !== null) {
			throw typeError(
				`can't convert ${this.device} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.`
			);
		}
		interceptor?.escape(this);
		return this.data;
	}

	/** `numpy()` for any device: a copy read back from a device tensor, the shared array on the CPU. */
	async numpyAsync(options: { force?: boolean } = {}): Promise<Storage> {
		this.checkNumpy(options.force);
		return this.dataAsync();
	}

	private checkNumpy(force = false): void {
		if (this._requiresGrad && !force) {
			throw runtimeError(
				"Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
			);
		}
	}

	/** The values as a host typed array (a copy for device tensors). */
	async dataAsync(): Promise<Storage> {
		if (this.buffer === null) {
			interceptor?.escape(this);
			return this.data;
		}
		return backendFor(this.device).download(this.buffer, this.dtype);
	}

	async itemAsync(): Promise<number> {
		const data = await this.dataAsync();
		if (data.length !== 1) {
			throw runtimeError(`a Tensor with ${data.length} elements cannot be converted to Scalar`);
		}
		return data[0];
	}

	async tolistAsync(): Promise<NestedList> {
		return toNested(await this.dataAsync(), this.shape, 0, 0);
	}

	private checkHost(method: string, asyncForm: string): void {
		if (this.buffer !== null) {
			throw runtimeError(
				`${method}() cannot read a tensor on ${this.device} synchronously: use await t.${asyncForm}()`
			);
		}
	}

	toString(): string {
		if (this.buffer !== null) {
			return `tensor(<${this.shape.join('x') || 'scalar'} on ${this.device}; await t.tolistAsync() to read>)`;
		}
		const suffixes: string[] = [];
		if (this.dtype === 'float64') suffixes.push('dtype=torch.float64');
		if (this.gradFn) suffixes.push(`grad_fn=<${this.gradFn.name}>`);
		else if (this._requiresGrad) suffixes.push('requires_grad=True');
		return formatTensor(this.data, this.shape, suffixes);
	}

	/** A tensor sharing this one's values, cut from the graph. */
	detach(): Tensor {
		interceptor?.escape(this);
		return new Tensor(this.data, this.shape, this.dtype, this.device, this.buffer);
	}

	clone(): Tensor {
		return unary(OPS_CLONE, this);
	}

	retainGrad(): void {
		if (!this._requiresGrad) {
			throw runtimeError("can't retain_grad on Tensor that has requires_grad=False");
		}
		if (this.gradFn === null) return;
		this._retainsGrad = true;
		this.gradFn.retained = this;
	}

	requiresGrad_(requiresGrad = true): this {
		this.requiresGrad = requiresGrad;
		return this;
	}

	backward(gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void {
		if (gradient instanceof Tensor) backward(this, gradient, options);
		else backward(this, null, options ?? gradient ?? {});
	}

	/**
	 * Move to a device and/or cast to a dtype: a recorded copy when anything changes (so, as in
	 * PyTorch, the result of moving a leaf that requires grad is not a leaf). Moving to the CPU
	 * from another device needs a readback: use `toAsync`.
	 */
	to(target: DType | Device | { device?: Device; dtype?: DType }): Tensor {
		const { device, dtype } = parseTo(target, this);
		if (device === this.device && dtype === this.dtype) return this;
		interceptor?.unsupported(`to(${dtype === this.dtype ? device : dtype})`);
		if (this.buffer !== null && device === 'cpu') {
			throw runtimeError(
				`to('cpu') cannot read a tensor on ${this.device} synchronously: use await t.toAsync('cpu')`
			);
		}
		let out: Tensor;
		if (device === 'cpu') {
			out = new Tensor(allocate(dtype, this.data.length), this.shape, dtype);
			out.data.set(this.data);
		} else {
			const host = this.buffer === null ? this.data : null;
			if (host === null) {
				if (this.device !== device || dtype !== this.dtype) {
					throw runtimeError(`cannot move a tensor from ${this.device} to ${device} directly`);
				}
				return this;
			}
			const converted = dtype === this.dtype ? host : allocate(dtype, host.length);
			if (converted !== host) converted.set(host);
			out = Tensor.onDevice(backendFor(device).upload(converted, dtype), this.shape, dtype, device);
		}
		if (isGradEnabled() && this._requiresGrad) {
			record(OPS_TO_COPY, [this], out, { device: this.device, dtype: this.dtype });
		}
		return out;
	}

	/** `to`, including moves back to the CPU (which read the device's values). */
	async toAsync(target: DType | Device | { device?: Device; dtype?: DType }): Promise<Tensor> {
		const { device, dtype } = parseTo(target, this);
		if (this.buffer === null || device !== 'cpu') return this.to(target);
		const data = await this.dataAsync();
		const host = new Tensor(
			dtype === this.dtype ? data : Float64Array.from(data),
			this.shape,
			this.dtype
		);
		const out = host.to(dtype);
		if (isGradEnabled() && this._requiresGrad) {
			record(OPS_TO_COPY, [this], out, { device: this.device, dtype: this.dtype });
		}
		return out;
	}

	cpuAsync(): Promise<Tensor> {
		return this.toAsync('cpu');
	}

	float(): Tensor {
		return this.to('float32');
	}

	double(): Tensor {
		return this.to('float64');
	}

	// ---- ops: each is one registry entry ----
	add(other: Tensor | Scalar): Tensor {
		return binary(OPS.add, this, other);
	}
	sub(other: Tensor | Scalar): Tensor {
		return binary(OPS.sub, this, other);
	}
	mul(other: Tensor | Scalar): Tensor {
		return binary(OPS.mul, this, other);
	}
	div(other: Tensor | Scalar): Tensor {
		return binary(OPS.div, this, other);
	}
	pow(exponent: Tensor | Scalar): Tensor {
		return binary(
			OPS.pow,
			this,
			exponent,
			typeof exponent === 'number' ? { scalarExponent: exponent } : {}
		);
	}
	neg(): Tensor {
		return unary(OPS.neg, this);
	}
	exp(): Tensor {
		return unary(OPS.exp, this);
	}
	log(): Tensor {
		return unary(OPS.log, this);
	}
	sqrt(): Tensor {
		return unary(OPS.sqrt, this);
	}
	relu(): Tensor {
		return unary(OPS.relu, this);
	}
	tanh(): Tensor {
		return unary(OPS.tanh, this);
	}
	sigmoid(): Tensor {
		return unary(OPS.sigmoid, this);
	}
	/** @internal relu's backward: this gradient where `output` > 0, else 0. */
	thresholdBackward(output: Tensor): Tensor {
		return binary(OPS.threshold_backward, this, output);
	}
	/** @internal pow's gradient with respect to its input (PyTorch's pow_backward_self). */
	powBackwardSelf(exponent: Tensor): Tensor {
		return binary(OPS.pow_backward_self, this, exponent);
	}
	/** @internal pow's gradient with respect to its exponent (pow_backward_exponent). */
	powBackwardExponent(exponent: Tensor): Tensor {
		return binary(OPS.pow_backward_exponent, this, exponent);
	}
	sum(dim?: number | number[] | null, keepdim = false): Tensor {
		return run(OPS.sum, [this], { dim: dim ?? undefined, keepdim });
	}
	mean(dim?: number | number[] | null, keepdim = false): Tensor {
		return run(OPS.mean, [this], { dim: dim ?? undefined, keepdim });
	}
	matmul(other: Tensor): Tensor {
		return run(OPS.matmul, [this, other], {});
	}
	mm(other: Tensor): Tensor {
		if (this.shape.length !== 2) throw runtimeError(`self must be a matrix`);
		if (other.shape.length !== 2) throw runtimeError(`mat2 must be a matrix`);
		return this.matmul(other);
	}
	t(): Tensor {
		return run(OPS.transpose, [this], { t: true });
	}
	get T(): Tensor {
		return this.t();
	}
	transpose(dim0: number, dim1: number): Tensor {
		return run(OPS.transpose, [this], { dim0, dim1 });
	}
	reshape(shape: readonly number[]): Tensor {
		if (sameShape(shape, this.shape) && !(isGradEnabled() && this._requiresGrad)) return this;
		return run(OPS.reshape, [this], { shape });
	}
	view(shape: readonly number[]): Tensor {
		return run(OPS.reshape, [this], { shape });
	}
	unsqueeze(dim: number): Tensor {
		const ndim = this.shape.length + 1;
		if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
			throw indexError(
				`Dimension out of range (expected to be in range of [${-ndim}, ${ndim - 1}], but got ${dim})`
			);
		}
		const d = dim < 0 ? dim + ndim : dim;
		const shape = [...this.shape.slice(0, d), 1, ...this.shape.slice(d)];
		return run(OPS.reshape, [this], { shape, view: 'UnsqueezeBackward0' });
	}
	squeeze(dim?: number): Tensor {
		let shape: number[];
		if (dim === undefined) shape = this.shape.filter((s) => s !== 1);
		else {
			const ndim = Math.max(this.shape.length, 1);
			if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
				throw indexError(
					`Dimension out of range (expected to be in range of [${-ndim}, ${ndim - 1}], but got ${dim})`
				);
			}
			const d = dim < 0 ? dim + ndim : dim;
			shape = this.shape[d] === 1 ? this.shape.filter((_, i) => i !== d) : this.shape.slice();
		}
		return run(OPS.reshape, [this], {
			shape,
			view: dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1'
		});
	}
	expand(size: readonly number[]): Tensor {
		// A single value expanded without recording (reductions' gradients): a plain fill.
		if (
			this.data.length === 1 &&
			this.buffer === null &&
			!(this._requiresGrad && isGradEnabled())
		) {
			if (size.length >= this.shape.length && size.every((d) => Number.isInteger(d) && d >= 0)) {
				const shape = size.slice();
				checkNumel(numel(shape));
				if (interceptor !== null) return interceptor.fill(this, shape);
				return filled(this, shape);
			}
		}
		return run(OPS.expand, [this], { size });
	}
	expandAs(other: Tensor): Tensor {
		return this.expand(other.shape);
	}
	mseLoss(target: Tensor, options: { reduction?: 'mean' | 'sum' | 'none' } = {}): Tensor {
		return run(OPS.mse_loss, [this, target], { reduction: options.reduction ?? 'mean' });
	}
	logSoftmax(dim: number): Tensor {
		return run(OPS.log_softmax, [this], { dim });
	}

	// ---- in-place ops (no graph): for optimizers and for resetting values ----
	private checkInplace(): void {
		if (isGradEnabled() && this._requiresGrad) {
			if (this.gradFn === null) throw runtimeError(LEAF_INPLACE_MESSAGE);
			throw runtimeError(
				'in-place operations on tensors that are part of a recorded graph are not supported; use the out-of-place form'
			);
		}
	}
	private inplace(op: ElementwiseBinaryOp, other: Tensor | Scalar, alpha = 1): this {
		this.checkInplace();
		let rhs = toTensor(other, this);
		if (alpha !== 1) rhs = noGrad(() => rhs.mul(alpha));
		const shape = broadcastShapes(this.shape, rhs.shape);
		if (!sameShape(shape, this.shape)) {
			throw runtimeError(
				`output with shape [${this.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`
			);
		}
		if (this.device !== 'cpu') {
			backendFor(this.device).runInPlace(
				op,
				this,
				rhs.device === this.device ? rhs : rhs.to(this.device)
			);
		} else {
			op.kernel(this.data, this.shape, rhs.data, rhs.shape, this.data, this.shape);
		}
		this._version++;
		return this;
	}
	add_(other: Tensor | Scalar, options: { alpha?: number } = {}): this {
		return this.inplace(OPS.add, other, options.alpha);
	}
	sub_(other: Tensor | Scalar, options: { alpha?: number } = {}): this {
		return this.inplace(OPS.sub, other, options.alpha);
	}
	mul_(other: Tensor | Scalar): this {
		return this.inplace(OPS.mul, other);
	}
	div_(other: Tensor | Scalar): this {
		return this.inplace(OPS.div, other);
	}
	zero_(): this {
		return this.fill_(0);
	}
	fill_(value: number): this {
		this.checkInplace();
		if (this.device !== 'cpu') return this.copy_(full_(this, value));
		this.data.fill(value);
		this._version++;
		return this;
	}
	copy_(source: Tensor): this {
		this.checkInplace();
		const shape = broadcastShapes(this.shape, source.shape);
		if (!sameShape(shape, this.shape)) {
			throw runtimeError(
				`output with shape [${this.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`
			);
		}
		if (this.device !== 'cpu' || source.device !== 'cpu') {
			const moved = source.device === this.device ? source : source.to(this.device);
			backendFor(this.device).runInPlace(OPS_COPY, this, moved);
		} else {
			broadcastCopy(source.data, source.shape, this.data, this.shape);
		}
		this._version++;
		return this;
	}
}

const NO_HOST_DATA = new Float32Array(0);

/** @internal A tensor of `shape` holding the single value of `source` everywhere. */
export function filled(source: Tensor, shape: number[]): Tensor {
	const data = allocate(source.dtype, numel(shape));
	data.fill(source.data[0]);
	return new Tensor(data, shape, source.dtype);
}
/** A tensor like `t` filled with `value`, on t's device. */
function full_(t: Tensor, value: number): Tensor {
	return Tensor.onDevice(
		backendFor(t.device).fill(t.numel(), value, t.dtype),
		t.shape,
		t.dtype,
		t.device
	);
}

function parseTo(
	target: DType | Device | { device?: Device; dtype?: DType },
	from: Tensor
): { device: Device; dtype: DType } {
	if (typeof target === 'string') {
		if (target === 'float32' || target === 'float64') return { device: from.device, dtype: target };
		return { device: checkDevice(target), dtype: from.dtype };
	}
	return {
		device: target.device === undefined ? from.device : checkDevice(target.device),
		dtype: target.dtype ?? from.dtype
	};
}

function toNested(data: Storage, shape: Shape, dim: number, offset: number): NestedList {
	if (shape.length === 0) return data[0];
	const size = shape[dim];
	const out: NestedList[] = new Array(size);
	if (dim === shape.length - 1) {
		for (let i = 0; i < size; i++) out[i] = data[offset + i];
		return out;
	}
	let stride = 1;
	for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
	for (let i = 0; i < size; i++) out[i] = toNested(data, shape, dim + 1, offset + i * stride);
	return out;
}
