/**
 * Node names in TeX, for the chain-rule panel. Names loaded from files or links can hold any
 * character: each TeX special is escaped, so a name is always shown as text (never run as TeX).
 */

/** TeX's special characters escaped, so `text` reads as it is (in maths, or in `\text`). */
function escapeTex(text: string, mode: 'math' | 'text'): string {
	const spelled: Record<string, string> =
		mode === 'math'
			? { '\\': '\\backslash ', '^': '\\hat{}', '~': '\\sim ' }
			: { '\\': '\\textbackslash ', '^': '\\textasciicircum ', '~': '\\textasciitilde ' };
	return text.replace(/[\\{}$&#^_%~]/g, (c) => spelled[c] ?? `\\${c}`);
}

/** Escape a node name for TeX and set it in italics, as a variable. */
export function texName(name: string): string {
	return `\\mathit{${escapeTex(name, 'math')}}`;
}

/** Words of the UI's language inside a formula, set upright as text. */
export function texText(words: string): string {
	return `\\text{${escapeTex(words, 'text')}}`;
}
