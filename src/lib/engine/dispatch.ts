/**
 * Running an op: operands checked and promoted, the kernel run on the CPU or handed to a device
 * backend, and the result recorded for autograd. `Tensor`'s methods and the registry's vjps all
 * come through here.
 */
import { AccumulateGrad, GradNode, installAutogradOps, isGradEnabled, noGrad } from './autograd';
import { sumKernel } from './backends/cpu/kernels';
import { backendFor, type Device } from './device';
import { allocate, promote, type DType, type Storage } from './dtype';
import { runtimeError, typeError } from './errors';
import { interceptor } from './intercept';
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
import { Tensor, type Scalar } from './tensor';

const SCALAR_SHAPE: number[] = [];

/** A number operand becomes a 0-d tensor of the other operand's dtype (PyTorch's wrapped number). */
export function toTensor(value: Tensor | Scalar, like: Tensor): Tensor {
	if (value instanceof Tensor) return value;
	if (typeof value !== 'number') {
		throw typeError(`expected a Tensor or a number, got ${describe(value)}`);
	}
	const f64 = like.dtype === 'float64';
	// The number of the last call first: a loop wraps the same constant over and over.
	if (Object.is(value, f64 ? lastValue64 : lastValue32)) {
		const last = f64 ? last64 : last32;
		if (last !== null) return last;
	}
	const cache = f64 ? SCALARS_64 : SCALARS_32;
	let wrapped = cache.get(value);
	if (wrapped === undefined || Object.is(value, -0)) {
		const data = allocate(like.dtype, 1);
		data[0] = value;
		wrapped = new Tensor(data, SCALAR_SHAPE, like.dtype);
		WRAPPED.add(wrapped);
		if (cache.size >= SCALAR_CACHE_SIZE) cache.clear();
		if (!Object.is(value, -0)) cache.set(value, wrapped);
	}
	if (f64) {
		last64 = wrapped;
		lastValue64 = value;
	} else {
		last32 = wrapped;
		lastValue32 = value;
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
const WRAPPED = new WeakSet<Tensor>();
let last32: Tensor | null = null;
let lastValue32 = NaN;
let last64: Tensor | null = null;
let lastValue64 = NaN;

/** Whether `t` is a wrapped number (see `toTensor`): compile matches it by value. */
export function isWrappedNumber(t: Tensor): boolean {
	return WRAPPED.has(t);
}

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

/** The attributes of an op that takes none (shared: nothing writes to an op's attrs). */
export const NO_ATTRS: Attrs = Object.freeze({});

const NOTHING_SAVED: readonly (readonly null[])[] = [[], [null], [null, null], [null, null, null]];

/** Record `op` for autograd when grad mode is on and an input requires grad. */
export function record(
	op: OpDef,
	inputs: readonly (Tensor | null)[],
	out: Tensor,
	attrs: Attrs,
	versions?: number[]
): void {
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
		op.saves === 'output' ? out : null,
		versions
	);
	out.gradFn = node;
	out._requiresGrad = true;
}

/** Which of two inputs need a gradient: shared, as nothing writes to a node's `needsGrad`. */
const NEEDS: readonly boolean[][] = [
	[false, false],
	[true, false],
	[false, true],
	[true, true]
].map((pattern) => Object.freeze(pattern) as boolean[]);

/** The input shapes of the last binary node (nothing writes to a node's `inputShapes`). */
let lastShapes: Shape[] = [];
/** The saved versions of two inputs never changed in place (the common case), shared. */
const NEVER_CHANGED = Object.freeze([0, 0]) as unknown as number[];

/**
 * `record` for a binary op, written out for two inputs: the chain of small ops is where eager
 * mode's overhead per op shows, and array literals cost less than the general loop.
 */
function recordBinary(op: OpDef, a: Tensor, b: Tensor, out: Tensor, attrs: Attrs): void {
	const needA = a._requiresGrad;
	const needB = b._requiresGrad;
	const saves = op.saves === 'inputs';
	// A chain of ops on one shape passes the same shape arrays along: share the pair.
	if (a.shape !== lastShapes[0] || b.shape !== lastShapes[1]) lastShapes = [a.shape, b.shape];
	const node = new GradNode(
		typeof op.gradFn === 'string' ? op.gradFn : op.gradFn(attrs, lastShapes),
		op,
		[needA ? (a.gradFn ?? a.accumulator()) : null, needB ? (b.gradFn ?? b.accumulator()) : null],
		NEEDS[needA ? (needB ? 3 : 1) : needB ? 2 : 0],
		lastShapes,
		out.shape,
		attrs,
		saves ? [a, b] : NOTHING_SAVED[2],
		op.saves === 'output' ? out : null,
		!saves
			? undefined
			: a._version === 0 && b._version === 0
				? NEVER_CHANGED
				: [a._version, b._version]
	);
	out.gradFn = node;
	out._requiresGrad = true;
}

/** An elementwise binary op with broadcasting. */
export function binary(
	op: ElementwiseBinaryOp,
	a: Tensor,
	other: Tensor | Scalar,
	attrs: Attrs = NO_ATTRS
): Tensor {
	if (interceptor !== null) return interceptor.binary(op, a, other, attrs);
	return binaryEager(op, a, other, attrs);
}

/** `binary` without the compile interceptor. */
export function binaryEager(
	op: ElementwiseBinaryOp,
	a: Tensor,
	other: Tensor | Scalar,
	attrs: Attrs
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
	if ((a._requiresGrad || b._requiresGrad) && isGradEnabled()) recordBinary(op, a, b, out, attrs);
	return out;
}

/** An elementwise unary op. */
export function unary(op: ElementwiseUnaryOp, a: Tensor): Tensor {
	if (interceptor !== null) return interceptor.unary(op, a);
	return unaryEager(op, a);
}

/** `unary` without the compile interceptor. */
export function unaryEager(op: ElementwiseUnaryOp, a: Tensor): Tensor {
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
export function run(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
	if (op.kind === 'binary') return binary(op, inputs[0]!, inputs[1]!, attrs);
	if (op.kind === 'unary') return unary(op, inputs[0]!);
	return custom(op, inputs, attrs);
}

function custom(op: CustomOp, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
	if (interceptor !== null) return interceptor.custom(op, inputs, attrs);
	return customEager(op, inputs, attrs);
}

/** A custom op without the compile interceptor. May normalise `attrs` in place. */
export function customEager(
	op: CustomOp,
	inputs: readonly (Tensor | null)[],
	attrs: Attrs
): Tensor {
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
	interceptor?.unsupported(`${op.id} on a device`);
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
	if (interceptor !== null) return interceptor.sumToShape(grad, shape);
	return sumToShapeEager(grad, shape);
}

/** `sumToShape` without the compile interceptor. */
export function sumToShapeEager(grad: Tensor, shape: Shape): Tensor {
	if (sameShape(grad.shape, shape)) return grad;
	const { dims } = broadcastReduction(shape, grad.shape);
	if (grad.device !== 'cpu') return grad.sum(dims, true).reshape(shape);
	const data = allocate(grad.dtype, numel(shape));
	sumKernel(grad.data, grad.shape, dims, data);
	return new Tensor(data, shape.slice(), grad.dtype);
}

/** Add `grad` into `.grad` of `tensor`: a fresh copy the first time, in place after. */
export function accumulate(tensor: Tensor, grad: Tensor): void {
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

/** Ones with `t`'s shape, dtype and device (backward's seed). */
export function onesLikeEager(t: Tensor): Tensor {
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
}

installAutogradOps({
	onesLike: (t) => (interceptor !== null ? interceptor.onesLike(t) : onesLikeEager(t)),
	add: (a, b) => binary(OPS.add, a, b),
	sumToShape,
	accumulate: (tensor, grad) =>
		interceptor !== null ? interceptor.accumulate(tensor, grad) : accumulate(tensor, grad)
});
