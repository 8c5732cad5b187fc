/**
 * The replay of a trace: which step is current, whether it plays, and how fast. Every value it
 * shows comes from `TraceSession` (the engine); this module only chooses which of the recorded
 * values belong to the current step. Components reach it through `getTrace()`.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the maps are built inside $derived and never changed after */
import { getContext, setContext } from 'svelte';
import {
	TraceSession,
	type BackwardStep,
	type ForwardStep,
	type GraphDocument,
	type TensorView,
	type TraceError,
	type TraceStep
} from '$lib/graph';

/** What a node shows at the current step. */
export interface NodeTrace {
	value: TensorView | null;
	/** PyTorch's `.grad` (null: None). */
	grad: TensorView | null;
	/** The gradient that reached this node (teaching view), or null. */
	flowGrad: TensorView | null;
	requiresGrad: boolean;
	isLeaf: boolean;
	gradFn: string | null;
	/** Backward passes accumulated into a leaf's grad (null for non-leaves). */
	accumulations: number | null;
	/** Whether PyTorch keeps a `.grad` for this tensor (a leaf, or retain_grad()). */
	keepsGrad: boolean;
}

/** PyTorch's warning on reading a non-leaf's `.grad` (verbatim, it is PyTorch's text). */
export const NON_LEAF_WARNING =
	"The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.";

/** Milliseconds per step at speed 1. */
export const BASE_STEP_MS = 700;

interface GradState {
	grads: Map<string, TensorView | null>;
	counts: Map<string, number>;
}

const emptyGrads = (): GradState => ({ grads: new Map(), counts: new Map() });

const sameTrace = (a: NodeTrace, b: NodeTrace) =>
	(Object.keys(a) as (keyof NodeTrace)[]).every((key) => a[key] === b[key]);

export class TraceState {
	/** The last step's node views (plain cache, not reactive). */
	#lastNodes = new Map<string, NodeTrace>();
	#session = new TraceSession();
	#timer: ReturnType<typeof setTimeout> | undefined;
	#tracedDoc: GraphDocument | null = null;

	/** The steps being replayed: the forward pass, then the last backward pass. */
	steps = $state.raw<TraceStep[]>([]);
	/** The current step (-1: before the first). Steps 0..index have happened. */
	index = $state.raw(-1);
	playing = $state.raw(false);
	/** Replay speed, 0.25x to 4x. */
	speed = $state.raw(1);
	retainGraph = $state.raw(false);
	showAllGrads = $state.raw(false);
	presenter = $state.raw(false);
	error = $state.raw<TraceError | null>(null);
	/** Grads before the replayed backward pass, and after it. */
	#before = $state.raw<GradState>(emptyGrads());
	#after = $state.raw<GradState>(emptyGrads());

	current: TraceStep | null = $derived(this.steps[this.index] ?? null);
	forwardCount: number = $derived(this.steps.filter((s) => s.kind === 'forward').length);
	stepMs: number = $derived(BASE_STEP_MS / this.speed);

