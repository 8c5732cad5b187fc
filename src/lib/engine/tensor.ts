/**
 * The Tensor: a contiguous float32/float64 buffer with a shape, plus the autograd fields.
 * Every op method is a thin typed front for a registry entry, run by `apply` below.
 */
import {
	AccumulateGrad,
	backward,
	GradNode,
	installAutogradOps,
	isGradEnabled,
	noGrad,
	type BackwardOptions
} from './autograd';
import { broadcastCopy, sumKernel } from './backends/cpu/kernels';
import { backendFor, device as checkDevice, type Device, type DeviceBuffer } from './device';
import { allocate, promote, type DType, type Storage } from './dtype';
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
import {
	gradFnName,
	OPS,
	type Attrs,
	type CustomOp,
	type ElementwiseBinaryOp,
	type ElementwiseUnaryOp,
	type OpDef
} from './registry';
import {
	broadcastReduction,
	broadcastShapes,
	checkNumel,
	numel,
	sameShape,
	type Shape
} from './shape';

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

	/** The values as a host typed array (a copy for device tensors). */
	async dataAsync(): Promise<Storage> {
		if (this.buffer === null) return this.data;
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
				const count = numel(shape);
				checkNumel(count);
				const data = allocate(this.dtype, count);
				data.fill(this.data[0]);
				return new Tensor(data, shape, this.dtype);
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

/** clone and dtype casts: recorded copies (not in the palette). */
const OPS_CLONE: ElementwiseUnaryOp = {
	...OPS.neg,
	id: 'clone',
	internal: true,
	saves: 'none',
	gradFn: 'CloneBackward0',
	fn: (a) => a,
	kernel: (a, out) => out.set(a),
	wgsl: 'a',
	vjp: (_ctx, g) => [g]
};
const OPS_TO_COPY: ElementwiseUnaryOp = {
	...OPS_CLONE,
	id: '_to_copy',
	gradFn: 'ToCopyBackward0',
	// The gradient goes back to the source's device and dtype. A device-to-CPU gradient has to
	// be on the source device already (the engine never reads a device synchronously).
	vjp: (ctx, g) => [g.to({ device: ctx.attrs.device as Device, dtype: ctx.attrs.dtype as DType })]
};

const NO_HOST_DATA = new Float32Array(0);

/** In-place copy as a binary op (`target = other`), for device backends' runInPlace. */
const OPS_COPY: ElementwiseBinaryOp = {
	...OPS.add,
	id: 'copy_',
	internal: true,
	fn: (_a, b) => b,
	kernel: (_a, _as, b, bs, out, outShape) => broadcastCopy(b, bs, out, outShape),
	wgsl: 'b'
};

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

const SCALAR_SHAPE: number[] = [];

/** A number operand becomes a 0-d tensor of the other operand's dtype (PyTorch's wrapped number). */
export function toTensor(value: Tensor | Scalar, like: Tensor): Tensor {
	if (value instanceof Tensor) return value;
	if (typeof value !== 'number') {
		throw typeError(`expected a Tensor or a number, got ${describe(value)}`);
	}
	const cache = like.dtype === 'float64' ? SCALARS_64 : SCALARS_32;
	let wrapped = cache.get(value);
	if (wrapped === undefined || Object.is(value, -0)) {
		const data = allocate(like.dtype, 1);
		data[0] = value;
		wrapped = new Tensor(data, SCALAR_SHAPE, like.dtype);
		if (cache.size >= SCALAR_CACHE_SIZE) cache.clear();
		if (!Object.is(value, -0)) cache.set(value, wrapped);
	}
	return wrapped;
}

/**
 * Wrapped numbers are reused: they never require grad, are never handed to the user, and no op
 * writes into them, so `x.mul(2)` in a loop need not allocate a tensor for the 2 each time.
 */
const SCALAR_CACHE_SIZE = 64;
const SCALARS_32 = new Map<number, Tensor>();
const SCALARS_64 = new Map<number, Tensor>();

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array (wrap it with torch.tensor)';
	return typeof value;
}

/** PyTorch's promotion: a 0-d tensor does not promote a tensor with dimensions. */
function resultType(a: Tensor, b: Tensor): DType {
	if (a.shape.length === 0 && b.shape.length > 0) return b.dtype;
	if (b.shape.length === 0 && a.shape.length > 0) return a.dtype;
	return promote(a.dtype, b.dtype);
}

