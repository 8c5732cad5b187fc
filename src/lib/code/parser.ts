/**
 * A recursive-descent parser for Python's statements and expressions, over the tokens of
 * `tokenize`. It builds a syntax tree and never evaluates anything. A syntax error is reported
 * with its position and the parser goes on at the next line (skipping the block of a broken
 * compound statement), so one bad line never hides the others. Never throws.
 */
import type { CompoundHeader, Expr, ImportName, Keyword, Stmt } from './ast';
import { MAX_CHAIN, MAX_EXPRESSION_DEPTH, MAX_NESTING, type RawProblem } from './source';
import { excerpt } from '$lib/util/excerpt';
import { KEYWORDS, type Token, type Tokenized } from './tokenizer';

/** A syntax error inside a statement; `silent` when the tokenizer already reported it. */
class SyntaxProblem {
	constructor(
		readonly offset: number,
		readonly message: string,
		readonly silent = false
	) {}
}

const COMPOUND = new Set(['if', 'while', 'for', 'try', 'with', 'def', 'class', 'async']);
const CLAUSES: Record<string, readonly string[]> = {
	if: ['elif', 'else'],
	while: ['else'],
	for: ['else'],
	try: ['except', 'else', 'finally'],
	with: [],
	def: [],
	class: []
};
const BLOCK_CLAUSES = new Set(['elif', 'else', 'except', 'finally']);
const SIMPLE_KEYWORDS = new Set([
	'del',
	'return',
	'raise',
	'global',
	'nonlocal',
	'assert',
	'break',
	'continue',
	'yield',
	'await'
]);
const AUGMENTED = new Set([
	'+=',
	'-=',
	'*=',
	'/=',
	'//=',
	'%=',
	'**=',
	'@=',
	'&=',
	'|=',
	'^=',
	'>>=',
	'<<='
]);
const COMPARISONS = new Set(['<', '>', '==', '>=', '<=', '!=']);

export interface Parsed {
	statements: Stmt[];
	problems: RawProblem[];
}

export function parse(tokenized: Tokenized): Parsed {
	return new Parser(tokenized.tokens).parseFile();
}

class Parser {
	private i = 0;
	private depth = 0;
	private readonly problems: RawProblem[] = [];

	constructor(private readonly tokens: Token[]) {}

	parseFile(): Parsed {
		const statements: Stmt[] = [];
		while (this.peek().type !== 'end') {
			const before = this.i;
			for (const statement of this.statement()) statements.push(statement);
			// Safety: every pass consumes at least one token.
			if (this.i === before) this.i++;
		}
		return { statements, problems: this.problems };
	}

	// ---------------------------------------------------------------------------------------
	// Tokens
	// ---------------------------------------------------------------------------------------

	private peek(ahead = 0): Token {
		return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
	}

	private next(): Token {
		const token = this.peek();
		if (this.i < this.tokens.length - 1) this.i++;
		return token;
	}

	private isOp(text: string, ahead = 0): boolean {
		const token = this.peek(ahead);
		return token.type === 'op' && token.text === text;
	}

	private isWord(text: string, ahead = 0): boolean {
		const token = this.peek(ahead);
		return token.type === 'name' && token.text === text;
	}

	private fail(token: Token, message?: string): never {
		if (token.type === 'error') throw new SyntaxProblem(token.start, '', true);
		if (message !== undefined) throw new SyntaxProblem(token.start, message);
		if (token.type === 'newline' || token.type === 'end') {
			throw new SyntaxProblem(token.start, 'invalid syntax: the line ends too early');
		}
		if (token.type === 'indent') throw new SyntaxProblem(token.start, 'unexpected indent');
		throw new SyntaxProblem(token.start, `invalid syntax at '${excerpt(token.text)}'`);
	}

	private expectOp(text: string, message?: string): Token {
		if (!this.isOp(text)) this.fail(this.peek(), message ?? `expected '${text}'`);
		return this.next();
	}

	private expectName(): Token {
		const token = this.peek();
		if (token.type !== 'name' || KEYWORDS.has(token.text)) this.fail(token, 'expected a name');
		return this.next();
	}

	private enter(token: Token): void {
		if (++this.depth > MAX_NESTING) {
			throw new SyntaxProblem(
				token.start,
				`too deeply nested: more than ${MAX_NESTING} levels of brackets or operators`
			);
		}
	}

	/** Operators in a row (`a + b + c ...`) and trailers (`a.b.c ...`) nest the tree too. */
	private chain(count: number, token: Token): void {
		if (count > MAX_CHAIN) {
			throw new SyntaxProblem(
				token.start,
				`expression too long: more than ${MAX_CHAIN} operators or calls in a row`
			);
		}
	}

