/**
 * A refused edit in the UI's language: `$lib/graph` says why with a code and its values (a
 * `Refusal`), the message catalog words it (`refusal.<code>`).
 */
import type { Refusal } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';

type Translate = (key: MessageKey, params?: MessageParams) => string;

export function refusalText(refusal: Refusal, t: Translate): string {
	return t(`refusal.${refusal.code}`, refusal.params);
}