function checkDevices(a: Tensor, b: Tensor): void {
	if (a.device !== b.device) {
		throw runtimeError(
			`Expected all tensors to be on the same device, but found at least two devices, ${a.device} and ${b.device}!`
		);
	}
}

const NOTHING_SAVED: readonly (readonly null[])[] = [[], [null], [null, null], [null, null, null]];

/** Record `op` for autograd when grad mode is on and an input requires grad. */
function record(op: OpDef, inputs: readonly (Tensor | null)[], out: Tensor, attrs: Attrs): void {
	const n = inputs.length;
	// Packed arrays (push, not new Array(n)): V8 reads them faster in backward.
	const next: (GradNode | AccumulateGrad | null)[] = [];
	const needs: boolean[] = [];
	const shapes: Shape[] = [];
	for (let i = 0; i < n; i++) {
		const input = inputs[i];
		shapes.push(input ? input.shape : SCALAR_SHAPE);
		const needsGrad = input !== null && input._requiresGrad;
		next.push(needsGrad ? (input.gradFn ?? input.accumulator()) : null);
		needs.push(needsGrad);
	}
	const saved = op.saves === 'inputs' ? inputs : NOTHING_SAVED[n];
	const node = new GradNode(
		gradFnName(op, attrs, shapes),
		op,
		next,
		needs,
		shapes,
		out.shape,
		attrs,
		saved,
		op.saves === 'output' ? out : null
	);
	out.gradFn = node;
	out._requiresGrad = true;
}

/** An elementwise binary op with broadcasting. */
export function binary(
	op: ElementwiseBinaryOp,
	a: Tensor,
	other: Tensor | Scalar,
	attrs: Attrs = {}
): Tensor {
	const b = toTensor(other, a);
	const shape = broadcastShapes(a.shape, b.shape) as number[];
	const dtype = a.dtype === b.dtype ? a.dtype : resultType(a, b);
	if (a.device !== 'cpu' || b.device !== 'cpu') return onDevice(op, [a, b], attrs, shape, dtype);
	const size = shape === a.shape ? a.data.length : shape === b.shape ? b.data.length : numel(shape);
	checkNumel(size);
	const data = allocate(dtype, size);
	op.kernel(a.data, a.shape, b.data, b.shape, data, shape);
	const out = new Tensor(data, shape, dtype);
	if ((a._requiresGrad || b._requiresGrad) && isGradEnabled()) record(op, [a, b], out, attrs);
	return out;
}

/** An elementwise unary op. */
export function unary(op: ElementwiseUnaryOp, a: Tensor): Tensor {
	if (a.device !== 'cpu') return onDevice(op, [a], {}, a.shape, a.dtype);
	const data = allocate(a.dtype, a.data.length);
	op.kernel(a.data, data);
	const out = new Tensor(data, a.shape, a.dtype);
	if (a._requiresGrad && isGradEnabled()) record(op, [a], out, {});
	return out;
}

/** Any registry op, by its shape rule and CPU kernel. `attrs` is copied, never changed. */
export function apply(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs = {}): Tensor {
	return run(op, inputs, { ...attrs });
}

/** `apply` for callers that hand over a fresh attrs object (shape rules normalise it in place). */
function run(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
	if (op.kind === 'binary') return binary(op, inputs[0]!, inputs[1]!, attrs);
	if (op.kind === 'unary') return unary(op, inputs[0]!);
	return custom(op, inputs, attrs);
}

