/**
 * How each of the registry's custom ops runs on WebGPU, declared per op id. A lowering is written
 * with the backend's kernels (see `GpuKernels`): elementwise kernels over the registry's own WGSL
 * expressions, reductions, matmul and copies. Elementwise ops (kind 'binary' and 'unary') need no
 * entry: their registry entry carries their WGSL. The table's type asks for an entry for every
 * custom op of the registry, so a new custom op does not compile until it says how it runs here.
 */
import { OPS, type Attrs, type OpId } from '../../registry';
import {
	asMatrixShape,
	broadcastShapes,
	contiguousStrides,
	numel,
	sameShape,
	type Shape
} from '../../shape';
import type { Tensor } from '../../tensor';
import type { GpuBuffer } from './pool';
import type { ReduceCombine } from './wgsl';

/** An operand of an elementwise kernel: a buffer read through strides in output coordinates. */
export interface Operand {
	buffer: GPUBuffer;
	/** Strides for each output dim (0 where the operand is broadcast). */
	strides: number[];
	/** The operand has exactly one element. */
	single: boolean;
}

/** The kernels a lowering is written with; the WebGPU backend implements them. */
export interface GpuKernels {
	/** The buffer of a tensor on webgpu. */
	buffer(t: Tensor | null): GpuBuffer;
	/** A contiguous buffer of `shape` read in the coordinates of `outShape` (broadcasting). */
	view(buffer: GpuBuffer, shape: Shape, outShape: Shape): Operand;
	/** `view` of a tensor's buffer. */
	operand(t: Tensor, outShape: Shape): Operand;
	/** out = expression(a, b) over `outShape`, `a` and `b` being the operands (WGSL, f32). */
	elementwise(expression: string, operands: readonly Operand[], outShape: Shape): GpuBuffer;
	/** Reduce a contiguous `shape` over `dims` (all when undefined); the output has the kept dims. */
	reduce(
		combine: ReduceCombine,
		input: GpuBuffer,
		shape: Shape,
		dims: readonly number[] | undefined,
		mean: boolean
	): GpuBuffer;
	/** C[m, n] = A[m, k] B[k, n], or A B^T with B stored [n, k]. */
	matmul(
		a: GpuBuffer,
		b: GpuBuffer,
		m: number,
		k: number,
		n: number,
		transposeB: boolean
	): GpuBuffer;
	copy(source: GpuBuffer): GpuBuffer;
	/** Give back an intermediate buffer that no tensor holds. */
	release(buffer: GpuBuffer): void;
}

/** The output buffer of one custom op, from its inputs, its normalised attrs and its shape. */
export type Lowering = (
	gpu: GpuKernels,
	inputs: readonly (Tensor | null)[],
	attrs: Attrs,
	outShape: Shape
) => GpuBuffer;

/** The registry's op ids of kind 'custom', less those that declare their own elementwise WGSL. */
type CustomOpId = {
	[K in OpId]: (typeof OPS)[K] extends { wgsl: (attrs: never) => string }
		? never
		: (typeof OPS)[K]['kind'] extends 'custom'
			? K
			: never;
}[OpId];

const reduction =
	(mean: boolean): Lowering =>
	(gpu, [input], attrs) =>
		gpu.reduce('sum', gpu.buffer(input), input!.shape, attrs.dim as number[] | undefined, mean);

