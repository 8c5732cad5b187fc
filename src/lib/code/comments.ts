/**
 * The generator's own comments, in the UI's language: the message catalog's `code.comment.*`
 * messages, one `# ` line of the program per line of the message. What they quote (names,
 * calls, shapes, PyTorch's error messages) comes in as parameters and stays as it is.
 */
import { translate, type Locale, type MessageKey, type MessageParams } from '$lib/i18n/messages';

export type { Locale } from '$lib/i18n/messages';

export type CommentKey = Extract<MessageKey, `code.comment.${string}`>;

/** The comment `key` in `locale`, as program lines (`# ...`). */
export function comment(locale: Locale, key: CommentKey, params?: MessageParams): string[] {
	return translate(locale, key, params)
		.split('\n')
		.map((line) => `# ${line}`);
}

/** The words of `key` in `locale`, to fill in another comment. */
export function commentPart(locale: Locale, key: CommentKey, params?: MessageParams): string {
	return translate(locale, key, params);
}
