/**
 * A document's problem in the UI's language: `$lib/graph` says what is wrong with a code and its
 * values (a `Problem`), the message catalog words it (`problem.<code>`, and a share link's own
 * `problems.share.<code>`). `params.reason` quotes words that stay as written in every language
 * (PyTorch's, the JSON parser's); a problem without a code is shown as written.
 */
import { SHARE_PROBLEM_CODES, VALUE_KINDS, type Problem } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';
import { groupNumbers } from './refusal-text';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** One piece of a message: `verbatim` for words quoted as written (PyTorch's, a parser's). */
export interface MessagePart {
	text: string;
	verbatim?: boolean;
}

const isShareCode = (code: string): code is (typeof SHARE_PROBLEM_CODES)[number] =>
	(SHARE_PROBLEM_CODES as readonly string[]).includes(code);

const isKind = (kind: string): kind is (typeof VALUE_KINDS)[number] =>
	(VALUE_KINDS as readonly string[]).includes(kind);

/** A kind of value that a wrong type names, in the UI's words (any other, as it is). */
const kindText = (kind: string | number | undefined, t: Translate) =>
	typeof kind === 'string' && isKind(kind) ? t(`problem.kind.${kind}`) : String(kind);

export function problemText(problem: Problem, t: Translate): string {
	const { code, params } = problem;
	if (code === undefined) return problem.message;
	if (isShareCode(code)) return t(`problems.share.${code}`);
	if (code === 'wrongType') {
		return t('problem.wrongType', {
			expected: kindText(params?.expected, t),
			got: kindText(params?.got, t)
		});
	}
	return t(`problem.${code}`, groupNumbers(params));
}

/** Stands for the quoted reason while the rest is worded (no catalog message holds it). */
const QUOTE = '\u0000';

/**
 * The same, in pieces: the quoted reason marked `verbatim`, our words around it. Only the
 * reason comes from outside the catalog in such a message (its other values are numbers).
 */
export function problemParts(problem: Problem, t: Translate): MessagePart[] {
	const reason = problem.params?.reason;
	if (problem.code === undefined || reason === undefined)
		return [{ text: problemText(problem, t) }];
	const pieces = problemText({ ...problem, params: { ...problem.params, reason: QUOTE } }, t).split(
		QUOTE
	);
	if (pieces.length !== 2) return [{ text: problemText(problem, t) }];
	const parts: MessagePart[] = [
		{ text: pieces[0] },
		{ text: String(reason), verbatim: true },
		{ text: pieces[1] }
	];
	return parts.filter((part) => part.text !== '');
}
