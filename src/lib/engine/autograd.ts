/**
 * Reverse-mode autograd: the graph of grad_fn nodes that ops record, and the backward pass that
 * walks it. Semantics follow PyTorch (as PyTorch 2.13 behaves; the golden tests pin it): only leaves get `.grad`,
 * gradients accumulate, saved tensors are freed after backward unless `retainGraph` is set.
 */
import {
	FREED_GRAPH_MESSAGE,
	IMPLICIT_GRAD_MESSAGE,
	NO_GRAD_FN_MESSAGE,
	runtimeError
} from './errors';
import { interceptor } from './intercept';
import type { OpDef } from './registry';
import { sameShape, type Shape } from './shape';
import type { Tensor } from './tensor';

let gradEnabled = true;

export function isGradEnabled(): boolean {
	return gradEnabled;
}

/** Run `fn` with gradient recording off, like `with torch.no_grad():`. */
export function noGrad<T>(fn: () => T): T {
	const previous = gradEnabled;
	gradEnabled = false;
	try {
		return fn();
	} finally {
		gradEnabled = previous;
	}
}

/** Switch gradient recording on or off, like `torch.set_grad_enabled`. */
export function setGradEnabled(enabled: boolean): void {
	gradEnabled = enabled;
}

/** `AccumulateGrad`: the node that writes a leaf's `.grad`. One per leaf, made on first use. */
export class AccumulateGrad {
	readonly name = 'AccumulateGrad';
	/** Gradient summed over the current backward pass, not yet committed. */
	pending: Tensor | null = null;
	constructor(readonly variable: Tensor) {}
	get nextFunctions(): [] {
		return [];
	}
}

export type GraphFunction = GradNode | AccumulateGrad;

/** What a vector-Jacobian product can read: the saved tensors, shapes and attributes. */
export interface BackwardContext<A = Record<string, unknown>> {
	/** Inputs saved for backward (null where the op does not save them). */
	readonly inputs: readonly (Tensor | null)[];
	/** The output, when the op saves it. */
	readonly output: Tensor | null;
	readonly inputShapes: readonly Shape[];
	readonly outputShape: Shape;
	readonly attrs: A;
	/** Which inputs need a gradient. */
	readonly needsGrad: readonly boolean[];
}

let visitEpoch = 0;
const NO_VERSIONS: number[] = [];
const NOTHING_SAVED: readonly null[] = [];

/** A recorded op: PyTorch's `grad_fn`. */
export class GradNode implements BackwardContext {
	/** Sum of the gradients that reached this node in the current backward pass. */
	pending: Tensor | null = null;
	/** A non-leaf output whose `.grad` should be kept (`retainGrad()`). */
	retained: Tensor | null = null;
	released = false;
	visited = 0;
	private savedInputs: readonly (Tensor | null)[];
	private savedOutput: Tensor | null;
	private savedVersions: number[];

	constructor(
		readonly name: string,
		readonly op: OpDef,
		readonly next: (GraphFunction | null)[],
		readonly needsGrad: boolean[],
		readonly inputShapes: Shape[],
		readonly outputShape: Shape,
		readonly attrs: Record<string, unknown>,
		savedInputs: readonly (Tensor | null)[],
		savedOutput: Tensor | null,
		/** The saved inputs' versions when the op ran (compile's replay records after the fact). */
		versions?: number[]
	) {
		this.savedInputs = savedInputs;
		this.savedOutput = savedOutput;
		this.savedVersions =
			op.saves !== 'inputs'
				? NO_VERSIONS
				: (versions ?? savedInputs.map((t) => (t ? t._version : 0)));
	}

	get inputs(): readonly (Tensor | null)[] {
		if (this.released) throw runtimeError(FREED_GRAPH_MESSAGE, 'freed');
		return this.savedInputs;
	}

	get output(): Tensor | null {
		if (this.released) throw runtimeError(FREED_GRAPH_MESSAGE, 'freed');
		return this.savedOutput;
	}

	/** Whether this node keeps tensors for its backward (and so cannot run twice when freed). */
	get savesTensors(): boolean {
		return this.op.saves !== 'none';
	}

	/** PyTorch's `next_functions`: `[fn, 0]` per input, `[null, 0]` where no gradient flows. */
	get nextFunctions(): [GraphFunction | null, number][] {
		return this.next.map((fn) => [fn, 0]);
	}

	release(): void {
		this.released = true;
		this.savedInputs = NOTHING_SAVED;
		this.savedOutput = null;
	}

	/** Raise PyTorch's error when a saved tensor was changed in place after being saved. */
	checkVersions(): void {
		for (let i = 0; i < this.savedVersions.length; i++) {
			const t = this.savedInputs[i];
			if (t && t._version !== this.savedVersions[i]) {
				throw runtimeError(
					`one of the variables needed for gradient computation has been modified by an inplace operation: [torch.${t.dtype === 'float64' ? 'Double' : 'Float'}Tensor [${t.shape.join(', ')}]] is at version ${t._version}; expected version ${this.savedVersions[i]} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`
				);
			}
		}
	}
}

