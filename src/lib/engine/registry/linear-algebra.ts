/** The registry's linear algebra ops: matmul, transpose, reshape, expand and linear. */
import type { BackwardContext } from '../autograd';
import { broadcastCopy, matmul2d, transposeCopy } from '../backends/cpu/kernels';
import type { Storage } from '../dtype';
import { runtimeError } from '../errors';
import {
	asMatrixShape,
	broadcastShapes,
	formatShape,
	numelOverflows,
	normalizeDim,
	numel,
	type Shape
} from '../shape';
import type { Tensor } from '../tensor';
import { gradOf, inputOf, need, type Attrs, type OpDef } from './define';
import { ARITHMETIC_OPS } from './arithmetic';

function matmulShape(shapes: readonly (Shape | null)[]): Shape {
	const [a, b] = [shapes[0]!, shapes[1]!];
	if (a.length === 0 || b.length === 0) {
		throw runtimeError(
			`both arguments to matmul need to be at least 1D, but they are ${a.length}D and ${b.length}D`
		);
	}
	if (a.length > 2 || b.length > 2) {
		throw runtimeError(
			`matmul of ${a.length}D and ${b.length}D tensors is not supported yet: use 1-D or 2-D operands`
		);
	}
	if (a.length === 1 && b.length === 1) {
		if (a[0] !== b[0]) {
			throw runtimeError(
				`inconsistent tensor size, expected tensor [${a[0]}] and src [${b[0]}] to have the same number of elements, but got ${a[0]} and ${b[0]} elements respectively`
			);
		}
		return [];
	}
	if (a.length === 2 && b.length === 1) {
		if (a[1] !== b[0]) {
			throw runtimeError(
				`size mismatch, got input (${a[0]}), mat (${a[0]}x${a[1]}), vec (${b[0]})`
			);
		}
		return [a[0]];
	}
	if (a.length === 1) {
		if (a[0] !== b[0]) {
			throw runtimeError(
				`mat1 and mat2 shapes cannot be multiplied (1x${a[0]} and ${b[0]}x${b[1]})`
			);
		}
		return [b[1]];
	}
	if (a[1] !== b[0]) {
		throw runtimeError(
			`mat1 and mat2 shapes cannot be multiplied (${a[0]}x${a[1]} and ${b[0]}x${b[1]})`
		);
	}
	return [a[0], b[1]];
}

function matmulGradFn(_attrs: Attrs, shapes: readonly Shape[]): string {
	const [a, b] = [shapes[0].length, shapes[1].length];
	if (a === 1 && b === 1) return 'DotBackward0';
	if (a === 2 && b === 1) return 'MvBackward0';
	if (a === 1 && b === 2) return 'SqueezeBackward4';
	return 'MmBackward0';
}

/** Gradients of C = A B through the 2-D view of each operand. */
function matmulVjp(ctx: BackwardContext<Attrs>, outputGrad: Tensor): (Tensor | null)[] {
	const [a, b] = ctx.inputs as Tensor[];
	const [aRows, aCols] = asMatrixShape(a.shape, 'left');
	const [bRows, bCols] = asMatrixShape(b.shape, 'right');
	const gradMatrix = outputGrad.reshape([aRows, bCols]);
	const aMatrix = a.reshape([aRows, aCols]);
	const bMatrix = b.reshape([bRows, bCols]);
	return [
		ctx.needsGrad[0] ? gradMatrix.matmul(bMatrix.t()).reshape(a.shape) : null,
		ctx.needsGrad[1] ? aMatrix.t().matmul(gradMatrix).reshape(b.shape) : null
	];
}

function matmulCpu(
	inputs: readonly (Storage | null)[],
	out: Storage,
	shapes: readonly (Shape | null)[]
): void {
	const [m, k] = asMatrixShape(shapes[0]!, 'left');
	const [, n] = asMatrixShape(shapes[1]!, 'right');
	matmul2d(inputs[0]!, inputs[1]!, out, m, k, n);
}

function linearShape(shapes: readonly (Shape | null)[]): Shape {
	const [input, weight, bias] = shapes;
	if (!input || !weight) throw runtimeError('linear needs input and weight');
	if (weight.length !== 2) {
		throw runtimeError(`linear expects a 2-D weight, got ${weight.length}-D`);
	}
	const features = input[input.length - 1];
	if (input.length === 0 || features !== weight[1]) {
		const rows = input.length <= 1 ? 1 : numel(input) / features;
		throw runtimeError(
			`mat1 and mat2 shapes cannot be multiplied (${rows}x${input.length === 0 ? 1 : features} and ${weight[1]}x${weight[0]})`
		);
	}
	const out = [...input.slice(0, -1), weight[0]];
	if (bias) broadcastShapes(out, bias);
	return out;
}

