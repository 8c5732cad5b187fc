/**
 * An import problem in the UI's language, in pieces for `ProblemList`: our problems are worded
 * from their code (`importCode.problem.<code>`, a name's missing value from
 * `importCode.reason.<code>` inside it); the code they quote (names, calls, keywords, a line's
 * excerpt) and the code our words name between backticks are `verbatim` pieces, as written in
 * every language; line numbers are plain; what a value is, a phrase, is worded from
 * `importCode.phrase.<code>`. Python's, PyTorch's and NumPy's own errors are coded too: a lead-in
 * saying whose they are, then their words as one `verbatim` piece. Python's syntax errors have no
 * code: their words are Python's, one `verbatim` piece. Other problems without a code (the size
 * limits) are left as the importer wrote them.
 */
import type { CodeProblem } from '$lib/code';
import type { ProblemParams } from '$lib/code/problem-codes';
import type { MessageKey, MessageParams } from '$lib/i18n/messages';

export interface ProblemPart {
	text: string;
	verbatim?: boolean;
}

type Translate = (key: MessageKey, params?: MessageParams) => string;

/**
 * `template`'s `{name}`s filled with `params` (strings verbatim, numbers plain, phrases worded
 * from `importCode.phrase.<code>`), `{why}` with `why`; its code between backticks verbatim,
 * without the backticks.
 */
function fill(
	template: string,
	params: ProblemParams,
	t: Translate,
	why: ProblemPart[] = []
): ProblemPart[] {
	const parts: ProblemPart[] = [];
	let last = 0;
	// A `{name}`, or code between backticks (as written in every language).
	for (const match of template.matchAll(/\{(\w+)\}|`([^`]*)`/g)) {
		if (match.index > last) parts.push({ text: template.slice(last, match.index) });
		last = match.index + match[0].length;
		const name = match[1];
		if (name === undefined) {
			parts.push({ text: match[2], verbatim: true });
			continue;
		}
		const value = Object.hasOwn(params, name) ? params[name] : undefined;
		if (name === 'why' && why.length > 0) for (const part of why) parts.push(part);
		else if (typeof value === 'string') parts.push({ text: value, verbatim: true });
		else if (typeof value === 'number') parts.push({ text: String(value) });
		else if (value !== undefined) {
			const phrase = t(`importCode.phrase.${value.phrase}`);
			for (const part of fill(phrase, value.params ?? {}, t)) parts.push(part);
		} else parts.push({ text: match[0] });
	}
	if (last < template.length) parts.push({ text: template.slice(last) });
	return parts;
}

export function importProblemParts(problem: CodeProblem, t: Translate): ProblemPart[] {
	if (problem.code === undefined) {
		return [
			problem.kind === 'syntax'
				? { text: problem.message, verbatim: true }
				: { text: problem.message }
		];
	}
	const reason = problem.reason;
	const why =
		reason === undefined
			? []
			: fill(t(`importCode.reason.${reason.code}` as MessageKey), reason.params, t);
	return fill(t(`importCode.problem.${problem.code}` as MessageKey), problem.params ?? {}, t, why);
}

/** The same as one string. */
export function importProblemText(problem: CodeProblem, t: Translate): string {
	return importProblemParts(problem, t)
		.map((part) => part.text)
		.join('');
}
