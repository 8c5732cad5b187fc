/**
 * The trace: what running a graph forward and backward computed, step by step, so the UI can
 * replay it. Every value in a trace comes from the engine (the UI computes nothing itself):
 * forward steps come from running the graph with the graph interpreter (`interpret.ts`),
 * backward steps from the engine's backward pass, observed node by node through its `onStep`
 * hook.
 *
 * A `TraceSession` keeps the state PyTorch keeps between calls: leaves (and their accumulated
 * `.grad`) survive a new Forward as long as their attributes are unchanged, exactly like
 * parameters across training iterations; op nodes are rebuilt on every Forward, as PyTorch
 * rebuilds the graph on every forward pass.
 */
import { errorMessage } from '$lib/util/error-message';
import * as torch from '$lib/engine/core';
import {
	AccumulateGrad,
	GradNode,
	TorchError,
	type BackwardStep as EngineStep,
	type Tensor
} from '$lib/engine/core';
import { createLeaf, failedNodeId } from './compile';
import { indexGraph, type GraphIndex } from './graph-index';
import { runGraph } from './interpret';
import { sinks } from './shapes';
import type { GraphDocument, LeafNode } from './types';
import { validateDocument } from './validate';
import { viewOf, type TensorView } from './tensor-view';

export type { TensorView } from './tensor-view';

export interface ForwardInput {
	/** PyTorch's argument name (`input`, `other`, ...). */
	arg: string;
	nodeId: string;
	value: TensorView;
}

export interface ForwardStep {
	kind: 'forward';
	nodeId: string;
	name: string;
	/** `LEAF_OP` for a leaf, else the registry op id. */
	op: string;
	inputs: ForwardInput[];
	/** The op's attributes as the engine got them (defaults filled in); `{}` for a leaf. */
	attrs: Record<string, unknown>;
	output: TensorView;
	requiresGrad: boolean;
	isLeaf: boolean;
	gradFn: string | null;
}

export interface BackwardInput {
	arg: string;
	/** The node that produced this input (a leaf or an op). */
	nodeId: string;
	/** The gradient this step sends to that input (null where none flows). */
	grad: TensorView | null;
	/** For one-element tensors: d(output)/d(input), the local derivative as a number. */
	local: number | null;
	/** The input's shape in the forward pass (its gradient has the same shape). */
	shape: readonly number[];
	/**
	 * How many gradients reach that node in this backward pass, one per use (0 where none flows
	 * here). Above 1, `grad` is only the part along this path: the parts are summed (see `GradSum`).
	 */
	paths: number;
}

/** One gradient that reached a node along one of its uses: what op `fromId` sent to its `arg`. */
export interface GradPart {
	fromId: string;
	arg: string;
	/** The same view as that step's `BackwardInput.grad`. */
	grad: TensorView;
}

/**
 * A node used several times gets one gradient per use, and the engine adds them: for a leaf
 * before AccumulateGrad writes `.grad`, for a non-leaf before its own backward runs.
 */
export interface GradSum {
	/** In the order the engine added them. */
	parts: GradPart[];
	/** The engine's sum. */
	total: TensorView;
}

export interface Accumulation {
	nodeId: string;
	/** The leaf's `.grad` after this backward pass. */
	grad: TensorView;
	/** How many backward passes have accumulated into it. */
	count: number;
	/** Where the leaf was used several times: the parts, and the sum added into `.grad` now. */
	sum: GradSum | null;
}

export interface BackwardStep {
	kind: 'backward';
	nodeId: string;
	name: string;
	op: string;
	gradFn: string;
	/** The gradient of the output with respect to this node. */
	upstream: TensorView;
	/** Where this node was used several times: the parts that `upstream` sums (its `total`). */
	upstreamSum: GradSum | null;
	inputs: BackwardInput[];
	/** Leaves whose `.grad` was complete after this step, with their new value. */
	accumulated: Accumulation[];
	/** The node Backward started from (`output.backward()`): every gradient is of it. */
	outputId: string;
}

export type TraceStep = ForwardStep | BackwardStep;

export interface TraceError {
	/** The node it concerns, when there is one. */
	nodeId: string | null;
	/** Python's exception class. */
	kind: string;
	/** PyTorch's message, verbatim; empty where the problem is the UI's, not PyTorch's. */
	message: string;
	/** What kind of problem it is, so the UI can say what it means in its own words. */
	code: TraceErrorCode;
}

