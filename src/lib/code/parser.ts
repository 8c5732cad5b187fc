/**
 * A recursive-descent parser for Python's statements and expressions, over the tokens of
 * `tokenize`. It builds a syntax tree and never evaluates anything. A syntax error is reported
 * with its position and the parser goes on at the next line (skipping the block of a broken
 * compound statement), so one bad line never hides the others. Never throws.
 *
 * Three files: this one reads statements (`Parser`), `parse-expressions.ts` reads expressions
 * (`ExpressionParser`) and `parse-tokens.ts` holds the cursor over the tokens both share.
 */
import { describe, type CompoundHeader, type Expr, type ImportName, type Stmt } from './ast';
import { AUGMENTED, ExpressionParser } from './parse-expressions';
import { SyntaxProblem, TokenCursor } from './parse-tokens';
import { MAX_EXPRESSION_DEPTH, type RawProblem } from './source';
import type { Token, Tokenized } from './tokenizer';

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

export interface Parsed {
	statements: Stmt[];
	problems: RawProblem[];
}

export function parse(tokenized: Tokenized): Parsed {
	return new Parser(tokenized.tokens).parseFile();
}

/**
 * Python's statements, over one `TokenCursor`; their expressions are read by an
 * `ExpressionParser` on the same cursor.
 */
class Parser {
	private readonly tokens: TokenCursor;
	private readonly expressions: ExpressionParser;
	private readonly problems: RawProblem[] = [];

	constructor(tokens: Token[]) {
		this.tokens = new TokenCursor(tokens);
		this.expressions = new ExpressionParser(this.tokens);
	}

	parseFile(): Parsed {
		const statements: Stmt[] = [];
		while (this.tokens.peek().type !== 'end') {
			const before = this.tokens.position;
			for (const statement of this.statement()) statements.push(statement);
			// Safety: every pass consumes at least one token.
			if (this.tokens.position === before) this.tokens.position++;
		}
		return { statements, problems: this.problems };
	}

