/**
 * How the generator writes a leaf: a `torch.tensor` literal (nested lists, wrapped to
 * MAX_LINE), a creation call, or a seed and a draw, under a budget of MAX_LITERAL_VALUES
 * numbers a program (see the module comment of `generate.ts`).
 */
import { numel } from '$lib/engine/core';
import type { LeafAttrs } from '$lib/graph';
import { comment, type Locale } from './comments';
import { drawnComment, leafValues } from './leaves';
import { pyFloat, pyFloat32, pyTuple, sizeArgs } from './python';

export const MAX_LINE = 100;
/**
 * The most numbers one program writes as literals (all its leaves together): 10,000 numbers
 * stay well under the importer's MAX_CODE_LINES even at two numbers a line.
 */
export const MAX_LITERAL_VALUES = 10_000;
export const INDENT = '    ';

/** How a leaf is created: optional comment / seed lines, then the expression. */
export interface LeafCode {
	before: string[];
	/** The expression, as lines (a long literal spans several). */
	lines: string[];
}

/** How many more numbers the program may write as literals (see MAX_LITERAL_VALUES). */
export interface LiteralBudget {
	left: number;
}

export const newBudget = (): LiteralBudget => ({ left: MAX_LITERAL_VALUES });

/** Whether a leaf of `count` elements is written as a literal; takes them from the budget if so. */
function takeLiteral(budget: LiteralBudget, count: number): boolean {
	if (count > budget.left) return false;
	budget.left -= count;
	return true;
}

/** Whether a leaf would be written as a seed and its draw (a statement before the expression). */
export function drawsWithSeed(attrs: LeafAttrs, budget: LiteralBudget): boolean {
	if (attrs.init !== 'rand' && attrs.init !== 'randn') return false;
	return numel(attrs.shape) > budget.left;
}

/** Takes a leaf's literal from the budget as `leafCode` will (zeros, ones, full, arange take none). */
export function planLiteral(attrs: LeafAttrs, budget: LiteralBudget): void {
	if (attrs.init === 'values' || attrs.init === 'rand' || attrs.init === 'randn') {
		takeLiteral(budget, numel(attrs.shape));
	}
}

/** Appends `items` one by one (never `push(...items)`: a literal may have thousands of lines). */
export function append(target: string[], items: readonly string[]): void {
	for (const item of items) target.push(item);
}

/** The lines that assign a leaf's code to `name`. */
export function assignment(name: string, code: LeafCode): string[] {
	const lines = code.before.slice();
	lines.push(`${name} = ${code.lines[0]}`);
	append(lines, code.lines.slice(1));
	return lines;
}

/**
 * A nested list literal, on one line when `head + literal + tail` fits, else one item a line
 * (a 1-D list wraps its numbers) indented under `indent`.
 */
function listLiteral(
	shape: readonly number[],
	texts: string[],
	indent: string,
	headLength: number,
	tailLength: number
): string[] {
	const nest = (dim: number, offset: number): string => {
		if (dim === shape.length) return texts[offset];
		const step = numel(shape.slice(dim + 1));
		const items = Array.from({ length: shape[dim] }, (_, i) => nest(dim + 1, offset + i * step));
		return `[${items.join(', ')}]`;
	};
	const flat = nest(0, 0);
	if (shape.length === 0 || headLength + flat.length + tailLength <= MAX_LINE) return [flat];
	const inner = indent + INDENT;
	const lines = ['['];
	const step = numel(shape.slice(1));
	const items =
		shape.length === 1 ? texts : Array.from({ length: shape[0] }, (_, i) => nest(1, i * step));
	// Numbers and short rows share lines; longer rows get one line each.
	const pack = shape.length === 1 || items.every((item) => item.length <= 24);
	let line = '';
	for (const item of items) {
		const piece = `${item},`;
		if (line !== '' && (!pack || inner.length + line.length + 1 + piece.length > MAX_LINE)) {
			lines.push(inner + line);
			line = piece;
		} else line = line === '' ? piece : `${line} ${piece}`;
	}
	if (line !== '') lines.push(inner + line);
	lines.push(`${indent}]`);
	return lines;
}

/**
 * The code that creates a leaf. `head` is what precedes the expression on its line (for line
 * lengths), `grad` whether to pass requires_grad=True, `locale` the language of its comments.
 */
export function leafCode(
	attrs: LeafAttrs,
	grad: boolean,
	random: 'values' | 'seed',
	budget: LiteralBudget,
	indent: string,
	head: string,
	tail: string,
	locale: Locale
): LeafCode {
	const gradArg = grad ? ', requires_grad=True' : '';
	const shape = attrs.shape;
	const count = numel(shape);
	const literal = (texts: string[]): string[] => {
		const lines = listLiteral(
			shape,
			texts,
			indent,
			head.length + 'torch.tensor('.length,
			gradArg.length + 1 + tail.length
		);
		lines[0] = `torch.tensor(${lines[0]}`;
		lines[lines.length - 1] += `${gradArg})`;
		return lines;
	};
	switch (attrs.init) {
		case 'values':
			if (takeLiteral(budget, count)) {
				return { before: [], lines: literal((attrs.values ?? []).map(pyFloat)) };
			}
			return {
				before: comment(locale, 'code.comment.zeros', { count }),
				lines: [`torch.zeros(${sizeArgs(shape)}${gradArg})`]
			};
		case 'zeros':
		case 'ones':
			return { before: [], lines: [`torch.${attrs.init}(${sizeArgs(shape)}${gradArg})`] };
		case 'full':
			return {
				before: [],
				lines: [`torch.full(${pyTuple(shape)}, ${pyFloat(attrs.fill ?? 0)}${gradArg})`]
			};
		case 'arange': {
			const count = pyFloat(numel(shape));
			if (shape.length === 1) return { before: [], lines: [`torch.arange(${count}${gradArg})`] };
			const reshaped = `torch.arange(${count}).reshape(${sizeArgs(shape)})`;
			return { before: [], lines: [grad ? `${reshaped}.requires_grad_()` : reshaped] };
		}
		case 'rand':
		case 'randn': {
			const seed = attrs.seed ?? 0;
			const draw = [`torch.${attrs.init}(${sizeArgs(shape)}${gradArg})`];
			if (random === 'seed') {
				return {
					before: [...comment(locale, 'code.comment.ownGenerator'), `torch.manual_seed(${seed})`],
					lines: draw
				};
			}
			if (!takeLiteral(budget, count)) {
				return {
					before: [
						...comment(locale, 'code.comment.tooManyDrawn', { count }),
						`torch.manual_seed(${seed})`
					],
					lines: draw
				};
			}
			const values = Array.from(leafValues(attrs), pyFloat32);
			const drawn = drawnComment(attrs.init, shape, seed, locale);
			return { before: [drawn], lines: literal(values) };
		}
	}
}