	// ---------------------------------------------------------------------------------------
	// Statements
	// ---------------------------------------------------------------------------------------

	/** One statement (or several, separated by `;`), recovering from syntax errors. */
	private statement(): Stmt[] {
		const token = this.peek();
		if (token.type === 'newline' || token.type === 'dedent') {
			this.next();
			return [];
		}
		if (token.type === 'indent') {
			this.problems.push({ offset: token.start, message: 'unexpected indent', kind: 'syntax' });
			this.next();
			// Read the indented lines anyway, as if they were not indented.
			return this.blockBody();
		}
		const start = this.i;
		try {
			this.depth = 0;
			const statements =
				(token.type === 'name' && COMPOUND.has(token.text)) ||
				(token.type === 'op' && token.text === '@')
					? [this.compound()]
					: this.simpleStatements();
			// The statement is read (its tokens are consumed): a tree too deep for the importer's
			// walks is dropped here, with its place, instead of overflowing the stack later.
			const deep = tooDeep(statements);
			if (deep !== null) {
				this.problems.push({
					offset: deep,
					message: `too deeply nested: more than ${MAX_EXPRESSION_DEPTH} levels of operators, calls and brackets in one expression`,
					kind: 'syntax'
				});
				return [];
			}
			return statements;
		} catch (error) {
			if (!(error instanceof SyntaxProblem)) throw error;
			if (!error.silent) {
				this.problems.push({ offset: error.offset, message: error.message, kind: 'syntax' });
			}
			this.skipLine(start);
			return [];
		}
	}

	/** Skip to the end of the logical line, and the indented block after it if any. */
	private skipLine(from: number): void {
		if (this.i < from) this.i = from;
		let last: Token | null = null;
		while (this.peek().type !== 'newline' && this.peek().type !== 'end') {
			// A broken statement can stop inside a block: skip to its end.
			if (this.peek().type === 'dedent') return;
			last = this.next();
		}
		this.next();
		// A broken compound statement (`for ...:`): its block goes with it.
		const first = this.tokens[from];
		const compound =
			(first.type === 'name' && (COMPOUND.has(first.text) || BLOCK_CLAUSES.has(first.text))) ||
			(last?.type === 'op' && last.text === ':');
		if (compound && this.peek().type === 'indent') this.skipBlock();
	}

	private skipBlock(): void {
		let level = 0;
		do {
			const token = this.next();
			if (token.type === 'indent') level++;
			else if (token.type === 'dedent') level--;
			else if (token.type === 'end') return;
		} while (level > 0);
	}

	/** Statements up to the DEDENT that closes the block (consumed). */
	private blockBody(): Stmt[] {
		const body: Stmt[] = [];
		while (this.peek().type !== 'dedent' && this.peek().type !== 'end') {
			const before = this.i;
			for (const statement of this.statement()) body.push(statement);
			if (this.i === before) this.i++;
		}
		if (this.peek().type === 'dedent') this.next();
		return body;
	}

	private compound(): Stmt {
		const first = this.peek();
		while (this.isOp('@')) this.skipHeaderLine();
		let keyword = this.peek().text;
		if (keyword === 'async') {
			this.next();
			keyword = this.peek().text;
		}
		if (!Object.hasOwn(CLAUSES, keyword)) this.fail(this.peek());
		const headerLine = this.peek().line;
		const structured = this.structuredCompound(keyword, first, headerLine);
		if (structured !== null) return structured;
		const body = this.clause(keyword, headerLine);
		const clauses = CLAUSES[keyword];
		while (this.peek().type === 'name' && clauses.includes(this.peek().text)) {
			const clause = this.peek();
			for (const statement of this.clause(clause.text, clause.line)) body.push(statement);
		}
		return { kind: 'compound', keyword, body, start: first.start, end: this.peek(-1).end };
	}

	/** A decorator line. */
	private skipHeaderLine(): void {
		while (this.peek().type !== 'newline' && this.peek().type !== 'end') {
			if (this.peek().type === 'error') this.fail(this.peek());
			this.next();
		}
		this.next();
	}

