/**
 * The parser's view of the tokens: a position in them, lookahead, and the syntax errors of a
 * statement (thrown as `SyntaxProblem`, caught by the statement parser). The statement and the
 * expression parsers share one cursor.
 */
import { MAX_CHAIN, MAX_NESTING } from './source';
import { excerpt } from '$lib/util/excerpt';
import { KEYWORDS, type Token } from './tokenizer';
import {
	problemText,
	type ProblemCode,
	type ProblemParams,
	type ProblemWording
} from './problem-codes';

/** A syntax error inside a statement; `silent` when the tokenizer already reported it. */
export class SyntaxProblem {
	constructor(
		readonly offset: number,
		readonly message: string,
		readonly silent = false,
		/** The code the UI words it from, when the words are ours (not Python's). */
		readonly wording?: ProblemWording
	) {}
}

/** A syntax error in our words, by code (the UI words it in its language). */
export function codedSyntax(offset: number, code: ProblemCode, params: ProblemParams = {}) {
	const wording = { code, params };
	return new SyntaxProblem(offset, problemText(wording), false, wording);
}

export class TokenCursor {
	/** The index of the next token. */
	position = 0;
	/** How deeply the expression being read nests (brackets and operators), up to MAX_NESTING. */
	depth = 0;

	constructor(readonly list: Token[]) {}

	peek(ahead = 0): Token {
		return this.list[Math.min(this.position + ahead, this.list.length - 1)];
	}

	next(): Token {
		const token = this.peek();
		if (this.position < this.list.length - 1) this.position++;
		return token;
	}

	isOp(text: string, ahead = 0): boolean {
		const token = this.peek(ahead);
		return token.type === 'op' && token.text === text;
	}

	isWord(text: string, ahead = 0): boolean {
		const token = this.peek(ahead);
		return token.type === 'name' && token.text === text;
	}

	fail(token: Token, message?: string): never {
		if (token.type === 'error') throw new SyntaxProblem(token.start, '', true);
		if (message !== undefined) throw new SyntaxProblem(token.start, message);
		if (token.type === 'newline' || token.type === 'end') {
			throw codedSyntax(token.start, 'syntaxLineEnds');
		}
		if (token.type === 'indent') throw new SyntaxProblem(token.start, 'unexpected indent');
		throw codedSyntax(token.start, 'syntaxAt', { text: excerpt(token.text) });
	}

	expectOp(text: string, message?: string): Token {
		if (!this.isOp(text)) this.fail(this.peek(), message ?? `expected '${text}'`);
		return this.next();
	}

	expectName(): Token {
		const token = this.peek();
		if (token.type !== 'name' || KEYWORDS.has(token.text)) this.fail(token, 'expected a name');
		return this.next();
	}

	enter(token: Token): void {
		if (++this.depth > MAX_NESTING) {
			throw new SyntaxProblem(
				token.start,
				`too deeply nested: more than ${MAX_NESTING} levels of brackets or operators`
			);
		}
	}

	/** Operators in a row (`a + b + c ...`) and trailers (`a.b.c ...`) nest the tree too. */
	chain(count: number, token: Token): void {
		if (count > MAX_CHAIN) {
			throw new SyntaxProblem(
				token.start,
				`expression too long: more than ${MAX_CHAIN} operators or calls in a row`
			);
		}
	}

	/** Leaves a level that `enter` entered. */
	leave(): void {
		this.depth--;
	}
}
