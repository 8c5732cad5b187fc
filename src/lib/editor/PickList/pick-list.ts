/**
 * The keys of a filter box over a list of choices (quick add, the connect list): ↑ / ↓ move the
 * active choice (wrapping), Enter picks it, Escape closes; and the box closes when focus leaves
 * it and its list.
 */
export interface PickListActions {
	pick: (index: number) => void;
	close: () => void;
}

/** Handles `event` for a list of `count` choices; returns the active index after it. */
export function pickListKey(
	event: KeyboardEvent,
	active: number,
	count: number,
	actions: PickListActions
): number {
	const size = Math.max(1, count);
	switch (event.key) {
		case 'Escape':
			event.preventDefault();
			actions.close();
			return active;
		case 'ArrowDown':
			event.preventDefault();
			return (active + 1) % size;
		case 'ArrowUp':
			event.preventDefault();
			return (active - 1 + size) % size;
		case 'Enter':
			event.preventDefault();
			actions.pick(active);
			return active;
		default:
			return active;
	}
}

/** Whether focus left the box's container (the filter and its list) with this blur. */
export function focusLeft(event: FocusEvent & { currentTarget: HTMLElement }): boolean {
	const next = event.relatedTarget as Node | null;
	return !next || !(event.currentTarget.parentElement?.contains(next) ?? false);
}
