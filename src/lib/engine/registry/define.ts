/**
 * The shape of a registry entry (`OpDef`), its Python binding, and what every category file uses to
 * declare one: the elementwise constructors and the saved-tensor readers of a vjp.
 */
import type { BackwardContext } from '../autograd';
import {
	binaryKernel,
	unaryKernel,
	type BinaryFn,
	type BinaryLoop,
	type UnaryFn,
	type UnaryLoop
} from '../backends/cpu/kernels';
import type { Storage } from '../dtype';
import type { Shape } from '../shape';
import type { Tensor } from '../tensor';

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

export interface OpBase {
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
	/** The contiguous loop `kernel` runs when no broadcasting is needed (compile calls it directly). */
	loop: BinaryLoop;
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
	/**
	 * For a custom op that is elementwise over its (broadcast) inputs: its WGSL expression over
	 * `a` and `b` (f32), built from its attrs (numbers written with `wgslNumber`). The WebGPU
	 * backend runs it through the elementwise template, so the op needs no lowering.
	 */
	wgsl?: (attrs: Attrs) => string;
}

export type OpDef = ElementwiseBinaryOp | ElementwiseUnaryOp | CustomOp;

export function binary(
	def: Omit<ElementwiseBinaryOp, 'kind' | 'kernel' | 'inputs'> & { loop: BinaryLoop }
): ElementwiseBinaryOp {
	const { loop, ...rest } = def;
	return {
		...rest,
		kind: 'binary',
		inputs: ['input', 'other'],
		kernel: binaryKernel(def.fn, loop),
		loop
	};
}

export function unary(
	def: Omit<ElementwiseUnaryOp, 'kind' | 'kernel' | 'inputs'> & { loop: UnaryLoop }
): ElementwiseUnaryOp {
	const { loop, ...rest } = def;
	return { ...rest, kind: 'unary', inputs: ['input'], kernel: unaryKernel(loop) };
}

const F32_BITS = new Float32Array(1);
const U32_BITS = new Uint32Array(F32_BITS.buffer);

/** A number as an exact WGSL f32 (its bits, so infinities and NaN are written too). */
export function wgslNumber(value: number): string {
	F32_BITS[0] = value;
	return `bitcast<f32>(${U32_BITS[0]}u)`;
}

/** What a vjp reads: an input or the output it saved, and whether input `i` needs a gradient. */
export const inputOf = (ctx: BackwardContext<Attrs>, i: number) => ctx.inputs[i] as Tensor;
export const outputOf = (ctx: BackwardContext<Attrs>) => ctx.output as Tensor;
export const need = (ctx: BackwardContext<Attrs>, i: number) => ctx.needsGrad[i];

/** TeX for the loss's gradient with respect to a tensor: ∂L/∂name. */
export const gradOf = (name: string) => `\\frac{\\partial L}{\\partial\\,\\mathrm{${name}}}`;

/** TeX for a local derivative of the output: ∂out/∂name, `index` a subscript such as `_i`. */
export const localOf = (name: string, index = '') =>
	`\\frac{\\partial\\,\\mathrm{out}}{\\partial\\,\\mathrm{${name}}${index}}`;
