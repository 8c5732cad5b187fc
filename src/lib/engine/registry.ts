/**
 * The op registry: every op is declared once, as data, in the file of its category under
 * `registry/`. An entry holds the op's PyTorch name and argument names, its shape rule, its CPU
 * kernel, its vector-Jacobian product (written with other ops), its grad_fn name, its Python
 * binding, and the UI metadata (label, category, formulas in TeX). Autograd, the CPU backend,
 * graph validation, the palette, the code generator and importer, and the tests all read this
 * table.
 */
import { ACTIVATION_OPS } from './registry/activations';
import { ARITHMETIC_OPS } from './registry/arithmetic';
import type { Attrs, OpDef } from './registry/define';
import { LINEAR_ALGEBRA_OPS } from './registry/linear-algebra';
import { LOSS_OPS } from './registry/losses';
import { REDUCTION_OPS } from './registry/reductions';
import type { Shape } from './shape';

export type {
	Attrs,
	AttrSpec,
	CustomOp,
	ElementwiseBinaryOp,
	ElementwiseUnaryOp,
	OpCategory,
	OpDef,
	OpUi,
	PythonBinding,
	Vjp
} from './registry/define';
export { expandShape, inferReshape } from './registry/linear-algebra';

/** Every op by id, category by category (the palette's order within a category). */
export const OPS = {
	...ARITHMETIC_OPS,
	...ACTIVATION_OPS,
	...REDUCTION_OPS,
	...LINEAR_ALGEBRA_OPS,
	...LOSS_OPS
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
