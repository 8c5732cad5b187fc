/// <reference lib="webworker" />
/**
 * The trace worker: a TraceSession on its own thread, so Forward and Backward on big tensors never
 * block the page. Started by `WorkerRunner` as
 * `new Worker(new URL('./trace-worker.ts', import.meta.url), { type: 'module' })`.
 */
import { errorMessage } from '$lib/util/error-message';
import {
	handleTraceRequest,
	resultBuffers,
	type TraceRequest,
	type TraceResponse
} from '$lib/graph/trace-runner';
import { TraceSession } from '$lib/graph';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TraceSession();
const post = (response: TraceResponse, transfer: Transferable[] = []) =>
	scope.postMessage(response, transfer);

scope.onmessage = (event: MessageEvent<TraceRequest>) => {
	const request = event.data;
	let lastPost = 0;
	try {
		const result = handleTraceRequest(session, request, (done, total) => {
			// At most ~20 progress messages a second: a 300-node graph need not post 300.
			const now = performance.now();
			if (now - lastPost < 50) return;
			lastPost = now;
			post({ id: request.id, type: 'progress', done, total });
		});
		post({ id: request.id, type: 'done', result }, resultBuffers(result));
	} catch (error) {
		post({
			id: request.id,
			type: 'failed',
			message: errorMessage(error)
		});
	}
};
