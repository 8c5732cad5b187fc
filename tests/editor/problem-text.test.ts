/**
 * A document's problems in the UI's language: every problem code has its message in English and
 * in Chinese, the English one is the problem's own message word for word (so the Problems dialog
 * in English reads as before), and the Chinese one keeps the paths, values and PyTorch's words.
 */
import { describe, expect, it } from 'vitest';
import {
	DOCUMENT_PROBLEM_CODES,
	MAX_FILE_BYTES,
	parseDocument,
	SHARE_PROBLEM_CODES,
	validateDocument,
	VALUE_KINDS,
	type GraphDocument,
	type Problem
} from '$lib/graph';
import { MESSAGES, translate, type Locale, type MessageKey } from '$lib/i18n/messages';
import { problemParts, problemText } from '$lib/editor/problem-text';
import { doc, example, leaf, opNode } from '../graph/helpers';

const t = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) =>
	translate(locale, key, params);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the catalog words every problem', () => {
	const keys: string[] = [
		...DOCUMENT_PROBLEM_CODES.map((code) => `problem.${code}`),
		...VALUE_KINDS.map((kind) => `problem.kind.${kind}`),
		...SHARE_PROBLEM_CODES.map((code) => `problems.share.${code}`)
	];

	it.each(keys)('%s in English and in Chinese, with the same values', (key) => {
		expect(Object.hasOwn(MESSAGES.en, key)).toBe(true);
		expect(Object.hasOwn(MESSAGES.zh, key)).toBe(true);
		const en = MESSAGES.en[key as MessageKey];
		const zh = MESSAGES.zh[key as MessageKey];
		expect(zh).not.toBe(en);
		expect(placeholders(zh)).toEqual(placeholders(en));
	});
});

/** A leaf with these attrs (shape [2] of zeros unless they say otherwise). */
const tensor = (id: string, attrs: Record<string, unknown>) =>
	({
		id,
		op: 'tensor',
		name: id,
		position: { x: 0, y: 0 },
		attrs: { shape: [2], init: 'zeros', requiresGrad: false, ...attrs }
	}) as GraphDocument['nodes'][number];

const bad = (value: unknown): Problem[] => {
	const parsed = validateDocument(value);
	expect(parsed.ok).toBe(false);
	return parsed.ok ? [] : parsed.problems;
};
const badBytes = (input: string | Uint8Array): Problem[] => {
	const parsed = parseDocument(input);
	expect(parsed.ok).toBe(false);
	return parsed.ok ? [] : parsed.problems;
};

/** Documents with every problem that a document can have (that can be made from outside). */
function everyProblem(): Problem[] {
	const problems: Problem[] = [];
	const add = (list: Problem[]) => problems.push(...list);
	add(badBytes(new Uint8Array(MAX_FILE_BYTES + 1)));
	add(badBytes(new Uint8Array([0x7b, 0xff])));
	add(badBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]))); // torch.save's zip
	add(badBytes(42 as unknown as string));
	add(badBytes('{"format": '));
	add(badBytes('{\n  "format": "autograd-canvas.graph",\n  "version": 1 "nodes"'));
	add(badBytes('{"format": x}'));
	add(
		bad({
			get format(): string {
				throw new Error('a getter that throws');
			}
		})
	);
	add(bad([]));
	add(bad({ format: 'something else' }));
	add(bad({ format: 'autograd-canvas.graph', version: 2 }));
	add(bad({ format: 'autograd-canvas.graph', version: '1' }));
	add(bad({ ...doc([]), nodes: new Array(2001).fill(null) }));
	add(bad({ ...doc([]), edges: new Array(6001).fill(null) }));
	add(bad({ ...doc([]), nodes: new Array(150).fill(null) }));
	// The schema: zod's own checks.
	const structure = doc([leaf('n1', 'x', [2])]) as unknown as {
		nodes: Record<string, unknown>[];
		extra?: number;
	};
	structure.extra = 1;
	structure.nodes.push(
		{ id: 'n2', op: 'tensor', position: { x: 0, y: 0 } },
		{ id: '', op: 5, name: null, position: { x: 1e9, y: true } },
		{ id: 'n4', op: 'add', name: [], position: {}, attrs: [] }
	);
	add(bad(structure));
	// Nodes and their attributes.
	add(
		bad(
			doc([
				{ id: 'n1', op: 'tensor', name: 'x', position: { x: 0, y: 0 } },
				opNode('n2', 'nope', 'y'),
				opNode('n3', 'abs_backward', 'z'),
				tensor('n4', { shape: [-1] }),
				tensor('n5', { shape: [1, 1, 1, 1, 1, 1, 1, 1, 1] }),
				tensor('n6', { shape: [100000, 100000] }),
				tensor('n7', { shape: [1000, 1000], init: 'values' }),
				tensor('n8', { init: 'values' }),
				tensor('n9', { init: 'values', values: [1, 2, 3] }),
				tensor('n10', { values: [1, 2] }),
				tensor('n11', { init: 'values', values: [1, 'a'] }),
				tensor('n12', { init: 'rand', seed: -1 }),
				tensor('n13', { init: 'full', fill: 'a' }),
				tensor('n14', { init: 'sometimes', requiresGrad: 'yes' }),
				opNode('n15', 'log_softmax', 'ls', { dim: 0.5 }),
				opNode('n16', 'sum', 's', { dim: 'a' }),
				opNode('n17', 'reshape', 'r', { shape: 'a' }),
				opNode('n18', 'mse_loss', 'l1', { reduction: 'avg' }),
				opNode('n19', 'mse_loss', 'l2', { reduction: 5 }),
				opNode('n20', 'log_softmax', 'ls2')
			])
		)
	);
	// Ids and edges.
	const graph = example('chain-rule');
	graph.nodes[2].id = 'n1';
	graph.edges[1].id = 'e1';
	graph.edges.push(
		{ id: 'e7', source: 'ghost', target: 'n1', targetInput: 'input' },
		{ id: 'e8', source: 'n1', target: 'nowhere', targetInput: 'input' },
		{ id: 'e9', source: 'n4', target: 'n5', targetInput: 'weight' },
		{ id: 'e10', source: 'n4', target: 'n5', targetInput: 'input' }
	);
	add(bad(graph));
	const cyclic = doc(
		[opNode('a', 'add', 'a'), opNode('b', 'add', 'b'), opNode('c', 'neg', 'c')],
		[
			['a', 'b', 'input'],
			['b', 'a', 'input'],
			['c', 'c', 'input']
		]
	);
	add(bad(cyclic));
	return problems;
}

