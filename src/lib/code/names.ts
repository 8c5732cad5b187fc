/**
 * Automatic node names: the editor names a new op node after its op, numbered (`mul1`), and a
 * new leaf `t1`, `t2`, ... The importer names the intermediate nodes of an expression the same
 * way, and generated code writes a node with such a name inline in its one consumer's
 * expression (`z = w * x + b`) rather than as a variable of its own.
 */
import { LEAF_OP } from '$lib/graph';

/** The base of automatic names for a node's op: `t` for leaves, the op id otherwise. */
export const autoNameBase = (op: string) => (op === LEAF_OP ? 't' : op);

/** Whether `name` is an automatic name for a node of `op`. */
export function isAutoName(name: string, op: string): boolean {
	const base = autoNameBase(op);
	return (
		name.length > base.length && name.startsWith(base) && /^[1-9]\d*$/.test(name.slice(base.length))
	);
}
