/**
 * KaTeX for the editor's formulas, loaded when the first one is shown (it stays out of the first
 * load), and one way to render them.
 */
import type katexType from 'katex';
import 'katex/dist/katex.min.css';

export type Katex = typeof katexType;

let loading: Promise<Katex> | null = null;

/** KaTeX, imported once. */
export function loadKatex(): Promise<Katex> {
	loading ??= import('katex').then((module) => module.default);
	return loading;
}

/**
 * KaTeX's output: HTML it builds from escaped TeX (names are escaped by texName). The only
 * command it trusts is \htmlData, which marks matrix entries with their slot and index.
 *
 * `wrap`: display-style type, but set as inline maths, so a line too long for its panel breaks
 * after an = (or another top-level relation or operator) instead of running out of sight. KaTeX
 * never breaks a display-mode formula.
 */
export function renderTex(katex: Katex, tex: string, { wrap = false } = {}): string {
	return katex.renderToString(wrap ? `\\displaystyle ${tex}` : tex, {
		displayMode: !wrap,
		throwOnError: false,
		trust: (context) => context.command === '\\htmlData',
		strict: (code: string) => (code === 'htmlExtension' ? 'ignore' : 'warn')
	});
}