describe('every problem is worded from its code', () => {
	const problems = everyProblem();

	it('in English, exactly as its message (its large numbers grouped: 67,108,864)', () => {
		const grouped = (message: string) =>
			message.replace(/\d{5,}/g, (digits) => Number(digits).toLocaleString('en-US'));
		for (const problem of problems) {
			expect(problem.code, problem.message).toBeDefined();
			expect(problemText(problem, t('en'))).toBe(grouped(problem.message));
		}
	});

	it('covers every code but those no document from outside can reach', () => {
		const seen = new Set(problems.map((problem) => problem.code));
		// readFailed: parseDocument itself failing; expectedValue: format and version are checked
		// before the schema; invalidValue: a zod check of a kind the schema does not use;
		// tooBigToSave: a graph that grows past the limit when saved (tests/graph/document).
		const unreached = ['readFailed', 'tooBigToSave', 'expectedValue', 'invalidValue'];
		expect(DOCUMENT_PROBLEM_CODES.filter((code) => !seen.has(code))).toEqual(unreached);
	});

	it('in Chinese, with no English sentence left (paths and quoted values aside)', () => {
		for (const problem of problems) {
			const zh = problemText(problem, t('zh'));
			expect(zh, problem.message).not.toBe(problem.message);
			const words = problemParts(problem, t('zh'))
				.filter((part) => !part.verbatim)
				.map((part) => part.text)
				.join(' ');
			expect(words, zh).not.toMatch(/\b(required|expected|unknown|got|must|invalid)\b/);
		}
	});
});

describe('problems in Chinese', () => {
	const zh = t('zh');
	const first = (value: unknown) => bad(value)[0];

	it('a missing field, an unknown one, a wrong type', () => {
		const d = doc([leaf('n1', 'x', [2])]) as unknown as { nodes: Record<string, unknown>[] };
		delete d.nodes[0].name;
		d.nodes[0].color = 'red';
		d.nodes[0].id = null;
		expect(bad(d).map((p) => `${p.path}: ${problemText(p, zh)}`)).toEqual([
			'nodes[0].id: 应为字符串，实际是空值 null',
			'nodes[0].name: 缺少此项',
			'nodes[0].color: 未知字段'
		]);
		const attrs = first(doc([tensor('n1', { requiresGrad: 'yes' })]));
		expect(`${attrs.path}: ${problemText(attrs, zh)}`).toBe(
			'nodes[0].attrs.requiresGrad: 应为布尔值（true 或 false），实际是字符串'
		);
	});

	it('the number of values a shape needs', () => {
		const problem = first(doc([tensor('n1', { shape: [2, 3], init: 'values', values: [1] })]));
		expect(problem.path).toBe('nodes[0].attrs.values');
		expect(problemText(problem, zh)).toBe('形状 [2, 3] 需要 6 个数值，实际为 1 个');
	});

	it("PyTorch's message for a bad reduction stays as written, inside a Chinese sentence", () => {
		const problem = first(doc([opNode('n1', 'mse_loss', 'loss', { reduction: 'avg' })]));
		expect(problemText(problem, zh)).toBe(
			'reduction 的取值无效：avg is not a valid value for reduction'
		);
		expect(problemParts(problem, zh)).toEqual([
			{ text: 'reduction 的取值无效：' },
			{ text: 'avg is not a valid value for reduction', verbatim: true }
		]);
		// In English the message is PyTorch's alone.
		expect(problemParts(problem, t('en'))).toEqual([
			{ text: 'avg is not a valid value for reduction', verbatim: true }
		]);
	});

	it('a cycle, and how many more problems there were', () => {
		const cyclic = doc(
			[opNode('a', 'neg', 'a'), opNode('b', 'neg', 'b')],
			[
				['a', 'b', 'input'],
				['b', 'a', 'input']
			]
		);
		expect(problemText(first(cyclic), zh)).toBe('形成了环：a → b → a');
		const many = bad({ ...doc([]), nodes: new Array(101).fill(null) });
		expect(problemText(many[100], zh)).toBe('还有 1 个问题');
		expect(problemText(many[100], t('en'))).toBe('and 1 more problem');
	});
});
