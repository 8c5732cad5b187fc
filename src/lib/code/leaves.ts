/**
 * Leaf values as the canvas makes them: the graph's own `createLeaf`, so that the numbers a
 * rand / randn leaf shows, the numbers written into generated code and the numbers the importer
 * checks a comment against are one and the same.
 */
import * as torch from '$lib/engine/core';
import { createLeaf, type LeafAttrs } from '$lib/graph';
import { LOCALES, MESSAGES, type Locale } from '$lib/i18n/messages';
import { comment, commentPart } from './comments';

export type RandomInit = 'rand' | 'randn';

/** The float32 values a leaf holds on the canvas, flat and row-major. */
export function leafValues(attrs: LeafAttrs): Float32Array {
	const tensor = createLeaf({ ...attrs, requiresGrad: false });
	return Float32Array.from(tensor.data);
}

/** The values `nn.Linear(inFeatures, outFeatures)` starts from on the canvas, after `seed`. */
export function linearInit(
	inFeatures: number,
	outFeatures: number,
	bias: boolean,
	seed: number
): { weight: number[]; bias: number[] | null } {
	torch.manualSeed(seed);
	const layer = new torch.nn.Linear(inFeatures, outFeatures, { bias });
	return {
		weight: Array.from(layer.weight.data),
		bias: layer.bias === null ? null : Array.from(layer.bias.data)
	};
}

/**
 * The comment written above a literal that holds a rand / randn leaf's values, in `locale`. The
 * importer reads it back in every language (see `parseDrawnComment`): when the literal still
 * holds exactly those values, the leaf is imported as rand / randn with that seed again.
 */
export function drawnComment(
	init: RandomInit,
	shape: readonly number[],
	seed: number,
	locale: Locale = 'en'
): string {
	const size = shape.length === 0 ? '()' : shape.join(', ');
	const draw = commentPart(locale, 'code.comment.drawnBy', { init, size, seed });
	return comment(locale, 'code.comment.drawn', { draw })[0];
}

/** What each placeholder of `code.comment.drawnBy` matches. */
const DRAWN_PARTS: Record<string, string> = {
	init: '(?<init>rand|randn)',
	size: '(?<size>[\\d,\\s()]*)',
	seed: '(?<seed>\\d+)'
};

/**
 * The start of `drawnComment`'s comment in `locale`, up to the seed (what follows may be edited),
 * made from the catalog's own words: a program written in any language imports in any other.
 */
function drawnPattern(locale: Locale): RegExp {
	const source = MESSAGES[locale]['code.comment.drawnBy']
		.split(/(\{\w+\})/)
		.map((part) => {
			const placeholder = /^\{(\w+)\}$/.exec(part)?.[1];
			if (placeholder !== undefined && Object.hasOwn(DRAWN_PARTS, placeholder)) {
				return DRAWN_PARTS[placeholder];
			}
			return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
		})
		.join('');
	return new RegExp(`^#\\s*${source}`);
}

const DRAWN = LOCALES.map(drawnPattern);

export function parseDrawnComment(
	text: string
): { init: RandomInit; shape: number[]; seed: number } | null {
	const groups = DRAWN.map((pattern) => pattern.exec(text)?.groups).find((g) => g !== undefined);
	if (groups === undefined) return null;
	const sizes = groups.size.replace(/[()\s]/g, '');
	const shape =
		sizes === ''
			? []
			: sizes
					.split(',')
					.filter((s) => s !== '')
					.map(Number);
	const seed = Number(groups.seed);
	if (!Number.isSafeInteger(seed) || shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
		return null;
	}
	return { init: groups.init as RandomInit, shape, seed };
}
