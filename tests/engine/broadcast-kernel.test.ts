/**
 * The elementwise kernels' broadcasting paths against the definition: every element computed by
 * the op's scalar function at its broadcast indices. The row path (a block of `b` repeated along
 * the leading dims, a bias added to every row) must agree with it to the bit.
 */
import { describe, expect, it } from 'vitest';
import { OPS } from '$lib/engine';
import { Mulberry32 } from '$lib/engine/random';
import { broadcastShapes, broadcastStrides, numel, type Shape } from '$lib/engine/shape';

function reference(
	f: (a: number, b: number) => number,
	a: Float32Array,
	aShape: Shape,
	b: Float32Array,
	bShape: Shape,
	outShape: Shape
): Float32Array {
	const out = new Float32Array(numel(outShape));
	const as = broadcastStrides(aShape, outShape);
	const bs = broadcastStrides(bShape, outShape);
	for (let i = 0; i < out.length; i++) {
		let rest = i;
		let ai = 0;
		let bi = 0;
		for (let d = outShape.length - 1; d >= 0; d--) {
			const index = rest % outShape[d];
			rest = Math.floor(rest / outShape[d]);
			ai += index * as[d];
			bi += index * bs[d];
		}
		out[i] = f(a[ai], b[bi]);
	}
	return out;
}

const CASES: [Shape, Shape][] = [
	[[4, 3], [3]],
	[
		[4, 3],
		[1, 3]
	],
	[[2, 4, 3], [3]],
	[
		[2, 4, 3],
		[4, 3]
	],
	[
		[2, 4, 3],
		[1, 4, 3]
	],
	[
		[2, 4, 3],
		[4, 1]
	],
	[
		[2, 4, 3],
		[2, 1, 3]
	],
	[
		[5, 1],
		[1, 6]
	],
	[
		[3, 4],
		[3, 1]
	],
	[[256, 10], [10]]
];

describe('binary kernels broadcast as the definition says', () => {
	for (const name of ['add', 'sub', 'mul', 'div', 'pow'] as const) {
		for (const [aShape, bShape] of CASES) {
			it(`${name} [${aShape}] with [${bShape}]`, () => {
				const rng = new Mulberry32(aShape.length * 31 + bShape.length);
				const op = OPS[name];
				const outShape = broadcastShapes(aShape, bShape);
				const a = Float32Array.from({ length: numel(aShape) }, () => 0.5 + rng.next());
				const b = Float32Array.from({ length: numel(bShape) }, () => rng.next() * 2 - 1);
				const out = new Float32Array(numel(outShape));
				op.kernel(a, aShape, b, bShape, out, outShape);
				expect(Array.from(out)).toEqual(
					Array.from(reference(op.fn, a, aShape, b, bShape, outShape))
				);
			});
		}
	}
});