/** reshape's shape rule: one -1 is inferred; the element count must match. */
export function inferReshape(shape: Shape, target: readonly number[]): Shape {
	const size = numel(shape);
	let inferred = -1;
	let known = 1;
	for (let i = 0; i < target.length; i++) {
		const d = target[i];
		if (d === -1) {
			if (inferred >= 0) throw runtimeError('only one dimension can be inferred');
			inferred = i;
		} else if (!Number.isInteger(d) || d < 0) {
			throw runtimeError(`invalid shape dimension ${d}`);
		} else known *= d;
	}
	// PyTorch multiplies the sizes as int64 and refuses an overflow (the product could be 0).
	if (numelOverflows(target.filter((d) => d !== -1))) {
		throw runtimeError('numel: integer multiplication overflow');
	}
	if (inferred >= 0) {
		if (known === 0 || size % known !== 0) {
			throw runtimeError(`shape '${formatShape(target)}' is invalid for input of size ${size}`);
		}
		const out = target.slice();
		out[inferred] = size / known;
		return out;
	}
	if (known !== size)
		throw runtimeError(`shape '${formatShape(target)}' is invalid for input of size ${size}`);
	return target.slice();
}

/** expand's shape rule: -1 keeps a size; only singleton dims grow; new dims go in front. */
export function expandShape(shape: Shape, size: readonly number[]): Shape {
	if (size.length < shape.length) {
		throw runtimeError(
			`expand(torch.FloatTensor{[${shape.join(', ')}]}, size=[${size.join(', ')}]): the number of sizes provided (${size.length}) must be greater or equal to the number of dimensions in the tensor (${shape.length})`
		);
	}
	const lead = size.length - shape.length;
	const out = new Array<number>(size.length);
	for (let i = 0; i < size.length; i++) {
		const target = size[i];
		if (i < lead) {
			if (target < 0) {
				throw runtimeError(
					`The expanded size of the tensor (${target}) isn't allowed in a leading, non-existing dimension ${i}`
				);
			}
			out[i] = target;
			continue;
		}
		const current = shape[i - lead];
		if (target === -1 || target === current) out[i] = current;
		else if (current === 1 && target >= 0) out[i] = target;
		else {
			throw runtimeError(
				`The expanded size of the tensor (${target}) must match the existing size (${current}) at non-singleton dimension ${i}.  Target sizes: [${size.join(', ')}].  Tensor sizes: [${shape.join(', ')}]`
			);
		}
	}
	if (numelOverflows(out)) throw runtimeError('numel: integer multiplication overflow');
	return out;
}

