/**
 * The generated program in the UI's language: with `locale: 'zh'` every comment the generator
 * writes is Chinese, around what stays as it is in both languages (code: names, calls, shapes;
 * PyTorch's own error messages, as PyTorch prints them). The English program does not change.
 */
import { describe, expect, it } from 'vitest';
import { generateCode, generateProgram, importCode } from '$lib/code';
import { MAX_LITERAL_VALUES } from '$lib/code/generate';
import { drawnComment, parseDrawnComment } from '$lib/code/leaves';
import { OP_LIST } from '$lib/engine';
import {
	EXAMPLES,
	GRAPH_FORMAT,
	GRAPH_VERSION,
	inferShapes,
	validateDocument,
	type GraphDocument
} from '$lib/graph';
import { LOCALES, MESSAGES, type MessageKey } from '$lib/i18n/messages';
import { fixtureDoc } from '../graph/helpers';
import { describeGraph, graph } from './helpers';
import { randomGraph } from './random-graphs';

const BIG = MAX_LITERAL_VALUES + 1;

/** Graphs that between them make the generator write each of its comments. */
const GRAPHS: Record<string, GraphDocument> = {
	...Object.fromEntries(EXAMPLES.map((example) => [example.id, example.doc])),
	empty: { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] },
	invalid: { nodes: 3 } as unknown as GraphDocument,
	'missing input, reads a missing one, a shape error': graph([
		{ name: 'x', leaf: { shape: [2] } },
		{ name: 'y', leaf: { shape: [3] } },
		{ name: 'a', op: 'add', inputs: { input: 'x', other: 'y' } },
		{ name: 'b', op: 'mul', inputs: { input: 'x' } },
		{ name: 'c', op: 'exp', inputs: { input: 'b' } }
	]),
	'two missing inputs, the output not computed': graph([
		{ name: 'x', leaf: {} },
		{ name: 'y', op: 'mul', inputs: {} }
	]),
	'the output has no value': graph([
		{ name: 'x', leaf: { shape: [2], requiresGrad: true } },
		{ name: 'y', leaf: { shape: [3] } },
		{ name: 'a', op: 'add', inputs: { input: 'x', other: 'y' } }
	]),
	'not one element': graph([
		{ name: 'x', leaf: { shape: [2, 2], requiresGrad: true } },
		{ name: 'y', op: 'exp', inputs: { input: 'x' } }
	]),
	'nothing requires grad': graph([
		{ name: 'x', leaf: {} },
		{ name: 'y', op: 'exp', inputs: { input: 'x' } }
	]),
	'several results': graph([
		{ name: 'x', leaf: {} },
		{ name: 'y', op: 'exp', inputs: { input: 'x' } },
		{ name: 'z', op: 'log', inputs: { input: 'x' } }
	]),
	'too many values, too many to draw': graph([
		{ name: 'v', leaf: { shape: [BIG], init: 'values', values: new Array(BIG).fill(1) } },
		{ name: 'w', leaf: { shape: [BIG], init: 'randn', seed: 4 } }
	]),
	'too much work: FLOPs': fixtureDoc('matmul-8192.json'),
	'too much work: memory': graph([
		{ name: 'a', leaf: { shape: [8192, 8192], init: 'zeros', requiresGrad: true } },
		{ name: 'b', leaf: { shape: [8192, 8192], init: 'zeros', requiresGrad: true } },
		{ name: 'c', op: 'add', inputs: { input: 'a', other: 'b' } }
	]),
	'a random graph': randomGraph(3, { valid: true })
};

/** Words of ours that may stay in Latin letters in Chinese: names, and the units of work. */
const NAMES = new Set(['PyTorch', 'MSE', 'FLOP', 'kFLOP', 'MFLOP', 'GFLOP', 'TFLOP', 'PFLOP']);
const UNITS = new Set(['B', 'kB', 'MB', 'GB', 'TB']);

/** What a program may quote verbatim: PyTorch's messages (and a document's own problems). */
function verbatimOf(doc: GraphDocument): string[] {
	const quoted = [
		'grad can be implicitly created only for scalar outputs',
		'element 0 of tensors does not require grad and does not have a grad_fn'
	];
	const parsed = validateDocument(doc);
	if (!parsed.ok) {
		const [first] = parsed.problems;
		return [...quoted, first.path === '' ? first.message : `${first.path}: ${first.message}`];
	}
	for (const info of inferShapes(doc).values()) {
		if (info.error != null) quoted.push(`${info.errorKind ?? 'RuntimeError'}: ${info.error}`);
	}
	return quoted;
}

const comments = (code: string) =>
	code.split('\n').filter((line) => line.trimStart().startsWith('#'));

/** A comment line's text, without the `#` and what it quotes verbatim. */
function withoutVerbatim(line: string, doc: GraphDocument): string {
	let text = line.trimStart().slice(1);
	for (const quoted of verbatimOf(doc)) text = text.replaceAll(quoted, ' ');
	return text;
}

/**
 * The Latin words in the comments of `code` that are neither code (the graph's names and ops,
 * calls, a torch function) nor quoted verbatim nor one of NAMES.
 */
function englishInComments(code: string, doc: GraphDocument): string[] {
	const codeWords = new Set([
		...(Array.isArray(doc.nodes) ? doc.nodes.map((node) => node.name) : []),
		...OP_LIST.flatMap((op) => [op.id, ...op.inputs]),
		...['torch', 'backward', 'sum', 'model', 'rand', 'randn', 'tensor']
	]);
	const words: string[] = [];
	for (const line of comments(code)) {
		const text = withoutVerbatim(line, doc)
			// Calls are code: torch.randn(3, 4), backward(), y.sum(), model(x), MSE(pred, y).
			.replace(/[\w.]+\([^)]*\)/g, ' ');
		for (const [word] of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
			if (!codeWords.has(word) && !NAMES.has(word) && !UNITS.has(word)) words.push(word);
		}
	}
	return words;
}