/**
 * The problems a trace can meet: PyTorch's errors the UI explains, by the code the engine gives
 * them (`freed`: a second backward without retain_graph; `nonScalar`: backward from a tensor with
 * several elements; `noGrad`: nothing requires grad; `missingInput`), the editor's own
 * (`invalidGraph`, `noOutput`: several ends and none chosen, `noForward`), and `other`: any other
 * PyTorch error.
 */
export type TraceErrorCode =
	NonNullable<TorchError['code']> | 'invalidGraph' | 'noOutput' | 'noForward' | 'other';

export interface RunResult<S extends TraceStep> {
	steps: S[];
	error: TraceError | null;
}

function toError(error: unknown, nodeId: string | null = null): TraceError {
	if (error instanceof TorchError) {
		return {
			nodeId: failedNodeId(error) ?? nodeId,
			kind: error.kind,
			message: error.message,
			code: error.code ?? 'other'
		};
	}
	const message = errorMessage(error);
	return { nodeId, kind: 'Error', message, code: 'other' };
}

/** A leaf's identity across runs: same attributes, same tensor (and same accumulated grad). */
function leafKey(node: LeafNode): string {
	return JSON.stringify(node.attrs ?? {});
}

export class TraceSession {
	private leaves = new Map<string, { key: string; tensor: Tensor; count: number }>();
	private tensors = new Map<string, Tensor>();
	private doc: GraphDocument | null = null;
	/** The last Forward's document, indexed. */
	private index: GraphIndex | null = null;
	private forwardSteps: ForwardStep[] = [];
	private backwardSteps: BackwardStep[] = [];
	/** Every node's gradient from the last backward pass (the "Show all gradients" view). */
	private lastGrads = new Map<string, TensorView>();
	/** The node the last successful Backward since the last Forward ran from (null: none). */
	private lastOutput: string | null = null;

	/** Views of the values the last Forward computed: one per tensor, shared by every step. */
	private views = new Map<Tensor, TensorView>();

	/** A forward value's view, made once per tensor (a leaf's value is also an op's input). */
	private valueView(t: Tensor): TensorView {
		let v = this.views.get(t);
		if (!v) {
			v = viewOf(t);
			this.views.set(t, v);
		}
		return v;
	}

	/** All steps of the current run: the forward pass, then the last backward pass. */
	get steps(): TraceStep[] {
		return [...this.forwardSteps, ...this.backwardSteps];
	}

	/** The tensor computed for a node by the last Forward. */
	tensor(nodeId: string): Tensor | undefined {
		return this.tensors.get(nodeId);
	}

	/** Run the forward pass of `doc`. On an error, the steps up to the failing node are kept. */
	forward(
		doc: GraphDocument,
		onProgress?: (done: number, total: number) => void
	): RunResult<ForwardStep> {
		const parsed = validateDocument(doc);
		this.backwardSteps = [];
		this.lastGrads.clear();
		this.lastOutput = null;
		if (!parsed.ok) {
			const first = parsed.problems[0];
			return {
				steps: [],
				error: {
					nodeId: null,
					kind: 'ValueError',
					message: `${first.path ? `${first.path}: ` : ''}${first.message}`,
					code: 'invalidGraph'
				}
			};
		}
		this.doc = parsed.doc;
		this.views = new Map();
		this.index = indexGraph(parsed.doc);
		const steps: ForwardStep[] = [];
		const liveLeaves = new Set<string>();
		const { tensors, failed } = runGraph(this.index, {
			leafFor: (node) => this.leafFor(node),
			onProgress,
			onNode: ({ id, node, op, sources, attrs }, tensor, args) => {
				const inputs: ForwardInput[] = [];
				if (op === null || op === undefined) liveLeaves.add(id);
				else {
					if (node.attrs?.retainGrad === true && tensor.requiresGrad) tensor.retainGrad();
					args.forEach((input, k) => {
						if (input !== null) {
							inputs.push({ arg: op.inputs[k], nodeId: sources[k]!, value: this.valueView(input) });
						}
					});
				}
				steps.push({
					kind: 'forward',
					nodeId: id,
					name: node.name,
					op: node.op,
					inputs,
					attrs: structuredClone(attrs),
					output: this.valueView(tensor),
					requiresGrad: tensor.requiresGrad,
					isLeaf: tensor.isLeaf,
					gradFn: tensor.gradFn?.name ?? null
				});
			}
		});
		for (const id of [...this.leaves.keys()]) if (!liveLeaves.has(id)) this.leaves.delete(id);
		this.tensors = tensors;
		this.forwardSteps = steps;
		return { steps, error: failed === null ? null : toError(failed.error, failed.nodeId) };
	}

