/**
 * Reading what is typed into the inspector. A parse either gives a value, or says which piece
 * of text is wrong (the inspector shows it; the document does not change).
 */
import type { MessageKey, MessageParams } from '$lib/i18n';
import { excerpt } from '$lib/util/excerpt';

/** What is wrong with a piece of text: not a number, not an integer, or not finite (inf, nan). */
export type ParseProblem = 'number' | 'integer' | 'finite';

export type ParseResult<T> =
	{ ok: true; value: T } | { ok: false; problem: ParseProblem; text: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** PyTorch's spellings of the values a graph file cannot hold (`float('inf')`, `nan`). */
const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;
const INTEGER = /^[+-]?\d+$/;

function parts(text: string): string[] {
	const trimmed = text.trim().replace(/^[[(]|[\])]$/g, '');
	return trimmed === '' ? [] : trimmed.split(/[\s,]+/).filter((part) => part !== '');
}

export function parseNumber(text: string): ParseResult<number> {
	const t = text.trim();
	const value = Number(t);
	if (NON_FINITE.test(t) || (NUMBER.test(t) && !Number.isFinite(value))) {
		return { ok: false, problem: 'finite', text };
	}
	if (!NUMBER.test(t)) return { ok: false, problem: 'number', text };
	return { ok: true, value };
}

const PROBLEM_MESSAGES: Record<ParseProblem, MessageKey> = {
	number: 'inspector.notNumber',
	integer: 'inspector.notInteger',
	finite: 'inspector.notFinite'
};

/** What the field says of a refused text, in the UI's language (quoting an excerpt of it). */
export function problemMessage(
	parsed: { problem: ParseProblem; text: string },
	t: (key: MessageKey, params?: MessageParams) => string
): string {
	return t(PROBLEM_MESSAGES[parsed.problem], { text: excerpt(parsed.text.trim(), 40) });
}

export function parseInteger(text: string): ParseResult<number> {
	const t = text.trim();
	if (!INTEGER.test(t) || !Number.isSafeInteger(Number(t))) {
		return { ok: false, problem: 'integer', text };
	}
	return { ok: true, value: Number(t) };
}

/** `3, 4`, `3 4`, `[3, 4]` or `(3, 4)` -> [3, 4]; empty text -> []. */
export function parseIntegerList(text: string): ParseResult<number[]> {
	const values: number[] = [];
	for (const part of parts(text)) {
		const parsed = parseInteger(part);
		if (!parsed.ok) return { ok: false, problem: 'integer', text: part };
		values.push(parsed.value);
	}
	return { ok: true, value: values };
}

/** A reduction's dims: empty -> undefined (every dim); `1` -> 1; `0, 1` -> [0, 1]. */
export function parseDims(text: string): ParseResult<number | number[] | undefined> {
	const list = parseIntegerList(text);
	if (!list.ok) return list;
	if (list.value.length === 0) return { ok: true, value: undefined };
	return { ok: true, value: list.value.length === 1 ? list.value[0] : list.value };
}

/** The text a list (or a single dim) is edited as. */
export function formatList(value: unknown): string {
	if (Array.isArray(value)) return value.join(', ');
	if (typeof value === 'number') return String(value);
	return '';
}
