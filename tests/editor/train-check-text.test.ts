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
	trainingMessage
} from '$lib/editor/TrainPanel/check-text';
import { divergedMessage } from '$lib/training/trainer';

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
