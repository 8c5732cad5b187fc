/**
 * The one seam between eager dispatch and `torch.compile` (compile.ts). While a compiled function
 * runs, every step of the engine that makes tensor values reports here: when recording, it runs
 * eagerly and is written down; when replaying, it is checked against what was written down and
 * run into the buffers kept from the recording. The rest of the time the interceptor is null and
 * eager mode pays one load and one compare per op.
 */
import type { BackwardOptions } from './autograd';
import type { Attrs, CustomOp, ElementwiseBinaryOp, ElementwiseUnaryOp } from './registry';
import type { Shape } from './shape';
import type { Scalar, Tensor } from './tensor';

export interface Interceptor {
	binary(op: ElementwiseBinaryOp, a: Tensor, other: Tensor | Scalar, attrs: Attrs): Tensor;
	unary(op: ElementwiseUnaryOp, a: Tensor): Tensor;
	custom(op: CustomOp, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor;
	backward(root: Tensor, gradient: Tensor | null, options: BackwardOptions): void;
	/** Backward's seed: ones like the root. */
	onesLike(t: Tensor): Tensor;
	/** Backward summing a broadcast gradient back to an input's shape. */
	sumToShape(grad: Tensor, shape: Shape): Tensor;
	/** Backward adding a gradient into a leaf's `.grad`. */
	accumulate(tensor: Tensor, grad: Tensor): void;
	/** `expand` of a single value without recording: a plain fill. */
	fill(source: Tensor, shape: number[]): Tensor;
	/** A new leaf made by a creation function (`zeros`, `tensor`, ...). */
	created(t: Tensor): void;
	/** A tensor's memory handed out (`numpy()`, `detach()`): it must not be reused. */
	escape(t: Tensor): void;
	/** A step a compiled plan cannot hold (a device tensor, a cast): run eagerly from here on. */
	unsupported(reason: string): void;
}

export let interceptor: Interceptor | null = null;

export function setInterceptor(next: Interceptor | null): void {
	interceptor = next;
}