	/** `keyword header: block`, the header read loosely (up to its `:`). */
	private clause(keyword: string, headerLine: number): Stmt[] {
		this.next();
		let depth = 0;
		while (true) {
			const token = this.peek();
			if (token.type === 'newline' || token.type === 'end') {
				this.fail(token, `expected ':' at the end of the '${keyword}' line`);
			}
			if (token.type === 'error') this.fail(token);
			if (token.type === 'op') {
				if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
				else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
				else if (token.text === ':' && depth === 0) break;
			}
			this.next();
		}
		this.next();
		if (this.peek().type !== 'newline') return this.simpleStatements();
		const newline = this.next();
		if (this.peek().type !== 'indent') {
			this.problems.push({
				offset: this.peek().type === 'end' ? newline.start : this.peek().start,
				message: `expected an indented block after the '${keyword}' statement on line ${headerLine}`,
				kind: 'syntax'
			});
			return [];
		}
		this.next();
		return this.blockBody();
	}

	private simpleStatements(): Stmt[] {
		const statements = [this.smallStatement()];
		while (this.isOp(';')) {
			this.next();
			if (this.peek().type === 'newline' || this.peek().type === 'end') break;
			statements.push(this.smallStatement());
		}
		const token = this.peek();
		if (token.type !== 'newline' && token.type !== 'end') this.fail(token);
		this.next();
		return statements;
	}

	private smallStatement(): Stmt {
		const token = this.peek();
		if (token.type === 'name') {
			switch (token.text) {
				case 'import':
					return this.importStatement();
				case 'from':
					return this.fromStatement();
				case 'pass':
					this.next();
					return { kind: 'pass', start: token.start, end: token.end };
			}
			if (SIMPLE_KEYWORDS.has(token.text) && !(token.text === 'await')) {
				this.next();
				// Read the rest for syntax (the importer reads a `return`'s value).
				const value = this.atStatementEnd() ? undefined : this.starExpressions();
				const end = this.peek(-1).end;
				return { kind: 'keyword', keyword: token.text, start: token.start, end, value };
			}
		}
		const first = this.starExpressions();
		if (this.isOp('=')) {
			const targets = [first];
			let value: Expr = first;
			while (this.isOp('=')) {
				this.next();
				value = this.isWord('yield') ? this.yieldExpression() : this.starExpressions();
				targets.push(value);
			}
			targets.pop();
			for (const target of targets) this.checkTarget(target);
			return { kind: 'assign', targets, value, start: token.start, end: this.peek(-1).end };
		}
		const op = this.peek();
		if (op.type === 'op' && AUGMENTED.has(op.text)) {
			this.next();
			if (first.kind !== 'name' && first.kind !== 'attribute' && first.kind !== 'subscript') {
				this.fail(token, `'${describe(first)}' is an illegal expression for augmented assignment`);
			}
			const value = this.isWord('yield') ? this.yieldExpression() : this.starExpressions();
			return {
				kind: 'augassign',
				target: first,
				op: op.text,
				value,
				start: token.start,
				end: this.peek(-1).end
			};
		}
		if (op.type === 'op' && op.text === ':') {
			this.next();
			this.test();
			let value: Expr | null = null;
			if (this.isOp('=')) {
				this.next();
				value = this.starExpressions();
			}
			this.checkTarget(first);
			return {
				kind: 'annassign',
				target: first,
				value,
				start: token.start,
				end: this.peek(-1).end
			};
		}
		return { kind: 'expr', value: first, start: token.start, end: this.peek(-1).end };
	}

	private atStatementEnd(): boolean {
		const token = this.peek();
		return token.type === 'newline' || token.type === 'end' || this.isOp(';');
	}

	private checkTarget(target: Expr): void {
		switch (target.kind) {
			case 'name':
			case 'attribute':
			case 'subscript':
				return;
			case 'starred':
				return this.checkTarget(target.value);
			case 'tuple':
			case 'list':
				for (const item of target.items) this.checkTarget(item);
				return;
			default:
				throw new SyntaxProblem(target.start, `cannot assign to ${describe(target)}`);
		}
	}

	private dottedName(): { name: string; start: number } {
		const first = this.expectName();
		let name = first.text;
		while (this.isOp('.')) {
			this.next();
			name += '.' + this.expectName().text;
		}
		return { name, start: first.start };
	}

	private importStatement(): Stmt {
		const keyword = this.next();
		const names: ImportName[] = [];
		do {
			if (names.length > 0) this.next();
			const { name, start } = this.dottedName();
			let asname: string | null = null;
			if (this.isWord('as')) {
				this.next();
				asname = this.expectName().text;
			}
			names.push({ name, asname, start });
		} while (this.isOp(','));
		return { kind: 'import', names, start: keyword.start, end: this.peek(-1).end };
	}

