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
import { problemText, type ProblemWording } from './problem-codes';
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

/** Python's words for a character it cannot read, or ours (with a code) for an ASCII one. */
function describeCharacter(char: string): { message: string; wording?: ProblemWording } {
	const code = char.codePointAt(0)!;
	const hex = code.toString(16).toUpperCase().padStart(4, '0');
	if (code < 0x80 && code >= 0x20 && code !== 0x7f) {
		const wording: ProblemWording = { code: 'syntaxNotPython', params: { text: char } };
		return { message: problemText(wording), wording };
	}
	if (code < 0x80 || /\s|\p{C}/u.test(char)) {
		return { message: `invalid non-printable character U+${hex}` };
	}
	return { message: `invalid character '${char}' (U+${hex})` };
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
	return new Tokenizer(source).run();
}

/** One pass over the source: `run` reads it token by token, left to right. */
class Tokenizer {
	private readonly tokens: Token[] = [];
	private readonly comments: Comment[] = [];
	private readonly problems: RawProblem[] = [];
	/** The indentation levels of the open blocks (an INDENT pushes one, a DEDENT pops one). */
	private readonly indents = [0];
	/** The brackets open at `pos`: inside them, line breaks and indentation mean nothing. */
	private brackets: OpenBracket[] = [];
	/** The indentation shared by every line, read as none (see `commonIndent`). */
	private readonly base: number;
	private pos = 0;
	/** 1-based line of `pos`. */
	private line = 1;
	private atLineStart = true;
	/** Whether the current logical line has a token yet (a NEWLINE ends only such a line). */
	private lineHasTokens = false;
	/** How many never-closed brackets were dropped so far (see MAX_RECOVERIES). */
	private recoveries = 0;
	/** One problem a line: a line of prose would otherwise give one for each character. */
	private lastProblemLine = 0;

	constructor(private readonly source: string) {
		this.base = commonIndent(source);
		// A byte order mark at the start is not text (Python skips it too).
		if (source.charCodeAt(0) === 0xfeff) this.pos = 1;
	}

	run(): Tokenized {
		while (true) {
			if (this.atLineStart && this.brackets.length === 0) this.indentation();
			if (this.pos >= this.source.length) {
				if (this.brackets.length > 0 && this.recoverUnclosed()) continue;
				break;
			}
			this.step();
		}
		if (this.lineHasTokens) this.push('newline', '', this.source.length);
		while (this.indents.length > 1) {
			this.indents.pop();
			this.push('dedent', '', this.source.length);
		}
		this.push('end', '', this.source.length);
		return { tokens: this.tokens, comments: this.comments, problems: this.problems };
	}

	// ---------------------------------------------------------------------------------------
	// Output
	// ---------------------------------------------------------------------------------------

	private push(type: TokenType, text: string, start: number, extra?: Partial<Token>): void {
		this.tokens.push({ type, text, start, end: start + text.length, line: this.line, ...extra });
		if (type !== 'newline' && type !== 'indent' && type !== 'dedent') this.lineHasTokens = true;
	}

	private problem(offset: number, message: string, wording?: ProblemWording): void {
		if (this.line === this.lastProblemLine) return;
		this.lastProblemLine = this.line;
		this.problems.push({ offset, message, kind: 'syntax', ...wording });
	}

	/** An `error` token over `start..end`, and its problem. */
	private error(
		start: number,
		end: number,
		message: string,
		line = this.line,
		wording?: ProblemWording
	): void {
		this.problem(start, message, wording);
		this.tokens.push({ type: 'error', text: this.source.slice(start, end), start, end, line });
		this.lineHasTokens = true;
	}

	/** Consume one line break at `p` (`\r\n` is one), counting the line. */
	private lineBreakEnd(p: number): number {
		this.line++;
		return this.source[p] === '\r' && this.source[p + 1] === '\n' ? p + 2 : p + 1;
	}

	// ---------------------------------------------------------------------------------------
	// Lines
	// ---------------------------------------------------------------------------------------

	/** At the start of a line: its indentation, as INDENT or DEDENT tokens. */
	private indentation(): void {
		const { width, end } = indentWidth(this.source, this.pos);
		this.pos = end;
		this.atLineStart = false;
		const c = this.source[end];
		// Blank lines, comment lines and continued lines do not indent.
		if (end >= this.source.length || isLineBreak(c) || c === '#' || c === '\\') return;
		const level = width - this.base;
		const indents = this.indents;
		if (level > indents[indents.length - 1]) {
			indents.push(level);
			this.push('indent', '', end);
			return;
		}
		while (indents.length > 1 && level < indents[indents.length - 1]) {
			indents.pop();
			this.push('dedent', '', end);
		}
		if (level !== indents[indents.length - 1]) {
			this.problem(end, 'unindent does not match any outer indentation level');
		}
	}

