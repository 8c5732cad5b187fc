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

export type Device = 'cpu' | 'webgpu';
export type NestedList = number | NestedList[];
export type Scalar = number;

export class Tensor {
	/** The values, row-major. Internal: use `tolist()` / `item()` to read. */
	data: Storage;
	readonly shape: number[];
	readonly dtype: DType;
	readonly device: Device = 'cpu';
	/** The node that made this tensor; null for leaves. */
	gradFn: GradNode | null = null;
	/** Bumped by every in-place change, so backward can detect a modified saved tensor. */
	_version = 0;
	/** @internal Read through `requiresGrad`; ops read it directly on the hot path. */
	_requiresGrad = false;
	private _grad: Tensor | null = null;
	private _retainsGrad = false;
	private _accumulator: AccumulateGrad | null = null;

	constructor(data: Storage, shape: number[], dtype: DType) {
		this.data = data;
		this.shape = shape;
		this.dtype = dtype;
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
		return this.data.length;
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
		if (this.data.length !== 1) {
			throw runtimeError(
				`a Tensor with ${this.data.length} elements cannot be converted to Scalar`
			);
		}
		return this.data[0];
	}

	tolist(): NestedList {
		return toNested(this.data, this.shape, 0, 0);
	}

	toString(): string {
		let suffix = '';
		if (this.dtype === 'float64') suffix += ', dtype=torch.float64';
		if (this.gradFn) suffix += `, grad_fn=<${this.gradFn.name}>`;
		else if (this._requiresGrad) suffix += ', requires_grad=True';
		return formatTensor(this.data, this.shape, suffix);
	}

	/** A tensor sharing this one's values, cut from the graph. */
	detach(): Tensor {
		return new Tensor(this.data, this.shape, this.dtype);
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
		else backward(this, null, { ...(gradient ?? {}), ...options });
	}