describe('the comments of the program in Chinese', () => {
	it.each(Object.entries(GRAPHS))('%s: no English words of ours', (_name, doc) => {
		const en = generateCode(doc);
		const zh = generateCode(doc, { locale: 'zh' });
		expect(comments(en).length).toBeGreaterThan(0);
		expect(englishInComments(zh, doc)).toEqual([]);
		// Each line is Chinese, but a line that only quotes PyTorch.
		for (const line of comments(zh)) {
			if (withoutVerbatim(line, doc).trim() !== '') expect(line).toMatch(/[\u4e00-\u9fff]/);
		}
		// Not one English comment line is left in the Chinese program (but PyTorch's own).
		for (const line of comments(en)) {
			if (withoutVerbatim(line, doc).trim() !== '') expect(zh.split('\n')).not.toContain(line);
		}
		// The code itself is the same program.
		const code = (text: string) => text.split('\n').filter((l) => !l.trimStart().startsWith('#'));
		expect(code(zh)).toEqual(code(en));
	});

	it("the English program is the default: generateCode(doc) is generateCode(doc, { locale: 'en' })", () => {
		for (const doc of Object.values(GRAPHS)) {
			expect(generateCode(doc, { locale: 'en' })).toBe(generateCode(doc));
		}
	});

	it('the same plan in both languages: what it prints, its output and variables', () => {
		for (const doc of Object.values(GRAPHS)) {
			const { code: enCode, ...en } = generateProgram(doc);
			const { code: zhCode, ...zh } = generateProgram(doc, { locale: 'zh' });
			expect(zhCode).not.toBe(enCode);
			expect(zh).toEqual(en);
		}
	});

	it('the English wording of the work refusal is unchanged (the names, ops and shapes)', () => {
		expect(generateCode(GRAPHS['too much work: memory'])).toContain(
			'# Too much for the canvas to run (PyTorch may run it):\n' +
				'# a: a [8192, 8192] tensor needs about 537 MB with backward (the graph 1.6 GB);\n' +
				'# the limit is 1 GB.\n'
		);
		const zh = generateCode(GRAPHS['too much work: FLOPs'], { locale: 'zh' });
		expect(zh).toContain('[8192, 8192]');
		expect(zh).toContain('3.3 TFLOP');
		expect(zh).toContain('200 GFLOP');
	});
});

describe('the catalog words every comment of the generator', () => {
	const keys = (Object.keys(MESSAGES.en) as MessageKey[]).filter((key) =>
		key.startsWith('code.comment.')
	);

	it('has them', () => {
		expect(keys.length).toBeGreaterThan(15);
	});

	it.each(keys)('%s: Chinese, with only code and names in Latin letters', (key) => {
		const en = MESSAGES.en[key];
		const zh = MESSAGES.zh[key];
		expect(zh).not.toBe(en);
		// Code (a call, an identifier with a dot) stays code, the same in both languages.
		const calls = (text: string) =>
			[...text.matchAll(/[\w.{}]+\([^)]*\)/g)].map((m) => m[0]).sort();
		expect(calls(zh)).toEqual(calls(en));
		const prose = zh.replace(/[\w.{}]+\([^)]*\)/g, ' ').replace(/\{\w+\}/g, ' ');
		for (const word of prose.match(/[A-Za-z_][A-Za-z_0-9]*/g) ?? [])
			expect(NAMES, `${key}: ${word}`).toContain(word);
	});
});

describe('the comment above a rand / randn literal, in every language', () => {
	it.each(LOCALES)('%s: the importer reads it back', (locale) => {
		for (const [init, shape, seed] of [
			['randn', [3, 4], 1],
			['rand', [], 0],
			['rand', [7], 123456]
		] as const) {
			const comment = drawnComment(init, shape, seed, locale);
			expect(parseDrawnComment(comment)).toEqual({ init, shape, seed });
		}
	});

	it('in Chinese', () => {
		const comment = drawnComment('randn', [3, 4], 1, 'zh');
		expect(comment).toMatch(/^# torch\.randn\(3, 4\) .*1/);
		expect(comment).toMatch(/[\u4e00-\u9fff]/);
		expect(comment).not.toMatch(/drawn by the canvas/);
	});

	it('a Chinese program gives the same graph as the English one, whichever UI imports it', () => {
		for (const doc of Object.values(GRAPHS)) {
			const en = importCode(generateCode(doc));
			const zh = importCode(generateCode(doc, { locale: 'zh' }));
			expect(zh.problems).toEqual(en.problems);
			if (en.doc === null) expect(zh.doc).toBeNull();
			else expect(describeGraph(zh.doc!)).toEqual(describeGraph(en.doc));
			expect(zh.output).toEqual(en.output);
		}
	});

	it('the examples keep their seeds through the Chinese program', () => {
		const basics = EXAMPLES.find((example) => example.id === 'autograd-basics')!.doc;
		const code = generateCode(basics, { locale: 'zh' });
		expect(code).toContain('# torch.randn(3, 4) ');
		expect(describeGraph(importCode(code).doc!).slice(0, 2)).toEqual([
			'x = randn[3, 4] seed 1 grad',
			'b = randn[3, 4] seed 2 grad'
		]);
	});
});