const LOWERINGS = {
	sum: reduction(false),
	mean: reduction(true),
	matmul: (gpu, [input, other]) => {
		const [m, k] = asMatrixShape(input!.shape, 'left');
		const [, n] = asMatrixShape(other!.shape, 'right');
		return gpu.matmul(gpu.buffer(input), gpu.buffer(other), m, k, n, false);
	},
	/** A strided copy: the input read with the two dims' strides swapped. */
	transpose: (gpu, [input], attrs, outShape) => {
		const source = gpu.buffer(input);
		const d0 = attrs.dim0 as number;
		const d1 = attrs.dim1 as number;
		if (d0 === d1) return gpu.copy(source);
		const strides = contiguousStrides(input!.shape);
		[strides[d0], strides[d1]] = [strides[d1], strides[d0]];
		const operand: Operand = { buffer: source.gpu, strides, single: source.length === 1 };
		return gpu.elementwise('a', [operand], outShape);
	},
	reshape: (gpu, [input]) => gpu.copy(gpu.buffer(input)),
	expand: (gpu, [input], _attrs, outShape) =>
		gpu.elementwise('a', [gpu.operand(input!, outShape)], outShape),
	/** (input - target)^2 through the registry's sub and mul, then summed or averaged. */
	mse_loss: (gpu, [input, target], attrs, outShape) => {
		const shape = broadcastShapes(input!.shape, target!.shape);
		const diff = gpu.elementwise(
			OPS.sub.wgsl,
			[gpu.operand(input!, shape), gpu.operand(target!, shape)],
			shape
		);
		const squared = gpu.elementwise(
			OPS.mul.wgsl,
			[gpu.view(diff, shape, shape), gpu.view(diff, shape, shape)],
			shape
		);
		gpu.release(diff);
		if (attrs.reduction === 'none' && sameShape(outShape, shape)) return squared;
		const out = gpu.reduce('sum', squared, shape, undefined, attrs.reduction === 'mean');
		gpu.release(squared);
		return out;
	},
	/** matmul(input, weight^T), plus the bias through the registry's add. */
	linear: (gpu, [input, weight, bias], _attrs, outShape) => {
		const [outFeatures, inFeatures] = weight!.shape;
		const rows = numel(input!.shape.slice(0, -1));
		const product = gpu.matmul(
			gpu.buffer(input),
			gpu.buffer(weight),
			rows,
			inFeatures,
			outFeatures,
			true
		);
		if (!bias) return product;
		const out = gpu.elementwise(
			OPS.add.wgsl,
			[gpu.view(product, outShape, outShape), gpu.operand(bias, outShape)],
			outShape
		);
		gpu.release(product);
		return out;
	},
	/**
	 * x - max, then minus log(sum(exp(x - max))) over `dim`: the max and sum reductions and the
	 * registry's sub, exp and log.
	 */
	log_softmax: (gpu, [input], attrs) => {
		const source = gpu.buffer(input);
		const shape = input!.shape.length === 0 ? [1] : input!.shape;
		const dim = attrs.dim as number;
		const keptShape = shape.map((size, d) => (d === dim ? 1 : size));
		const whole = (buffer: GpuBuffer) => gpu.view(buffer, shape, shape);
		const kept = (buffer: GpuBuffer) => gpu.view(buffer, keptShape, shape);
		const max = gpu.reduce('max', source, shape, [dim], false);
		const shifted = gpu.elementwise(OPS.sub.wgsl, [whole(source), kept(max)], shape);
		gpu.release(max);
		const exps = gpu.elementwise(OPS.exp.wgsl, [whole(shifted)], shape);
		const total = gpu.reduce('sum', exps, shape, [dim], false);
		gpu.release(exps);
		const logTotal = gpu.elementwise(
			OPS.log.wgsl,
			[gpu.view(total, keptShape, keptShape)],
			keptShape
		);
		gpu.release(total);
		const out = gpu.elementwise(OPS.sub.wgsl, [whole(shifted), kept(logTotal)], shape);
		gpu.release(shifted);
		gpu.release(logTotal);
		return out;
	}
} satisfies Record<CustomOpId, Lowering>;

/** The lowering of a custom op, or undefined when it has none. */
export function loweringOf(id: string): Lowering | undefined {
	return Object.hasOwn(LOWERINGS, id) ? (LOWERINGS as Record<string, Lowering>)[id] : undefined;
}

/** The op ids that have a lowering (for the test that every custom op has one). */
export const LOWERED_OPS: readonly string[] = Object.keys(LOWERINGS);