	/**
	 * At the end of the text with a bracket still open: report it, drop its statement and read
	 * the lines after its line again. True when there is text left to read.
	 */
	private recoverUnclosed(): boolean {
		const open = this.brackets[0];
		this.brackets = [];
		const { source } = this;
		let next = open.start;
		while (next < source.length && !isLineBreak(source[next])) next++;
		// An error found on the bracket's own line after it (`print('hello)`: the string is
		// unterminated) comes before the end of the text, where the bracket is found unclosed:
		// Python reports that error, and so does this (one problem a line).
		const earlier = this.problems.slice(open.problemCount).find((p) => p.offset < next);
		const reported: RawProblem = earlier ?? {
			offset: open.start,
			message: `'${open.char}' was never closed`,
			kind: 'syntax'
		};
		if (earlier === undefined) this.problems.push(reported);
		this.lastProblemLine = 0;
		if (this.recoveries++ >= MAX_RECOVERIES) return false;
		this.tokens.length = open.tokenCount;
		this.comments.length = open.commentCount;
		// The lines after the bracket's line are read again: their problems will be found again.
		this.problems.length = open.problemCount;
		this.problems.push(reported);
		this.tokens.push({
			type: 'error',
			text: open.char,
			start: open.start,
			end: open.start + 1,
			line: open.line
		});
		this.line = open.line;
		this.tokens.push({ type: 'newline', text: '', start: next, end: next, line: this.line });
		this.lineHasTokens = false;
		if (next >= source.length) {
			this.pos = next;
			return false;
		}
		this.pos = this.lineBreakEnd(next);
		this.atLineStart = true;
		return true;
	}

	/** Reads what starts at `pos`: a blank, a line break, a comment, or a token. */
	private step(): void {
		const c = this.source[this.pos];
		if (c === ' ' || c === '\t' || c === '\f') this.pos++;
		else if (isLineBreak(c)) this.lineBreak();
		else if (c === '#') this.comment();
		else if (c === '\\') this.continuation();
		else if (this.word() || this.number(c)) return;
		else if (c === "'" || c === '"') this.pos = this.readString('', this.pos);
		else if (!this.operator(c)) this.unreadable();
	}

	private lineBreak(): void {
		if (this.brackets.length === 0) {
			if (this.lineHasTokens) this.push('newline', '', this.pos);
			this.lineHasTokens = false;
			this.atLineStart = true;
		}
		this.pos = this.lineBreakEnd(this.pos);
	}

	private comment(): void {
		const { source, pos } = this;
		let end = pos;
		while (end < source.length && !isLineBreak(source[end])) end++;
		this.comments.push({
			text: source.slice(pos, end),
			start: pos,
			line: this.line,
			ownLine: !this.lineHasTokens && this.brackets.length === 0
		});
		this.pos = end;
	}

	/** A backslash: it continues the line when a line break follows. */
	private continuation(): void {
		const next = this.source[this.pos + 1];
		if (next !== undefined && isLineBreak(next)) {
			this.pos = this.lineBreakEnd(this.pos + 1);
			return;
		}
		this.error(this.pos, this.pos + 1, 'unexpected character after line continuation character');
		this.pos++;
	}

	// ---------------------------------------------------------------------------------------
	// Tokens
	// ---------------------------------------------------------------------------------------

	/** A name, a keyword, or a string with a prefix (`r'...'`); false when none starts here. */
	private word(): boolean {
		const { source, pos: start } = this;
		const code = source.charCodeAt(start);
		const wordStart = code >= 0x80 || code === 95 || ((code | 32) >= 97 && (code | 32) <= 122);
		if (!wordStart) return false;
		IDENTIFIER.lastIndex = start;
		const word = IDENTIFIER.exec(source);
		if (word === null) return false;
		const text = word[0];
		const after = source[start + text.length];
		if ((after === "'" || after === '"') && STRING_PREFIXES.has(text.toLowerCase())) {
			this.pos = this.readString(text.toLowerCase(), start + text.length);
			return true;
		}
		this.pos = start + text.length;
		// Python reads identifiers in NFKC: `𝔵` and `ｘ` are the name `x`. The token keeps its
		// place in the source (end) while its text is the name Python sees.
		const name = /[^\p{ASCII}]/u.test(text) ? text.normalize('NFKC') : text;
		this.push('name', name, start, { end: this.pos });
		return true;
	}

