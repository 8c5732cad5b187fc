/**
 * The op registry: every op is declared once, here, as data. An entry holds the op's PyTorch name
 * and argument names, its shape rule, its CPU kernel, its vector-Jacobian product (written with
 * other ops), its grad_fn name, and the UI metadata (label, category, formulas in TeX).
 * Autograd, the CPU backend, graph validation, the palette and the tests all read this table.
 */
import type { BackwardContext } from './autograd';
import {
	binaryKernel,
	broadcastCopy,
	matmul2d,
	sumKernel,
	transposeCopy,
	unaryKernel,
	type BinaryFn,
	type BinaryLoop,
	type UnaryFn,
	type UnaryLoop
} from './backends/cpu/kernels';
import type { Storage } from './dtype';
import { runtimeError, valueError, warn } from './errors';
import {
	broadcastShapes,
	formatShape,
	numelOverflows,
	normalizeDim,
	numel,
	reducedShape,
	sameShape,
	type Shape
} from './shape';
import type { Tensor } from './tensor';

export type OpCategory = 'arithmetic' | 'reductions' | 'linear algebra' | 'activations' | 'losses';

export interface OpUi {
	/** Short label for the palette and nodes. */
	label: string;
	/** The symbol drawn on a node (`+`, `×`, `Σ`, ...). */
	symbol: string;
	/** The forward formula, in TeX, over the input names. */
	formula: string;
	/** The local derivative(s), in TeX. */
	localGrad: string;
}

/** An attribute an op takes besides its tensor inputs (for the editor's inspector). */
export interface AttrSpec {
	name: string;
	kind: 'dims' | 'dim' | 'bool' | 'number' | 'shape' | 'reduction';
	optional?: boolean;
	default?: unknown;
}

/**
 * How PyTorch's Python spells an op. The code generator writes the first form that applies:
 * the infix or prefix operator, then the first method, then the first `F.` function, then
 * `torch.<id>(...)`; the importer reads every name listed here as this op. Tensor inputs are
 * passed by their `inputs` names, attributes by their `AttrSpec` names.
 */
export interface PythonBinding {
	/** An operator between the two inputs (`input + other`), at its level of Python's grammar. */
	infix?: { symbol: string; level: 'arith' | 'term' | 'power' };
	/** An operator before the one input (`-input`). */
	prefix?: string;
	/** A 0-d tensor operand may be written as a Python number (`x * 2`). */
	numberOperand?: boolean;
	/** Tensor method names (`x.exp()`); `mm` reads as matmul, `view` as reshape. */
	methods?: readonly string[];
	/** `torch.` function names. */
	torch?: readonly string[];
	/** `torch.nn.functional` (`F.`) function names. */
	functional?: readonly string[];
	/**
	 * How the attributes follow the tensor inputs: as keywords (`sum(dim=1)`, a default left
	 * out), by position (`transpose(0, 1)`), or as the numbers of a size (`reshape(3, 2)`).
	 */
	attrs?: 'keywords' | 'positional' | 'size';
}

export type Attrs = Record<string, unknown>;
export type Vjp = (ctx: BackwardContext<Attrs>, outputGrad: Tensor) => (Tensor | null)[];

interface OpBase {
	/** PyTorch's lowercase name; saved graphs store it. */
	id: string;
	/** PyTorch's argument names, one per tensor input. */
	inputs: readonly string[];
	/** Inputs that may be left out (for example `bias` of linear). */
	optionalInputs?: readonly string[];
	attrs?: readonly AttrSpec[];
	category: OpCategory;
	/** Hidden from the palette: used by other ops' gradients. */
	internal?: boolean;
	/** What backward needs kept: PyTorch frees these after backward unless retain_graph. */
	saves: 'none' | 'inputs' | 'output';
	gradFn: string | ((attrs: Attrs, shapes: readonly Shape[]) => string);
	vjp: Vjp;
	/** Its Python spelling; internal ops have none (a graph cannot hold them). */
	python?: PythonBinding;
	ui: OpUi;
}

export interface ElementwiseBinaryOp extends OpBase {
	kind: 'binary';
	fn: BinaryFn;
	kernel: ReturnType<typeof binaryKernel>;
	/** WGSL expression over `a` and `b` (f32). */
	wgsl: string;
}

