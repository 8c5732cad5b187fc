/**
 * A small Python tokenizer for light syntax tinting. Joining the tokens' text gives back the
 * source exactly; the UI renders each token as text inside a span with a class per kind.
 */
export type TokenKind =
	'keyword' | 'constant' | 'builtin' | 'string' | 'number' | 'comment' | 'plain';

export interface Token {
	kind: TokenKind;
	text: string;
}

const KEYWORDS = new Set([
	'and',
	'as',
	'class',
	'def',
	'elif',
	'else',
	'for',
	'from',
	'if',
	'import',
	'in',
	'is',
	'not',
	'or',
	'return',
	'while',
	'with'
]);
const CONSTANTS = new Set(['True', 'False', 'None', 'self']);
const BUILTINS = new Set(['print', 'range', 'super', 'len']);

/** One pattern per kind, tried in order at the current position (sticky). */
const RULES: [TokenKind | 'word', RegExp][] = [
	['comment', /#[^\n]*/y],
	['string', /'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/y],
	['number', /\d+(?:\.\d*)?(?:e[+-]?\d+)?/y],
	['word', /[A-Za-z_][A-Za-z0-9_]*/y],
	['plain', /[^#'"A-Za-z0-9_]+|[\s\S]/y]
];

function wordKind(word: string): TokenKind {
	if (KEYWORDS.has(word)) return 'keyword';
	if (CONSTANTS.has(word)) return 'constant';
	if (BUILTINS.has(word)) return 'builtin';
	return 'plain';
}

export function tokenizePython(source: string): Token[] {
	const tokens: Token[] = [];
	let position = 0;
	while (position < source.length) {
		for (const [kind, pattern] of RULES) {
			pattern.lastIndex = position;
			const match = pattern.exec(source);
			if (!match || match[0].length === 0) continue;
			const text = match[0];
			const tokenKind = kind === 'word' ? wordKind(text) : kind;
			const last = tokens.at(-1);
			// Merge neighbouring plain runs so the DOM stays small.
			if (tokenKind === 'plain' && last?.kind === 'plain') last.text += text;
			else tokens.push({ kind: tokenKind, text });
			position += text.length;
			break;
		}
	}
	return tokens;
}
