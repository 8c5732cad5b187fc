/** A helper of the training client's tests. */
import type { TrainingClient, TrainState } from '$lib/training';

/** Resolves with the client's first state (now or after an event) that passes `test`. */
export function waitFor(
	client: TrainingClient,
	test: (state: TrainState) => boolean
): Promise<TrainState> {
	return new Promise((resolve) => {
		if (test(client.state)) return resolve(client.state);
		const stop = client.subscribe((state) => {
			if (test(state)) {
				stop();
				resolve(state);
			}
		});
	});
}

/** Values by node id (float32 arrays, as the client reports them) as plain number lists. */
export const plain = (values: Readonly<Record<string, ArrayLike<number>>>) =>
	Object.fromEntries(Object.entries(values).map(([id, v]) => [id, Array.from(v)]));
