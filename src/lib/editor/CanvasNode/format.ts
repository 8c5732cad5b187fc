/** How nodes print shapes and leaves (plain text). */
import { LEAF_INITS } from '$lib/graph';

/** `[3, 4]`; `[]` for a 0-d tensor. */
export function formatShape(shape: readonly number[]): string {
	return `[${shape.join(', ')}]`;
}

/** A leaf's init in one line: `randn · seed 1`, `full 0.5`, `values`. */
export function leafSummary(attrs: Record<string, unknown> | undefined): string {
	const init = attrs?.init;
	if (typeof init !== 'string' || !(LEAF_INITS as readonly string[]).includes(init)) return '';
	if (init === 'rand' || init === 'randn') return `${init} · seed ${Number(attrs?.seed ?? 0)}`;
	if (init === 'full') return `full ${Number(attrs?.fill ?? 0)}`;
	return init;
}
