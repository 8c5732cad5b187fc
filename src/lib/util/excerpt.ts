/**
 * What a message may quote of the user's input: at most `max` characters (80 by default), cut on
 * a code point (never half of an emoji) and marked with an ellipsis, with line breaks and other
 * control characters shown as spaces. Every message that echoes user text goes through it, so a
 * 50 MB CSV field or a 5 MB `format` string gives a one-line message.
 */
export const EXCERPT_CHARS = 80;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function excerpt(text: string, max: number = EXCERPT_CHARS): string {
	// Look at no more than we may show: the rest of a huge string is never scanned.
	const head = text.length > max * 2 + 2 ? text.slice(0, max * 2 + 2) : text;
	const points = Array.from(head);
	const cut = points.length > max || head.length < text.length;
	const shown = cut ? points.slice(0, Math.max(0, max - 1)).join('') + '…' : head;
	return shown.replace(CONTROL, ' ');
}

/** `excerpt` of any value: strings as they are, anything else as `String(value)` would show it. */
export function excerptValue(value: unknown, max: number = EXCERPT_CHARS): string {
	if (typeof value === 'string') return excerpt(value, max);
	try {
		return excerpt(String(value), max);
	} catch {
		return typeof value;
	}
}