export interface ElementwiseUnaryOp extends OpBase {
	kind: 'unary';
	fn: UnaryFn;
	kernel: ReturnType<typeof unaryKernel>;
	/** WGSL expression over `a` (f32). */
	wgsl: string;
}

export interface CustomOp extends OpBase {
	kind: 'custom';
	/** Output shape from input shapes, or PyTorch's error. May normalise `attrs` in place. */
	shape: (shapes: readonly (Shape | null)[], attrs: Attrs) => Shape;
	cpu: (
		inputs: readonly (Storage | null)[],
		out: Storage,
		shapes: readonly (Shape | null)[],
		outShape: Shape,
		attrs: Attrs
	) => void;
}

export type OpDef = ElementwiseBinaryOp | ElementwiseUnaryOp | CustomOp;

function binary(
	def: Omit<ElementwiseBinaryOp, 'kind' | 'kernel' | 'inputs'> & { loop: BinaryLoop }
): ElementwiseBinaryOp {
	const { loop, ...rest } = def;
	return {
		...rest,
		kind: 'binary',
		inputs: ['input', 'other'],
		kernel: binaryKernel(def.fn, loop)
	};
}

function unary(
	def: Omit<ElementwiseUnaryOp, 'kind' | 'kernel' | 'inputs'> & { loop: UnaryLoop }
): ElementwiseUnaryOp {
	const { loop, ...rest } = def;
	return { ...rest, kind: 'unary', inputs: ['input'], kernel: unaryKernel(loop) };
}

/** C's pow: 1 ** y and (-1) ** ±inf are 1, where JavaScript's Math.pow gives NaN. */
function ieeePow(x: number, y: number): number {
	if (y === 2) return x * x;
	if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
	return Math.pow(x, y);
}

const dimsOf = (attrs: Attrs) => attrs.dim as number[] | undefined;

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

