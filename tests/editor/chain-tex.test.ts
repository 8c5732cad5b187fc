/**
 * The chain-rule panel's formulas and words, from real traces: values (never shapes) in the TeX,
 * the picked element through every formula with the engine's numbers, explanations in both
 * languages, and plural forms.
 */
import { describe, expect, it } from 'vitest';
import {
	exampleDocument,
	nestedList,
	type BackwardStep,
	type ForwardStep,
	type GraphDocument
} from '$lib/graph';
import { PLURALS, translate, type Locale, type MessageKey } from '$lib/i18n';
import { backwardExplanation, chainTex } from '$lib/editor/ChainRulePanel/chain-tex';
import { forwardTex } from '$lib/editor/ChainRulePanel/forward-tex';
import { indexIn, pick, stepIndex } from '$lib/editor/ChainRulePanel/selection';
import { texName } from '$lib/editor/ChainRulePanel/tex-name';
import { elementOf, texElement, texNumber, texTensor } from '$lib/editor/ChainRulePanel/tex-values';
import { traced } from '../graph/helpers';

type ExampleId = 'autograd-basics' | 'chain-rule' | 'linear-regression';

function example(id: ExampleId, change?: (doc: GraphDocument) => void): GraphDocument {
	const doc = structuredClone(exampleDocument(id)!);
	change?.(doc);
	return doc;
}

const node = (doc: GraphDocument, name: string) => doc.nodes.find((n) => n.name === name)!;
const namesOf = (doc: GraphDocument) => new Map(doc.nodes.map((n) => [n.id, n.name]));

const run = traced;

const backwardAt = (steps: BackwardStep[], gradFn: string) =>
	steps.find((s) => s.gradFn === gradFn)!;
const forwardOf = (steps: ForwardStep[], name: string) => steps.find((s) => s.name === name)!;
const en = (key: MessageKey, params?: Record<string, string | number>) =>
	translate('en', key, params);
const zh = (key: MessageKey, params?: Record<string, string | number>) =>
	translate('zh', key, params);
/** How many matrix entries a TeX line holds. */
const entries = (tex: string) => tex.split('\\htmlData{').length - 1;

describe('values, not shapes', () => {
	it('autograd basics: the backward step of t shows the 3x4 gradients whole, no shape', () => {
		const doc = example('autograd-basics');
		const { backward } = run(doc);
		const add = backwardAt(backward, 'AddBackward0');
		const lines = chainTex(add, namesOf(doc));
		const all = lines.join('\n');
		expect(all).not.toMatch(/\[3, ?4\]/);
		expect(all).not.toContain('underbrace');
		// The upstream (ones) and both input gradients, each a whole 3x4 matrix of 1s.
		expect(lines[0]).toMatch(
			/^\\frac\{\\partial \\mathit\{y\}\}\{\\partial \\mathit\{t\}\} = \\begin\{bmatrix\}/
		);
		expect(entries(lines[0])).toBe(12);
		expect(lines.filter((l) => entries(l) === 12)).toHaveLength(3);
		// The default element [0, 0] through the chain rule: 1 × 1 = 1.
		expect(all).toContain(
			'\\frac{\\partial \\mathit{y}}{\\partial \\mathit{x}_{[0,0]}} = \\frac{\\partial \\mathit{y}}{\\partial \\mathit{t}_{[0,0]}} \\cdot \\frac{\\partial \\mathit{t}_{[0,0]}}{\\partial \\mathit{x}_{[0,0]}} = 1 \\times 1 = 1'
		);
	});

	it('forward: a leaf and the sum show the values of the tensor, and the sum its result', () => {
		const doc = example('autograd-basics');
		const { forward } = run(doc);
		const t = forwardOf(forward, 't');
		const y = forwardOf(forward, 'y');
		const sum = forwardTex(y, namesOf(doc));
		expect(sum).toHaveLength(1);
		expect(sum[0]).toContain('\\sum_i \\mathit{t}_i = \\sum_i {\\begin{bmatrix}');
		expect(entries(sum[0])).toBe(12);
		expect(sum[0]).toContain(texElement(t.output, [1, 1]));
		expect(sum[0].endsWith(`= ${texNumber(y.output.data[0])}`)).toBe(true);
		const x = forwardTex(forwardOf(forward, 'x'), namesOf(doc));
		expect(x[0]).not.toMatch(/\[3, ?4\]/);
		expect(x[1]).toBe(
			`\\mathit{x}_{[0,0]} = ${texElement(forwardOf(forward, 'x').output, [0, 0])}`
		);
	});

	it('a 10x10 tensor is summarised: first and last 3 along each dim, with ⋯ ⋮ ⋱', () => {
		const doc = example('autograd-basics', (d) => {
			for (const name of ['x', 'b'])
				node(d, name).attrs = { ...node(d, name).attrs, shape: [10, 10] };
		});
		const { forward } = run(doc);
		const x = forwardOf(forward, 'x');
		const [whole] = forwardTex(x, namesOf(doc));
		expect(entries(whole)).toBe(36);
		for (const dots of ['\\cdots', '\\vdots', '\\ddots']) expect(whole).toContain(dots);
		// The last entry is shown, and can be picked; an entry in the hidden middle only by index.
		expect(whole).toContain(`i=9-9}{${texElement(x.output, [9, 9])}}`);
		const selection = pick(new Map(), x, 'o', [5, 5]);
		expect(forwardTex(x, namesOf(doc), selection)[1]).toBe(
			`\\mathit{x}_{[5,5]} = ${texElement(x.output, [5, 5])}`
		);
	});

	it('past rank 2, the matrix of the picked leading index, named by it', () => {
		const view = { shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => i) };
		expect(texTensor(view, 'o', [0, 0, 0])).toContain('_{[0,:,:]}');
		const second = texTensor(view, 'o', [1, 2, 3]);
		expect(second).toContain('_{[1,:,:]}');
		expect(second).toContain('\\htmlData{t=o, i=1-2-3, sel=1}{23}');
		expect(entries(second)).toBe(12);
	});

	it('scalar steps keep the numbers inline, as on paper', () => {
		const doc = example('chain-rule');
		const { session, backward } = run(doc);
		const x = session.tensor(node(doc, 'x').id)!.item();
		const mul = backwardAt(backward, 'MulBackward0');
		const lines = chainTex(mul, namesOf(doc));
		const toW = lines.find((l) =>
			l.startsWith('\\frac{\\partial \\mathit{z}}{\\partial \\mathit{w}}')
		)!;
		expect(toW).toContain(`= 1 \\times ${texNumber(x)} = ${texNumber(x)}`);
		expect(lines.join()).not.toContain('htmlData');
	});
});

