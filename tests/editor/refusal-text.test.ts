import { describe, expect, it } from 'vitest';
import { refusalText } from '$lib/editor/refusal-text';
import { translate } from '$lib/i18n';

const en = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
	translate('en', key, params);
const zh = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
	translate('zh', key, params);

describe('refusalText', () => {
	it('groups large numbers by thousands, in both languages', () => {
		const refusal = {
			code: 'tooManyElements',
			reason: 'too big',
			params: { count: 1_099_511_627_776, max: 16_777_216 }
		} as const;
		expect(refusalText(refusal, en)).toBe(
			"a tensor of 1,099,511,627,776 elements exceeds Autograd Canvas's limit of 16,777,216 elements; use a smaller shape"
		);
		expect(refusalText(refusal, zh)).toContain('1,099,511,627,776');
		expect(refusalText(refusal, zh)).toContain('16,777,216');
	});

	it('leaves small numbers and text as they are', () => {
		const refusal = {
			code: 'valuesCount',
			reason: 'count',
			params: { expected: 12, shape: '3, 4', got: 9999 }
		} as const;
		expect(refusalText(refusal, en)).toBe('expected 12 values for shape [3, 4], got 9999');
		expect(refusal.params.got).toBe(9999);
	});
});
