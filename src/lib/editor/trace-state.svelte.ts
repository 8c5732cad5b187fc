/**
 * The replay of a trace: which step is current, whether it plays, and how fast. Every value it
 * shows comes from a `TraceSession` (the engine), reached through a `TraceRunner` (in a Web Worker
 * in the app); this module only chooses which of the recorded values belong to the current step.
 *
 * What is shown DERIVES from (document, run): a run records the document key it was computed for
 * and each node's fingerprint (`nodeSignatures`). Under another document key (New, Open, an
 * example, a link, an import, undo across one) nothing of it shows; after an edit, exactly the
 * steps whose node computes something else (the edited node and everything downstream, and the
 * backward pass when its output is among them) drop out. Nothing has to remember to reset it.
 *
 * Components reach it through `getTrace()`.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the maps are built inside $derived and never changed after */
import { getContext, setContext } from 'svelte';
import {
	formatBytes,
	formatFlops,
	workRefusal,
	type BackwardStep,
	type ForwardStep,
	type GradcheckReport,
	type GraphDocument,
	type NodeInfo,
	type TensorView,
	type TraceError,
	type TraceStep
} from '$lib/graph';
import { nodeSignatures } from '$lib/graph/signatures';
import {
	InThreadRunner,
	TraceCancelled,
	type GradSnapshot,
	type TraceRunner
} from '$lib/graph/trace-runner';

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

/** What the trace is computed for: the editor's document, its key, and its selection. */
export interface TraceHost {
	readonly doc: GraphDocument;
	/** Changes whenever the document is replaced rather than edited (see EditorState). */
	readonly documentKey: number;
	readonly selectedNodeIds: ReadonlySet<string>;
	/** Shape inference of the document (inferred again when absent). */
	readonly infos?: Map<string, NodeInfo>;
}

/** A run refused up front: past the work budget (see graph/cost.ts). */
export interface TraceRefusal {
	/** The document key it was refused under. */
	key: number;
	nodeId: string;
	/** The node's name and op, for the message. */
	name: string;
	op: string;
	resource: 'flops' | 'bytes';
	/** The node's estimate and the limit, in readable units (`1.1 TFLOP`, `1 GB`). */
	amount: string;
	limit: string;
}

/** A computation under way: what it is and how far it got. */
export interface TraceWork {
	kind: 'forward' | 'backward';
	done: number;
	total: number;
}

/** PyTorch's warning on reading a non-leaf's `.grad` (verbatim, it is PyTorch's text). */
export const NON_LEAF_WARNING =
	"The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.";

/** Milliseconds per step at speed 1. */
export const BASE_STEP_MS = 700;

/** One Forward (and the Backward passes after it) of one document. */
interface Run {
	/** The document key it was computed under. */
	key: number;
	/** Each node's fingerprint in the document it was computed for. */
	signatures: Map<string, string>;
	forward: ForwardStep[];
	/** The last backward pass, from `outputId`. */
	backward: BackwardStep[];
	outputId: string | null;
	/** Grads before the replayed backward pass, and after it. */
	before: GradSnapshot;
	after: GradSnapshot;
	error: TraceError | null;
}

const sameTrace = (a: NodeTrace, b: NodeTrace) =>
	(Object.keys(a) as (keyof NodeTrace)[]).every((key) => a[key] === b[key]);

export class TraceState {
	#host: TraceHost;
	#runner: TraceRunner;
	/** The last step's node views (plain cache, not reactive). */
	#lastNodes = new Map<string, NodeTrace>();
	#timer: ReturnType<typeof setTimeout> | undefined;
	/** Operations run one after another (a key held down queues its steps). */
	#queue: Promise<void> = Promise.resolve();
	/** The document key the runner's session belongs to (-1: none). */
	#sessionKey = -1;
	/** Whether Play continues from the forward pass into backward. */
	#playThrough = false;
	/** Whether the replay was playing when a step was held (it plays on after `proceed()`). */
	#resumeAfterHold = false;

	/**
	 * Asked before the replay shows a step (the quiz asks for a prediction first): true holds the
	 * replay just before it, with the step in `waiting`, until `proceed()`. Null: nothing is held.
	 */
	hold: ((step: TraceStep) => boolean) | null = null;
	#held = $state.raw<TraceStep | null>(null);