	/** One statement (or several, separated by `;`), recovering from syntax errors. */
	private statement(): Stmt[] {
		const token = this.tokens.peek();
		if (token.type === 'newline' || token.type === 'dedent') {
			this.tokens.next();
			return [];
		}
		if (token.type === 'indent') {
			this.problems.push({ offset: token.start, message: 'unexpected indent', kind: 'syntax' });
			this.tokens.next();
			// Read the indented lines anyway, as if they were not indented.
			return this.blockBody();
		}
		const start = this.tokens.position;
		try {
			this.tokens.depth = 0;
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
				this.problems.push({
					offset: error.offset,
					message: error.message,
					kind: 'syntax',
					...error.wording
				});
			}
			this.skipLine(start);
			return [];
		}
	}

	/** Skip to the end of the logical line, and the indented block after it if any. */
	private skipLine(from: number): void {
		if (this.tokens.position < from) this.tokens.position = from;
		let last: Token | null = null;
		while (this.tokens.peek().type !== 'newline' && this.tokens.peek().type !== 'end') {
			// A broken statement can stop inside a block: skip to its end.
			if (this.tokens.peek().type === 'dedent') return;
			last = this.tokens.next();
		}
		this.tokens.next();
		// A broken compound statement (`for ...:`): its block goes with it.
		const first = this.tokens.list[from];
		const compound =
			(first.type === 'name' && (COMPOUND.has(first.text) || BLOCK_CLAUSES.has(first.text))) ||
			(last?.type === 'op' && last.text === ':');
		if (compound && this.tokens.peek().type === 'indent') this.skipBlock();
	}

	private skipBlock(): void {
		let level = 0;
		do {
			const token = this.tokens.next();
			if (token.type === 'indent') level++;
			else if (token.type === 'dedent') level--;
			else if (token.type === 'end') return;
		} while (level > 0);
	}

	/** Statements up to the DEDENT that closes the block (consumed). */
	private blockBody(): Stmt[] {
		const body: Stmt[] = [];
		while (this.tokens.peek().type !== 'dedent' && this.tokens.peek().type !== 'end') {
			const before = this.tokens.position;
			for (const statement of this.statement()) body.push(statement);
			if (this.tokens.position === before) this.tokens.position++;
		}
		if (this.tokens.peek().type === 'dedent') this.tokens.next();
		return body;
	}

	private compound(): Stmt {
		const first = this.tokens.peek();
		while (this.tokens.isOp('@')) this.skipHeaderLine();
		let keyword = this.tokens.peek().text;
		if (keyword === 'async') {
			this.tokens.next();
			keyword = this.tokens.peek().text;
		}
		if (!Object.hasOwn(CLAUSES, keyword)) this.tokens.fail(this.tokens.peek());
		const headerLine = this.tokens.peek().line;
		const structured = this.structuredCompound(keyword, first, headerLine);
		if (structured !== null) return structured;
		const body = this.clause(keyword, headerLine);
		const clauses = CLAUSES[keyword];
		while (this.tokens.peek().type === 'name' && clauses.includes(this.tokens.peek().text)) {
			const clause = this.tokens.peek();
			for (const statement of this.clause(clause.text, clause.line)) body.push(statement);
		}
		return { kind: 'compound', keyword, body, start: first.start, end: this.tokens.peek(-1).end };
	}

	/** A decorator line. */
	private skipHeaderLine(): void {
		while (this.tokens.peek().type !== 'newline' && this.tokens.peek().type !== 'end') {
			if (this.tokens.peek().type === 'error') this.tokens.fail(this.tokens.peek());
			this.tokens.next();
		}
		this.tokens.next();
	}

	/** `keyword header: block`, the header read loosely (up to its `:`). */
	private clause(keyword: string, headerLine: number): Stmt[] {
		this.tokens.next();
		let depth = 0;
		while (true) {
			const token = this.tokens.peek();
			if (token.type === 'newline' || token.type === 'end') {
				this.tokens.fail(token, `expected ':' at the end of the '${keyword}' line`);
			}
			if (token.type === 'error') this.tokens.fail(token);
			if (token.type === 'op') {
				if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
				else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
				else if (token.text === ':' && depth === 0) break;
			}
			this.tokens.next();
		}
		this.tokens.next();
		return this.indentedBlock(keyword, headerLine);
	}

	/** The block after a header's `:` (or the simple statements on its line). */
	private indentedBlock(keyword: string, headerLine: number): Stmt[] {
		if (this.tokens.peek().type !== 'newline') return this.simpleStatements();
		const newline = this.tokens.next();
		if (this.tokens.peek().type !== 'indent') {
			this.problems.push({
				offset: this.tokens.peek().type === 'end' ? newline.start : this.tokens.peek().start,
				message: `expected an indented block after the '${keyword}' statement on line ${headerLine}`,
				kind: 'syntax'
			});
			return [];
		}
		this.tokens.next();
		return this.blockBody();
	}

	/**
	 * A `for`, `if`, `class` or `def` statement whose header the importer reads, with its
	 * blocks; null (nothing read) for any other, or a header in another form, which `compound`
	 * then reads loosely (and reports, if it is not Python).
	 */
	private structuredCompound(keyword: string, first: Token, headerLine: number): Stmt | null {
		if (!STRUCTURED.has(keyword) || this.tokens.peek() !== first) return null;
		const at = this.tokens.position;
		let header: HeaderParts;
		try {
			header = this.compoundHeader(keyword);
		} catch (error) {
			if (!(error instanceof SyntaxProblem)) throw error;
			this.tokens.position = at;
			return null;
		}
		const body = this.indentedBlock(keyword, headerLine);
		const orelse: Stmt[] = [];
		const clauses = CLAUSES[keyword];
		while (this.tokens.peek().type === 'name' && clauses.includes(this.tokens.peek().text)) {
			const clause = this.tokens.peek();
			for (const statement of this.clause(clause.text, clause.line)) orelse.push(statement);
		}
		return {
			kind: 'compound',
			keyword,
			body: [...body, ...orelse],
			start: first.start,
			end: this.tokens.peek(-1).end,
			header: { ...header, body, orelse } as CompoundHeader
		};
	}

	/** From the keyword to the header's `:` (consumed); throws SyntaxProblem on any other form. */
	private compoundHeader(keyword: string): HeaderParts {
		const { tokens, expressions } = this;
		tokens.next();
		let parts: HeaderParts;
		switch (keyword) {
			case 'for': {
				const target = expressions.targetList();
				expressions.checkTarget(target);
				if (!tokens.isWord('in')) tokens.fail(tokens.peek(), "expected 'in'");
				tokens.next();
				parts = { kind: 'for', target, iterable: expressions.starExpressions() };
				break;
			}
			case 'if':
				parts = { kind: 'if', test: expressions.namedExpression() };
				break;
			case 'class': {
				const name = tokens.expectName().text;
				let bases: Expr[] = [];
				if (tokens.isOp('(')) {
					tokens.next();
					const read = expressions.callArguments();
					if (read.keywords.length > 0) tokens.fail(tokens.peek());
					bases = read.args;
					tokens.expectOp(')');
				}
				parts = { kind: 'class', name, bases };
				break;
			}
			default: {
				const name = tokens.expectName().text;
				tokens.expectOp('(');
				const params: { name: string; start: number }[] = [];
				while (!tokens.isOp(')')) {
					const param = tokens.expectName();
					params.push({ name: param.text, start: param.start });
					if (!tokens.isOp(',')) break;
					tokens.next();
				}
				tokens.expectOp(')');
				parts = { kind: 'def', name, params };
			}
		}
		tokens.expectOp(':');
		return parts;
	}

	private simpleStatements(): Stmt[] {
		const statements = [this.smallStatement()];
		while (this.tokens.isOp(';')) {
			this.tokens.next();
			if (this.tokens.peek().type === 'newline' || this.tokens.peek().type === 'end') break;
			statements.push(this.smallStatement());
		}
		const token = this.tokens.peek();
		if (token.type !== 'newline' && token.type !== 'end') this.tokens.fail(token);
		this.tokens.next();
		return statements;
	}

	private smallStatement(): Stmt {
		const token = this.tokens.peek();
		if (token.type === 'name') {
			switch (token.text) {
				case 'import':
					return this.importStatement();
				case 'from':
					return this.fromStatement();
				case 'pass':
					this.tokens.next();
					return { kind: 'pass', start: token.start, end: token.end };
			}
			if (SIMPLE_KEYWORDS.has(token.text) && !(token.text === 'await')) {
				this.tokens.next();
				// Read the rest for syntax (the importer reads a `return`'s value).
				const value = this.atStatementEnd() ? undefined : this.expressions.starExpressions();
				const end = this.tokens.peek(-1).end;
				return { kind: 'keyword', keyword: token.text, start: token.start, end, value };
			}
		}
		const first = this.expressions.starExpressions();
		if (this.tokens.isOp('=')) {
			const targets = [first];
			let value: Expr = first;
			while (this.tokens.isOp('=')) {
				this.tokens.next();
				value = this.tokens.isWord('yield')
					? this.expressions.yieldExpression()
					: this.expressions.starExpressions();
				targets.push(value);
			}
			targets.pop();
			for (const target of targets) this.expressions.checkTarget(target);
			return { kind: 'assign', targets, value, start: token.start, end: this.tokens.peek(-1).end };
		}
		const op = this.tokens.peek();
		if (op.type === 'op' && AUGMENTED.has(op.text)) {
			this.tokens.next();
			if (first.kind !== 'name' && first.kind !== 'attribute' && first.kind !== 'subscript') {
				this.tokens.fail(
					token,
					`'${describe(first)}' is an illegal expression for augmented assignment`
				);
			}
			const value = this.tokens.isWord('yield')
				? this.expressions.yieldExpression()
				: this.expressions.starExpressions();
			return {
				kind: 'augassign',
				target: first,
				op: op.text,
				value,
				start: token.start,
				end: this.tokens.peek(-1).end
			};
		}
		if (op.type === 'op' && op.text === ':') {
			this.tokens.next();
			this.expressions.test();
			let value: Expr | null = null;
			if (this.tokens.isOp('=')) {
				this.tokens.next();
				value = this.expressions.starExpressions();
			}
			this.expressions.checkTarget(first);
			return {
				kind: 'annassign',
				target: first,
				value,
				start: token.start,
				end: this.tokens.peek(-1).end
			};
		}
		return { kind: 'expr', value: first, start: token.start, end: this.tokens.peek(-1).end };
	}

	private atStatementEnd(): boolean {
		const token = this.tokens.peek();
		return token.type === 'newline' || token.type === 'end' || this.tokens.isOp(';');
	}

	private dottedName(): { name: string; start: number } {
		const first = this.tokens.expectName();
		let name = first.text;
		while (this.tokens.isOp('.')) {
			this.tokens.next();
			name += '.' + this.tokens.expectName().text;
		}
		return { name, start: first.start };
	}

	private importStatement(): Stmt {
		const keyword = this.tokens.next();
		const names: ImportName[] = [];
		do {
			if (names.length > 0) this.tokens.next();
			const { name, start } = this.dottedName();
			let asname: string | null = null;
			if (this.tokens.isWord('as')) {
				this.tokens.next();
				asname = this.tokens.expectName().text;
			}
			names.push({ name, asname, start });
		} while (this.tokens.isOp(','));
		return { kind: 'import', names, start: keyword.start, end: this.tokens.peek(-1).end };
	}

	private fromStatement(): Stmt {
		const keyword = this.tokens.next();
		let level = 0;
		while (this.tokens.isOp('.') || this.tokens.isOp('...'))
			level += this.tokens.next().text.length;
		const module = this.tokens.isWord('import') ? '' : this.dottedName().name;
		if (!this.tokens.isWord('import')) this.tokens.fail(this.tokens.peek(), "expected 'import'");
		this.tokens.next();
		const names: ImportName[] = [];
		if (this.tokens.isOp('*')) {
			const star = this.tokens.next();
			names.push({ name: '*', asname: null, start: star.start });
		} else {
			const parenthesized = this.tokens.isOp('(');
			if (parenthesized) this.tokens.next();
			do {
				if (names.length > 0) this.tokens.next();
				if (parenthesized && this.tokens.isOp(')')) break;
				const name = this.tokens.expectName();
				let asname: string | null = null;
				if (this.tokens.isWord('as')) {
					this.tokens.next();
					asname = this.tokens.expectName().text;
				}
				names.push({ name: name.text, asname, start: name.start });
			} while (this.tokens.isOp(','));
			if (parenthesized) this.tokens.expectOp(')');
		}
		return {
			kind: 'from',
			module,
			level,
			names,
			start: keyword.start,
			end: this.tokens.peek(-1).end
		};
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
