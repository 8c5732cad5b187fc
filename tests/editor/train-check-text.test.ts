/**
 * The Train panel words the training modules' refusals from the catalog: in English exactly as
 * the modules say them, in Chinese without their English sentence.
 */
import { describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey, type MessageParams } from '$lib/i18n';
import { parseCsv, csvSizeProblem, MAX_CSV_BYTES, MAX_ROWS } from '$lib/training/csv';
import { validateFormula, validateSettings } from '$lib/training/settings';
import {
	checkText,
	csvFailureMessage,
	KNOWN_CHECKS,
	modelProblemMessage,
	noticeMessage,
	trainingMessage
} from '$lib/editor/TrainPanel/check-text';
import { exampleDocument, isLeaf, type GraphDocument } from '$lib/graph';
import { bindModel, type ModelProblem } from '$lib/training/model';
import {
	divergedMessage,
	noticeText,
	stoppedMessage,
	trainerLoadFailedMessage,
	workerFailedMessage,
	type TrainNotice
} from '$lib/training/protocol';

const t = (locale: Locale) => (key: MessageKey, params?: MessageParams) =>
	translate(locale, key, params);

const BAD_CSV = [
	'x,y\n0,1\n1,abc',
	'x,y\n0,1\nNaN,3',
	'0,1\n1,-Infinity',
	'0,1e400',
	'0,1\n\n2,5',
	'x,y\n0,1\n5\n',
	'x,y,z\n0,1',
	'x,y\n',
	'',
	'0,1\n,3',
	['x,y', ...Array.from({ length: MAX_ROWS + 1 }, (_, i) => `${i},${i}`)].join('\n'),
	'0,1\n'.repeat(MAX_CSV_BYTES / 4)
];

describe('CSV refusals', () => {
	it.each(BAD_CSV.map((text) => [text.slice(0, 20), text]))('%j', (_name, text) => {
		const result = parseCsv(text);
		if (result.ok) throw new Error('expected a refusal');
		expect(csvFailureMessage(result, t('en'))).toBe(result.message);
		const zh = csvFailureMessage(result, t('zh'));
		expect(zh).not.toBe(result.message);
		expect(zh).toMatch(/[\u4e00-\u9fff]/);
	});

	it('a file too big, refused by its size', () => {
		const problem = csvSizeProblem(14 * 1024 * 1024)!;
		expect(csvFailureMessage({ line: 0, problem }, t('en'))).toBe(
			'the CSV is 14.0 MB; the limit is under 2 MB (and 100,000 rows)'
		);
		expect(csvFailureMessage({ line: 0, problem }, t('zh'))).toBe(
			'CSV 大小为 14.0 MB；上限为小于 2 MB（且不超过 100,000 行）'
		);
	});
});

describe('settings and formula refusals', () => {
	const settings = [
		{ lr: 'abc', momentum: 'x', epochs: '0', logEvery: '0.5' },
		{ lr: '1e999', momentum: '1', epochs: '2000000', logEvery: '-1' },
		{ lr: '-1', momentum: '0', epochs: '1', logEvery: '1' }
	];
	const formulas = [{ slope: 'a', intercept: 'Infinity', noise: '-1', seed: '-1' }];
	const refusals = [
		...settings.flatMap((raw) => {
			const check = validateSettings(raw);
			return check.ok ? [] : Object.values(check.errors);
		}),
		...formulas.flatMap((raw) => {
			const check = validateFormula(raw);
			return check.ok ? [] : Object.values(check.errors);
		})
	];

	it('every refusal is one the panel words, the same in English and in Chinese words', () => {
		expect(new Set(refusals)).toEqual(new Set(KNOWN_CHECKS));
		for (const message of refusals) {
			expect(checkText(message, t('en'))).toBe(message);
			expect(checkText(message, t('zh'))).toMatch(/[\u4e00-\u9fff]/);
		}
	});

	it('no refusal: nothing to show', () => {
		expect(checkText(undefined, t('zh'))).toBeUndefined();
	});
});

describe('training messages', () => {
	it('the divergence, worded in each language with its epoch', () => {
		const message = divergedMessage(17);
		expect(trainingMessage(message, t('en'))).toBe(message);
		expect(trainingMessage(message, t('zh'))).toBe('损失在第 17 轮发散了；请试试更小的学习率');
	});

	it('any other message (an engine or PyTorch error) stays as it is', () => {
		const message = 'mat1 and mat2 shapes cannot be multiplied (11x1 and 2x1)';
		expect(trainingMessage(message, t('zh'))).toBe(message);
	});
});