/** Nodes reachable from `root`, in an order where every node comes before the nodes it feeds. */
export function topologicalOrder(root: GradNode): GradNode[] {
	const epoch = ++visitEpoch;
	const postorder: GradNode[] = [];
	const stack: GradNode[] = [root];
	const childIndex: number[] = [0];
	root.visited = epoch;
	while (stack.length > 0) {
		const top = stack.length - 1;
		const node = stack[top];
		const i = childIndex[top];
		if (i < node.next.length) {
			childIndex[top] = i + 1;
			const child = node.next[i];
			if (child instanceof GradNode && child.visited !== epoch) {
				child.visited = epoch;
				stack.push(child);
				childIndex.push(0);
			}
		} else {
			postorder.push(node);
			stack.pop();
			childIndex.pop();
		}
	}
	return postorder.reverse();
}

/** What one node's backward computed; handed to an observer (the step-by-step trace). */
export interface BackwardStep {
	node: GradNode;
	outputGrad: Tensor;
	inputGrads: (Tensor | null)[];
}

export interface BackwardOptions {
	retainGraph?: boolean;
	/** Called once per node, in execution order, after its gradients are computed. */
	onStep?: (step: BackwardStep) => void;
}

type Ops = {
	onesLike(t: Tensor): Tensor;
	add(a: Tensor, b: Tensor): Tensor;
	sumToShape(t: Tensor, shape: Shape): Tensor;
	accumulate(into: Tensor, grad: Tensor): void;
};
let ops: Ops;

/** Wiring from the tensor module, set once at start-up (keeps this module free of cycles). */
export function installAutogradOps(impl: Ops): void {
	ops = impl;
}

/** `tensor.backward(gradient, { retainGraph })`. */
export function backward(root: Tensor, gradient: Tensor | null, options: BackwardOptions = {}) {
	if (interceptor !== null) interceptor.backward(root, gradient, options);
	else backwardEager(root, gradient, options);
}

/** `backward` without the compile interceptor. */
export function backwardEager(root: Tensor, gradient: Tensor | null, options: BackwardOptions) {
	if (!root.requiresGrad) throw runtimeError(NO_GRAD_FN_MESSAGE, 'noGrad');
	let seed: Tensor;
	if (gradient === null) {
		if (root.numel() !== 1) throw runtimeError(IMPLICIT_GRAD_MESSAGE, 'nonScalar');
		seed = ops.onesLike(root);
	} else {
		if (!sameShape(gradient.shape, root.shape)) {
			throw runtimeError(
				`Mismatch in shape: grad_output[0] has a shape of torch.Size([${gradient.shape.join(', ')}]) and output[0] has a shape of torch.Size([${root.shape.join(', ')}]).`
			);
		}
		seed = gradient;
	}
	const rootFn = root.gradFn;
	if (rootFn === null) {
		ops.accumulate(root, seed);
		return;
	}
	const order = topologicalOrder(rootFn);
	// Check everything before computing anything, so a refused backward changes no gradient.
	for (const node of order) {
		if (node.released && node.savesTensors) throw runtimeError(FREED_GRAPH_MESSAGE, 'freed');
		node.checkVersions();
	}
	const touchedLeaves: AccumulateGrad[] = [];
	const retained: [Tensor, Tensor][] = [];
	const previous = gradEnabled;
	gradEnabled = false;
	try {
		rootFn.pending = seed;
		for (const node of order) {
			const outputGrad = node.pending;
			node.pending = null;
			if (outputGrad === null) continue;
			if (node.retained) retained.push([node.retained, outputGrad]);
			const inputGrads = node.op.vjp(node, outputGrad);
			for (let i = 0; i < node.next.length; i++) {
				const next = node.next[i];
				let grad = inputGrads[i];
				if (next === null || !grad) continue;
				if (!sameShape(grad.shape, node.inputShapes[i])) {
					grad = ops.sumToShape(grad, node.inputShapes[i]);
					inputGrads[i] = grad;
				}
				if (next.pending === null) {
					next.pending = grad;
					if (next instanceof AccumulateGrad) touchedLeaves.push(next);
				} else next.pending = ops.add(next.pending, grad);
			}
			options.onStep?.({ node, outputGrad, inputGrads });
		}
		for (const leaf of touchedLeaves) ops.accumulate(leaf.variable, leaf.pending!);
		for (const [tensor, grad] of retained) ops.accumulate(tensor, grad);
	} catch (error) {
		// A vjp that throws leaves partial sums behind: clear them so the next backward starts clean.
		for (const node of order) node.pending = null;
		throw error;
	} finally {
		gradEnabled = previous;
		for (const leaf of touchedLeaves) leaf.pending = null;
	}
	// Every node's pending sum was taken (and cleared) as the walk reached it.
	if (!options.retainGraph) for (const node of order) node.release();
}
