/** Shared set-up for engine tests: warnings captured per test, a fixed seed, state restored. */
import { afterEach, beforeEach } from 'vitest';
import * as torch from '$lib/engine';

/** PyTorch's message for a second backward through freed saved tensors, verbatim. */
export const FREED_GRAPH =
	'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/**
 * Before each test: collect the engine's warnings (reading `.grad` of a non-leaf warns, as in
 * PyTorch) into the returned array and seed the generator with 0. After each: restore the
 * previous warning handler and grad mode.
 */
export function useEngineSandbox(): string[] {
	const warnings: string[] = [];
	let previousHandler: torch.WarningHandler;
	beforeEach(() => {
		warnings.length = 0;
		previousHandler = torch.setWarningHandler((message) => warnings.push(message));
		torch.manualSeed(0);
	});
	afterEach(() => {
		torch.setWarningHandler(previousHandler);
		torch.setGradEnabled(true);
	});
	return warnings;
}
