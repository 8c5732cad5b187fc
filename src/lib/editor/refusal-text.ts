/**
 * A refused edit in the UI's language: `$lib/graph` says why with a code and its values (a
 * `Refusal`), the message catalog words it (`refusal.<code>`).
 */
import type { Refusal } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** Digits grouped by thousands from this size on (16,777,216), as both languages write them. */
const GROUP_FROM = 10_000;
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });

export function refusalText(refusal: Refusal, t: Translate): string {
	return t(`refusal.${refusal.code}`, groupNumbers(refusal.params));
}

/** A message's values with its large numbers grouped; small ones (and `count`'s plural) kept. */
export function groupNumbers(params: MessageParams | undefined): MessageParams | undefined {
	if (params === undefined) return undefined;
	let out: MessageParams | undefined;
	for (const [name, value] of Object.entries(params)) {
		if (typeof value !== 'number' || !(Math.abs(value) >= GROUP_FROM)) continue;
		if (!Number.isFinite(value)) continue;
		out ??= { ...params };
		out[name] = grouped.format(value);
	}
	return out ?? params;
}
