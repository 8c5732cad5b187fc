/**
 * A trace session in a Web Worker (see trace-worker.ts). Requests are answered in order; Cancel
 * terminates the worker (the only way to stop a long computation) and the next request starts
 * a fresh one.
 */
import {
	InThreadRunner,
	TraceCancelled,
	type BackwardResult,
	type ForwardResult,
	type GradSnapshot,
	type Progress,
	type TraceRequest,
	type TraceResponse,
	type TraceRunner
} from '$lib/graph/trace-runner';
import type { GradcheckReport, GraphDocument } from '$lib/graph';

type Body = TraceRequest extends infer R
	? R extends { id: number }
		? Omit<R, 'id'>
		: never
	: never;

interface Pending {
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
	onProgress?: Progress;
}

export function createTraceWorker(): Worker {
	return new Worker(new URL('./trace-worker.ts', import.meta.url), { type: 'module' });
}

export class WorkerRunner implements TraceRunner {
	#worker: Worker | null = null;
	#pending = new Map<number, Pending>();
	#nextId = 1;
	#create: () => Worker;

	constructor(create: () => Worker = createTraceWorker) {
		this.#create = create;
	}

	forward(doc: GraphDocument, onProgress?: Progress): Promise<ForwardResult> {
		return this.#call({ type: 'forward', doc }, onProgress) as Promise<ForwardResult>;
	}

	backward(outputId: string | null, retainGraph: boolean): Promise<BackwardResult> {
		return this.#call({ type: 'backward', outputId, retainGraph }) as Promise<BackwardResult>;
	}

	zeroGrad(): Promise<GradSnapshot> {
		return this.#call({ type: 'zeroGrad' }) as Promise<GradSnapshot>;
	}

	gradcheck(nodeId: string): Promise<GradcheckReport> {
		return this.#call({ type: 'gradcheck', nodeId }) as Promise<GradcheckReport>;
	}

	async reset(): Promise<void> {
		await this.#call({ type: 'reset' });
	}

	/** Starts the worker ahead of the first run, so the first Forward does not wait for it to load. */
	warm(): void {
		this.#ensureWorker();
	}

	cancel(): void {
		this.#worker?.terminate();
		this.#worker = null;
		const pending = [...this.#pending.values()];
		this.#pending.clear();
		for (const { reject } of pending) reject(new TraceCancelled());
	}

	destroy(): void {
		this.cancel();
	}

	#call(body: Body, onProgress?: Progress): Promise<unknown> {
		const worker = this.#ensureWorker();
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject, onProgress });
			worker.postMessage({ ...body, id } as TraceRequest);
		});
	}

	#ensureWorker(): Worker {
		if (this.#worker) return this.#worker;
		const worker = this.#create();
		worker.onmessage = (event: MessageEvent<TraceResponse>) => this.#receive(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			const pending = [...this.#pending.values()];
			this.#pending.clear();
			this.#worker?.terminate();
			this.#worker = null;
			for (const { reject } of pending)
				reject(new Error(event.message || 'the trace worker failed'));
		};
		this.#worker = worker;
		return worker;
	}

	#receive(response: TraceResponse): void {
		const pending = this.#pending.get(response.id);
		if (!pending) return;
		if (response.type === 'progress') {
			pending.onProgress?.(response.done, response.total);
			return;
		}
		this.#pending.delete(response.id);
		if (response.type === 'done') pending.resolve(response.result);
		else pending.reject(new Error(response.message));
	}
}

/**
 * The runner the app uses: a worker where Workers exist (started once the page is idle), else
 * the session on this thread.
 */
export function defaultTraceRunner(): TraceRunner {
	if (typeof Worker === 'undefined') return new InThreadRunner();
	const runner = new WorkerRunner();
	const warm = () => runner.warm();
	if (typeof requestIdleCallback === 'function') requestIdleCallback(warm, { timeout: 2000 });
	else setTimeout(warm, 500);
	return runner;
}