describe('why a graph cannot be trained', () => {
	const linear = exampleDocument('linear-regression')!;
	const edit = (change: (doc: GraphDocument) => GraphDocument) => change(structuredClone(linear));
	const withNodes = (doc: GraphDocument, nodes: GraphDocument['nodes']) => ({ ...doc, nodes });
	const lossId = linear.nodes.find((n) => n.op === 'mse_loss')!.id;
	/** Documents that bindModel refuses, one for each code that a document can reach. */
	const refused: GraphDocument[] = [
		edit((doc) =>
			withNodes(
				doc,
				doc.nodes.filter((n) => n.op !== 'mse_loss')
			)
		),
		edit((doc) => ({ ...doc, edges: doc.edges.filter((e) => e.target !== lossId) })),
		edit((doc) =>
			withNodes(
				doc,
				doc.nodes.map((n) => (n.op === 'mse_loss' ? { ...n, attrs: { reduction: 'none' } } : n))
			)
		),
		edit((doc) =>
			withNodes(
				doc,
				doc.nodes.map((n) => (isLeaf(n) ? { ...n, attrs: { ...n.attrs, requiresGrad: true } } : n))
			)
		),
		edit((doc) =>
			withNodes(
				doc,
				doc.nodes.map((n) =>
					isLeaf(n) && n.attrs.requiresGrad
						? { ...n, attrs: { ...n.attrs, requiresGrad: false } }
						: n
				)
			)
		),
		edit((doc) =>
			withNodes(
				doc,
				doc.nodes.map((n) =>
					isLeaf(n) && !n.attrs.requiresGrad && n.name !== 'y'
						? { ...n, attrs: { ...n.attrs, shape: [11, 2] } }
						: n
				)
			)
		)
	];

	it('each refusal reads in English as the training modules say it, and in Chinese', () => {
		const codes = new Set<string>();
		for (const doc of refused) {
			const bound = bindModel(doc);
			if (bound.ok) throw new Error(`expected a refusal for ${JSON.stringify(doc.nodes)}`);
			codes.add(bound.problem.code);
			expect(modelProblemMessage(bound.problem, t('en'))).toBe(bound.message);
			const zh = modelProblemMessage(bound.problem, t('zh'));
			expect(zh).toMatch(/[\u4e00-\u9fff]/);
			expect(zh).not.toMatch(/\b(the|must|leaf|model|wired|shape|train)\b/);
		}
		expect(codes.size).toBeGreaterThanOrEqual(5);
	});

	it('every code, worded from its parameters', () => {
		const problems: ModelProblem[] = [
			{ code: 'noLoss' },
			{ code: 'unknownLoss', id: 'n9' },
			{ code: 'lossNotScalar', loss: 'loss' },
			{ code: 'lossUnwired', loss: 'loss' },
			{ code: 'targetNotData', target: 'y' },
			{ code: 'noInput' },
			{ code: 'manyInputs', names: "'x', 'b'" },
			{ code: 'inputShape', name: 'x', shape: '[11, 2]' },
			{ code: 'targetShape', name: 'y', shape: '[3, 3]' },
			{ code: 'noParameters' }
		];
		const zh = problems.map((problem) => modelProblemMessage(problem, t('zh')));
		expect(new Set(zh).size).toBe(problems.length);
		expect(zh[7]).toContain('[11, 2]');
		expect(zh[6]).toContain("'x', 'b'");
	});
});

describe('worker notices and failures', () => {
	const notices: TrainNotice[] = [
		{ code: 'gpuUnavailable', reason: 'no adapter' },
		{ code: 'gpuFailed', reason: 'device lost', epoch: 12 },
		{ code: 'predictionsFailed', reason: 'out of memory' }
	];

	it.each(notices.map((notice) => [notice.code, notice]))('%s', (_code, notice) => {
		expect(noticeMessage(notice, t('en'))).toBe(noticeText(notice));
		const zh = noticeMessage(notice, t('zh'));
		expect(zh).toMatch(/[\u4e00-\u9fff]/);
		expect(zh).toContain(notice.reason);
		expect(zh).not.toContain('training');
	});

	it('a stopped run, a failed worker and a trainer not loaded keep the reason, in PyTorch words', () => {
		const reason = 'mat1 and mat2 shapes cannot be multiplied (11x1 and 2x1)';
		const messages = [stoppedMessage, workerFailedMessage, trainerLoadFailedMessage];
		for (const message of messages.map((sentence) => sentence(reason))) {
			expect(trainingMessage(message, t('en'))).toBe(message);
			const zh = trainingMessage(message, t('zh'));
			expect(zh).toMatch(/[\u4e00-\u9fff]/);
			expect(zh.endsWith(reason)).toBe(true);
		}
		// A reason with regex characters and line breaks still matches.
		const odd = 'a (b) [c]\n$d';
		expect(trainingMessage(stoppedMessage(odd), t('zh')).endsWith(odd)).toBe(true);
	});
});
