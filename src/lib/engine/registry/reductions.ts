/** The registry's reductions ops: sum and mean, over all dims or some. */
import { sumKernel } from '../backends/cpu/kernels';
import { runtimeError } from '../errors';
import { normalizeDim, numel, reducedShape, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { localOf, type Attrs, type AttrSpec, type OpDef } from './define';

const dimsOf = (attrs: Attrs) => attrs.dim as number[] | undefined;

/** `[0, 1, ..., n - 1]`, made once per rank (the kernels only read it). */
const ALL_DIMS: number[][] = [];
const allDims = (n: number) => (ALL_DIMS[n] ??= Array.from({ length: n }, (_, i) => i));

/** The shape a reduced gradient has with keepdim, so it can be expanded back. */
function keptShape(shape: Shape, dims: readonly number[] | undefined): number[] {
	if (dims === undefined) return shape.map(() => 1);
	return shape.map((size, i) => (dims.includes(i) ? 1 : size));
}

/** Broadcast a reduction's gradient back over the reduced dims of `shape`. */
function expandReduced(g: Tensor, shape: Shape, attrs: Attrs): Tensor {
	const dims = dimsOf(attrs);
	const kept = dims === undefined || attrs.keepdim ? g : g.reshape(keptShape(shape, dims));
	return kept.expand(shape);
}

/** Shape rule for sum and mean: normalises `dim` in attrs to sorted dims (or undefined). */
function reductionShape(shapes: readonly (Shape | null)[], attrs: Attrs): Shape {
	const shape = shapes[0]!;
	const dim = attrs.dim as number | number[] | undefined | null;
	const keepdim = Boolean(attrs.keepdim);
	if (dim === undefined || dim === null) {
		attrs.dim = undefined;
		return keepdim ? shape.map(() => 1) : [];
	}
	// An empty list reduces over every dim (and still counts as "with dim" for grad_fn names).
	const list = typeof dim === 'number' ? [dim] : dim.length === 0 ? shape.map((_, i) => i) : dim;
	const dims = list.map((d) => normalizeDim(d, shape.length));
	for (let i = 0; i < dims.length; i++) {
		if (dims.indexOf(dims[i]) !== i) {
			throw runtimeError(`dim ${dims[i]} appears multiple times in the list of dims`);
		}
	}
	const sorted = shape.length === 0 ? [] : dims.sort((x, y) => x - y);
	attrs.dim = sorted;
	return reducedShape(shape, sorted, keepdim);
}

function reductionCount(shape: Shape, dims: readonly number[] | undefined): number {
	if (dims === undefined) return numel(shape);
	let count = 1;
	for (const d of dims) count *= shape[d];
	return count;
}

/** sum's and mean's arguments: `dim` (one or several, all when left out) and `keepdim`. */
const REDUCTION_ATTRS: AttrSpec[] = [
	{ name: 'dim', kind: 'dims', optional: true },
	{ name: 'keepdim', kind: 'bool', default: false }
];

export const REDUCTION_OPS = {
	sum: {
		id: 'sum',
		kind: 'custom',
		inputs: ['input'],
		attrs: REDUCTION_ATTRS,
		category: 'reductions',
		saves: 'none',
		gradFn: (attrs) => (dimsOf(attrs) === undefined ? 'SumBackward0' : 'SumBackward1'),
		shape: reductionShape,
		cpu: (inputs, out, shapes, _outShape, attrs) =>
			sumKernel(inputs[0]!, shapes[0]!, dimsOf(attrs) ?? allDims(shapes[0]!.length), out),
		vjp: (ctx, g) => [expandReduced(g, ctx.inputShapes[0], ctx.attrs)],
		python: { methods: ['sum'], torch: ['sum'], attrs: 'keywords' },
		ui: {
			label: 'sum',
			symbol: 'Σ',
			formula: '\\sum_i \\mathrm{input}_i',
			localGrad: `${localOf('input', '_i')} = 1`
		}
	},
	mean: {
		id: 'mean',
		kind: 'custom',
		inputs: ['input'],
		attrs: REDUCTION_ATTRS,
		category: 'reductions',
		saves: 'none',
		gradFn: (attrs) => (dimsOf(attrs) === undefined ? 'MeanBackward0' : 'MeanBackward1'),
		shape: reductionShape,
		cpu: (inputs, out, shapes, _outShape, attrs) => {
			const dims = dimsOf(attrs);
			sumKernel(inputs[0]!, shapes[0]!, dims ?? allDims(shapes[0]!.length), out);
			const count = reductionCount(shapes[0]!, dims);
			for (let i = 0; i < out.length; i++) out[i] = out[i] / count;
		},
		vjp: (ctx, g) => {
			const shape = ctx.inputShapes[0];
			return [expandReduced(g.div(reductionCount(shape, dimsOf(ctx.attrs))), shape, ctx.attrs)];
		},
		python: { methods: ['mean'], torch: ['mean'], attrs: 'keywords' },
		ui: {
			label: 'mean',
			symbol: 'x̄',
			formula: '\\frac{1}{n}\\sum_i \\mathrm{input}_i',
			localGrad: `${localOf('input', '_i')} = \\frac{1}{n}`
		}
	}
} satisfies Record<string, OpDef>;