	/** Where each node's forward and backward steps are. */
	#positions = $derived.by(() => {
		const forward = new Map<string, number>();
		const backward = new Map<string, number>();
		this.steps.forEach((step, i) =>
			(step.kind === 'forward' ? forward : backward).set(step.nodeId, i)
		);
		return { forward, backward };
	});

	/** What every node shows at the current step. */
	nodes: Map<string, NodeTrace> = $derived.by(() => {
		const out = new Map<string, NodeTrace>();
		const index = this.index;
		const { backward } = this.#positions;
		const leafGrads = new Map<string, TensorView>();
		const counts = new Map<string, number>();
		for (let i = this.forwardCount; i <= index && i < this.steps.length; i++) {
			const step = this.steps[i] as BackwardStep;
			for (const acc of step.accumulated) {
				leafGrads.set(acc.nodeId, acc.grad);
				counts.set(acc.nodeId, acc.count);
			}
		}
		for (let i = 0; i <= index && i < this.forwardCount; i++) {
			const step = this.steps[i] as ForwardStep;
			const id = step.nodeId;
			const reached = (backward.get(id) ?? Infinity) <= index;
			const keepsGrad =
				step.isLeaf || this.#after.grads.get(id) != null || this.#before.grads.get(id) != null;
			let grad: TensorView | null;
			if (step.isLeaf) grad = leafGrads.get(id) ?? this.#before.grads.get(id) ?? null;
			else grad = (reached ? this.#after : this.#before).grads.get(id) ?? null;
			const backwardStep = reached ? (this.steps[backward.get(id)!] as BackwardStep) : null;
			const next: NodeTrace = {
				value: step.output,
				grad,
				flowGrad: step.isLeaf ? (leafGrads.get(id) ?? null) : (backwardStep?.upstream ?? null),
				requiresGrad: step.requiresGrad,
				isLeaf: step.isLeaf,
				gradFn: step.gradFn,
				accumulations: step.isLeaf ? (counts.get(id) ?? this.#before.counts.get(id) ?? 0) : null,
				keepsGrad
			};
			// Reuse the last object when nothing changed, so only the nodes this step touches redraw.
			const last = this.#lastNodes.get(id);
			out.set(id, last && sameTrace(last, next) ? last : next);
		}
		this.#lastNodes = out;
		return out;
	});

	/** The edges carrying something at the current step: incoming edges of the current node. */
	get activeNode(): string | null {
		return this.current?.nodeId ?? null;
	}

	#grabGrads(): GradState {
		return { grads: this.#session.grads(), counts: this.#session.accumulations() };
	}

	/** Runs the forward pass of `doc` and replays it from the start. */
	forward(doc: GraphDocument, play = true): void {
		this.pause();
		const result = this.#session.forward(doc);
		this.#tracedDoc = doc;
		this.error = result.error;
		this.#before = this.#grabGrads();
		this.#after = this.#before;
		this.steps = result.steps;
		this.index = -1;
		if (play) this.play();
		else this.index = this.steps.length - 1;
	}

	/** `output.backward(retain_graph=...)`, from `outputId` or the single sink, then replays it. */
	backward(doc: GraphDocument, outputId: string | null, play = true): void {
		this.pause();
		if (this.#tracedDoc !== doc || this.steps.length === 0) this.forward(doc, false);
		if (this.error && this.steps.length < this.forwardCount) return;
		const before = this.#grabGrads();
		const result = this.#session.backward(outputId, { retainGraph: this.retainGraph });
		this.error = result.error;
		if (result.error) {
			// A refused backward changes no gradient: show the last state, with the error.
			this.index = this.steps.length - 1;
			return;
		}
		const forward = this.steps.slice(0, this.forwardCount);
		this.#before = before;
		this.#after = this.#grabGrads();
		this.steps = [...forward, ...result.steps];
		this.index = forward.length - 1;
		if (play) this.play();
		else this.index = this.steps.length - 1;
	}

	/** `optimizer.zero_grad()`: every grad back to None, accumulation counts to 0. */
	zeroGrad(): void {
		this.pause();
		this.#session.zeroGrad();
		this.#before = this.#grabGrads();
		this.#after = this.#before;
		this.steps = this.steps.slice(0, this.forwardCount);
		this.index = this.steps.length - 1;
		this.error = null;
	}

	/** Forgets values, gradients and steps. */
	reset(): void {
		this.pause();
		this.#session.reset();
		this.#tracedDoc = null;
		this.steps = [];
		this.index = -1;
		this.error = null;
		this.#before = emptyGrads();
		this.#after = emptyGrads();
	}

	stepForward(): void {
		this.pause();
		if (this.index < this.steps.length - 1) this.index++;
	}

	stepBack(): void {
		this.pause();
		if (this.index > -1) this.index--;
	}

	seek(index: number): void {
		this.pause();
		this.index = Math.max(-1, Math.min(this.steps.length - 1, Math.round(index)));
	}

	play(): void {
		if (this.steps.length === 0) return;
		if (this.index >= this.steps.length - 1) this.index = -1;
		this.playing = true;
		this.#tick();
	}

	#tick(): void {
		clearTimeout(this.#timer);
		if (!this.playing) return;
		if (this.index >= this.steps.length - 1) {
			this.playing = false;
			return;
		}
		this.index++;
		this.#timer = setTimeout(() => this.#tick(), this.stepMs);
	}

	pause(): void {
		this.playing = false;
		clearTimeout(this.#timer);
	}

	togglePlay(): void {
		if (this.playing) this.pause();
		else this.play();
	}

	destroy(): void {
		this.pause();
	}
}

const KEY = Symbol('trace');

export function setTrace(trace: TraceState): TraceState {
	setContext(KEY, trace);
	return trace;
}

/** The replay state set by the `Editor` component above this one. */
export function getTrace(): TraceState {
	const trace = getContext<TraceState | undefined>(KEY);
	if (!trace) {
		throw new Error(
			'getTrace() found no trace: use this component inside <Editor>, which calls setTrace().'
		);
	}
	return trace;
}
