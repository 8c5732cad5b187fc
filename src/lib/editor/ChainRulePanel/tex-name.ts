/**
 * Node names in TeX, for the chain-rule panel. Names loaded from files or links can hold any
 * character: each TeX special is escaped, so a name is always shown as text (never run as TeX).
 */

/** Escape a node name for TeX and set it in italics, as a variable. */
export function texName(name: string): string {
	const escaped = name.replace(/[\\{}$&#^_%~]/g, (c) =>
		c === '\\' ? '\\backslash ' : c === '^' ? '\\hat{}' : c === '~' ? '\\sim ' : `\\${c}`
	);
	return `\\mathit{${escaped}}`;
}
