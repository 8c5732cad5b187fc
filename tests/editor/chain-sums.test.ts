/**
 * The chain-rule panel where a tensor feeds several ops: each step labels its gradient as the
 * part along one path ("via e"), and the step where the parts are added shows the sum with its
 * numbers, which are the engine's (the badge's .grad for a leaf). Also: a sum or mean over some
 * dims says which, in both languages.
 */
import { describe, expect, it } from 'vitest';
import type { BackwardStep, GraphDocument } from '$lib/graph';
import { translate, type Locale, type MessageKey, type MessageParams } from '$lib/i18n';
import { backwardExplanation, chainTex } from '$lib/editor/ChainRulePanel/chain-tex';
import { forwardTex } from '$lib/editor/ChainRulePanel/forward-tex';
import { texElement, texFactor, texNumber } from '$lib/editor/ChainRulePanel/tex-values';
import {
	sharedNonLeafDocument,
	sharedScalarDocument,
	twoPathsDocument
} from '../fixtures/shared-paths';
import { traced } from '../graph/helpers';

const words = (locale: Locale) => (key: MessageKey, params?: MessageParams) =>
	translate(locale, key, params);
const namesOf = (doc: GraphDocument) => new Map(doc.nodes.map((n) => [n.id, n.name]));

const run = traced;

const stepOf = (steps: BackwardStep[], nodeId: string) => steps.find((s) => s.nodeId === nodeId)!;
const dLd = (name: string) => `\\frac{\\partial \\mathit{L}}{\\partial \\mathit{${name}}}`;
/** The entries of a TeX matrix, in order, as written. */
const entriesOf = (tex: string) =>
	[...tex.matchAll(/\\htmlData\{[^}]*\}\{([^}]*)\}/g)].map((m) => m[1]);

describe('the QA repro: X feeds e and d', () => {
	const doc = twoPathsDocument();
	const names = namesOf(doc);
	const { session, backward } = run(doc);
	const xGrad = session.grads().get('X')!;

	it.each([
		['en', 'via'],
		['zh', '经由']
	] as const)('%s: each part of ∂L/∂X is labelled with its path', (locale, via) => {
		for (const [stepId, path] of [
			['e', 'e'],
			['d', 'd']
		]) {
			const lines = chainTex(stepOf(backward, stepId), names, new Map(), words(locale));
			const label = `${dLd('X')}\\,(\\text{${via}}\\,\\mathit{${path}})`;
			expect(lines.some((l) => l.startsWith(`${label} = `))).toBe(true);
			// No line of a part claims to be the whole ∂L/∂X.
			expect(lines.some((l) => l.startsWith(`${dLd('X')} = ${dLd(path)}`))).toBe(false);
		}
	});

	it('d, where the last part arrives: ∂L/∂X = (via e) + (via d) = X.grad, the engine’s numbers', () => {
		const lines = chainTex(stepOf(backward, 'd'), names, new Map(), words('en'));
		const sum = lines.find((l) => l.startsWith(`${dLd('X')} = `))!;
		expect(sum).toBeDefined();
		expect(sum).toContain(
			`${dLd('X')}\\,(\\text{via}\\,\\mathit{e}) + ${dLd('X')}\\,(\\text{via}\\,\\mathit{d})`
		);
		// Three matrices: the part via e, the part via d, and their sum, which is the badge's X.grad.
		const entries = entriesOf(sum);
		expect(entries).toHaveLength(36);
		expect(entries.slice(24)).toEqual(
			Array.from(xGrad.data, (_, i) => texElement(xGrad, [Math.floor(i / 4), i % 4]))
		);
		// The picked element [0, 0]: the two parts, added, give X.grad[0, 0].
		const acc = stepOf(backward, 'd').accumulated.find((a) => a.nodeId === 'X')!;
		// Each in the format of its own tensor, as its matrix shows it.
		const [viaE, viaD] = acc.sum!.parts.map((p) =>
			texFactor(p.grad.data[0], texElement(p.grad, [0, 0]))
		);
		expect(lines).toContain(
			`\\frac{\\partial \\mathit{L}}{\\partial \\mathit{X}_{[0,0]}} = ${viaE} + ${viaD} = ${texElement(xGrad, [0, 0])}`
		);
	});

	it('the explanations say that a part is one of 2 and where they are added, in both languages', () => {
		for (const locale of ['en', 'zh'] as const) {
			const t = words(locale);
			const atE = backwardExplanation(stepOf(backward, 'e'), names, t).join(' ');
			const atD = backwardExplanation(stepOf(backward, 'd'), names, t).join(' ');
			expect(atE).toContain(t('chain.pathPart', { name: 'X', count: 2, via: 'e' }));
			expect(atD).toContain(t('chain.sumLeaf', { name: 'X', count: 2, output: 'L' }));
		}
		expect(translate('zh', 'chain.sumLeaf', { name: 'X', count: 2, output: 'L' })).not.toBe(
			translate('en', 'chain.sumLeaf', { name: 'X', count: 2, output: 'L' })
		);
	});

	it('replaying a step gives the same text', () => {
		const step = stepOf(backward, 'd');
		const t = words('zh');
		expect(chainTex(step, names, new Map(), t)).toEqual(chainTex(step, names, new Map(), t));
		expect(backwardExplanation(step, names, t)).toEqual(backwardExplanation(step, names, t));
	});
});

