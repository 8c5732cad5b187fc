/**
 * Read state the way a component does: inside an effect. A derived that something watches is
 * computed once per change; read from plain test code it would be recomputed on every read.
 */
import { flushSync } from 'svelte';

/** Watches `read` in an effect until the returned function is called. */
export function watch(read: () => unknown): () => void {
	const stop = $effect.root(() => {
		$effect(() => {
			read();
		});
	});
	flushSync();
	return stop;
}
