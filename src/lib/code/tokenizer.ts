/**
 * Python's tokenizer, for the parser of the import subset: names, numbers, strings, operators,
 * NEWLINE / INDENT / DEDENT, with comments kept aside. It follows Python's lexical rules
 * (brackets join lines, a backslash continues a line, tabs indent to multiples of 8) and never
 * throws: a character or literal it cannot read becomes an `error` token plus a problem, and
 * the rest of the text is still read.
 *
 * Two leniencies: code indented as a whole (pasted from a page) is read as if dedented, and a
 * bracket that is never closed is reported and then dropped, so the lines after it still read.
 */
import type { RawProblem } from './source';
import { PYTHON_KEYWORDS } from '$lib/graph/names';
import { excerpt } from '$lib/util/excerpt';

export type TokenType =
	| 'name'
	| 'number'
	| 'string'
	| 'op'
	| 'newline'
	| 'indent'
	| 'dedent'
	| 'end'
	/** Text that could not be read; its problem is already reported. */
	| 'error';

export interface Token {
	type: TokenType;
	/**
	 * The source text of the token (empty for newline, indent, dedent and end); a name's text is
	 * NFKC-normalised as Python does, so it may differ from the source between start and end.
	 */
	text: string;
	/** UTF-16 offsets into the source. */
	start: number;
	end: number;
	/** 1-based line where the token starts. */
	line: number;
	/** A string token's decoded value. */
	value?: string;
	/** A string token's prefix, lowercased (`r`, `b`, `f`, `rb`, ...). */
	prefix?: string;
}

export interface Comment {
	/** The comment's text, with the `#`. */
	text: string;
	start: number;
	line: number;
	/** True when the comment is alone on its line. */
	ownLine: boolean;
}

export interface Tokenized {
	tokens: Token[];
	comments: Comment[];
	problems: RawProblem[];
}

/** Python's keywords: names that cannot be used as variables. */
export const KEYWORDS = PYTHON_KEYWORDS;

const OPERATORS_3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPERATORS_2 = new Set([
	'**',
	'//',
	'>>',
	'<<',
	'<=',
	'>=',
	'==',
	'!=',
	'->',
	'+=',
	'-=',
	'*=',
	'/=',
	'%=',
	'&=',
	'|=',
	'^=',
	'@=',
	':='
]);
const OPERATORS_1 = new Set('+-*/%@&|^~<>()[]{},:;.='.split(''));
const OPENING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

const IDENTIFIER = /[\p{XID_Start}_][\p{XID_Continue}]*/uy;
const IDENTIFIER_CONTINUE = /[\p{XID_Continue}]/uy;
const NUMBER =
	/(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)[jJ]?/y;
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);
/** How many times a never-closed bracket is dropped and the lines after it read again. */
const MAX_RECOVERIES = 20;

const isLineBreak = (c: string) => c === '\n' || c === '\r';

/** The indentation width of a line's leading whitespace (tabs to multiples of 8). */
function indentWidth(source: string, start: number): { width: number; end: number } {
	let width = 0;
	let p = start;
	while (p < source.length) {
		const c = source[p];
		if (c === ' ') width++;
		else if (c === '\t') width = (Math.floor(width / 8) + 1) * 8;
		else if (c === '\f') width = 0;
		else break;
		p++;
	}
	return { width, end: p };
}

/** The indentation shared by every line with code on it (0 when any line starts flush). */
function commonIndent(source: string): number {
	let common = Infinity;
	let p = 0;
	while (p <= source.length && common > 0) {
		const { width, end } = indentWidth(source, p);
		const c = source[end];
		if (end < source.length && !isLineBreak(c) && c !== '#') common = Math.min(common, width);
		let next = end;
		while (next < source.length && !isLineBreak(source[next])) next++;
		if (next >= source.length) break;
		p = source[next] === '\r' && source[next + 1] === '\n' ? next + 2 : next + 1;
	}
	return Number.isFinite(common) ? common : 0;
}

function describeCharacter(char: string): string {
	const code = char.codePointAt(0)!;
	const hex = code.toString(16).toUpperCase().padStart(4, '0');
	if (code < 0x80) {
		return code < 0x20 || code === 0x7f
			? `invalid non-printable character U+${hex}`
			: `invalid syntax: '${char}' is not Python`;
	}
	if (/\s|\p{C}/u.test(char)) return `invalid non-printable character U+${hex}`;
	return `invalid character '${char}' (U+${hex})`;
}

const SIMPLE_ESCAPES: Record<string, string> = {
	'\\': '\\',
	"'": "'",
	'"': '"',
	a: '\x07',
	b: '\b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t',
	v: '\v'
};

/** The value of a string literal's body (escapes decoded unless raw). */
function decodeString(body: string, raw: boolean): string {
	if (raw || !body.includes('\\')) return body;
	let out = '';
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (c !== '\\' || i + 1 >= body.length) {
			out += c;
			continue;
		}
		const next = body[++i];
		if (next in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[next];
		else if (next === '\n') continue;
		else if (next === '\r') {
			if (body[i + 1] === '\n') i++;
		} else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
			out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
			i += 2;
		} else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
			out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
			i += 4;
		} else out += '\\' + next;
	}
	return out;
}

