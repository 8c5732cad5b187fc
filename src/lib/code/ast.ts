/**
 * The syntax tree the parser builds. It covers Python's expression and statement syntax
 * broadly, so that valid Python outside the import subset is reported as "outside the subset"
 * (with the construct's name) rather than as a syntax error. `start` is a source offset.
 */
import { phraseText, type PhraseCode } from './problem-codes';

export interface Keyword {
	/** null for `**kwargs`. */
	name: string | null;
	value: Expr;
	start: number;
}

export type Expr =
	| { kind: 'name'; id: string; start: number }
	| {
			kind: 'number';
			value: number;
			integer: boolean;
			imaginary: boolean;
			text: string;
			start: number;
	  }
	| { kind: 'string'; value: string; prefix: string; start: number }
	| { kind: 'constant'; value: boolean | null; start: number }
	| { kind: 'unary'; op: '-' | '+' | '~' | 'not'; operand: Expr; start: number }
	| { kind: 'binary'; op: string; left: Expr; right: Expr; start: number; opStart: number }
	| { kind: 'ifexp'; test: Expr; body: Expr; orelse: Expr; start: number }
	| { kind: 'call'; func: Expr; args: Expr[]; keywords: Keyword[]; start: number; open: number }
	| { kind: 'attribute'; value: Expr; attr: string; start: number; attrStart: number }
	| { kind: 'subscript'; value: Expr; index: Expr; start: number }
	| { kind: 'tuple'; items: Expr[]; start: number; parenthesized: boolean }
	| { kind: 'list'; items: Expr[]; start: number }
	| { kind: 'dict'; keys: (Expr | null)[]; values: Expr[]; start: number }
	| { kind: 'starred'; value: Expr; start: number }
	/** Valid Python the subset never imports: `what` names it (a lambda, a comprehension, ...). */
	| { kind: 'other'; what: PhraseCode; start: number }
	/** `[element for target in iterable]`: one `for` clause, no `if` (others stay `other`). */
	| { kind: 'listcomp'; element: Expr; target: Expr; iterable: Expr; start: number };

export interface ImportName {
	/** Dotted module (import) or name (from ... import). */
	name: string;
	asname: string | null;
	start: number;
}

export type Stmt =
	| { kind: 'assign'; targets: Expr[]; value: Expr; start: number; end: number }
	| { kind: 'augassign'; target: Expr; op: string; value: Expr; start: number; end: number }
	| { kind: 'annassign'; target: Expr; value: Expr | null; start: number; end: number }
	| { kind: 'expr'; value: Expr; start: number; end: number }
	| { kind: 'import'; names: ImportName[]; start: number; end: number }
	| {
			kind: 'from';
			module: string;
			level: number;
			names: ImportName[];
			start: number;
			end: number;
	  }
	| { kind: 'pass'; start: number; end: number }
	/** A simple statement outside the subset (`del`, `return`, `global`, ...). */
	| { kind: 'keyword'; keyword: string; start: number; end: number; value?: Expr }
	/** A compound statement (`for`, `if`, `def`, `class`, `with`, ...) and its parsed body. */
	| {
			kind: 'compound';
			keyword: string;
			body: Stmt[];
			start: number;
			end: number;
			/** The header, read, for the compound statements the importer reads (see below). */
			header?: CompoundHeader;
	  };

/**
 * The header of a `for`, `if`, `class` or `def` whose header is in the form the importer reads
 * (`for name in expr:`, `if expr:`, `class Name(bases):`, `def name(a, b):`). `body` is the
 * first clause's block, `orelse` the `elif` / `else` blocks (the statement's `body` holds both).
 */
export type CompoundHeader =
	| { kind: 'for'; target: Expr; iterable: Expr; body: Stmt[]; orelse: Stmt[] }
	| { kind: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[] }
	| { kind: 'class'; name: string; bases: Expr[]; body: Stmt[]; orelse: Stmt[] }
	| {
			kind: 'def';
			name: string;
			params: { name: string; start: number }[];
			body: Stmt[];
			orelse: Stmt[];
	  };

/** How Python names an expression in "cannot assign to ..." messages. */
export function describe(expr: Expr): string {
	switch (expr.kind) {
		case 'name':
			return 'name';
		case 'number':
		case 'string':
		case 'constant':
			return 'literal';
		case 'unary':
		case 'binary':
			return 'expression';
		case 'ifexp':
			return 'conditional expression';
		case 'call':
			return 'function call';
		case 'attribute':
			return 'attribute';
		case 'subscript':
			return 'subscript';
		case 'tuple':
			return 'tuple';
		case 'list':
			return 'list';
		case 'dict':
			return 'dict literal';
		case 'starred':
			return 'starred';
		case 'other':
			return phraseText({ phrase: expr.what });
		case 'listcomp':
			return 'list comprehension';
	}
}