describe('the picked element, through every formula', () => {
	// y = sum(x * b): x's gradient is b, element by element.
	const mulDoc = () => example('autograd-basics', (d) => (node(d, 't').op = 'mul'));

	it('picking x[1, 2] shows upstream × local = grad with the engine numbers', () => {
		const doc = mulDoc();
		const { session, backward } = run(doc);
		const mul = backwardAt(backward, 'MulBackward0');
		const b = nestedList({
			shape: [3, 4],
			data: session.tensor(node(doc, 'b').id)!.data
		}) as number[][];
		const selection = pick(new Map(), mul, 'g0', [1, 2]);
		const lines = chainTex(mul, namesOf(doc), selection);
		const line = lines.find((l) =>
			l.startsWith('\\frac{\\partial \\mathit{y}}{\\partial \\mathit{x}_{[1,2]}}')
		);
		expect(line).toBe(
			`\\frac{\\partial \\mathit{y}}{\\partial \\mathit{x}_{[1,2]}} = \\frac{\\partial \\mathit{y}}{\\partial \\mathit{t}_{[1,2]}} \\cdot \\frac{\\partial \\mathit{t}_{[1,2]}}{\\partial \\mathit{x}_{[1,2]}} = 1 \\times ${b[1][2] < 0 ? `\\left(${texNumber(b[1][2])}\\right)` : texNumber(b[1][2])} = ${texElement(mul.inputs[0].grad!, [1, 2])}`
		);
		// The same element is picked in t and b (elementwise), and marked in the matrices.
		expect(indexIn(selection, node(doc, 't').id, [3, 4])).toEqual([1, 2]);
		expect(indexIn(selection, node(doc, 'b').id, [3, 4])).toEqual([1, 2]);
		expect(lines.join()).toContain('i=1-2, sel=1}');
	});

	it('the forward formula of an elementwise op follows the element', () => {
		const doc = mulDoc();
		const { forward } = run(doc);
		const t = forwardOf(forward, 't');
		const selection = pick(new Map(), t, 'i0', [2, 3]);
		const [, element] = forwardTex(t, namesOf(doc), selection);
		const [x, b] = t.inputs.map((i) => elementOf(i.value, [2, 3]));
		expect(element).toContain(
			'\\mathit{t}_{[2,3]} = \\mathit{x}_{[2,3]} \\cdot \\mathit{b}_{[2,3]}'
		);
		const factor = (v: number, k: number) => {
			const tex = texElement(t.inputs[k].value, [2, 3]);
			return v < 0 ? `\\left(${tex}\\right)` : tex;
		};
		expect(element).toContain(` = ${factor(x, 0)} \\cdot ${factor(b, 1)} = `);
		expect(element.endsWith(`= ${texElement(t.output, [2, 3])}`)).toBe(true);
	});

	it('a broadcast input: the sum runs over the broadcast dim, and no local number is made up', () => {
		const doc = example(
			'autograd-basics',
			(d) => (node(d, 'b').attrs = { ...node(d, 'b').attrs, shape: [4] })
		);
		const { backward } = run(doc);
		const add = backwardAt(backward, 'AddBackward0');
		const selection = pick(new Map(), add, 'u', [2, 3]);
		// The output element [2, 3] came from b[3].
		expect(indexIn(selection, node(doc, 'b').id, [4])).toEqual([3]);
		const lines = chainTex(add, namesOf(doc), selection);
		const toB = lines.find((l) =>
			l.startsWith('\\frac{\\partial \\mathit{y}}{\\partial \\mathit{b}_{[3]}}')
		)!;
		expect(toB).toBe(
			'\\frac{\\partial \\mathit{y}}{\\partial \\mathit{b}_{[3]}} = \\sum_{i=0}^{2} \\frac{\\partial \\mathit{y}}{\\partial \\mathit{t}_{[i,3]}} \\cdot \\frac{\\partial \\mathit{t}_{[i,3]}}{\\partial \\mathit{b}_{[3]}} = 3'
		);
		expect(backwardExplanation(add, namesOf(doc), en).join(' ')).toContain(
			'b [4] was broadcast to [3, 4], so its gradient is summed over the broadcast dims.'
		);
		expect(backwardExplanation(add, namesOf(doc), zh).join('')).toContain('b [4] 被广播到 [3, 4]');
	});

	it('the arrow keys move the index within the tensor', () => {
		expect(stepIndex([3, 4], [1, 2], 'ArrowRight')).toEqual([1, 3]);
		expect(stepIndex([3, 4], [1, 3], 'ArrowRight')).toEqual([1, 3]);
		expect(stepIndex([3, 4], [1, 2], 'ArrowUp')).toEqual([0, 2]);
		expect(stepIndex([5], [4], 'ArrowDown')).toEqual([4]);
		expect(stepIndex([3, 4], [1, 2], 'Enter')).toBeNull();
	});
});

