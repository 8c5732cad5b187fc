/**
 * Leaf values as the canvas makes them: the graph's own `createLeaf`, so that the numbers a
 * rand / randn leaf shows, the numbers written into generated code and the numbers the importer
 * checks a comment against are one and the same.
 */
import * as torch from '$lib/engine/core';
import { createLeaf, type LeafAttrs } from '$lib/graph';

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
 * The comment written above a literal that holds a rand / randn leaf's values. The importer reads
 * it back (see `parseDrawnComment`): when the literal still holds exactly those values, the leaf
 * is imported as rand / randn with that seed again.
 */
export function drawnComment(init: RandomInit, shape: readonly number[], seed: number): string {
	const size = shape.length === 0 ? '()' : shape.join(', ');
	return `# torch.${init}(${size}) drawn by the canvas (seed ${seed}); PyTorch's generator would draw other numbers`;
}

const DRAWN = /^#\s*torch\.(rand|randn)\(([\d,\s()]*)\) drawn by the canvas \(seed (\d+)\)/;

export function parseDrawnComment(
	text: string
): { init: RandomInit; shape: number[]; seed: number } | null {
	const match = DRAWN.exec(text);
	if (match === null) return null;
	const sizes = match[2].replace(/[()\s]/g, '');
	const shape =
		sizes === ''
			? []
			: sizes
					.split(',')
					.filter((s) => s !== '')
					.map(Number);
	const seed = Number(match[3]);
	if (!Number.isSafeInteger(seed) || shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
		return null;
	}
	return { init: match[1] as RandomInit, shape, seed };
}
