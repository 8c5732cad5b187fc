/**
 * Where a trace is computed: the protocol between the editor and a `TraceSession`, and the
 * in-thread runner. The editor talks to a `TraceRunner` only, so the same replay works with the
 * session on the page (tests, no Workers) or in a Web Worker (the app: heavy tensors never block
 * the page). Every answer is plain data (steps, views, Maps), which a worker can post.
 */
import { checkGradients, type GradcheckReport } from './gradcheck';
import {
	TraceSession,
	type BackwardStep,
	type ForwardStep,
	type TensorView,
	type TraceError
} from './trace';
import type { GraphDocument } from './types';

/** PyTorch's `.grad` of every node (null: None) and each leaf's accumulation count. */
export interface GradSnapshot {
	grads: Map<string, TensorView | null>;
	counts: Map<string, number>;
}

export interface ForwardResult {
	steps: ForwardStep[];
	error: TraceError | null;
	/** The grads after the forward pass (leaves keep theirs across passes, as in PyTorch). */
	grads: GradSnapshot;
}

export interface BackwardResult {
	/** The node backward started from (the chosen one, or the single sink), or null. */
	outputId: string | null;
	steps: BackwardStep[];
	error: TraceError | null;
	/** Grads before this backward pass, and after it (equal when it was refused). */
	before: GradSnapshot;
	after: GradSnapshot;
}

export type Progress = (done: number, total: number) => void;

/** A trace session somewhere: on this thread or another. Calls are answered in order. */
export interface TraceRunner {
	forward(doc: GraphDocument, onProgress?: Progress): Promise<ForwardResult>;
	backward(outputId: string | null, retainGraph: boolean): Promise<BackwardResult>;
	zeroGrad(): Promise<GradSnapshot>;
	/** "Check gradient" of a node after Backward (see gradcheck.ts). */
	gradcheck(nodeId: string): Promise<GradcheckReport>;
	/** Forgets values, grads and steps. */
	reset(): Promise<void>;
	/**
	 * Abandons the call in progress (its promise rejects with `TraceCancelled`) and every state:
	 * the next call starts from a fresh session.
	 */
	cancel(): void;
	destroy(): void;
}

export class TraceCancelled extends Error {
	constructor() {
		super('the trace was cancelled');
		this.name = 'TraceCancelled';
	}
}

/** The requests a worker runner posts, and what it answers. */
export type TraceRequest =
	| { id: number; type: 'forward'; doc: GraphDocument }
	| { id: number; type: 'backward'; outputId: string | null; retainGraph: boolean }
	| { id: number; type: 'zeroGrad' }
	| { id: number; type: 'gradcheck'; nodeId: string }
	| { id: number; type: 'reset' };

export type TraceResponse =
	| { id: number; type: 'progress'; done: number; total: number }
	| { id: number; type: 'done'; result: TraceAnswer }
	| { id: number; type: 'failed'; message: string };

function snapshot(session: TraceSession): GradSnapshot {
	return { grads: session.grads(), counts: session.accumulations() };
}

/** What a request is answered with. */
export type TraceAnswer = ForwardResult | BackwardResult | GradSnapshot | GradcheckReport | null;

/** Answers one request with a session: the whole of what a worker does. */
export function handleTraceRequest(
	session: TraceSession,
	request: TraceRequest,
	onProgress?: Progress
): TraceAnswer {
	switch (request.type) {
		case 'forward': {
			const { steps, error } = session.forward(request.doc, onProgress);
			return { steps, error, grads: snapshot(session) };
		}
		case 'backward': {
			const before = snapshot(session);
			const outputId = request.outputId ?? session.defaultOutput();
			const { steps, error } = session.backward(outputId, { retainGraph: request.retainGraph });
			return { outputId, steps, error, before, after: error ? before : snapshot(session) };
		}
		case 'zeroGrad':
			session.zeroGrad();
			return snapshot(session);
		case 'gradcheck': {
			const checkable = session.checkable();
			if (checkable === null) {
				return { ok: false, nodeId: request.nodeId, problem: 'noBackward', message: '' };
			}
			return checkGradients({ ...checkable, nodeId: request.nodeId });
		}
		case 'reset':
			session.reset();
			return null;
	}
}

/** Every buffer a result holds, once each: what a worker transfers instead of copying. */
export function resultBuffers(result: unknown): ArrayBuffer[] {
	const buffers = new Set<ArrayBuffer>();
	const visit = (view: TensorView | null | undefined) => {
		if (view && view.data.buffer instanceof ArrayBuffer) buffers.add(view.data.buffer);
	};
	const snapshotBuffers = (s: GradSnapshot | undefined) => s?.grads.forEach(visit);
	if (!result || typeof result !== 'object') return [];
	const r = result as { steps?: (ForwardStep | BackwardStep)[] } & Record<string, unknown>;
	for (const step of r.steps ?? []) {
		if (step.kind === 'forward') {
			visit(step.output);
			for (const input of step.inputs) visit(input.value);
		} else {
			visit(step.upstream);
			for (const input of step.inputs) visit(input.grad);
			for (const acc of step.accumulated) {
				visit(acc.grad);
				// Its parts are the inputs' gradients, visited above.
				visit(acc.sum?.total);
			}
		}
	}
	// A GradSnapshot itself (zero grad), or the snapshots a forward or backward result holds.
	if (r.grads instanceof Map) (r.grads as GradSnapshot['grads']).forEach(visit);
	else snapshotBuffers(r.grads as GradSnapshot | undefined);
	snapshotBuffers(r.before as GradSnapshot | undefined);
	snapshotBuffers(r.after as GradSnapshot | undefined);
	return [...buffers];
}

/** The session on this thread: answers at once (tests, and pages without Workers). */
export class InThreadRunner implements TraceRunner {
	#session = new TraceSession();

	forward(doc: GraphDocument, onProgress?: Progress): Promise<ForwardResult> {
		return this.#answer({ id: 0, type: 'forward', doc }, onProgress) as Promise<ForwardResult>;
	}

	backward(outputId: string | null, retainGraph: boolean): Promise<BackwardResult> {
		return this.#answer({
			id: 0,
			type: 'backward',
			outputId,
			retainGraph
		}) as Promise<BackwardResult>;
	}

	zeroGrad(): Promise<GradSnapshot> {
		return this.#answer({ id: 0, type: 'zeroGrad' }) as Promise<GradSnapshot>;
	}

	gradcheck(nodeId: string): Promise<GradcheckReport> {
		return this.#answer({ id: 0, type: 'gradcheck', nodeId }) as Promise<GradcheckReport>;
	}

	async reset(): Promise<void> {
		await this.#answer({ id: 0, type: 'reset' });
	}

	cancel(): void {
		this.#session = new TraceSession();
	}

	destroy(): void {
		this.#session.reset();
	}

	#answer(request: TraceRequest, onProgress?: Progress) {
		try {
			return Promise.resolve(handleTraceRequest(this.#session, request, onProgress));
		} catch (error) {
			return Promise.reject(error);
		}
	}
}