describe('explanations, in both languages', () => {
	it('backward starts at the output; a later step names the output and the node', () => {
		const doc = example('autograd-basics');
		const { backward } = run(doc);
		const names = namesOf(doc);
		const [sum, add] = backward;
		expect(backwardExplanation(sum, names, en).join(' ')).toBe(
			'Backward starts at y: ∂y/∂y = 1. The gradient of sum is 1 for every element: the upstream gradient is broadcast back as ones.'
		);
		expect(backwardExplanation(sum, names, zh).join('')).toMatch(
			/^反向传播从 y 开始：∂y\/∂y = 1。sum 对每个元素/
		);
		expect(backwardExplanation(add, names, en).join(' ')).toMatch(
			/^The gradient of y with respect to t comes/
		);
		expect(backwardExplanation(add, names, zh).join('')).toMatch(/^y 对 t 的梯度来自上一步/);
	});

	it('linear regression: the bias broadcast to the batch is explained', () => {
		const doc = example('linear-regression');
		const { backward } = run(doc);
		const linear = backwardAt(backward, 'AddmmBackward0');
		expect(backwardExplanation(linear, namesOf(doc), en).join(' ')).toContain(
			'bias [1] was broadcast to [11, 1]'
		);
		// weight [1, 1] was not broadcast (it is multiplied, not stretched).
		expect(backwardExplanation(linear, namesOf(doc), en).join(' ')).not.toContain('weight [1, 1]');
		// 11x1: summarised rows, with the element line of a non-elementwise op as a sum.
		const lines = chainTex(linear, namesOf(doc));
		expect(lines[0]).toContain('\\vdots');
		expect(lines.join()).toContain('= \\sum_{j}');
	});
});

describe('plural forms', () => {
	it('English picks one or other; Chinese has one form', () => {
		expect(en('chain.accumulated', { name: 'w', count: 1 })).toBe(
			'w.grad now holds 1 backward pass.'
		);
		expect(en('chain.accumulated', { name: 'w', count: 2 })).toBe(
			'w.grad now holds 2 backward passes.'
		);
		expect(en('chain.accumulated', { name: 'w', count: 0 })).toBe(
			'w.grad now holds 0 backward passes.'
		);
		expect(zh('chain.accumulated', { name: 'w', count: 1 })).toBe('w.grad 现已累加 1 次反向传播。');
		expect(en('notice.copied', { count: 1 })).toBe('Copied 1 node.');
		expect(en('notice.pasted', { count: 3 })).toBe('Pasted 3 nodes.');
		expect(en('trace.accumulationsTitle', { count: 1 })).toBe(
			'1 backward pass accumulated into this .grad'
		);
	});

	it('every plural form has its message parameters and no "(s)" is left', () => {
		const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		for (const locale of ['en', 'zh'] as Locale[]) {
			for (const [key, forms] of Object.entries(PLURALS[locale])) {
				for (const form of Object.values(forms ?? {})) {
					expect(params(form), key).toEqual(params(translate(locale, key as MessageKey)));
				}
			}
			for (const key of ['chain.accumulated', 'notice.copied', 'notice.pasted'] as MessageKey[]) {
				expect(translate(locale, key), key).not.toContain('(s)');
			}
		}
	});
});

describe('texName', () => {
	it('escapes TeX specials so a hostile name is shown as text', () => {
		expect(texName('a_b')).toBe('\\mathit{a\\_b}');
		expect(texName('\\input{x}')).toBe('\\mathit{\\backslash input\\{x\\}}');
	});
});