export const LINEAR_ALGEBRA_OPS = {
	matmul: {
		id: 'matmul',
		kind: 'custom',
		inputs: ['input', 'other'],
		category: 'linear algebra',
		saves: 'inputs',
		gradFn: matmulGradFn,
		shape: matmulShape,
		cpu: matmulCpu,
		vjp: matmulVjp,
		python: {
			infix: { symbol: '@', level: 'term' },
			methods: ['matmul', 'mm'],
			torch: ['matmul', 'mm']
		},
		ui: {
			label: 'matmul',
			symbol: '@',
			formula: '\\mathrm{input} \\, \\mathrm{other}',
			localGrad: `${gradOf('input')} = ${gradOf('out')}\\,\\mathrm{other}^{\\top},\\quad ${gradOf('other')} = \\mathrm{input}^{\\top}${gradOf('out')}`
		}
	},
	transpose: {
		id: 'transpose',
		kind: 'custom',
		inputs: ['input'],
		attrs: [
			{ name: 'dim0', kind: 'dim' },
			{ name: 'dim1', kind: 'dim' }
		],
		category: 'linear algebra',
		saves: 'none',
		gradFn: (attrs) => (attrs.t ? 'TBackward0' : 'TransposeBackward0'),
		shape: (shapes, attrs) => {
			const shape = shapes[0]!;
			if (attrs.t && shape.length > 2) {
				throw runtimeError(
					`t() expects a tensor with <= 2 dimensions, but self is ${shape.length}D`
				);
			}
			if (
				shape.length < 2 &&
				(attrs.t || (attrs.dim0 === 0 && attrs.dim1 === 0) || shape.length === 0)
			) {
				if (!attrs.t) {
					normalizeDim(attrs.dim0 as number, shape.length);
					normalizeDim(attrs.dim1 as number, shape.length);
				}
				attrs.dim0 = 0;
				attrs.dim1 = 0;
				return shape;
			}
			const d0 = attrs.t ? 0 : normalizeDim(attrs.dim0 as number, shape.length);
			const d1 = attrs.t ? 1 : normalizeDim(attrs.dim1 as number, shape.length);
			attrs.dim0 = d0;
			attrs.dim1 = d1;
			const out = shape.slice();
			out[d0] = shape[d1];
			out[d1] = shape[d0];
			return out;
		},
		cpu: (inputs, out, shapes, _outShape, attrs) => {
			if (attrs.dim0 === attrs.dim1) out.set(inputs[0]!);
			else transposeCopy(inputs[0]!, shapes[0]!, attrs.dim0 as number, attrs.dim1 as number, out);
		},
		vjp: (ctx, g) => [g.transpose(ctx.attrs.dim0 as number, ctx.attrs.dim1 as number)],
		python: { methods: ['transpose'], torch: ['transpose'], attrs: 'positional' },
		ui: {
			label: 'transpose',
			symbol: 'ᵀ',
			formula: '\\mathrm{input}^{\\top}',
			localGrad: `${gradOf('input')} = \\left(${gradOf('out')}\\right)^{\\top}`
		}
	},
	reshape: {
		id: 'reshape',
		kind: 'custom',
		inputs: ['input'],
		attrs: [{ name: 'shape', kind: 'shape' }],
		category: 'linear algebra',
		saves: 'none',
		// squeeze and unsqueeze are reshapes that keep their own grad_fn names.
		gradFn: (attrs) => (attrs.view as string | undefined) ?? 'ViewBackward0',
		shape: (shapes, attrs) => inferReshape(shapes[0]!, attrs.shape as number[]),
		cpu: (inputs, out) => out.set(inputs[0]!),
		vjp: (ctx, g) => [g.reshape(ctx.inputShapes[0])],
		python: { methods: ['reshape', 'view'], torch: ['reshape'], attrs: 'size' },
		ui: {
			label: 'reshape',
			symbol: '⇄',
			formula: '\\mathrm{reshape}(\\mathrm{input}, \\mathrm{shape})',
			localGrad: `${gradOf('input')} = \\mathrm{reshape}\\left(${gradOf('out')}, \\mathrm{input.shape}\\right)`
		}
	},
	expand: {
		id: 'expand',
		kind: 'custom',
		inputs: ['input'],
		attrs: [{ name: 'size', kind: 'shape' }],
		category: 'linear algebra',
		saves: 'none',
		gradFn: 'ExpandBackward0',
		shape: (shapes, attrs) => expandShape(shapes[0]!, attrs.size as number[]),
		cpu: (inputs, out, shapes, outShape) => broadcastCopy(inputs[0]!, shapes[0]!, out, outShape),
		// The engine sums a gradient back over the broadcast dims to the input's shape.
		vjp: (_ctx, g) => [g],
		python: { methods: ['expand'], attrs: 'size' },
		ui: {
			label: 'expand',
			symbol: '⤢',
			formula: '\\mathrm{expand}(\\mathrm{input}, \\mathrm{size})',
			localGrad: `${gradOf('input')} = \\sum_{\\text{expanded dims}} ${gradOf('out')}`
		}
	},
	linear: {
		id: 'linear',
		kind: 'custom',
		inputs: ['input', 'weight', 'bias'],
		optionalInputs: ['bias'],
		category: 'linear algebra',
		saves: 'inputs',
		gradFn: (attrs, shapes) => {
			const bias = Boolean(attrs.hasBias);
			if (shapes[0].length === 2) return bias ? 'AddmmBackward0' : 'MmBackward0';
			return shapes[0].length === 1 && !bias ? 'SqueezeBackward4' : 'ViewBackward0';
		},
		shape: (shapes, attrs) => {
			attrs.hasBias = shapes[2] != null;
			return linearShape(shapes);
		},
		cpu: (inputs, out, shapes, outShape) => {
			const [input, weight, bias] = inputs;
			const [outFeatures, inFeatures] = shapes[1]!;
			const rows = numel(shapes[0]!) / inFeatures;
			const weightT =
				weight instanceof Float32Array
					? new Float32Array(weight.length)
					: new Float64Array(weight!.length);
			transposeCopy(weight!, shapes[1]!, 0, 1, weightT);
			matmul2d(input!, weightT, out, rows, inFeatures, outFeatures);
			if (bias) ARITHMETIC_OPS.add.kernel(out, outShape, bias, shapes[2]!, out, outShape);
		},
		vjp: (ctx, g) => {
			const [input, weight] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			const inFeatures = weight.shape[1];
			const rows = numel(input.shape) / inFeatures;
			const gradRows = g.reshape([rows, weight.shape[0]]);
			return [
				need(ctx, 0) ? gradRows.matmul(weight).reshape(input.shape) : null,
				need(ctx, 1) ? gradRows.t().matmul(input.reshape([rows, inFeatures])) : null,
				need(ctx, 2) ? g : null
			];
		},
		python: { functional: ['linear'] },
		ui: {
			label: 'linear',
			symbol: 'Wx+b',
			formula: '\\mathrm{input}\\,\\mathrm{weight}^{\\top} + \\mathrm{bias}',
			localGrad: `${gradOf('weight')} = \\left(${gradOf('out')}\\right)^{\\top}\\mathrm{input},\\quad ${gradOf('bias')} = \\sum_{\\text{rows}} ${gradOf('out')},\\quad ${gradOf('input')} = ${gradOf('out')}\\,\\mathrm{weight}`
		}
	}
} satisfies Record<string, OpDef>;