describe('a non-leaf used twice', () => {
	it('vectors: y’s step starts with ∂L/∂y = (via a) + (via s) = its upstream', () => {
		const doc = sharedNonLeafDocument();
		const { backward, session } = run(doc);
		const y = stepOf(backward, 'y');
		const lines = chainTex(y, namesOf(doc), new Map(), words('en'));
		expect(lines[0].startsWith(`${dLd('y')} = ${dLd('y')}\\,(\\text{via}`)).toBe(true);
		expect(lines[0]).toContain('\\text{via}\\,\\mathit{a}');
		expect(lines[0]).toContain('\\text{via}\\,\\mathit{s}');
		// The sum is y's retained grad (PyTorch's y.grad).
		const yGrad = session.grads().get('y')!;
		expect(entriesOf(lines[0]).slice(-3)).toEqual(
			Array.from(yGrad.data, (_, i) => texElement(yGrad, [i]))
		);
		const t = words('en');
		expect(backwardExplanation(y, namesOf(doc), t).join(' ')).toContain(
			t('chain.sumNode', { name: 'y', count: 2, output: 'L' })
		);
	});

	it('scalars: the sums are written with numbers, as on paper', () => {
		const doc = sharedScalarDocument();
		const { backward, session } = run(doc);
		const y = stepOf(backward, 'y');
		const lines = chainTex(y, namesOf(doc), new Map(), words('en'));
		const [first, second] = y.upstreamSum!.parts.map((p) => texNumber(p.grad.data[0]));
		expect(lines[0]).toMatch(
			new RegExp(
				`^\\\\frac\\{\\\\partial \\\\mathit\\{L\\}\\}\\{\\\\partial \\\\mathit\\{y\\}\\} = .* = ${first} \\+ ${second} = ${texNumber(y.upstream.data[0])}$`
			)
		);
		// x = both inputs of y = x * x: labelled by the argument, and summed into x.grad.
		expect(lines.join('\n')).toContain('\\text{via}\\,\\mathit{y}\\,(\\mathrm{input})');
		expect(lines.join('\n')).toContain('\\text{via}\\,\\mathit{y}\\,(\\mathrm{other})');
		const xGrad = session.grads().get('x')!.data[0];
		expect(lines.at(-1)).toMatch(new RegExp(` = ${texNumber(xGrad).replace('.', '\\.')}$`));
		expect(lines.at(-1)).toMatch(
			/^\\frac\{\\partial \\mathit\{L\}\}\{\\partial \\mathit\{x\}\} = /
		);
	});
});

describe('sum and mean over a dim say which', () => {
	it.each([
		['en', 'over dim 1, keepdim'],
		['zh', '对第 1 维']
	] as const)('%s', (locale, text) => {
		const doc = twoPathsDocument();
		const { forward } = run(doc);
		const m = forward.find((s) => s.nodeId === 'm')!;
		const lines = forwardTex(m, namesOf(doc), new Map(), words(locale));
		expect(lines[0]).toContain(text);
		// A sum over every element needs no such words.
		const L = forward.find((s) => s.nodeId === 'L')!;
		expect(forwardTex(L, namesOf(doc), new Map(), words(locale)).join('')).not.toContain('\\text');
	});
});