interface OpenBracket {
	char: string;
	start: number;
	line: number;
	/** How many tokens there were before it (for dropping a never-closed bracket). */
	tokenCount: number;
	commentCount: number;
	problemCount: number;
}

export function tokenize(source: string): Tokenized {
	const tokens: Token[] = [];
	const comments: Comment[] = [];
	const problems: RawProblem[] = [];
	const indents = [0];
	let brackets: OpenBracket[] = [];
	const base = commonIndent(source);
	let pos = 0;
	let line = 1;
	let atLineStart = true;
	let lineHasTokens = false;
	let recoveries = 0;
	// A byte order mark at the start is not text (Python skips it too).
	if (source.charCodeAt(0) === 0xfeff) pos = 1;

	const push = (type: TokenType, text: string, start: number, extra?: Partial<Token>) => {
		tokens.push({ type, text, start, end: start + text.length, line, ...extra });
		if (type !== 'newline' && type !== 'indent' && type !== 'dedent') lineHasTokens = true;
	};
	/** One problem a line: a line of prose would otherwise give one for each character. */
	let lastProblemLine = 0;
	const problem = (offset: number, message: string) => {
		if (line === lastProblemLine) return;
		lastProblemLine = line;
		problems.push({ offset, message, kind: 'syntax' });
	};
	const error = (start: number, end: number, message: string) => {
		problem(start, message);
		tokens.push({ type: 'error', text: source.slice(start, end), start, end, line });
		lineHasTokens = true;
	};
	/** Consume one line break at `p` (`\r\n` is one), counting the line. */
	const lineBreakEnd = (p: number) => {
		line++;
		return source[p] === '\r' && source[p + 1] === '\n' ? p + 2 : p + 1;
	};

	while (true) {
		if (atLineStart && brackets.length === 0) {
			const { width, end } = indentWidth(source, pos);
			pos = end;
			atLineStart = false;
			const c = source[pos];
			if (pos < source.length && !isLineBreak(c) && c !== '#' && c !== '\\') {
				const level = width - base;
				if (level > indents[indents.length - 1]) {
					indents.push(level);
					push('indent', '', pos);
				} else {
					while (indents.length > 1 && level < indents[indents.length - 1]) {
						indents.pop();
						push('dedent', '', pos);
					}
					if (level !== indents[indents.length - 1]) {
						problem(pos, 'unindent does not match any outer indentation level');
					}
				}
			}
		}
		if (pos >= source.length) {
			if (brackets.length > 0) {
				const open = brackets[0];
				problems.push({
					offset: open.start,
					message: `'${open.char}' was never closed`,
					kind: 'syntax'
				});
				lastProblemLine = 0;
				if (recoveries++ < MAX_RECOVERIES) {
					// Drop the bracket's statement, and read the lines after its line again.
					tokens.length = open.tokenCount;
					comments.length = open.commentCount;
					problems.splice(open.problemCount, problems.length - open.problemCount - 1);
					tokens.push({
						type: 'error',
						text: open.char,
						start: open.start,
						end: open.start + 1,
						line: open.line
					});
					let next = open.start;
					while (next < source.length && !isLineBreak(source[next])) next++;
					brackets = [];
					line = open.line;
					tokens.push({ type: 'newline', text: '', start: next, end: next, line });
					lineHasTokens = false;
					if (next < source.length) {
						pos = lineBreakEnd(next);
						atLineStart = true;
						continue;
					}
					pos = next;
				}
				brackets = [];
			}
			break;
		}
		const c = source[pos];
		if (c === ' ' || c === '\t' || c === '\f') {
			pos++;
			continue;
		}
		if (isLineBreak(c)) {
			if (brackets.length === 0) {
				if (lineHasTokens) push('newline', '', pos);
				lineHasTokens = false;
				atLineStart = true;
			}
			pos = lineBreakEnd(pos);
			continue;
		}
		if (c === '#') {
			let end = pos;
			while (end < source.length && !isLineBreak(source[end])) end++;
			comments.push({
				text: source.slice(pos, end),
				start: pos,
				line,
				ownLine: !lineHasTokens && brackets.length === 0
			});
			pos = end;
			continue;
		}
		if (c === '\\') {
			const next = source[pos + 1];
			if (next !== undefined && isLineBreak(next)) {
				pos = lineBreakEnd(pos + 1);
				continue;
			}
			error(pos, pos + 1, 'unexpected character after line continuation character');
			pos++;
			continue;
		}
		const start = pos;

		// Names, keywords and string prefixes.
		const code = source.charCodeAt(pos);
		const wordStart = code >= 0x80 || code === 95 || ((code | 32) >= 97 && (code | 32) <= 122);
		IDENTIFIER.lastIndex = pos;
		const word = wordStart ? IDENTIFIER.exec(source) : null;
		if (word !== null) {
			const text = word[0];
			const after = source[pos + text.length];
			if ((after === "'" || after === '"') && STRING_PREFIXES.has(text.toLowerCase())) {
				pos = readString(text.toLowerCase(), pos + text.length);
				continue;
			}
			pos += text.length;
			// Python reads identifiers in NFKC: `𝔵` and `ｘ` are the name `x`. The token keeps its
			// place in the source (end) while its text is the name Python sees.
			const name = /[^\p{ASCII}]/u.test(text) ? text.normalize('NFKC') : text;
			push('name', name, start, { end: pos });
			continue;
		}

		// Numbers.
		if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(source[pos + 1] ?? ''))) {
			NUMBER.lastIndex = pos;
			const match = NUMBER.exec(source)!;
			let end = pos + match[0].length;
			IDENTIFIER_CONTINUE.lastIndex = end;
			if (IDENTIFIER_CONTINUE.test(source)) {
				IDENTIFIER.lastIndex = end;
				const rest = IDENTIFIER.exec(source);
				end += rest === null ? 1 : rest[0].length;
				while (end < source.length && /[\p{XID_Continue}]/u.test(source[end])) end++;
				error(start, end, `invalid decimal literal '${excerpt(source.slice(start, end))}'`);
			} else if (/^0+[0-9]/.test(match[0]) && /^[0-9_]+$/.test(match[0])) {
				error(
					start,
					end,
					'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'
				);
			} else push('number', match[0], start);
			pos = end;
			continue;
		}

		if (c === "'" || c === '"') {
			pos = readString('', pos);
			continue;
		}

		// Operators and brackets.
		const three = source.slice(pos, pos + 3);
		const two = source.slice(pos, pos + 2);
		if (OPERATORS_3.has(three)) {
			push('op', three, start);
			pos += 3;
			continue;
		}
		if (OPERATORS_2.has(two)) {
			push('op', two, start);
			pos += 2;
			continue;
		}
		if (OPERATORS_1.has(c)) {
			pos++;
			if (c in OPENING) {
				brackets.push({
					char: c,
					start,
					line,
					tokenCount: tokens.length,
					commentCount: comments.length,
					problemCount: problems.length
				});
				push('op', c, start);
				continue;
			}
			if (c in CLOSING) {
				const open = brackets.pop();
				if (open === undefined) {
					error(start, pos, `unmatched '${c}'`);
					continue;
				}
				if (open.char !== CLOSING[c]) {
					const where = open.line === line ? '' : ` on line ${open.line}`;
					error(
						start,
						pos,
						`closing parenthesis '${c}' does not match opening parenthesis '${open.char}'${where}`
					);
					continue;
				}
			}
			push('op', c, start);
			continue;
		}

		// Anything else: one character (a whole surrogate pair) that Python cannot read.
		const char = String.fromCodePoint(source.codePointAt(pos)!);
		pos += char.length;
		error(start, pos, describeCharacter(char));
	}

	if (lineHasTokens) push('newline', '', source.length);
	while (indents.length > 1) {
		indents.pop();
		push('dedent', '', source.length);
	}
	push('end', '', source.length);
	return { tokens, comments, problems };

	/** Read a string literal whose quote is at `quoteAt`; returns the offset after it. */
	function readString(prefix: string, quoteAt: number): number {
		const start = quoteAt - prefix.length;
		const startLine = line;
		const quote = source[quoteAt];
		const triple = source.startsWith(quote.repeat(3), quoteAt);
		const delimiter = triple ? quote.repeat(3) : quote;
		let p = quoteAt + delimiter.length;
		const raw = prefix.includes('r');
		while (true) {
			if (p >= source.length) {
				const kind = triple
					? 'unterminated triple-quoted string literal'
					: 'unterminated string literal';
				problem(start, `${kind} (detected at line ${line})`);
				tokens.push({
					type: 'error',
					text: source.slice(start, p),
					start,
					end: p,
					line: startLine
				});
				lineHasTokens = true;
				return p;
			}
			const ch = source[p];
			if (ch === '\\') {
				const next = source[p + 1];
				if (next !== undefined && isLineBreak(next)) p = lineBreakEnd(p + 1);
				else p += next === undefined ? 1 : 2;
				continue;
			}
			if (source.startsWith(delimiter, p)) {
				p += delimiter.length;
				break;
			}
			if (isLineBreak(ch)) {
				if (!triple) {
					problem(start, `unterminated string literal (detected at line ${line})`);
					tokens.push({ type: 'error', text: source.slice(start, p), start, end: p, line });
					lineHasTokens = true;
					return p;
				}
				p = lineBreakEnd(p);
				continue;
			}
			p++;
		}
		const text = source.slice(start, p);
		const body = source.slice(quoteAt + delimiter.length, p - delimiter.length);
		tokens.push({
			type: 'string',
			text,
			start,
			end: p,
			line: startLine,
			value: decodeString(body, raw),
			prefix
		});
		lineHasTokens = true;
		return p;
	}
}