	/** Cast to a dtype (a copy when the dtype changes, recorded for autograd). */
	to(dtype: DType): Tensor {
		if (dtype === this.dtype) return this;
		const out = new Tensor(allocate(dtype, this.data.length), this.shape, dtype);
		out.data.set(this.data);
		if (isGradEnabled() && this._requiresGrad) record(OPS_TO_COPY, [this], out, { dtype });
		return out;
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
	sum(dim?: number | number[] | null, keepdim = false): Tensor {
		return apply(OPS.sum, [this], { dim: dim ?? undefined, keepdim });
	}
	mean(dim?: number | number[] | null, keepdim = false): Tensor {
		return apply(OPS.mean, [this], { dim: dim ?? undefined, keepdim });
	}
	matmul(other: Tensor): Tensor {
		return apply(OPS.matmul, [this, other], {});
	}
	mm(other: Tensor): Tensor {
		if (this.shape.length !== 2) throw runtimeError(`self must be a matrix`);
		if (other.shape.length !== 2) throw runtimeError(`mat2 must be a matrix`);
		return this.matmul(other);
	}
	t(): Tensor {
		return apply(OPS.transpose, [this], { t: true });
	}
	get T(): Tensor {
		return this.t();
	}
	transpose(dim0: number, dim1: number): Tensor {
		return apply(OPS.transpose, [this], { dim0, dim1 });
	}
	reshape(shape: readonly number[]): Tensor {
		if (sameShape(shape, this.shape) && !(isGradEnabled() && this._requiresGrad)) return this;
		return apply(OPS.reshape, [this], { shape });
	}
	view(shape: readonly number[]): Tensor {
		return apply(OPS.reshape, [this], { shape });
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
		return apply(OPS.reshape, [this], { shape, unsqueeze: true });
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
		return apply(OPS.reshape, [this], { shape, squeeze: dim === undefined ? 0 : 1 });
	}
	expand(size: readonly number[]): Tensor {
		return apply(OPS.expand, [this], { size });
	}
	expandAs(other: Tensor): Tensor {
		return this.expand(other.shape);
	}
	mseLoss(target: Tensor, options: { reduction?: 'mean' | 'sum' | 'none' } = {}): Tensor {
		return apply(OPS.mse_loss, [this, target], { reduction: options.reduction ?? 'mean' });
	}
	logSoftmax(dim: number): Tensor {
		return apply(OPS.log_softmax, [this], { dim });
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
		op.kernel(this.data, this.shape, rhs.data, rhs.shape, this.data, this.shape);
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
		broadcastCopy(source.data, source.shape, this.data, this.shape);
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
	vjp: (ctx, g) => [g.to((ctx.inputs[0] as Tensor | null)?.dtype ?? 'float32')]
};

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
	const data = allocate(like.dtype, 1);
	data[0] = value;
	return new Tensor(data, SCALAR_SHAPE, like.dtype);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array (wrap it with torch.tensor)';
	return typeof value;
}

function checkDevices(a: Tensor, b: Tensor): void {
	if (a.device !== b.device) {
		throw runtimeError(
			`Expected all tensors to be on the same device, but found at least two devices, ${a.device} and ${b.device}!`
		);
	}
}

/** Record `op` for autograd when grad mode is on and an input requires grad. */
function record(op: OpDef, inputs: readonly (Tensor | null)[], out: Tensor, attrs: Attrs): void {
	const n = inputs.length;
	const next = new Array<GradNode | AccumulateGrad | null>(n);
	const needs = new Array<boolean>(n);
	const shapes = new Array<Shape>(n);
	for (let i = 0; i < n; i++) {
		const input = inputs[i];
		shapes[i] = input ? input.shape : SCALAR_SHAPE;
		if (input && input.requiresGrad) {
			next[i] = input.gradFn ?? input.accumulator();
			needs[i] = true;
		} else {
			next[i] = null;
			needs[i] = false;
		}
	}
	const saved = op.saves === 'inputs' ? inputs.slice() : new Array<Tensor | null>(n).fill(null);
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
	checkDevices(a, b);
	const shape = broadcastShapes(a.shape, b.shape) as number[];
	const dtype = a.dtype === b.dtype ? a.dtype : promote(a.dtype, b.dtype);
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
	const data = allocate(a.dtype, a.data.length);
	op.kernel(a.data, data);
	const out = new Tensor(data, a.shape, a.dtype);
	if (a._requiresGrad && isGradEnabled()) record(op, [a], out, {});
	return out;
}

/** Any registry op, by its shape rule and CPU kernel. */
export function apply(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
	if (op.kind === 'binary') return binary(op, inputs[0]!, inputs[1]!, attrs);
	if (op.kind === 'unary') return unary(op, inputs[0]!);
	return custom(op, inputs, { ...attrs });
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
	const size = numel(shape);
	checkNumel(size);
	const data = allocate(dtype, size);
	op.cpu(storages, data, shapes, shape, attrs);
	const out = new Tensor(data, shape, dtype);
	if (requiresGrad && isGradEnabled()) record(op, inputs, out, attrs);
	return out;
}

/** Sum a broadcast gradient back to `shape` (over the dims broadcasting stretched). */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
	if (sameShape(grad.shape, shape)) return grad;
	const { dims } = broadcastReduction(shape, grad.shape);
	const data = allocate(grad.dtype, numel(shape));
	sumKernel(grad.data, grad.shape, dims, data);
	return new Tensor(data, shape.slice(), grad.dtype);
}

/** Add `grad` into `.grad` of `tensor`: a fresh copy the first time, in place after. */
function accumulate(tensor: Tensor, grad: Tensor): void {
	const current = tensor.gradSilently;
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
		const data = allocate(t.dtype, t.data.length);
		data.fill(1);
		return new Tensor(data, t.shape, t.dtype);
	},
	add: (a, b) => binary(OPS.add, a, b),
	sumToShape,
	accumulate
});