	/** A number (a malformed one is an error token); false when none starts here. */
	private number(c: string): boolean {
		const { source, pos: start } = this;
		if (!((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(source[start + 1] ?? '')))) {
			return false;
		}
		NUMBER.lastIndex = start;
		const match = NUMBER.exec(source)!;
		let end = start + match[0].length;
		IDENTIFIER_CONTINUE.lastIndex = end;
		if (IDENTIFIER_CONTINUE.test(source)) {
			IDENTIFIER.lastIndex = end;
			const rest = IDENTIFIER.exec(source);
			end += rest === null ? 1 : rest[0].length;
			while (end < source.length && /[\p{XID_Continue}]/u.test(source[end])) end++;
			this.error(start, end, `invalid decimal literal '${excerpt(source.slice(start, end))}'`);
		} else if (/^0+[0-9]/.test(match[0]) && /^[0-9_]+$/.test(match[0])) {
			this.error(
				start,
				end,
				'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'
			);
		} else this.push('number', match[0], start);
		this.pos = end;
		return true;
	}

	/** An operator or a bracket (brackets are matched here); false when none starts here. */
	private operator(c: string): boolean {
		const { source, pos: start } = this;
		const three = source.slice(start, start + 3);
		const two = source.slice(start, start + 2);
		if (OPERATORS_3.has(three)) {
			this.push('op', three, start);
			this.pos += 3;
			return true;
		}
		if (OPERATORS_2.has(two)) {
			this.push('op', two, start);
			this.pos += 2;
			return true;
		}
		if (!OPERATORS_1.has(c)) return false;
		this.pos++;
		if (c in OPENING) {
			this.brackets.push({
				char: c,
				start,
				line: this.line,
				tokenCount: this.tokens.length,
				commentCount: this.comments.length,
				problemCount: this.problems.length
			});
		} else if (c in CLOSING) {
			const open = this.brackets.pop();
			if (open === undefined) {
				this.error(start, this.pos, `unmatched '${c}'`);
				return true;
			}
			if (open.char !== CLOSING[c]) {
				const where = open.line === this.line ? '' : ` on line ${open.line}`;
				this.error(
					start,
					this.pos,
					`closing parenthesis '${c}' does not match opening parenthesis '${open.char}'${where}`
				);
				return true;
			}
		}
		this.push('op', c, start);
		return true;
	}

	/** One character (a whole surrogate pair) that Python cannot read. */
	private unreadable(): void {
		const start = this.pos;
		const char = String.fromCodePoint(this.source.codePointAt(start)!);
		this.pos += char.length;
		const { message, wording } = describeCharacter(char);
		this.error(start, this.pos, message, this.line, wording);
	}

	/** Read a string literal whose quote is at `quoteAt`; returns the offset after it. */
	private readString(prefix: string, quoteAt: number): number {
		const source = this.source;
		const start = quoteAt - prefix.length;
		const startLine = this.line;
		const quote = source[quoteAt];
		const triple = source.startsWith(quote.repeat(3), quoteAt);
		const delimiter = triple ? quote.repeat(3) : quote;
		let p = quoteAt + delimiter.length;
		while (true) {
			if (p >= source.length) {
				const kind = triple
					? 'unterminated triple-quoted string literal'
					: 'unterminated string literal';
				this.error(start, p, `${kind} (detected at line ${this.line})`, startLine);
				return p;
			}
			const ch = source[p];
			if (ch === '\\') {
				const next = source[p + 1];
				if (next !== undefined && isLineBreak(next)) p = this.lineBreakEnd(p + 1);
				else p += next === undefined ? 1 : 2;
				continue;
			}
			if (source.startsWith(delimiter, p)) {
				p += delimiter.length;
				break;
			}
			if (isLineBreak(ch)) {
				if (!triple) {
					this.error(start, p, `unterminated string literal (detected at line ${this.line})`);
					return p;
				}
				p = this.lineBreakEnd(p);
				continue;
			}
			p++;
		}
		const body = source.slice(quoteAt + delimiter.length, p - delimiter.length);
		this.push('string', source.slice(start, p), start, {
			line: startLine,
			value: decodeString(body, prefix.includes('r')),
			prefix
		});
		return p;
	}
}