	private fromStatement(): Stmt {
		const keyword = this.next();
		let level = 0;
		while (this.isOp('.') || this.isOp('...')) level += this.next().text.length;
		const module = this.isWord('import') ? '' : this.dottedName().name;
		if (!this.isWord('import')) this.fail(this.peek(), "expected 'import'");
		this.next();
		const names: ImportName[] = [];
		if (this.isOp('*')) {
			const star = this.next();
			names.push({ name: '*', asname: null, start: star.start });
		} else {
			const parenthesized = this.isOp('(');
			if (parenthesized) this.next();
			do {
				if (names.length > 0) this.next();
				if (parenthesized && this.isOp(')')) break;
				const name = this.expectName();
				let asname: string | null = null;
				if (this.isWord('as')) {
					this.next();
					asname = this.expectName().text;
				}
				names.push({ name: name.text, asname, start: name.start });
			} while (this.isOp(','));
			if (parenthesized) this.expectOp(')');
		}
		return { kind: 'from', module, level, names, start: keyword.start, end: this.peek(-1).end };
	}

	// ---------------------------------------------------------------------------------------
	// Expressions
	// ---------------------------------------------------------------------------------------

	/** `a, *b, c` (a tuple when there is a comma). */
	private starExpressions(): Expr {
		const start = this.peek().start;
		const first = this.starOrNamed();
		if (!this.isOp(',')) return first;
		const items = [first];
		while (this.isOp(',')) {
			this.next();
			if (this.atExpressionEnd()) break;
			items.push(this.starOrNamed());
		}
		return { kind: 'tuple', items, start, parenthesized: false };
	}

	private atExpressionEnd(): boolean {
		const token = this.peek();
		if (token.type === 'newline' || token.type === 'end') return true;
		return (
			(token.type === 'op' && [')', ']', '}', '=', ';', ':'].includes(token.text)) ||
			(token.type === 'op' && AUGMENTED.has(token.text))
		);
	}

	private starOrNamed(): Expr {
		if (this.isOp('*')) {
			const star = this.next();
			return { kind: 'starred', value: this.bitOr(), start: star.start };
		}
		return this.namedExpression();
	}

	private namedExpression(): Expr {
		const value = this.test();
		if (this.isOp(':=')) {
			this.next();
			this.test();
			return { kind: 'other', what: "an assignment expression ':='", start: value.start };
		}
		return value;
	}

	private yieldExpression(): Expr {
		const token = this.next();
		if (this.isWord('from')) this.next();
		if (!this.atExpressionEnd()) this.starExpressions();
		return { kind: 'other', what: 'yield', start: token.start };
	}

	private test(): Expr {
		const token = this.peek();
		this.enter(token);
		try {
			if (this.isWord('lambda')) {
				this.next();
				while (!this.isOp(':')) {
					const t = this.peek();
					if (t.type === 'newline' || t.type === 'end' || t.type === 'error') this.fail(t);
					this.next();
				}
				this.next();
				this.test();
				return { kind: 'other', what: 'a lambda', start: token.start };
			}
			const body = this.orTest();
			if (!this.isWord('if')) return body;
			this.next();
			const condition = this.orTest();
			if (!this.isWord('else')) this.fail(this.peek(), "expected 'else' after 'if' expression");
			this.next();
			const orelse = this.test();
			return { kind: 'ifexp', test: condition, body, orelse, start: body.start };
		} finally {
			this.depth--;
		}
	}

	private orTest(): Expr {
		let left = this.andTest();
		for (let count = 1; this.isWord('or'); count++) {
			const op = this.next();
			this.chain(count, op);
			const right = this.andTest();
			left = { kind: 'binary', op: 'or', left, right, start: left.start, opStart: op.start };
		}
		return left;
	}

	private andTest(): Expr {
		let left = this.notTest();
		for (let count = 1; this.isWord('and'); count++) {
			const op = this.next();
			this.chain(count, op);
			const right = this.notTest();
			left = { kind: 'binary', op: 'and', left, right, start: left.start, opStart: op.start };
		}
		return left;
	}

	private notTest(): Expr {
		if (this.isWord('not')) {
			const token = this.next();
			this.enter(token);
			try {
				return { kind: 'unary', op: 'not', operand: this.notTest(), start: token.start };
			} finally {
				this.depth--;
			}
		}
		return this.comparison();
	}