function custom(op: CustomOp, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
	let first: Tensor | null = null;
	let dtype: DType = 'float32';
	let requiresGrad = false;
	const shapes = new Array<Shape | null>(inputs.length);
	const storages = new Array<Storage | null>(inputs.length);
	for (let i = 0; i < inputs.length; i++) {
		const input = inputs[i];
		if (input == null) {
			shapes[i] = null;
			storages[i] = null;
			continue;
		}
		if (!(input instanceof Tensor)) {
			throw typeError(
				`${op.id}(): argument '${op.inputs[i]}' must be Tensor, not ${describe(input)}`
			);
		}
		if (first) checkDevices(first, input);
		dtype = first ? promote(dtype, input.dtype) : input.dtype;
		first ??= input;
		requiresGrad ||= input._requiresGrad;
		shapes[i] = input.shape;
		storages[i] = input.data;
	}
	const shape = op.shape(shapes, attrs) as number[];
	if (first !== null && first.device !== 'cpu') return onDevice(op, inputs, attrs, shape, dtype);
	const size = numel(shape);
	checkNumel(size);
	const data = allocate(dtype, size);
	op.cpu(storages, data, shapes, shape, attrs);
	const out = new Tensor(data, shape, dtype);
	if (requiresGrad && isGradEnabled()) record(op, inputs, out, attrs);
	return out;
}

/**
 * A registry op on a device backend: the same checks and autograd record as on the CPU, with the
 * kernel run by the device's backend. Number operands are moved to the device as well.
 */
function onDevice(
	op: OpDef,
	inputs: readonly (Tensor | null)[],
	attrs: Attrs,
	shape: number[],
	dtype: DType
): Tensor {
	let device: Device | null = null;
	let requiresGrad = false;
	const moved = inputs.map((input) => {
		if (input === null) return null;
		requiresGrad ||= input._requiresGrad;
		// A number operand (a 0-d CPU tensor that requires nothing) follows the other operand.
		if (
			input.device === 'cpu' &&
			input.shape.length === 0 &&
			!input._requiresGrad &&
			input.gradFn === null
		) {
			return input;
		}
		if (device !== null && device !== input.device) checkDevices({ device } as Tensor, input);
		device = input.device;
		return input;
	});
	const target = device as Device | null;
	if (target === null || target === 'cpu') {
		throw runtimeError('internal: onDevice called without a device tensor');
	}
	for (let i = 0; i < moved.length; i++) {
		const input = moved[i];
		if (input !== null && input.device === 'cpu') moved[i] = noGrad(() => input.to(target));
	}
	checkNumel(numel(shape));
	const buffer = backendFor(target).run(op, moved, attrs, shape, dtype);
	const out = Tensor.onDevice(buffer, shape, dtype, target);
	if (requiresGrad && isGradEnabled()) record(op, inputs, out, attrs);
	return out;
}

/** Sum a broadcast gradient back to `shape` (over the dims broadcasting stretched). */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
	if (sameShape(grad.shape, shape)) return grad;
	const { dims } = broadcastReduction(shape, grad.shape);
	if (grad.device !== 'cpu') return grad.sum(dims, true).reshape(shape);
	const data = allocate(grad.dtype, numel(shape));
	sumKernel(grad.data, grad.shape, dims, data);
	return new Tensor(data, shape.slice(), grad.dtype);
}

/** Add `grad` into `.grad` of `tensor`: a fresh copy the first time, in place after. */
function accumulate(tensor: Tensor, grad: Tensor): void {
	const current = tensor.gradSilently;
	if (grad.device !== tensor.device) {
		throw runtimeError(
			`backward cannot bring a gradient from ${grad.device} to a tensor on ${tensor.device} synchronously: create the leaf on ${grad.device} ({ device: '${grad.device}' })`
		);
	}
	if (tensor.device !== 'cpu') {
		noGrad(() => {
			if (current === null) tensor.grad = grad.clone();
			else current.add_(grad);
		});
		return;
	}
	if (current === null) {
		const data = allocate(tensor.dtype, grad.data.length);
		data.set(grad.data);
		tensor.grad = new Tensor(data, tensor.shape, tensor.dtype);
		return;
	}
	const target = current.data;
	const source = grad.data;
	for (let i = 0; i < target.length; i++) target[i] += source[i];
	current._version++;
}

installAutogradOps({
	onesLike: (t) => {
		if (t.device !== 'cpu') {
			return Tensor.onDevice(
				backendFor(t.device).fill(t.numel(), 1, t.dtype),
				t.shape,
				t.dtype,
				t.device
			);
		}
		const data = allocate(t.dtype, t.data.length);
		data.fill(1);
		return new Tensor(data, t.shape, t.dtype);
	},
	add: (a, b) => binary(OPS.add, a, b),
	sumToShape,
	accumulate
});
