/// <reference lib="webworker" />
/**
 * The training worker: a TrainingHost on its own thread, so 1000 epochs never block the page.
 * Started by the client as `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */
import { TrainingHost } from './host';
import type { TrainRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Yield to pending messages without the 4 ms clamp nested timeouts get. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToEvents = () =>
	new Promise<void>((resolve) => {
		waiting.push(resolve);
		channel.port2.postMessage(null);
	});

const host = new TrainingHost((event, transfer) => scope.postMessage(event, transfer ?? []), {
	sliceMs: 16,
	yieldToEvents
});

scope.onmessage = (event: MessageEvent<TrainRequest>) => host.handle(event.data);
scope.postMessage({ type: 'ready' });