	private comparison(): Expr {
		let left = this.bitOr();
		for (let count = 1; ; count++) {
			const token = this.peek();
			let op: string | null = null;
			if (token.type === 'op' && COMPARISONS.has(token.text)) op = token.text;
			else if (this.isWord('in')) op = 'in';
			else if (this.isWord('not') && this.isWord('in', 1)) op = 'not in';
			else if (this.isWord('is')) op = this.isWord('not', 1) ? 'is not' : 'is';
			if (op === null) return left;
			this.chain(count, token);
			this.next();
			if (op === 'not in' || op === 'is not') this.next();
			const right = this.bitOr();
			left = { kind: 'binary', op, left, right, start: left.start, opStart: token.start };
		}
	}

	/** Left-associative binary levels, loosest first. */
	private static readonly LEVELS: readonly (readonly string[])[] = [
		['|'],
		['^'],
		['&'],
		['<<', '>>'],
		['+', '-'],
		['*', '/', '//', '%', '@']
	];

	private bitOr(): Expr {
		return this.binaryLevel(0);
	}

	private binaryLevel(level: number): Expr {
		if (level >= Parser.LEVELS.length) return this.factor();
		const ops = Parser.LEVELS[level];
		let left = this.binaryLevel(level + 1);
		for (let count = 1; this.peek().type === 'op' && ops.includes(this.peek().text); count++) {
			const op = this.next();
			this.chain(count, op);
			const right = this.binaryLevel(level + 1);
			left = { kind: 'binary', op: op.text, left, right, start: left.start, opStart: op.start };
		}
		return left;
	}

	private factor(): Expr {
		const token = this.peek();
		if (token.type === 'op' && (token.text === '-' || token.text === '+' || token.text === '~')) {
			this.next();
			this.enter(token);
			try {
				const operand = this.factor();
				return { kind: 'unary', op: token.text, operand, start: token.start };
			} finally {
				this.depth--;
			}
		}
		return this.power();
	}

	private power(): Expr {
		let base: Expr;
		if (this.isWord('await')) {
			const token = this.next();
			this.primary();
			base = { kind: 'other', what: 'await', start: token.start };
		} else base = this.primary();
		if (!this.isOp('**')) return base;
		const op = this.next();
		this.enter(op);
		try {
			const exponent = this.factor();
			return {
				kind: 'binary',
				op: '**',
				left: base,
				right: exponent,
				start: base.start,
				opStart: op.start
			};
		} finally {
			this.depth--;
		}
	}

	private primary(): Expr {
		let value = this.atom();
		for (let count = 1; ; count++) {
			this.chain(count, this.peek());
			if (this.isOp('.')) {
				this.next();
				const name = this.peek();
				if (name.type !== 'name') this.fail(name, 'expected a name after "."');
				this.next();
				value = {
					kind: 'attribute',
					value,
					attr: name.text,
					start: value.start,
					attrStart: name.start
				};
			} else if (this.isOp('(')) {
				const open = this.next();
				const { args, keywords } = this.callArguments();
				this.expectOp(')', "expected ')' or ',' in the call");
				value = { kind: 'call', func: value, args, keywords, start: value.start, open: open.start };
			} else if (this.isOp('[')) {
				const open = this.next();
				const index = this.subscripts(open);
				this.expectOp(']');
				value = { kind: 'subscript', value, index, start: value.start };
			} else return value;
		}
	}

	private callArguments(): { args: Expr[]; keywords: Keyword[] } {
		const args: Expr[] = [];
		const keywords: Keyword[] = [];
		while (!this.isOp(')')) {
			const token = this.peek();
			if (this.isOp('**')) {
				this.next();
				keywords.push({ name: null, value: this.test(), start: token.start });
			} else if (this.isOp('*')) {
				this.next();
				args.push({ kind: 'starred', value: this.test(), start: token.start });
			} else if (token.type === 'name' && !KEYWORDS.has(token.text) && this.isOp('=', 1)) {
				this.next();
				this.next();
				if (keywords.some((k) => k.name === token.text)) {
					this.fail(token, `keyword argument repeated: ${excerpt(token.text)}`);
				}
				keywords.push({ name: token.text, value: this.test(), start: token.start });
			} else {
				if (keywords.some((k) => k.name !== null)) {
					this.fail(token, 'positional argument follows keyword argument');
				}
				const value = this.namedExpression();
				if (this.isWord('for') || this.isWord('async')) {
					this.comprehensionClauses();
					args.push({ kind: 'other', what: 'a generator expression', start: value.start });
				} else args.push(value);
			}
			if (!this.isOp(',')) break;
			this.next();
		}
		return { args, keywords };
	}

	private subscripts(open: Token): Expr {
		const items: Expr[] = [];
		do {
			if (items.length > 0) {
				this.next();
				if (this.isOp(']')) break;
			}
			items.push(this.subscript());
		} while (this.isOp(','));
		return items.length === 1
			? items[0]
			: { kind: 'tuple', items, start: open.start, parenthesized: false };
	}

