/**
 * The expressions of Python's grammar, for the parser (`parser.ts`): from `a, *b` down to atoms,
 * each level a method, the tokens read through a shared `TokenCursor`. Builds syntax trees and
 * never evaluates anything; a syntax error throws a `SyntaxProblem`, which the statement parser
 * catches and reports.
 */
import { describe, type Expr, type Keyword } from './ast';
import { excerpt } from '$lib/util/excerpt';
import { codedSyntax, SyntaxProblem, type TokenCursor } from './parse-tokens';
import { KEYWORDS, type Token } from './tokenizer';

/** Augmented assignment operators (`x += 1`); an expression ends before one. */
export const AUGMENTED = new Set([
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

/** Left-associative binary levels, loosest first. */
const LEVELS: readonly (readonly string[])[] = [
	['|'],
	['^'],
	['&'],
	['<<', '>>'],
	['+', '-'],
	['*', '/', '//', '%', '@']
];

export class ExpressionParser {
	constructor(private readonly tokens: TokenCursor) {}

	/** `a, *b, c` (a tuple when there is a comma). */
	starExpressions(): Expr {
		const start = this.tokens.peek().start;
		const first = this.starOrNamed();
		if (!this.tokens.isOp(',')) return first;
		const items = [first];
		while (this.tokens.isOp(',')) {
			this.tokens.next();
			if (this.atExpressionEnd()) break;
			items.push(this.starOrNamed());
		}
		return { kind: 'tuple', items, start, parenthesized: false };
	}

	private atExpressionEnd(): boolean {
		const token = this.tokens.peek();
		if (token.type === 'newline' || token.type === 'end') return true;
		return (
			(token.type === 'op' && [')', ']', '}', '=', ';', ':'].includes(token.text)) ||
			(token.type === 'op' && AUGMENTED.has(token.text))
		);
	}

	private starOrNamed(): Expr {
		return this.starred() ?? this.namedExpression();
	}

	/** `*x`, or null when no star comes next. */
	private starred(): Expr | null {
		if (!this.tokens.isOp('*')) return null;
		const star = this.tokens.next();
		return { kind: 'starred', value: this.bitOr(), start: star.start };
	}

	namedExpression(): Expr {
		const value = this.test();
		if (this.tokens.isOp(':=')) {
			this.tokens.next();
			this.test();
			return { kind: 'other', what: 'assignmentExpression', start: value.start };
		}
		return value;
	}

	yieldExpression(): Expr {
		const token = this.tokens.next();
		if (this.tokens.isWord('from')) this.tokens.next();
		if (!this.atExpressionEnd()) this.starExpressions();
		return { kind: 'other', what: 'yield', start: token.start };
	}

	test(): Expr {
		const token = this.tokens.peek();
		this.tokens.enter(token);
		try {
			if (this.tokens.isWord('lambda')) {
				this.tokens.next();
				while (!this.tokens.isOp(':')) {
					const t = this.tokens.peek();
					if (t.type === 'newline' || t.type === 'end' || t.type === 'error') this.tokens.fail(t);
					this.tokens.next();
				}
				this.tokens.next();
				this.test();
				return { kind: 'other', what: 'lambda', start: token.start };
			}
			const body = this.orTest();
			if (!this.tokens.isWord('if')) return body;
			this.tokens.next();
			const condition = this.orTest();
			if (!this.tokens.isWord('else'))
				this.tokens.fail(this.tokens.peek(), "expected 'else' after 'if' expression");
			this.tokens.next();
			const orelse = this.test();
			return { kind: 'ifexp', test: condition, body, orelse, start: body.start };
		} finally {
			this.tokens.leave();
		}
	}

	private orTest(): Expr {
		return this.wordChain('or', () => this.andTest());
	}

	private andTest(): Expr {
		return this.wordChain('and', () => this.notTest());
	}

	/** `a or b or ...`, `a and b and ...`: a left-associative chain of one word operator. */
	private wordChain(word: 'or' | 'and', operand: () => Expr): Expr {
		let left = operand();
		for (let count = 1; this.tokens.isWord(word); count++) {
			const op = this.tokens.next();
			this.tokens.chain(count, op);
			const right = operand();
			left = { kind: 'binary', op: word, left, right, start: left.start, opStart: op.start };
		}
		return left;
	}

	private notTest(): Expr {
		if (this.tokens.isWord('not')) {
			const token = this.tokens.next();
			this.tokens.enter(token);
			try {
				return { kind: 'unary', op: 'not', operand: this.notTest(), start: token.start };
			} finally {
				this.tokens.leave();
			}
		}
		return this.comparison();
	}

	private comparison(): Expr {
		let left = this.bitOr();
		for (let count = 1; ; count++) {
			const token = this.tokens.peek();
			let op: string | null = null;
			if (token.type === 'op' && COMPARISONS.has(token.text)) op = token.text;
			else if (this.tokens.isWord('in')) op = 'in';
			else if (this.tokens.isWord('not') && this.tokens.isWord('in', 1)) op = 'not in';
			else if (this.tokens.isWord('is')) op = this.tokens.isWord('not', 1) ? 'is not' : 'is';
			if (op === null) return left;
			this.tokens.chain(count, token);
			this.tokens.next();
			if (op === 'not in' || op === 'is not') this.tokens.next();
			const right = this.bitOr();
			left = { kind: 'binary', op, left, right, start: left.start, opStart: token.start };
		}
	}

	private bitOr(): Expr {
		return this.binaryLevel(0);
	}

	private binaryLevel(level: number): Expr {
		if (level >= LEVELS.length) return this.factor();
		const ops = LEVELS[level];
		let left = this.binaryLevel(level + 1);
		for (
			let count = 1;
			this.tokens.peek().type === 'op' && ops.includes(this.tokens.peek().text);
			count++
		) {
			const op = this.tokens.next();
			this.tokens.chain(count, op);
			const right = this.binaryLevel(level + 1);
			left = { kind: 'binary', op: op.text, left, right, start: left.start, opStart: op.start };
		}
		return left;
	}

	private factor(): Expr {
		const token = this.tokens.peek();
		if (token.type === 'op' && (token.text === '-' || token.text === '+' || token.text === '~')) {
			this.tokens.next();
			this.tokens.enter(token);
			try {
				const operand = this.factor();
				return { kind: 'unary', op: token.text, operand, start: token.start };
			} finally {
				this.tokens.leave();
			}
		}
		return this.power();
	}

	private power(): Expr {
		let base: Expr;
		if (this.tokens.isWord('await')) {
			const token = this.tokens.next();
			this.primary();
			base = { kind: 'other', what: 'await', start: token.start };
		} else base = this.primary();
		if (!this.tokens.isOp('**')) return base;
		const op = this.tokens.next();
		this.tokens.enter(op);
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
			this.tokens.leave();
		}
	}

	private primary(): Expr {
		let value = this.atom();
		for (let count = 1; ; count++) {
			this.tokens.chain(count, this.tokens.peek());
			if (this.tokens.isOp('.')) {
				this.tokens.next();
				const name = this.tokens.peek();
				if (name.type !== 'name') this.tokens.fail(name, 'expected a name after "."');
				this.tokens.next();
				value = {
					kind: 'attribute',
					value,
					attr: name.text,
					start: value.start,
					attrStart: name.start
				};
			} else if (this.tokens.isOp('(')) {
				const open = this.tokens.next();
				const { args, keywords } = this.callArguments();
				this.tokens.expectOp(')', "expected ')' or ',' in the call");
				value = { kind: 'call', func: value, args, keywords, start: value.start, open: open.start };
			} else if (this.tokens.isOp('[')) {
				const open = this.tokens.next();
				const index = this.subscripts(open);
				this.tokens.expectOp(']');
				value = { kind: 'subscript', value, index, start: value.start };
			} else return value;
		}
	}

	callArguments(): { args: Expr[]; keywords: Keyword[] } {
		const args: Expr[] = [];
		const keywords: Keyword[] = [];
		while (!this.tokens.isOp(')')) {
			const token = this.tokens.peek();
			if (this.tokens.isOp('**')) {
				this.tokens.next();
				keywords.push({ name: null, value: this.test(), start: token.start });
			} else if (this.tokens.isOp('*')) {
				this.tokens.next();
				args.push({ kind: 'starred', value: this.test(), start: token.start });
			} else if (token.type === 'name' && !KEYWORDS.has(token.text) && this.tokens.isOp('=', 1)) {
				this.tokens.next();
				this.tokens.next();
				if (keywords.some((k) => k.name === token.text)) {
					this.tokens.fail(token, `keyword argument repeated: ${excerpt(token.text)}`);
				}
				keywords.push({ name: token.text, value: this.test(), start: token.start });
			} else {
				if (keywords.some((k) => k.name !== null)) {
					this.tokens.fail(token, 'positional argument follows keyword argument');
				}
				const value = this.namedExpression();
				if (this.tokens.isWord('for') || this.tokens.isWord('async')) {
					this.comprehensionClauses();
					args.push({ kind: 'other', what: 'generatorExpression', start: value.start });
				} else args.push(value);
			}
			if (!this.tokens.isOp(',')) break;
			this.tokens.next();
		}
		return { args, keywords };
	}

	private subscripts(open: Token): Expr {
		const items: Expr[] = [];
		do {
			if (items.length > 0) {
				this.tokens.next();
				if (this.tokens.isOp(']')) break;
			}
			items.push(this.subscript());
		} while (this.tokens.isOp(','));
		return items.length === 1
			? items[0]
			: { kind: 'tuple', items, start: open.start, parenthesized: false };
	}

	private subscript(): Expr {
		const start = this.tokens.peek().start;
		let sliced = false;
		if (!this.tokens.isOp(':')) {
			const value = this.starOrNamed();
			if (!this.tokens.isOp(':')) return value;
		}
		while (this.tokens.isOp(':')) {
			sliced = true;
			this.tokens.next();
			if (!this.tokens.isOp(':') && !this.tokens.isOp(']') && !this.tokens.isOp(',')) this.test();
		}
		return { kind: 'other', what: sliced ? 'slice' : 'subscript', start };
	}

	/** `for target in iterable [if condition] ...` after a comprehension's element. */
	private comprehensionClauses(): void {
		while (this.tokens.isWord('for') || this.tokens.isWord('async')) {
			if (this.tokens.isWord('async')) this.tokens.next();
			if (!this.tokens.isWord('for')) this.tokens.fail(this.tokens.peek());
			this.tokens.next();
			const target = this.targetList();
			this.checkTarget(target);
			if (!this.tokens.isWord('in')) this.tokens.fail(this.tokens.peek(), "expected 'in'");
			this.tokens.next();
			this.orTest();
			while (this.tokens.isWord('if')) {
				this.tokens.next();
				this.orTest();
			}
		}
	}

	/** The targets of a `for` clause: stops at `in`. */
	targetList(): Expr {
		const start = this.tokens.peek().start;
		const items = [this.starTarget()];
		while (this.tokens.isOp(',')) {
			this.tokens.next();
			if (this.tokens.isWord('in')) break;
			items.push(this.starTarget());
		}
		return items.length === 1 ? items[0] : { kind: 'tuple', items, start, parenthesized: false };
	}

	private starTarget(): Expr {
		return this.starred() ?? this.bitOr();
	}

	private atom(): Expr {
		const token = this.tokens.peek();
		switch (token.type) {
			case 'name':
				return this.nameAtom(token);
			case 'number':
				this.tokens.next();
				return numberExpr(token);
			case 'string': {
				this.tokens.next();
				let value = token.value ?? '';
				while (this.tokens.peek().type === 'string') value += this.tokens.next().value ?? '';
				return { kind: 'string', value, prefix: token.prefix ?? '', start: token.start };
			}
			case 'op':
				break;
			default:
				this.tokens.fail(token);
		}
		switch (token.text) {
			case '(':
				return this.parenthesized();
			case '[':
				return this.listDisplay();
			case '{':
				return this.dictOrSet();
			case '...':
				this.tokens.next();
				return { kind: 'other', what: 'ellipsis', start: token.start };
		}
		this.tokens.fail(token);
	}

	private nameAtom(token: Token): Expr {
		if (!KEYWORDS.has(token.text)) {
			this.tokens.next();
			return { kind: 'name', id: token.text, start: token.start };
		}
		switch (token.text) {
			case 'True':
			case 'False':
				this.tokens.next();
				return { kind: 'constant', value: token.text === 'True', start: token.start };
			case 'None':
				this.tokens.next();
				return { kind: 'constant', value: null, start: token.start };
		}
		throw codedSyntax(token.start, 'syntaxKeyword', { text: token.text });
	}

	private parenthesized(): Expr {
		const open = this.tokens.next();
		if (this.tokens.isOp(')')) {
			this.tokens.next();
			return { kind: 'tuple', items: [], start: open.start, parenthesized: true };
		}
		if (this.tokens.isWord('yield')) {
			const value = this.yieldExpression();
			this.tokens.expectOp(')');
			return value;
		}
		const first = this.starOrNamed();
		if (this.tokens.isWord('for') || this.tokens.isWord('async')) {
			this.comprehensionClauses();
			this.tokens.expectOp(')');
			return { kind: 'other', what: 'generatorExpression', start: open.start };
		}
		if (!this.tokens.isOp(',')) {
			this.tokens.expectOp(')', "expected ')'");
			return first;
		}
		const items = [first];
		while (this.tokens.isOp(',')) {
			this.tokens.next();
			if (this.tokens.isOp(')')) break;
			items.push(this.starOrNamed());
		}
		this.tokens.expectOp(')', "expected ')' or ','");
		return { kind: 'tuple', items, start: open.start, parenthesized: true };
	}

	private listDisplay(): Expr {
		const open = this.tokens.next();
		const items: Expr[] = [];
		if (this.tokens.isOp(']')) {
			this.tokens.next();
			return { kind: 'list', items, start: open.start };
		}
		items.push(this.starOrNamed());
		const comprehension = this.tokens.isWord('for') ? this.listComprehension(open, items[0]) : null;
		if (comprehension !== null) return comprehension;
		if (this.tokens.isWord('for') || this.tokens.isWord('async')) {
			this.comprehensionClauses();
			this.tokens.expectOp(']');
			return { kind: 'other', what: 'listComprehension', start: open.start };
		}
		while (this.tokens.isOp(',')) {
			this.tokens.next();
			if (this.tokens.isOp(']')) break;
			items.push(this.starOrNamed());
		}
		this.tokens.expectOp(']', "expected ']' or ','");
		return { kind: 'list', items, start: open.start };
	}

	/**
	 * `[element for target in iterable]` after its element: the node the importer reads, or
	 * null (nothing read) when it has more clauses, which the caller reads as opaque.
	 */
	private listComprehension(open: Token, element: Expr): Expr | null {
		const at = this.tokens.position;
		try {
			this.tokens.next();
			const target = this.targetList();
			this.checkTarget(target);
			if (this.tokens.isWord('in')) {
				this.tokens.next();
				const iterable = this.orTest();
				if (this.tokens.isOp(']')) {
					this.tokens.next();
					return { kind: 'listcomp', element, target, iterable, start: open.start };
				}
			}
		} catch (error) {
			if (!(error instanceof SyntaxProblem)) throw error;
		}
		this.tokens.position = at;
		return null;
	}

	private dictOrSet(): Expr {
		const open = this.tokens.next();
		if (this.tokens.isOp('}')) {
			this.tokens.next();
			return { kind: 'dict', keys: [], values: [], start: open.start };
		}
		const keys: (Expr | null)[] = [];
		const values: Expr[] = [];
		let isSet = false;
		let first = true;
		do {
			if (!first) {
				this.tokens.next();
				if (this.tokens.isOp('}')) break;
			}
			if (this.tokens.isOp('**')) {
				if (isSet) this.tokens.fail(this.tokens.peek());
				this.tokens.next();
				keys.push(null);
				values.push(this.bitOr());
			} else {
				const key = this.starOrNamed();
				if (this.tokens.isOp(':') && !isSet) {
					this.tokens.next();
					keys.push(key);
					values.push(this.test());
				} else {
					if (!first && !isSet) this.tokens.fail(this.tokens.peek(), "expected ':'");
					isSet = true;
					values.push(key);
				}
			}
			if (first && (this.tokens.isWord('for') || this.tokens.isWord('async'))) {
				this.comprehensionClauses();
				this.tokens.expectOp('}');
				return {
					kind: 'other',
					what: isSet ? 'setComprehension' : 'dictComprehension',
					start: open.start
				};
			}
			first = false;
		} while (this.tokens.isOp(','));
		this.tokens.expectOp('}', "expected '}' or ','");
		if (isSet) return { kind: 'other', what: 'set', start: open.start };
		return { kind: 'dict', keys, values, start: open.start };
	}

	/** Whether an expression can be assigned to (`x`, `a.b`, `a[i]`, `a, *b`); throws if not. */
	checkTarget(target: Expr): void {
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