	/** A leaf's tensor: the same one (and its accumulated grad) while its attributes are unchanged. */
	private leafFor(node: LeafNode): Tensor {
		const key = leafKey(node);
		let leaf = this.leaves.get(node.id);
		if (!leaf || leaf.key !== key) {
			leaf = { key, tensor: createLeaf(node.attrs), count: 0 };
			this.leaves.set(node.id, leaf);
		}
		return leaf.tensor;
	}

	/** The output Backward starts from: `outputId`, or the graph's single sink. */
	defaultOutput(): string | null {
		if (!this.doc) return null;
		const ends = sinks(this.doc);
		return ends.length === 1 ? ends[0] : null;
	}

	/**
	 * `output.backward(retain_graph=...)`. Leaves accumulate into `.grad` across calls. A refused
	 * backward (PyTorch's error) changes no gradient.
	 */
	backward(
		outputId: string | null,
		options: { retainGraph?: boolean } = {}
	): RunResult<BackwardStep> {
		const id = outputId ?? this.defaultOutput();
		const root = id === null ? undefined : this.tensors.get(id);
		if (id === null || root === undefined) {
			return {
				steps: [],
				error: {
					nodeId: id,
					kind: 'Error',
					// Not PyTorch's error: the UI says it in its own words, by code.
					message: '',
					code: id === null ? 'noOutput' : 'noForward'
				}
			};
		}
		const nodeOf = new Map<GradNode, string>();
		const leafOf = new Map<Tensor, string>();
		for (const [nodeId, t] of this.tensors) {
			if (t.gradFn) nodeOf.set(t.gradFn, nodeId);
			else leafOf.set(t, nodeId);
		}
		const raw: { step: EngineStep; local: (number | null)[] }[] = [];
		const allGrads = new Map<string, TensorView>();
		/** Each leaf's gradient summed so far in this pass (the engine's), read after each step. */
		const leafSums = new Map<AccumulateGrad, Tensor>();
		try {
			root.backward({
				retainGraph: options.retainGraph ?? false,
				onStep: (step) => {
					raw.push({ step, local: this.localDerivatives(step) });
					for (const fn of step.node.next) {
						if (fn instanceof AccumulateGrad && fn.pending) leafSums.set(fn, fn.pending);
					}
				}
			});
		} catch (caught) {
			return { steps: [], error: toError(caught, id) };
		}
		const lastFeeder = new Map<string, number>();
		const accumulatorOf = new Map<string, AccumulateGrad>();
		raw.forEach(({ step }, i) => {
			step.node.next.forEach((fn, k) => {
				if (fn instanceof AccumulateGrad && step.inputGrads[k]) {
					const leafId = leafOf.get(fn.variable);
					if (leafId !== undefined) {
						lastFeeder.set(leafId, i);
						accumulatorOf.set(leafId, fn);
					}
				}
			});
		});
		const counted = new Set<string>();
		for (const leafId of lastFeeder.keys()) {
			const leaf = this.leaves.get(leafId);
			if (leaf && !counted.has(leafId)) {
				leaf.count++;
				counted.add(leafId);
			}
		}
		const nodeIds = raw.map(({ step }) => nodeOf.get(step.node) ?? '');
		const gradViews = raw.map(({ step }) => step.inputGrads.map((g) => (g ? viewOf(g) : null)));
		// Every gradient each node received in this pass, one per use, in the engine's order.
		const partsOf = new Map<GradNode | AccumulateGrad, GradPart[]>();
		raw.forEach(({ step }, i) => {
			step.node.next.forEach((fn, k) => {
				const grad = gradViews[i][k];
				if (!fn || !grad) return;
				const parts = partsOf.get(fn) ?? [];
				parts.push({ fromId: nodeIds[i], arg: step.node.op.inputs[k] ?? `input${k}`, grad });
				partsOf.set(fn, parts);
			});
		});
		const steps = raw.map(({ step, local }, i): BackwardStep => {
			const nodeId = nodeIds[i];
			const upstream = viewOf(step.outputGrad);
			allGrads.set(nodeId, upstream);
			const received = partsOf.get(step.node) ?? [];
			const inputs: BackwardInput[] = step.node.next.map((fn, k) => {
				const sourceId =
					fn instanceof AccumulateGrad
						? (leafOf.get(fn.variable) ?? '')
						: fn
							? (nodeOf.get(fn) ?? '')
							: '';
				const grad = gradViews[i][k];
				return {
					arg: step.node.op.inputs[k] ?? `input${k}`,
					nodeId: sourceId || this.inputSource(nodeId, step.node.op.inputs[k]),
					grad,
					local: local[k] ?? null,
					shape: step.node.inputShapes[k]?.slice() ?? [],
					paths: grad && fn ? (partsOf.get(fn)?.length ?? 0) : 0
				};
			});
			const accumulated: Accumulation[] = [];
			for (const [leafId, last] of lastFeeder) {
				if (last !== i) continue;
				const leaf = this.leaves.get(leafId)!;
				const grad = leaf.tensor.gradSilently;
				const fn = accumulatorOf.get(leafId);
				const parts = fn ? (partsOf.get(fn) ?? []) : [];
				const total = fn ? leafSums.get(fn) : undefined;
				const sum = parts.length > 1 && total ? { parts, total: viewOf(total) } : null;
				if (grad) accumulated.push({ nodeId: leafId, grad: viewOf(grad), count: leaf.count, sum });
			}
			const node = this.index?.nodes.get(nodeId);
			return {
				kind: 'backward',
				nodeId,
				name: node?.name ?? nodeId,
				op: node?.op ?? step.node.op.id,
				gradFn: step.node.name,
				upstream,
				upstreamSum: received.length > 1 ? { parts: received, total: upstream } : null,
				inputs,
				accumulated,
				outputId: id
			};
		});
		for (const [leafId] of lastFeeder) {
			const grad = this.leaves.get(leafId)?.tensor.gradSilently;
			if (grad) allGrads.set(leafId, viewOf(grad));
		}
		this.backwardSteps = steps;
		this.lastGrads = allGrads;
		this.lastOutput = id;
		return { steps, error: null };
	}

