/**
 * The message of anything a `catch` caught: an Error's `message`, or what `String()` makes of
 * any other value. Never throws, even for a value whose `toString` (or `message` getter) does:
 * the place that reports a failure must not fail in turn. Callers that show the message to a user
 * still cut it with `excerpt`.
 */
export function errorMessage(error: unknown): string {
	try {
		return error instanceof Error ? String(error.message) : String(error);
	} catch {
		return `a thrown ${error === null ? 'null' : typeof error} that cannot be shown as text`;
	}
}
