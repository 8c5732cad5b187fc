import { expect, test, type Page } from '@playwright/test';
import { openEditor } from './editor-helpers';

/** The Noto Sans SC slices the page has requested so far. */
function fontRequests(page: Page): string[] {
	const urls: string[] = [];
	page.on('request', (request) => {
		if (/noto-sans-sc.*\.woff2$/.test(request.url())) urls.push(request.url());
	});
	return urls;
}

const hasFontFace = (page: Page) =>
	page.evaluate(() => [...document.fonts].some((face) => face.family.includes('Noto Sans SC')));

test.describe('the shipped CJK font', () => {
	test('is not loaded for the English UI', async ({ page }) => {
		const requests = fontRequests(page);
		await openEditor(page);
		await expect(page.getByRole('button', { name: 'File', exact: true })).toBeVisible();
		await page.evaluate(() => document.fonts.ready);
		expect(await hasFontFace(page)).toBe(false);
		expect(requests).toEqual([]);
	});

	test('is loaded for the Chinese UI and renders its text', async ({ page }) => {
		const requests = fontRequests(page);
		await openEditor(page);
		await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('zh');
		await expect(page.getByRole('button', { name: '文件' })).toBeVisible();
		await expect.poll(() => hasFontFace(page)).toBe(true);
		// The characters on screen pull in the slices that hold them, and they load.
		await expect.poll(() => requests.length).toBeGreaterThan(0);
		await expect
			.poll(() =>
				page.evaluate(async () => {
					await document.fonts.ready;
					return document.fonts.check('16px "Noto Sans SC"', '文件');
				})
			)
			.toBe(true);

		// What Chromium drew the palette's heading with: the shipped font, not a fallback's boxes.
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('DOM.enable');
		await cdp.send('CSS.enable');
		const { root } = await cdp.send('DOM.getDocument');
		const { nodeId } = await cdp.send('DOM.querySelector', {
			nodeId: root.nodeId,
			selector: '#palette-title'
		});
		const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
		expect(fonts.map((font) => font.familyName)).toEqual([expect.stringMatching(/^Noto Sans SC/)]);

		// The choice is remembered, so the next visit loads the font from the start.
		await page.reload();
		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		await expect.poll(() => hasFontFace(page)).toBe(true);
	});
});