	private subscript(): Expr {
		const start = this.peek().start;
		let sliced = false;
		if (!this.isOp(':')) {
			const value = this.starOrNamed();
			if (!this.isOp(':')) return value;
		}
		while (this.isOp(':')) {
			sliced = true;
			this.next();
			if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) this.test();
		}
		return { kind: 'other', what: sliced ? 'a slice' : 'a subscript', start };
	}

	/** `for target in iterable [if condition] ...` after a comprehension's element. */
	private comprehensionClauses(): void {
		while (this.isWord('for') || this.isWord('async')) {
			if (this.isWord('async')) this.next();
			if (!this.isWord('for')) this.fail(this.peek());
			this.next();
			const target = this.targetList();
			this.checkTarget(target);
			if (!this.isWord('in')) this.fail(this.peek(), "expected 'in'");
			this.next();
			this.orTest();
			while (this.isWord('if')) {
				this.next();
				this.orTest();
			}
		}
	}

	/** The targets of a `for` clause: stops at `in`. */
	private targetList(): Expr {
		const start = this.peek().start;
		const items = [this.starTarget()];
		while (this.isOp(',')) {
			this.next();
			if (this.isWord('in')) break;
			items.push(this.starTarget());
		}
		return items.length === 1 ? items[0] : { kind: 'tuple', items, start, parenthesized: false };
	}

	private starTarget(): Expr {
		if (this.isOp('*')) {
			const star = this.next();
			return { kind: 'starred', value: this.bitOr(), start: star.start };
		}
		return this.bitOr();
	}

	private atom(): Expr {
		const token = this.peek();
		switch (token.type) {
			case 'name':
				return this.nameAtom(token);
			case 'number':
				this.next();
				return numberExpr(token);
			case 'string': {
				this.next();
				let value = token.value ?? '';
				while (this.peek().type === 'string') value += this.next().value ?? '';
				return { kind: 'string', value, prefix: token.prefix ?? '', start: token.start };
			}
			case 'op':
				break;
			default:
				this.fail(token);
		}
		switch (token.text) {
			case '(':
				return this.parenthesized();
			case '[':
				return this.listDisplay();
			case '{':
				return this.dictOrSet();
			case '...':
				this.next();
				return { kind: 'other', what: 'Ellipsis (...)', start: token.start };
		}
		this.fail(token);
	}

	private nameAtom(token: Token): Expr {
		if (!KEYWORDS.has(token.text)) {
			this.next();
			return { kind: 'name', id: token.text, start: token.start };
		}
		switch (token.text) {
			case 'True':
			case 'False':
				this.next();
				return { kind: 'constant', value: token.text === 'True', start: token.start };
			case 'None':
				this.next();
				return { kind: 'constant', value: null, start: token.start };
		}
		this.fail(token, `invalid syntax: '${token.text}' is a keyword`);
	}

	private parenthesized(): Expr {
		const open = this.next();
		if (this.isOp(')')) {
			this.next();
			return { kind: 'tuple', items: [], start: open.start, parenthesized: true };
		}
		if (this.isWord('yield')) {
			const value = this.yieldExpression();
			this.expectOp(')');
			return value;
		}
		const first = this.starOrNamed();
		if (this.isWord('for') || this.isWord('async')) {
			this.comprehensionClauses();
			this.expectOp(')');
			return { kind: 'other', what: 'a generator expression', start: open.start };
		}
		if (!this.isOp(',')) {
			this.expectOp(')', "expected ')'");
			return first;
		}
		const items = [first];
		while (this.isOp(',')) {
			this.next();
			if (this.isOp(')')) break;
			items.push(this.starOrNamed());
		}
		this.expectOp(')', "expected ')' or ','");
		return { kind: 'tuple', items, start: open.start, parenthesized: true };
	}

	private listDisplay(): Expr {
		const open = this.next();
		const items: Expr[] = [];
		if (this.isOp(']')) {
			this.next();
			return { kind: 'list', items, start: open.start };
		}
		items.push(this.starOrNamed());
		const comprehension = this.isWord('for') ? this.listComprehension(open, items[0]) : null;
		if (comprehension !== null) return comprehension;
		if (this.isWord('for') || this.isWord('async')) {
			this.comprehensionClauses();
			this.expectOp(']');
			return { kind: 'other', what: 'a list comprehension', start: open.start };
		}
		while (this.isOp(',')) {
			this.next();
			if (this.isOp(']')) break;
			items.push(this.starOrNamed());
		}
		this.expectOp(']', "expected ']' or ','");
		return { kind: 'list', items, start: open.start };
	}

	private dictOrSet(): Expr {
		const open = this.next();
		if (this.isOp('}')) {
			this.next();
			return { kind: 'dict', keys: [], values: [], start: open.start };
		}
		const keys: (Expr | null)[] = [];
		const values: Expr[] = [];
		let isSet = false;
		let first = true;
		do {
			if (!first) {
				this.next();
				if (this.isOp('}')) break;
			}
			if (this.isOp('**')) {
				if (isSet) this.fail(this.peek());
				this.next();
				keys.push(null);
				values.push(this.bitOr());
			} else {
				const key = this.starOrNamed();
				if (this.isOp(':') && !isSet) {
					this.next();
					keys.push(key);
					values.push(this.test());
				} else {
					if (!first && !isSet) this.fail(this.peek(), "expected ':'");
					isSet = true;
					values.push(key);
				}
			}
			if (first && (this.isWord('for') || this.isWord('async'))) {
				this.comprehensionClauses();
				this.expectOp('}');
				return {
					kind: 'other',
					what: isSet ? 'a set comprehension' : 'a dict comprehension',
					start: open.start
				};
			}
			first = false;
		} while (this.isOp(','));
		this.expectOp('}', "expected '}' or ','");
		if (isSet) return { kind: 'other', what: 'a set', start: open.start };
		return { kind: 'dict', keys, values, start: open.start };
	}

	// ---------------------------------------------------------------------------------------
	// What the importer reads of compound statements and comprehensions (see CompoundHeader)
	// ---------------------------------------------------------------------------------------

	/**
	 * `[element for target in iterable]` after its element: the node, or null (the tokens are
	 * left unread) when it has more clauses, which the caller reads as an opaque comprehension.
	 */
	private listComprehension(open: Token, element: Expr): Expr | null {
		const at = this.i;
		try {
			this.next();
			const target = this.targetList();
			this.checkTarget(target);
			if (this.isWord('in')) {
				this.next();
				const iterable = this.orTest();
				if (this.isOp(']')) {
					this.next();
					return { kind: 'listcomp', element, target, iterable, start: open.start };
				}
			}
		} catch (error) {
			if (!(error instanceof SyntaxProblem)) throw error;
		}
		this.i = at;
		return null;
	}

	/**
	 * A `for`, `if`, `class` or `def` statement whose header the importer reads, with its
	 * blocks; null (nothing read) for any other, or a header in another form, which `compound`
	 * then reads loosely (and reports, if it is not Python).
	 */
	private structuredCompound(keyword: string, first: Token, headerLine: number): Stmt | null {
		if (!STRUCTURED.has(keyword) || this.peek() !== first) return null;
		const at = this.i;
		let header: HeaderParts;
		try {
			header = this.compoundHeader(keyword);
		} catch (error) {
			if (!(error instanceof SyntaxProblem)) throw error;
			this.i = at;
			return null;
		}
		const body = this.indentedBlock(keyword, headerLine);
		const orelse: Stmt[] = [];
		const clauses = CLAUSES[keyword];
		while (this.peek().type === 'name' && clauses.includes(this.peek().text)) {
			const clause = this.peek();
			for (const statement of this.clause(clause.text, clause.line)) orelse.push(statement);
		}
		return {
			kind: 'compound',
			keyword,
			body: [...body, ...orelse],
			start: first.start,
			end: this.peek(-1).end,
			header: { ...header, body, orelse } as CompoundHeader
		};
	}

	/** From the keyword to the header's `:` (consumed); throws SyntaxProblem on any other form. */
	private compoundHeader(keyword: string): HeaderParts {
		this.next();
		let parts: HeaderParts;
		switch (keyword) {
			case 'for': {
				const target = this.targetList();
				this.checkTarget(target);
				if (!this.isWord('in')) this.fail(this.peek(), "expected 'in'");
				this.next();
				parts = { kind: 'for', target, iterable: this.starExpressions() };
				break;
			}
			case 'if':
				parts = { kind: 'if', test: this.namedExpression() };
				break;
			case 'class': {
				const name = this.expectName().text;
				let bases: Expr[] = [];
				if (this.isOp('(')) {
					this.next();
					const read = this.callArguments();
					if (read.keywords.length > 0) this.fail(this.peek());
					bases = read.args;
					this.expectOp(')');
				}
				parts = { kind: 'class', name, bases };
				break;
			}
			default: {
				const name = this.expectName().text;
				this.expectOp('(');
				const params: { name: string; start: number }[] = [];
				while (!this.isOp(')')) {
					const param = this.expectName();
					params.push({ name: param.text, start: param.start });
					if (!this.isOp(',')) break;
					this.next();
				}
				this.expectOp(')');
				parts = { kind: 'def', name, params };
			}
		}
		this.expectOp(':');
		return parts;
	}

	/** The block after a header's `:` (or the simple statements on its line). */
	private indentedBlock(keyword: string, headerLine: number): Stmt[] {
		if (this.peek().type !== 'newline') return this.simpleStatements();
		const newline = this.next();
		if (this.peek().type !== 'indent') {
			this.problems.push({
				offset: this.peek().type === 'end' ? newline.start : this.peek().start,
				message: `expected an indented block after the '${keyword}' statement on line ${headerLine}`,
				kind: 'syntax'
			});
			return [];
		}
		this.next();
		return this.blockBody();
	}
}

