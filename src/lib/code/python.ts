/** Writing Python: number literals as Python prints them, identifiers, argument lists. */
import { floatRepr } from '$lib/util/float-repr';
import { KEYWORDS } from './tokenizer';

/** A float as a Python literal: its repr, and `float('nan')` / `float('inf')` where repr is no literal. */
export function pyFloat(value: number): string {
	if (Number.isNaN(value)) return "float('nan')";
	if (!Number.isFinite(value)) return value > 0 ? "float('inf')" : "-float('inf')";
	return floatRepr(value);
}

/**
 * The shortest Python float literal that reads back, rounded to float32, as `value` (a float32):
 * `0.6270739` rather than `0.6270738840103149`.
 */
export function pyFloat32(value: number): string {
	if (!Number.isFinite(value) || value === 0) return pyFloat(value);
	for (let precision = 1; precision <= 9; precision++) {
		const short = Number(value.toPrecision(precision));
		if (Math.fround(short) === value) return pyFloat(short);
	}
	return pyFloat(value);
}

/** A number as an operand in an expression: `2` for whole numbers, else a float literal. */
export function pyNumber(value: number): string {
	if (Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 1e16) {
		return String(value);
	}
	return pyFloat(value);
}

/** Python's string literal for `text`, in single quotes. */
export function pyString(text: string): string {
	let out = "'";
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (char === "'" || char === '\\') out += '\\' + char;
		else if (char === '\n') out += '\\n';
		else if (char === '\r') out += '\\r';
		else if (char === '\t') out += '\\t';
		else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
		else out += char;
	}
	return out + "'";
}

/** Sizes as call arguments: `3, 4`; a 0-d shape as `()`. */
export function sizeArgs(shape: readonly number[]): string {
	return shape.length === 0 ? '()' : shape.join(', ');
}

/** A shape as a tuple: `(3, 4)`, `(3,)`, `()`. */
export function pyTuple(items: readonly (number | string)[]): string {
	return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/** Whether `name` is a Python identifier that is not a keyword. */
export function isIdentifier(name: string): boolean {
	return IDENTIFIER.test(name) && !KEYWORDS.has(name) && name === name.normalize('NFKC');
}

/**
 * A Python variable name for a node name: NFKC-normalized (as Python reads identifiers), other
 * characters as `_`, a leading `_` before a digit, `_` after a keyword or reserved name.
 */
export function toIdentifier(name: string, reserved: ReadonlySet<string>): string {
	let out = name;
	// NFKC can join or split characters: repeat until the name is stable.
	for (let pass = 0; pass < 4; pass++) {
		let next = '';
		for (const char of out.normalize('NFKC')) next += /[\p{XID_Continue}]/u.test(char) ? char : '_';
		if (!/^[\p{XID_Start}_]/u.test(next)) next = '_' + next;
		if (next === out) break;
		out = next;
	}
	if (!IDENTIFIER.test(out) || out !== out.normalize('NFKC')) out = 'v';
	if (KEYWORDS.has(out) || reserved.has(out)) out += '_';
	return out;
}

/** `base`, or `base_1`, `base_2`, ...: the first not in `taken`. */
export function versioned(base: string, taken: ReadonlySet<string>): string {
	if (!taken.has(base)) return base;
	for (let i = 1; ; i++) {
		const name = `${base}_${i}`;
		if (!taken.has(name)) return name;
	}
}