/** matmul's operands as 2-D: a vector on the left is a row, on the right a column. */
function asMatrixShape(shape: Shape, side: 'left' | 'right'): [number, number] {
	if (shape.length === 2) return [shape[0], shape[1]];
	return side === 'left' ? [1, shape[0]] : [shape[0], 1];
}

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
	const grad2 = outputGrad.reshape([aRows, bCols]);
	const a2 = a.reshape([aRows, aCols]);
	const b2 = b.reshape([bRows, bCols]);
	return [
		ctx.needsGrad[0] ? grad2.matmul(b2.t()).reshape(a.shape) : null,
		ctx.needsGrad[1] ? a2.t().matmul(grad2).reshape(b.shape) : null
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

/** mse_loss: PyTorch warns when input and target differ in shape, then broadcasts. */
function mseShape(shapes: readonly (Shape | null)[], attrs: Attrs): Shape {
	const [input, target] = [shapes[0]!, shapes[1]!];
	const reduction = (attrs.reduction ?? 'mean') as string;
	if (!['mean', 'sum', 'none'].includes(reduction)) {
		throw valueError(`${reduction} is not a valid value for reduction`);
	}
	attrs.reduction = reduction;
	if (!sameShape(input, target)) {
		warn(
			`Using a target size (torch.Size([${target.join(', ')}])) that is different to the input size (torch.Size([${input.join(', ')}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`
		);
	}
	const shape = broadcastShapes(input, target);
	return reduction === 'none' ? shape : [];
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

const SQUARED_DIFFERENCE = binaryKernel(
	(a, b) => (a - b) * (a - b),
	(a, b, out, n, s) => {
		for (let i = 0; i < n; i++) out[i] = (a[i] - b[i * s]) * (a[i] - b[i * s]);
	}
);

const inputOf = (ctx: BackwardContext<Attrs>, i: number) => ctx.inputs[i] as Tensor;
const outputOf = (ctx: BackwardContext<Attrs>) => ctx.output as Tensor;
const need = (ctx: BackwardContext<Attrs>, i: number) => ctx.needsGrad[i];

export const OPS = {
	add: binary({
		id: 'add',
		category: 'arithmetic',
		saves: 'none',
		gradFn: 'AddBackward0',
		fn: (a, b) => a + b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] + b[i * s];
		},
		wgsl: 'a + b',
		vjp: (_ctx, g) => [g, g],
		python: {
			infix: { symbol: '+', level: 'arith' },
			numberOperand: true,
			methods: ['add'],
			torch: ['add']
		},
		ui: {
			label: 'add',
			symbol: '+',
			formula: '\\mathrm{input} + \\mathrm{other}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = 1,\\quad \\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{other}} = 1'
		}
	}),
	sub: binary({
		id: 'sub',
		category: 'arithmetic',
		saves: 'none',
		gradFn: 'SubBackward0',
		fn: (a, b) => a - b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] - b[i * s];
		},
		wgsl: 'a - b',
		vjp: (ctx, g) => [g, need(ctx, 1) ? g.neg() : null],
		python: {
			infix: { symbol: '-', level: 'arith' },
			numberOperand: true,
			methods: ['sub'],
			torch: ['sub']
		},
		ui: {
			label: 'sub',
			symbol: '−',
			formula: '\\mathrm{input} - \\mathrm{other}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = 1,\\quad \\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{other}} = -1'
		}
	}),
	mul: binary({
		id: 'mul',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'MulBackward0',
		fn: (a, b) => a * b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] * b[i * s];
		},
		wgsl: 'a * b',
		vjp: (ctx, g) => [
			need(ctx, 0) ? g.mul(inputOf(ctx, 1)) : null,
			need(ctx, 1) ? g.mul(inputOf(ctx, 0)) : null
		],
		python: {
			infix: { symbol: '*', level: 'term' },
			numberOperand: true,
			methods: ['mul'],
			torch: ['mul']
		},
		ui: {
			label: 'mul',
			symbol: '×',
			formula: '\\mathrm{input} \\cdot \\mathrm{other}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\mathrm{other},\\quad \\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{other}} = \\mathrm{input}'
		}
	}),
	div: binary({
		id: 'div',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'DivBackward0',
		fn: (a, b) => a / b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] / b[i * s];
		},
		wgsl: 'a / b',
		vjp: (ctx, g) => {
			const [a, b] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			return [need(ctx, 0) ? g.div(b) : null, need(ctx, 1) ? g.neg().mul(a).div(b.mul(b)) : null];
		},
		python: {
			infix: { symbol: '/', level: 'term' },
			numberOperand: true,
			methods: ['div'],
			torch: ['div']
		},
		ui: {
			label: 'div',
			symbol: '÷',
			formula: '\\frac{\\mathrm{input}}{\\mathrm{other}}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\frac{1}{\\mathrm{other}},\\quad \\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{other}} = -\\frac{\\mathrm{input}}{\\mathrm{other}^2}'
		}
	}),
	pow: {
		...binary({
			id: 'pow',
			category: 'arithmetic',
			saves: 'inputs',
			gradFn: (attrs) =>
				attrs.scalarExponent !== undefined
					? 'PowBackward0'
					: attrs.scalarBase
						? 'PowBackward2'
						: 'PowBackward1',
			fn: ieeePow,
			loop: (a, b, out, n, s) => {
				for (let i = 0; i < n; i++) {
					const e = b[i * s];
					out[i] = e === 2 ? a[i] * a[i] : ieeePow(a[i], e);
				}
			},
			wgsl: 'pow_signed(a, b)',
			vjp: (ctx, g) => {
				const [x, e] = [inputOf(ctx, 0), inputOf(ctx, 1)];
				// PyTorch's pow_backward: zero where the exponent is 0 (input) or where the base is 0
				// and the exponent >= 0 (exponent), even where the plain formula gives NaN.
				const inputGrad =
					ctx.attrs.scalarExponent === 2 ? g.mul(x.mul(2)) : g.mul(x.powBackwardSelf(e));
				return [
					need(ctx, 0) ? inputGrad : null,
					need(ctx, 1) ? g.mul(x.powBackwardExponent(e)) : null
				];
			},
			python: {
				infix: { symbol: '**', level: 'power' },
				numberOperand: true,
				methods: ['pow'],
				torch: ['pow']
			},
			ui: {
				label: 'pow',
				symbol: 'xⁿ',
				formula: '\\mathrm{input}^{\\mathrm{exponent}}',
				localGrad:
					'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\mathrm{exponent}\\cdot\\mathrm{input}^{\\mathrm{exponent}-1},\\quad \\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{exponent}} = \\mathrm{input}^{\\mathrm{exponent}}\\ln \\mathrm{input}'
			}
		}),
		inputs: ['input', 'exponent']
	},
	neg: unary({
		id: 'neg',
		category: 'arithmetic',
		saves: 'none',
		gradFn: 'NegBackward0',
		fn: (a) => -a,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = -a[i];
		},
		wgsl: '-a',
		vjp: (_ctx, g) => [g.neg()],
		python: { prefix: '-', methods: ['neg'], torch: ['neg'] },
		ui: {
			label: 'neg',
			symbol: '−x',
			formula: '-\\mathrm{input}',
			localGrad: '\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = -1'
		}
	}),
	exp: unary({
		id: 'exp',
		category: 'arithmetic',
		saves: 'output',
		gradFn: 'ExpBackward0',
		fn: Math.exp,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
		},
		wgsl: 'exp_ieee(a)',
		vjp: (ctx, g) => [g.mul(outputOf(ctx))],
		python: { methods: ['exp'], torch: ['exp'] },
		ui: {
			label: 'exp',
			symbol: 'eˣ',
			formula: 'e^{\\mathrm{input}}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = e^{\\mathrm{input}} = \\mathrm{out}'
		}
	}),
	log: unary({
		id: 'log',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'LogBackward0',
		fn: Math.log,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
		},
		wgsl: 'log_ieee(a)',
		vjp: (ctx, g) => [g.div(inputOf(ctx, 0))],
		python: { methods: ['log'], torch: ['log'] },
		ui: {
			label: 'log',
			symbol: 'ln',
			formula: '\\ln \\mathrm{input}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\frac{1}{\\mathrm{input}}'
		}
	}),
	sqrt: unary({
		id: 'sqrt',
		category: 'arithmetic',
		saves: 'output',
		gradFn: 'SqrtBackward0',
		fn: Math.sqrt,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
		},
		wgsl: 'sqrt_ieee(a)',
		vjp: (ctx, g) => [g.div(outputOf(ctx).mul(2))],
		python: { methods: ['sqrt'], torch: ['sqrt'] },
		ui: {
			label: 'sqrt',
			symbol: '√',
			formula: '\\sqrt{\\mathrm{input}}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\frac{1}{2\\sqrt{\\mathrm{input}}}'
		}
	}),
	relu: unary({
		id: 'relu',
		category: 'activations',
		saves: 'output',
		gradFn: 'ReluBackward0',
		fn: (a) => (a > 0 ? a : a === a ? 0 : a),
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = a[i] > 0 || a[i] !== a[i] ? a[i] : 0;
		},
		wgsl: 'select(select(0.0, a, a > 0.0), a, is_nan_f32(a))',
		vjp: (ctx, g) => [g.thresholdBackward(outputOf(ctx))],
		python: { methods: ['relu'], torch: ['relu'], functional: ['relu'] },
		ui: {
			label: 'relu',
			symbol: 'ReLU',
			formula: '\\max(0, \\mathrm{input})',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\begin{cases} 1 & \\mathrm{input} > 0 \\\\ 0 & \\text{otherwise} \\end{cases}'
		}
	}),
	tanh: unary({
		id: 'tanh',
		category: 'activations',
		saves: 'output',
		gradFn: 'TanhBackward0',
		fn: Math.tanh,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]);
		},
		wgsl: 'tanh_ieee(a)',
		vjp: (ctx, g) => {
			const out = outputOf(ctx);
			return [g.mul(out.mul(out).neg().add(1))];
		},
		python: { methods: ['tanh'], torch: ['tanh'], functional: ['tanh'] },
		ui: {
			label: 'tanh',
			symbol: 'tanh',
			formula: '\\tanh(\\mathrm{input})',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = 1 - \\tanh^2(\\mathrm{input})'
		}
	}),
	sigmoid: unary({
		id: 'sigmoid',
		category: 'activations',
		saves: 'output',
		gradFn: 'SigmoidBackward0',
		fn: (a) => 1 / (1 + Math.exp(-a)),
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-a[i]));
		},
		wgsl: '1.0 / (1.0 + exp_ieee(-a))',
		vjp: (ctx, g) => {
			const out = outputOf(ctx);
			return [g.mul(out.mul(out.neg().add(1)))];
		},
		python: { methods: ['sigmoid'], torch: ['sigmoid'], functional: ['sigmoid'] },
		ui: {
			label: 'sigmoid',
			symbol: 'σ',
			formula: '\\sigma(\\mathrm{input}) = \\frac{1}{1 + e^{-\\mathrm{input}}}',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\sigma(\\mathrm{input})\\,(1 - \\sigma(\\mathrm{input}))'
		}
	}),
	threshold_backward: binary({
		id: 'threshold_backward',
		category: 'activations',
		internal: true,
		saves: 'inputs',
		gradFn: 'ThresholdBackwardBackward0',
		// input: the incoming gradient; other: relu's output. Passes the gradient where other > 0.
		// PyTorch's `output <= 0 ? 0 : grad`: a NaN output passes the gradient through.
		fn: (g, out) => (out <= 0 ? 0 : g),
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = b[i * s] <= 0 ? 0 : a[i];
		},
		wgsl: 'select(a, 0.0, b <= 0.0)',
		vjp: (ctx, g) => [need(ctx, 0) ? g.thresholdBackward(inputOf(ctx, 1)) : null, null],
		ui: {
			label: 'threshold_backward',
			symbol: '𝟙',
			formula: '\\mathrm{input} \\cdot \\mathbb{1}[\\mathrm{other} > 0]',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}} = \\mathbb{1}[\\mathrm{other} > 0]'
		}
	}),
	pow_backward_self: binary({
		id: 'pow_backward_self',
		category: 'arithmetic',
		internal: true,
		saves: 'inputs',
		gradFn: 'PowBackwardSelfBackward0',
		// d(input^exponent)/d(input), zero where the exponent is 0.
		fn: (x, e) => (e === 0 ? 0 : e * ieeePow(x, e - 1)),
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) {
				const e = b[i * s];
				out[i] = e === 0 ? 0 : e * ieeePow(a[i], e - 1);
			}
		},
		wgsl: 'select(b * pow_signed(a, b - 1.0), 0.0, b == 0.0)',
		vjp: (ctx, g) => {
			const [x, e] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			return [
				need(ctx, 0) ? g.mul(e).mul(x.powBackwardSelf(e.sub(1))) : null,
				need(ctx, 1) ? g.mul(x.pow(e.sub(1))).mul(e.mul(x.log()).add(1)) : null
			];
		},
		ui: {
			label: 'pow_backward_self',
			symbol: 'n·xⁿ⁻¹',
			formula: '\\mathrm{exponent}\\cdot\\mathrm{input}^{\\mathrm{exponent}-1}',
			localGrad: '\\mathrm{exponent}(\\mathrm{exponent}-1)\\,\\mathrm{input}^{\\mathrm{exponent}-2}'
		}
	}),
	pow_backward_exponent: binary({
		id: 'pow_backward_exponent',
		category: 'arithmetic',
		internal: true,
		saves: 'inputs',
		gradFn: 'PowBackwardExponentBackward0',
		// d(input^exponent)/d(exponent), zero where the base is 0 and the exponent >= 0.
		fn: (x, e) => (x === 0 && e >= 0 ? 0 : ieeePow(x, e) * Math.log(x)),
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) {
				const x = a[i];
				const e = b[i * s];
				out[i] = x === 0 && e >= 0 ? 0 : ieeePow(x, e) * Math.log(x);
			}
		},
		wgsl: 'select(pow_signed(a, b) * log_ieee(a), 0.0, a == 0.0 && b >= 0.0)',
		vjp: (ctx, g) => {
			const [x, e] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			const logX = x.log();
			return [
				need(ctx, 0) ? g.mul(x.pow(e.sub(1))).mul(e.mul(logX).add(1)) : null,
				need(ctx, 1) ? g.mul(x.pow(e)).mul(logX.mul(logX)) : null
			];
		},
		ui: {
			label: 'pow_backward_exponent',
			symbol: 'xⁿ ln x',
			formula: '\\mathrm{input}^{\\mathrm{exponent}}\\ln\\mathrm{input}',
			localGrad: '\\mathrm{input}^{\\mathrm{exponent}}(\\ln\\mathrm{input})^2'
		}
	}),
	sum: {
		id: 'sum',
		kind: 'custom',
		inputs: ['input'],
		attrs: [
			{ name: 'dim', kind: 'dims', optional: true },
			{ name: 'keepdim', kind: 'bool', default: false }
		],
		category: 'reductions',
		saves: 'none',
		gradFn: (attrs) => (dimsOf(attrs) === undefined ? 'SumBackward0' : 'SumBackward1'),
		shape: reductionShape,
		cpu: (inputs, out, shapes, _outShape, attrs) =>
			sumKernel(inputs[0]!, shapes[0]!, dimsOf(attrs) ?? shapes[0]!.map((_, i) => i), out),
		vjp: (ctx, g) => [expandReduced(g, ctx.inputShapes[0], ctx.attrs)],
		python: { methods: ['sum'], torch: ['sum'], attrs: 'keywords' },
		ui: {
			label: 'sum',
			symbol: 'Σ',
			formula: '\\sum_i \\mathrm{input}_i',
			localGrad: '\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}_i} = 1'
		}
	},
	mean: {
		id: 'mean',
		kind: 'custom',
		inputs: ['input'],
		attrs: [
			{ name: 'dim', kind: 'dims', optional: true },
			{ name: 'keepdim', kind: 'bool', default: false }
		],
		category: 'reductions',
		saves: 'none',
		gradFn: (attrs) => (dimsOf(attrs) === undefined ? 'MeanBackward0' : 'MeanBackward1'),
		shape: reductionShape,
		cpu: (inputs, out, shapes, _outShape, attrs) => {
			const dims = dimsOf(attrs);
			sumKernel(inputs[0]!, shapes[0]!, dims ?? shapes[0]!.map((_, i) => i), out);
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
			localGrad: '\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}_i} = \\frac{1}{n}'
		}
	},
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
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{input}} = \\frac{\\partial L}{\\partial\\,\\mathrm{out}}\\,\\mathrm{other}^{\\top},\\quad \\frac{\\partial L}{\\partial\\,\\mathrm{other}} = \\mathrm{input}^{\\top}\\frac{\\partial L}{\\partial\\,\\mathrm{out}}'
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
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{input}} = \\left(\\frac{\\partial L}{\\partial\\,\\mathrm{out}}\\right)^{\\top}'
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
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{input}} = \\mathrm{reshape}\\left(\\frac{\\partial L}{\\partial\\,\\mathrm{out}}, \\mathrm{input.shape}\\right)'
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
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{input}} = \\sum_{\\text{expanded dims}} \\frac{\\partial L}{\\partial\\,\\mathrm{out}}'
		}
	},
	mse_loss: {
		id: 'mse_loss',
		kind: 'custom',
		inputs: ['input', 'target'],
		attrs: [{ name: 'reduction', kind: 'reduction', default: 'mean' }],
		category: 'losses',
		saves: 'inputs',
		gradFn: 'MseLossBackward0',
		shape: mseShape,
		cpu: (inputs, out, shapes, _outShape, attrs) => {
			const [input, target] = [inputs[0]!, inputs[1]!];
			const shape = broadcastShapes(shapes[0]!, shapes[1]!);
			const n = numel(shape);
			const diff = new Float64Array(n);
			SQUARED_DIFFERENCE(input, shapes[0]!, target, shapes[1]!, diff, shape);
			if (attrs.reduction === 'none') {
				out.set(diff);
				return;
			}
			let total = 0;
			for (let i = 0; i < n; i++) total += diff[i];
			out[0] = attrs.reduction === 'mean' ? total / n : total;
		},
		vjp: (ctx, g) => {
			const [input, target] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			let scale = g.mul(2);
			if (ctx.attrs.reduction === 'mean')
				scale = scale.div(numel(broadcastShapes(input.shape, target.shape)));
			const inputGrad = input.sub(target).mul(scale);
			return [need(ctx, 0) ? inputGrad : null, need(ctx, 1) ? inputGrad.neg() : null];
		},
		python: { functional: ['mse_loss'], attrs: 'keywords' },
		ui: {
			label: 'mse_loss',
			symbol: 'MSE',
			formula: '\\frac{1}{n}\\sum_i (\\mathrm{input}_i - \\mathrm{target}_i)^2',
			localGrad:
				'\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{input}_i} = \\frac{2}{n}(\\mathrm{input}_i - \\mathrm{target}_i),\\quad \\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{target}_i} = -\\frac{2}{n}(\\mathrm{input}_i - \\mathrm{target}_i)'
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
			if (bias) OPS.add.kernel(out, outShape, bias, shapes[2]!, out, outShape);
		},
		vjp: (ctx, g) => {
			const [input, weight] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			const inFeatures = weight.shape[1];
			const rows = numel(input.shape) / inFeatures;
			const g2 = g.reshape([rows, weight.shape[0]]);
			return [
				need(ctx, 0) ? g2.matmul(weight).reshape(input.shape) : null,
				need(ctx, 1) ? g2.t().matmul(input.reshape([rows, inFeatures])) : null,
				need(ctx, 2) ? g : null
			];
		},
		python: { functional: ['linear'] },
		ui: {
			label: 'linear',
			symbol: 'Wx+b',
			formula: '\\mathrm{input}\\,\\mathrm{weight}^{\\top} + \\mathrm{bias}',
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{weight}} = \\left(\\frac{\\partial L}{\\partial\\,\\mathrm{out}}\\right)^{\\top}\\mathrm{input},\\quad \\frac{\\partial L}{\\partial\\,\\mathrm{bias}} = \\sum_{\\text{rows}} \\frac{\\partial L}{\\partial\\,\\mathrm{out}},\\quad \\frac{\\partial L}{\\partial\\,\\mathrm{input}} = \\frac{\\partial L}{\\partial\\,\\mathrm{out}}\\,\\mathrm{weight}'
		}
	},
	log_softmax: {
		id: 'log_softmax',
		kind: 'custom',
		inputs: ['input'],
		attrs: [{ name: 'dim', kind: 'dim' }],
		category: 'activations',
		saves: 'output',
		gradFn: 'LogSoftmaxBackward0',
		shape: (shapes, attrs) => {
			attrs.dim = normalizeDim(attrs.dim as number, shapes[0]!.length);
			return shapes[0]!;
		},
		cpu: (inputs, out, shapes, _outShape, attrs) =>
			logSoftmaxKernel(inputs[0]!, shapes[0]!, attrs.dim as number, out),
		vjp: (ctx, g) => {
			const out = outputOf(ctx);
			const dim = ctx.attrs.dim as number;
			return [g.sub(out.exp().mul(g.sum(dim, true)))];
		},
		python: {
			methods: ['log_softmax'],
			torch: ['log_softmax'],
			functional: ['log_softmax'],
			attrs: 'keywords'
		},
		ui: {
			label: 'log_softmax',
			symbol: 'log σ',
			formula: '\\mathrm{input}_i - \\log\\sum_j e^{\\mathrm{input}_j}',
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{input}_i} = g_i - \\mathrm{softmax}_i \\sum_j g_j'
		}
	}
} satisfies Record<string, OpDef>;

