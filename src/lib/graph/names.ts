/**
 * Node names and ids. Names given in the editor must be Python identifiers (generated code uses
 * them as variable names); names read from files may be any short text (see validate.ts).
 */
import { excerpt } from '$lib/util/excerpt';
import type { GraphDocument, Refusal } from './types';

/** The longest name `renameNode` accepts. */
export const MAX_NAME_LENGTH = 40;

/** Python's keywords: valid identifiers by shape, but not as variable names. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
	'False',
	'None',
	'True',
	'and',
	'as',
	'assert',
	'async',
	'await',
	'break',
	'class',
	'continue',
	'def',
	'del',
	'elif',
	'else',
	'except',
	'finally',
	'for',
	'from',
	'global',
	'if',
	'import',
	'in',
	'is',
	'lambda',
	'nonlocal',
	'not',
	'or',
	'pass',
	'raise',
	'return',
	'try',
	'while',
	'with',
	'yield'
]);

/** Names the generated code needs for itself. */
const RESERVED = new Set(['torch']);

/** Python's identifier syntax (PEP 3131): letters of any script, digits, underscores. */
const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/** Why `name` cannot be given to a node in the editor, or null when it can. */
export function nameProblem(name: string): Refusal | null {
	if (typeof name !== 'string' || name.length === 0) {
		return { reason: 'a name cannot be empty', code: 'nameEmpty' };
	}
	if (name.length > MAX_NAME_LENGTH) {
		return {
			reason: `a name has at most ${MAX_NAME_LENGTH} characters`,
			code: 'nameTooLong',
			params: { max: MAX_NAME_LENGTH }
		};
	}
	if (!IDENTIFIER.test(name.normalize('NFKC'))) {
		return {
			reason:
				'a name must be a Python identifier: letters, digits and _, not starting with a digit',
			code: 'nameNotIdentifier'
		};
	}
	const quoted = excerpt(name);
	if (PYTHON_KEYWORDS.has(name)) {
		return {
			reason: `'${quoted}' is a Python keyword`,
			code: 'nameKeyword',
			params: { name: quoted }
		};
	}
	if (RESERVED.has(name)) {
		return {
			reason: `'${quoted}' is reserved for the generated code`,
			code: 'nameReserved',
			params: { name: quoted }
		};
	}
	return null;
}

/** `base`, or `base1`, `base2`, ... : the first that no node uses. */
export function uniqueName(taken: ReadonlySet<string>, base: string, numbered = false): string {
	if (!numbered && !taken.has(base)) return base;
	for (let i = 1; ; i++) {
		const name = `${base}${i}`;
		if (!taken.has(name)) return name;
	}
}

/** The base of a copied node's name: `add1` -> `add`, `x` -> `x`; a name with no letters -> `t`. */
export function nameBase(name: string): string {
	const base = name.replace(/\d+$/, '');
	return base.length > 0 && base.length <= MAX_NAME_LENGTH - 4 ? base : 't';
}

/** A fresh id with `prefix` (`n` for nodes, `e` for edges): one more than the highest in use. */
export function freshIds(taken: Iterable<string>, prefix: string): () => string {
	const pattern = new RegExp(`^${prefix}(\\d+)$`);
	const used = new Set<string>();
	let highest = 0;
	for (const id of taken) {
		used.add(id);
		const match = pattern.exec(id);
		if (match !== null) highest = Math.max(highest, Math.min(Number(match[1]), 1e15));
	}
	return () => {
		let id: string;
		do id = `${prefix}${++highest}`;
		while (used.has(id));
		used.add(id);
		return id;
	};
}

export const nodeNames = (doc: GraphDocument) => new Set(doc.nodes.map((node) => node.name));