/** The compound statements whose headers the importer reads. */
const STRUCTURED = new Set(['for', 'if', 'class', 'def']);

/** A header without its blocks. */
type HeaderParts =
	| { kind: 'for'; target: Expr; iterable: Expr }
	| { kind: 'if'; test: Expr }
	| { kind: 'class'; name: string; bases: Expr[] }
	| { kind: 'def'; name: string; params: { name: string; start: number }[] };

/** The expressions of a header (for the depth check). */
function headerExprs(header: CompoundHeader | undefined): Expr[] {
	switch (header?.kind) {
		case 'for':
			return [header.target, header.iterable];
		case 'if':
			return [header.test];
		case 'class':
			return header.bases;
		default:
			return [];
	}
}

/** The offset of the first expression deeper than MAX_EXPRESSION_DEPTH, or null (no recursion). */
function tooDeep(statements: readonly Stmt[]): number | null {
	const stack: { expr: Expr; depth: number }[] = [];
	const pending: Stmt[] = [...statements];
	const push = (expr: Expr | null, depth: number) => {
		if (expr !== null) stack.push({ expr, depth });
	};
	while (pending.length > 0) {
		const statement = pending.pop()!;
		switch (statement.kind) {
			case 'assign':
				for (const target of statement.targets) push(target, 1);
				push(statement.value, 1);
				break;
			case 'augassign':
				push(statement.target, 1);
				push(statement.value, 1);
				break;
			case 'annassign':
				push(statement.target, 1);
				push(statement.value, 1);
				break;
			case 'expr':
				push(statement.value, 1);
				break;
			case 'compound':
				for (const inner of statement.body) pending.push(inner);
				for (const expr of headerExprs(statement.header)) push(expr, 1);
				break;
			case 'keyword':
				push(statement.value ?? null, 1);
				break;
		}
		while (stack.length > 0) {
			const { expr, depth } = stack.pop()!;
			if (depth > MAX_EXPRESSION_DEPTH) return expr.start;
			const below = depth + 1;
			switch (expr.kind) {
				case 'unary':
					push(expr.operand, below);
					break;
				case 'binary':
					push(expr.left, below);
					push(expr.right, below);
					break;
				case 'ifexp':
					push(expr.test, below);
					push(expr.body, below);
					push(expr.orelse, below);
					break;
				case 'call':
					push(expr.func, below);
					for (const arg of expr.args) push(arg, below);
					for (const keyword of expr.keywords) push(keyword.value, below);
					break;
				case 'attribute':
				case 'starred':
					push(expr.value, below);
					break;
				case 'subscript':
					push(expr.value, below);
					push(expr.index, below);
					break;
				case 'tuple':
				case 'list':
					for (const item of expr.items) push(item, below);
					break;
				case 'dict':
					for (const key of expr.keys) push(key, below);
					for (const value of expr.values) push(value, below);
					break;
				case 'listcomp':
					push(expr.element, below);
					push(expr.target, below);
					push(expr.iterable, below);
					break;
			}
		}
	}
	return null;
}

function numberExpr(token: Token): Expr {
	const text = token.text;
	const clean = text.replace(/_/g, '');
	const imaginary = /[jJ]$/.test(clean);
	const digits = imaginary ? clean.slice(0, -1) : clean;
	const prefixed = /^0[xXoObB]/.test(digits);
	const integer = prefixed || /^\d+$/.test(digits);
	const value = Number(digits);
	return { kind: 'number', value, integer, imaginary, text, start: token.start };
}

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
			return expr.what;
		case 'listcomp':
			return 'list comprehension';
	}
}
