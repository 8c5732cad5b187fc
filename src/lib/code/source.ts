/**
 * Source text, positions and problems. Offsets are UTF-16 indices into the source (what
 * JavaScript strings use); problems carry 1-based lines and 1-based columns counted in
 * characters (Unicode code points), as editors and Python show them.
 */
import { utf8Length } from '$lib/util/utf8';
import type { ProblemCode, ProblemParams, ProblemReason } from './problem-codes';

/** Inputs of this many UTF-8 bytes or more are refused (1 MB). */
export const MAX_CODE_BYTES = 1024 * 1024;
/** Inputs of this many lines or more are refused. */
export const MAX_CODE_LINES = 10_000;
/** Brackets and operators nested deeper than this are refused (the parser recurses). */
export const MAX_NESTING = 100;
/** Operators or calls in a row (`a + b + c ...`, `a.b.c ...`): each one nests the tree deeper. */
export const MAX_CHAIN = 1000;
/**
 * An expression whose tree is deeper than this is refused: the importer walks trees
 * recursively. Brackets around chains multiply (99 levels of 1000-operator chains are 99,000
 * deep); one chain of MAX_CHAIN operators, inside a few calls, stays under it.
 */
export const MAX_EXPRESSION_DEPTH = MAX_CHAIN + 2 * MAX_NESTING;
/** Problem lists stop after this many, then say how many more there were. */
export const MAX_CODE_PROBLEMS = 100;

/** Every kind of problem, in the order the UI lists them. */
export const CODE_PROBLEM_KINDS = [
	/** The input is too big to read. */
	'limit',
	/** Not Python: the line cannot be read at all. */
	'syntax',
	/** Python, but outside the subset the canvas imports (loops, numpy, classes, ...). */
	'unsupported',
	/** A function or method the subset does not know. */
	'unknown-function',
	/** A name used before it was given a value (Python's NameError). */
	'undefined-name',
	/** A name that was assigned, but by a statement or block that is not imported. */
	'no-value',
	/** A value the call or the canvas cannot take (a float size, an integer tensor that requires grad, ...). */
	'value'
] as const;

/** What kind of problem: the UI may group or colour them. */
export type CodeProblemKind = (typeof CODE_PROBLEM_KINDS)[number];

export interface CodeProblem {
	/** 1-based line. */
	line: number;
	/** 1-based column, in characters. */
	column: number;
	/** The problem in English. */
	message: string;
	kind: CodeProblemKind;
	/**
	 * Our own problems have a code (the UI words them from it, `params` and `reason`), and so do
	 * Python's, PyTorch's and NumPy's errors that the importer reproduces (`python`, `pytorch`,
	 * `numpy`: their words are a parameter). Those without one are Python's syntax errors (its
	 * words, shown as written) or the size limits, in English.
	 */
	code?: ProblemCode;
	params?: ProblemParams;
	reason?: ProblemReason;
}

/** A problem at a source offset, before it is turned into a line and column. */
export interface RawProblem {
	offset: number;
	message: string;
	kind: CodeProblemKind;
	code?: ProblemCode;
	params?: ProblemParams;
	reason?: ProblemReason;
}

/** Line starts of a text, for offset -> line / column. */
export class LineMap {
	private readonly starts: number[] = [0];

	constructor(private readonly text: string) {
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c === 10) this.starts.push(i + 1);
			else if (c === 13) {
				if (text.charCodeAt(i + 1) === 10) i++;
				this.starts.push(i + 1);
			}
		}
	}

	/** The number of lines; a final line break does not start a new line. */
	get lineCount(): number {
		const last = this.starts[this.starts.length - 1];
		return last === this.text.length && this.starts.length > 1
			? this.starts.length - 1
			: this.starts.length;
	}

	/** 1-based line of an offset. */
	line(offset: number): number {
		let low = 0;
		let high = this.starts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (this.starts[mid] <= offset) low = mid;
			else high = mid - 1;
		}
		return low + 1;
	}

	/** Offset where a 1-based line starts. */
	lineStart(line: number): number {
		return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
	}

	/** 1-based line and column (in code points) of an offset. */
	position(offset: number): { line: number; column: number } {
		const clamped = Math.max(0, Math.min(offset, this.text.length));
		const line = this.line(clamped);
		let column = 1;
		for (let i = this.starts[line - 1]; i < clamped; i++) {
			const c = this.text.charCodeAt(i);
			// A surrogate pair is one character.
			if (c >= 0xd800 && c <= 0xdbff && i + 1 < clamped) i++;
			column++;
		}
		return { line, column };
	}
}

export { utf8Length } from '$lib/util/utf8';

/** Why an input is refused before reading it (size or line count), or null. */
export function sizeProblem(source: string): string | null {
	// A UTF-16 code unit is at least one UTF-8 byte: long strings are refused without counting.
	const bytes = source.length >= MAX_CODE_BYTES ? source.length : utf8Length(source);
	if (bytes >= MAX_CODE_BYTES) {
		return `the code is too long to import: ${formatSize(bytes)}; the limit is under 1 MB`;
	}
	let lines = 1;
	for (let i = 0; i < source.length; i++) {
		const c = source.charCodeAt(i);
		if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) lines++;
	}
	if (source.endsWith('\n') || source.endsWith('\r')) lines--;
	if (lines >= MAX_CODE_LINES) {
		return `the code is too long to import: ${lines} lines; the limit is under ${MAX_CODE_LINES} lines`;
	}
	return null;
}

function formatSize(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
