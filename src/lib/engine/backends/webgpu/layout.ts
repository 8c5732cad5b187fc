/**
 * How the WebGPU kernels walk their buffers: the dims and strides a kernel loops over, with
 * size-1 dims dropped and neighbouring dims merged where the memory walk allows, so most kernels
 * loop over one or two dims.
 */
import { contiguousStrides, type Shape } from '../../shape';

/** Sizes and the matching strides of the dims a kernel loops over. */
export interface Dims {
	shape: number[];
	strides: number[];
}

/**
 * Drop size-1 dims and merge neighbouring dims that every operand walks contiguously (one stride
 * list per operand, each in output coordinates).
 */
export function coalesce(
	shape: Shape,
	strides: readonly number[][]
): { shape: number[]; strides: number[][] } {
	const outShape: number[] = [];
	const outStrides: number[][] = strides.map(() => []);
	for (let d = 0; d < shape.length; d++) {
		const size = shape[d];
		if (size === 1) continue;
		const last = outShape.length - 1;
		if (last >= 0 && strides.every((list, i) => outStrides[i][last] === size * list[d])) {
			outShape[last] *= size;
			strides.forEach((list, i) => (outStrides[i][last] = list[d]));
			continue;
		}
		outShape.push(size);
		strides.forEach((list, i) => outStrides[i].push(list[d]));
	}
	return { shape: outShape, strides: outStrides };
}

/**
 * A reduction of a contiguous `shape` over `dims` (all when undefined): the dims that are kept
 * (one output each) and the dims reduced over, size-1 dims dropped and adjacent dims of the same
 * kind merged into one.
 */
export function reductionLayout(
	shape: Shape,
	dims: readonly number[] | undefined
): {
	kept: Dims;
	over: Dims;
} {
	const reduced = dims ?? shape.map((_, i) => i);
	const strides = contiguousStrides(shape);
	const kept: Dims = { shape: [], strides: [] };
	const over: Dims = { shape: [], strides: [] };
	let previous: 'kept' | 'over' | null = null;
	shape.forEach((size, d) => {
		if (size === 1) return;
		const kind = reduced.includes(d) ? 'over' : 'kept';
		const group = kind === 'over' ? over : kept;
		const last = group.shape.length - 1;
		// Row-major, so the strides of adjacent dims chain.
		if (previous === kind && last >= 0 && group.strides[last] === size * strides[d]) {
			group.shape[last] *= size;
			group.strides[last] = strides[d];
		} else {
			group.shape.push(size);
			group.strides.push(strides[d]);
		}
		previous = kind;
	});
	return { kept, over };
}
