import { describe, expect, it } from 'vitest';
import { I18n } from '$lib/i18n';

describe('I18n.setLocale', () => {
	it('switches once the language can be shown, and the last choice wins', async () => {
		const i18n = new I18n('en');
		await i18n.ready;
		const toChinese = i18n.setLocale('zh');
		const backToEnglish = i18n.setLocale('en');
		await Promise.all([toChinese, backToEnglish]);
		expect(i18n.locale).toBe('en');
		expect(i18n.t('toolbar.file')).toBe('File');

		await i18n.setLocale('zh');
		expect(i18n.locale).toBe('zh');
		expect(i18n.t('toolbar.file')).toBe('文件');
	});
});