	/**
	 * What "Check gradient" reads (`gradcheck.ts`): the last Forward's document, the output the
	 * last Backward ran from, and a leaf's `.grad` with its accumulation count.
	 */
	checkable(): {
		doc: GraphDocument;
		outputId: string;
		shown(leafId: string): { grad: ArrayLike<number> | null; passes: number };
	} | null {
		if (this.doc === null || this.lastOutput === null) return null;
		return {
			doc: this.doc,
			outputId: this.lastOutput,
			shown: (leafId) => {
				const leaf = this.leaves.get(leafId);
				return { grad: leaf?.tensor.gradSilently?.data ?? null, passes: leaf?.count ?? 0 };
			}
		};
	}

	/** Which node feeds `arg` of `nodeId` in the document. */
	private inputSource(nodeId: string, arg: string | undefined): string {
		if (arg === undefined) return '';
		return this.index?.inputs.get(nodeId)?.get(arg) ?? '';
	}

	/** For one-element tensors: each input's local derivative, by the op's own vjp with 1 upstream. */
	private localDerivatives(step: EngineStep): (number | null)[] {
		const node = step.node;
		const scalars =
			step.outputGrad.numel() === 1 && node.inputShapes.every((shape) => torch.numel(shape) === 1);
		if (!scalars) return node.next.map(() => null);
		const one = torch.onesLike(step.outputGrad);
		const grads = node.op.vjp(node, one);
		return grads.map((g) => (g && g.numel() === 1 ? g.data[0] : null));
	}

	/** PyTorch's `.grad` of every node: leaves (and retained non-leaves) or null for None. */
	grads(): Map<string, TensorView | null> {
		const out = new Map<string, TensorView | null>();
		for (const [id, t] of this.tensors) {
			const grad = t.isLeaf || t.retainsGrad ? t.gradSilently : null;
			out.set(id, grad ? viewOf(grad) : null);
		}
		return out;
	}

	/** Every node's gradient from the last backward pass (teaching view, not what PyTorch stores). */
	allGrads(): Map<string, TensorView> {
		return new Map(this.lastGrads);
	}

	/** How many backward passes have accumulated into each leaf's grad since it was last zeroed. */
	accumulations(): Map<string, number> {
		return new Map([...this.leaves].map(([id, leaf]) => [id, leaf.count]));
	}

	/** `optimizer.zero_grad()`: every leaf's grad back to None. */
	zeroGrad(): void {
		for (const leaf of this.leaves.values()) {
			leaf.tensor.grad = null;
			leaf.count = 0;
		}
		for (const t of this.tensors.values()) if (t.retainsGrad) t.grad = null;
		this.lastGrads.clear();
	}

	/** Forget values, gradients and steps. */
	reset(): void {
		this.leaves.clear();
		this.tensors.clear();
		this.views = new Map();
		this.forwardSteps = [];
		this.backwardSteps = [];
		this.lastGrads.clear();
		this.lastOutput = null;
	}
}