export type OpId = keyof typeof OPS;

/** Every registry entry, in declaration order. */
export const OP_LIST: readonly OpDef[] = Object.values(OPS);

export function getOp(id: string): OpDef | undefined {
	return Object.hasOwn(OPS, id) ? (OPS as Record<string, OpDef>)[id] : undefined;
}

export function gradFnName(op: OpDef, attrs: Attrs, shapes: readonly Shape[]): string {
	return typeof op.gradFn === 'string' ? op.gradFn : op.gradFn(attrs, shapes);
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

function logSoftmaxKernel(a: Storage, shape: Shape, dim: number, out: Storage): void {
	const size = shape.length === 0 ? 1 : shape[dim];
	let inner = 1;
	for (let d = dim + 1; d < shape.length; d++) inner *= shape[d];
	const outer = a.length / (size * inner || 1);
	for (let o = 0; o < outer; o++) {
		for (let i = 0; i < inner; i++) {
			const base = o * size * inner + i;
			let max = -Infinity;
			for (let j = 0; j < size; j++) max = Math.max(max, a[base + j * inner]);
			let total = 0;
			for (let j = 0; j < size; j++) total += Math.exp(a[base + j * inner] - max);
			const logTotal = Math.log(total) + max;
			for (let j = 0; j < size; j++) out[base + j * inner] = a[base + j * inner] - logTotal;
		}
	}
}