	#run = $state.raw<Run | null>(null);
	/** The step the user chose; shown clamped to the steps that still hold. */
	#index = $state.raw(-1);
	playing = $state.raw(false);
	/** Replay speed, 0.25x to 4x. */
	speed = $state.raw(1);
	retainGraph = $state.raw(false);
	showAllGrads = $state.raw(false);
	presenter = $state.raw(false);
	/** The computation under way, with its progress (null: none). */
	work = $state.raw<TraceWork | null>(null);
	#refusal = $state.raw<TraceRefusal | null>(null);
	/** Why the last Forward on this document was not run (past the work budget), or null. */
	refusal: TraceRefusal | null = $derived.by(() =>
		this.#refusal?.key === this.#host.documentKey ? this.#refusal : null
	);
	/** Bumped each time a run's result arrives (the canvas fits its view then). */
	revision = $state.raw(0);

	/** The run, when it belongs to the current document. */
	#current: Run | null = $derived.by(() => {
		const run = this.#run;
		return run && run.key === this.#host.documentKey ? run : null;
	});

	/** The fingerprints of the document as it is now (only computed while there is a run). */
	#now: Map<string, string> | null = $derived.by(() =>
		this.#current ? nodeSignatures(this.#host.doc) : null
	);

	/** Which of the run's steps still hold for the document as it is now. */
	#holding = $derived.by(() => {
		const run = this.#current;
		const now = this.#now;
		if (!run || !now) return { forward: [], backward: [], fresh: false, error: null };
		const same = (id: string) => now.has(id) && run.signatures.get(id) === now.get(id);
		const forward = run.forward.filter((step) => same(step.nodeId));
		let fresh = now.size === run.signatures.size;
		if (fresh) for (const id of now.keys()) if (!same(id)) fresh = false;
		const backward = run.outputId !== null && same(run.outputId) ? run.backward : [];
		const error = run.error && (run.error.nodeId === null ? fresh : same(run.error.nodeId));
		return { forward, backward, fresh, error: error ? run.error : null };
	});

	/**
	 * Steps of the last run that no longer hold: the document changed since (an edit of a node and
	 * what depends on it). The Chain rule panel says so; Forward runs them again.
	 */
	dropped: number = $derived.by(() => {
		const run = this.#current;
		if (!run) return 0;
		const holding = this.#holding;
		return (
			run.forward.length - holding.forward.length + run.backward.length - holding.backward.length
		);
	});
	/** The steps being replayed: the forward pass, then the last backward pass. */
	steps: TraceStep[] = $derived([...this.#holding.forward, ...this.#holding.backward]);
	forwardCount: number = $derived(this.#holding.forward.length);
	/** The current step (-1: before the first). Steps 0..index have happened. */
	index: number = $derived(Math.min(this.#index, this.steps.length - 1));
	current: TraceStep | null = $derived(this.steps[this.index] ?? null);
	/** The step held back by `hold`, while the replay stands just before it (null: none). */
	waiting: TraceStep | null = $derived.by(() => {
		const held = this.#held;
		return held !== null && this.steps[this.index + 1] === held ? held : null;
	});
	/** PyTorch's error from the last Forward or Backward, while it concerns this document. */
	error: TraceError | null = $derived(this.#holding.error);
	stepMs: number = $derived(BASE_STEP_MS / this.speed);
	/** Step forward can do something: a next step, or start forward or backward. */
	canStepForward: boolean = $derived(
		this.index < this.steps.length - 1 || this.#canContinue() || this.steps.length === 0
	);

	/** "Check gradient" can run: the last Backward is of the document exactly as it is now. */
	canCheckGradient: boolean = $derived(this.#holding.fresh && this.#holding.backward.length > 0);

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
		const run = this.#current;
		const index = this.index;
		if (!run || index < 0) {
			this.#lastNodes = out;
			return out;
		}
		const { backward } = this.#positions;
		const before = run.before;
		const after = run.after;
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
			const keepsGrad = step.isLeaf || after.grads.get(id) != null || before.grads.get(id) != null;
			let grad: TensorView | null;
			if (step.isLeaf) grad = leafGrads.get(id) ?? before.grads.get(id) ?? null;
			else grad = (reached ? after : before).grads.get(id) ?? null;
			const backwardStep = reached ? (this.steps[backward.get(id)!] as BackwardStep) : null;
			const next: NodeTrace = {
				value: step.output,
				grad,
				flowGrad: step.isLeaf ? (leafGrads.get(id) ?? null) : (backwardStep?.upstream ?? null),
				requiresGrad: step.requiresGrad,
				isLeaf: step.isLeaf,
				gradFn: step.gradFn,
				accumulations: step.isLeaf ? (counts.get(id) ?? before.counts.get(id) ?? 0) : null,
				keepsGrad
			};
			// Reuse the last object when nothing changed, so only the nodes this step touches redraw.
			const last = this.#lastNodes.get(id);
			out.set(id, last && sameTrace(last, next) ? last : next);
		}
		this.#lastNodes = out;
		return out;
	});

	constructor(host: TraceHost, runner: TraceRunner = new InThreadRunner()) {
		this.#host = host;
		this.#runner = runner;
	}

	/** The edges carrying something at the current step: incoming edges of the current node. */
	get activeNode(): string | null {
		return this.current?.nodeId ?? null;
	}

	/** The node Backward starts from: the one selected node, else the graph's single sink. */
	#outputId(): string | null {
		const selected = this.#host.selectedNodeIds;
		return selected.size === 1 ? [...selected][0] : null;
	}

	/** After a complete forward pass with no backward yet, stepping goes on into backward. */
	#canContinue(): boolean {
		const run = this.#current;
		return (
			run !== null &&
			this.#holding.fresh &&
			run.error === null &&
			run.backward.length === 0 &&
			this.index === this.steps.length - 1
		);
	}

	/**
	 * The furthest step up to `target` the replay may go to: the step before the first one that
	 * `hold` holds (which then waits), else `target`.
	 */
	#reach(target: number): number {
		for (let i = this.index + 1; i <= target; i++) {
			const step = this.steps[i];
			if (step && this.hold?.(step)) {
				this.#held = step;
				return i - 1;
			}
		}
		return target;
	}

	/** Shows the held step (its prediction is in) and plays on if the replay was playing. */
	proceed(): void {
		if (!this.waiting) return;
		this.#held = null;
		this.#index = this.index + 1;
		if (this.#resumeAfterHold) {
			this.#resumeAfterHold = false;
			this.playing = true;
			clearTimeout(this.#timer);
			this.#timer = setTimeout(() => this.#tick(), this.stepMs);
		}
	}

	/** Lets go of the held step without showing it (the quiz was turned off). */
	release(): void {
		this.#held = null;
		this.#resumeAfterHold = false;
	}

	/** Runs `operation` after every operation queued before it. */
	#enqueue(operation: () => Promise<void>): Promise<void> {
		const next = this.#queue.then(operation).catch((error: unknown) => {
			if (!(error instanceof TraceCancelled)) throw error;
		});
		this.#queue = next.catch(() => undefined);
		return next;
	}

	/**
	 * Forward on the document as it is now; the run it records starts at step -1. False when it
	 * was refused up front: the estimate (forward and backward) is past the work budget.
	 */
	async #forward(): Promise<boolean> {
		const doc = this.#host.doc;
		const key = this.#host.documentKey;
		const refused = workRefusal(doc, this.#host.infos);
		if (refused) {
			const node = doc.nodes.find((n) => n.id === refused.nodeId);
			const format = refused.resource === 'flops' ? formatFlops : formatBytes;
			this.#refusal = {
				key,
				nodeId: refused.nodeId,
				name: node?.name ?? refused.nodeId,
				op: node?.op ?? '',
				resource: refused.resource,
				amount: format(refused.node),
				limit: format(refused.limit)
			};
			this.#run = null;
			this.#index = -1;
			return false;
		}
		this.#refusal = null;
		if (this.#sessionKey !== key) {
			// A new document: its leaves start without grads, as a fresh script would.
			await this.#runner.reset();
			this.#sessionKey = key;
		}
		this.work = { kind: 'forward', done: 0, total: doc.nodes.length };
		try {
			const result = await this.#runner.forward(doc, (done, total) => {
				this.work = { kind: 'forward', done, total };
			});
			this.#run = {
				key,
				signatures: nodeSignatures(doc),
				forward: result.steps,
				backward: [],
				outputId: null,
				before: result.grads,
				after: result.grads,
				error: result.error
			};
			this.#index = -1;
			this.revision++;
			return true;
		} finally {
			this.work = null;
		}
	}

	dismissRefusal(): void {
		this.#refusal = null;
	}

	/** Backward from the chosen output, after a Forward when the run no longer holds. */
	async #backward(): Promise<boolean> {
		if ((!this.#current || !this.#holding.fresh) && !(await this.#forward())) return false;
		const run = this.#current;
		if (!run || (run.error && run.forward.length < run.signatures.size)) {
			this.#index = this.steps.length - 1;
			return false;
		}
		this.work = { kind: 'backward', done: 0, total: 1 };
		try {
			const result = await this.#runner.backward(this.#outputId(), this.retainGraph);
			if (this.#run !== run) return false;
			if (result.error) {
				// A refused backward changes no gradient: the last state stays, with the error (and
				// a step still held stays held).
				this.#run = { ...run, error: result.error };
				this.#index = this.#reach(this.steps.length - 1);
				return false;
			}
			this.#run = {
				...run,
				backward: result.steps,
				outputId: result.outputId,
				before: result.before,
				after: result.after,
				error: null
			};
			this.revision++;
			return true;
		} finally {
			this.work = null;
		}
	}

	/** Runs the forward pass of the document and replays it from the start. */
	forward(play = true): Promise<void> {
		this.pause();
		return this.#enqueue(async () => {
			if (!(await this.#forward())) return;
			if (play) this.#play(false);
			else this.#index = this.#reach(this.steps.length - 1);
		});
	}

	/** `output.backward(retain_graph=...)`, from the selected node or the single sink; replays it. */
	backward(play = true): Promise<void> {
		this.pause();
		return this.#enqueue(async () => {
			if (!(await this.#backward())) return;
			this.#index = this.forwardCount - 1;
			if (play) this.#play(false);
			else this.#index = this.#reach(this.steps.length - 1);
		});
	}

	/** `optimizer.zero_grad()`: every grad back to None, accumulation counts to 0. */
	zeroGrad(): Promise<void> {
		this.pause();
		return this.#enqueue(async () => {
			const run = this.#current;
			const grads = await this.#runner.zeroGrad();
			if (!run || this.#run !== run) return;
			this.#run = { ...run, backward: [], before: grads, after: grads, error: null };
			this.#index = this.forwardCount - 1;
		});
	}

	/**
	 * "Check gradient" of `nodeId` (graph/gradcheck.ts), after every operation queued before it;
	 * null when there is no Backward of the document as it is now.
	 */
	async checkGradient(nodeId: string): Promise<GradcheckReport | null> {
		this.pause();
		let report: GradcheckReport | null = null;
		await this.#enqueue(async () => {
			if (this.canCheckGradient) report = await this.#runner.gradcheck(nodeId);
		});
		return report;
	}

	/** Forgets values, gradients and steps. */
	reset(): Promise<void> {
		this.pause();
		return this.#enqueue(async () => {
			await this.#runner.reset();
			this.#run = null;
			this.#index = -1;
		});
	}

	/** Stops the computation under way; the trace starts over from nothing. */
	cancel(): void {
		this.pause();
		this.#runner.cancel();
		this.#sessionKey = -1;
		this.#run = null;
		this.#index = -1;
		this.work = null;
	}

	/**
	 * One step on. From nothing, it runs Forward and shows its first node; past the last forward
	 * step it runs Backward (from the selected node or the single sink) and shows its first step.
	 */
	stepForward(): Promise<void> {
		this.pause();
		return this.#enqueue(async () => {
			if (this.steps.length === 0) {
				if (await this.#forward()) this.#index = 0;
			} else if (this.index < this.steps.length - 1) {
				this.#index = this.#reach(this.index + 1);
			} else if (this.#canContinue()) {
				if (!(await this.#backward())) return;
				this.#index = this.forwardCount - 1;
				this.#index = this.#reach(this.forwardCount);
			}
		});
	}

	stepBack(): void {
		this.pause();
		if (this.index > -1) this.#index = this.index - 1;
	}

	/** Goes to step `index`; going on, it stops before a held step (see `hold`). */
	seek(index: number): void {
		this.pause();
		const target = Math.max(-1, Math.min(this.steps.length - 1, Math.round(index)));
		this.#index = target > this.index ? this.#reach(target) : target;
	}

	/** Plays on from the current step; from nothing, or past the forward pass, it plays it all. */
	play(): Promise<void> {
		return this.#enqueue(async () => {
			if (this.steps.length === 0) {
				if (!(await this.#forward())) return;
				this.#index = -1;
			} else if (this.index >= this.steps.length - 1 && !this.#canContinue()) {
				this.#index = -1;
			}
			this.#play(true);
		});
	}

	#play(through: boolean): void {
		this.#playThrough = through;
		this.playing = true;
		this.#tick();
	}

	#tick(): void {
		clearTimeout(this.#timer);
		if (!this.playing) return;
		if (this.index >= this.steps.length - 1) {
			if (this.#playThrough && this.#canContinue()) {
				void this.#enqueue(async () => {
					const ran = await this.#backward();
					if (!ran) this.playing = false;
					if (!this.playing) return;
					this.#index = this.forwardCount - 1;
					this.#timer = setTimeout(() => this.#tick(), this.stepMs);
				});
				return;
			}
			this.playing = false;
			return;
		}
		const next = this.#reach(this.index + 1);
		if (next === this.index) {
			// Held: the replay waits for the prediction, then plays on.
			this.playing = false;
			this.#resumeAfterHold = true;
			return;
		}
		this.#index = next;
		this.#timer = setTimeout(() => this.#tick(), this.stepMs);
	}

	pause(): void {
		this.playing = false;
		this.#resumeAfterHold = false;
		clearTimeout(this.#timer);
	}

	togglePlay(): void {
		if (this.playing) this.pause();
		else void this.play();
	}

	destroy(): void {
		this.pause();
		this.#runner.destroy();
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
