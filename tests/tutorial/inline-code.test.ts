/** The tutorial's prose: catalog messages whose `backticks` mark code (src/lib/tutorial/inline-code.ts). */
import { describe, expect, it } from 'vitest';
import { LOCALES, MESSAGES, type MessageKey } from '$lib/i18n';
import { inlineCode } from '$lib/tutorial/inline-code';

describe('inlineCode splits a message into prose and code runs', () => {
	it('marks the backticked runs as code, in order', () => {
		expect(inlineCode('`x` and `b` ask for gradients.')).toEqual([
			{ text: 'x', code: true },
			{ text: ' and ', code: false },
			{ text: 'b', code: true },
			{ text: ' ask for gradients.', code: false }
		]);
	});

	it('keeps text without backticks whole, and an unpaired backtick as text', () => {
		expect(inlineCode('all ones')).toEqual([{ text: 'all ones', code: false }]);
		expect(inlineCode('a `b` c `d')).toEqual([
			{ text: 'a ', code: false },
			{ text: 'b', code: true },
			{ text: ' c `d', code: false }
		]);
		expect(inlineCode('')).toEqual([]);
	});

	it('leaves markup as text: runs are never HTML', () => {
		expect(inlineCode('<b>`<i>`</b>')).toEqual([
			{ text: '<b>', code: false },
			{ text: '<i>', code: true },
			{ text: '</b>', code: false }
		]);
	});
});

describe("the tutorial's messages", () => {
	const keys = (Object.keys(MESSAGES.en) as MessageKey[]).filter((key) =>
		key.startsWith('tutorial.')
	);
	const codeRuns = (text: string) =>
		inlineCode(text)
			.filter((run) => run.code)
			.map((run) => run.text);

	it('exist in every language, with paired backticks', () => {
		expect(keys.length).toBeGreaterThan(20);
		for (const locale of LOCALES) {
			for (const key of keys) {
				const message = MESSAGES[locale][key];
				expect(message, `${locale} ${key}`).toBeTruthy();
				expect(message.split('`').length % 2, `${locale} ${key}`).toBe(1);
			}
		}
	});

	it('show the same code in Chinese as in English: code is not translated', () => {
		for (const key of keys) {
			const english = new Set(codeRuns(MESSAGES.en[key]));
			for (const code of codeRuns(MESSAGES.zh[key]))
				expect(english, `${key}: ${code}`).toContain(code);
			for (const code of english) expect(codeRuns(MESSAGES.zh[key]), key).toContain(code);
		}
	});

	it('are Chinese in Chinese: every prose run of a zh message that has words has Chinese in it', () => {
		for (const key of keys) {
			const english = MESSAGES.en[key];
			const chinese = MESSAGES.zh[key];
			// Messages that are names (Python) stay the same in both languages.
			if (chinese === english) continue;
			expect(chinese, key).toMatch(/\p{Script=Han}/u);
		}
	});
});
