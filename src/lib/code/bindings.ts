/**
 * The registry's Python bindings as the importer looks them up: each op by every name and
 * operator Python calls it by (see `PythonBinding` in the engine's registry).
 */
import { OP_LIST, type OpDef } from '$lib/engine/core';

type NameList = 'methods' | 'torch' | 'functional';

function byName(list: NameList): ReadonlyMap<string, OpDef> {
	const ops = new Map<string, OpDef>();
	for (const op of OP_LIST) for (const name of op.python?.[list] ?? []) ops.set(name, op);
	return ops;
}

/** Tensor methods: `x.exp()`, `x.mm(y)`. */
export const METHOD_OPS = byName('methods');
/** `torch.` functions: `torch.exp(x)`. */
export const TORCH_OPS = byName('torch');
/** `torch.nn.functional` functions: `F.relu(x)`. */
export const FUNCTIONAL_OPS = byName('functional');
/** Infix operators: `x + y`. */
export const INFIX_OPS: ReadonlyMap<string, OpDef> = new Map(
	OP_LIST.flatMap((op) => (op.python?.infix ? [[op.python.infix.symbol, op] as const] : []))
);
/** Prefix operators: `-x`. */
export const PREFIX_OPS: ReadonlyMap<string, OpDef> = new Map(
	OP_LIST.flatMap((op) => (op.python?.prefix ? [[op.python.prefix, op] as const] : []))
);
