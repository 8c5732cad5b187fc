import { expect, test, type Page } from '@playwright/test';
import type { Protocol } from 'playwright-core/types/protocol';
import { graphNode, openEditor } from './editor-helpers';

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

/**
 * The fonts Chromium drew the text of the elements matching `selector` with, those inside a
 * field (its text is in the field's shadow tree) too, as `family:glyphs`.
 */
async function drawnWith(page: Page, selector: string): Promise<string[]> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('DOM.enable');
	await cdp.send('CSS.enable');
	const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
	const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
	const wanted = new Set(nodeIds);
	const found: number[] = [];
	const walk = (node: Protocol.DOM.Node, inside: boolean) => {
		const here = inside || wanted.has(node.nodeId);
		if (here && node.nodeType === 1) found.push(node.nodeId);
		for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) walk(child, here);
	};
	walk(root, false);
	const families = new Set<string>();
	for (const nodeId of found) {
		const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
		for (const font of fonts) families.add(font.familyName);
	}
	await cdp.detach();
	return [...families];
}

const CHINESE_CODE = [
	'在这里插入图片描述',
	'',
	'x = torch.ones(2, requires_grad=True)  # 输入数据',
	'损失 = x.sum()',
	''
].join('\n');

test.describe('the shipped CJK font', () => {
	test('is not loaded for the English UI', async ({ page }) => {
		const requests = fontRequests(page);
		await openEditor(page);
		await expect(page.getByRole('button', { name: 'File', exact: true })).toBeVisible();
		await page.evaluate(() => document.fonts.ready);
		expect(await hasFontFace(page)).toBe(false);
		expect(requests).toEqual([]);
	});

	test('is not loaded for English content without Chinese', async ({ page }) => {
		const requests = fontRequests(page);
		await openEditor(page);
		await graphNode(page, 't').click();
		const name = page.getByRole('textbox', { name: 'Name' });
		await name.fill('loss');
		await name.press('Enter');
		await expect(graphNode(page, 'loss')).toBeVisible();
		await page.getByRole('button', { name: 'Code panel' }).click();
		await page.getByRole('button', { name: 'Import code' }).click();
		const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
		await dialog
			.getByRole('textbox', { name: 'Python code' })
			.fill('x = torch.ones(2) # input\ny = x.sum()');
		await dialog.getByRole('button', { name: 'Preview' }).click();
		await expect(dialog.getByText('Builds 2 nodes and 1 wire.')).toBeVisible();
		await page.evaluate(() => document.fonts.ready);
		expect(await hasFontFace(page)).toBe(false);
		expect(requests).toEqual([]);
	});

	test('is asked for in the English UI when the pointer comes to the language switch, for its option 简体中文', async ({
		page
	}) => {
		const requests = fontRequests(page);
		await openEditor(page);
		await page.evaluate(() => document.fonts.ready);
		expect(requests).toEqual([]);
		await page.getByRole('combobox', { name: 'Language' }).hover();
		await expect
			.poll(() =>
				page.evaluate(async () => {
					await document.fonts.ready;
					// A slice of the regular weight has loaded, and it draws the option's text.
					const loaded = [...document.fonts].some(
						(face) => face.family.includes('Noto Sans SC') && face.status === 'loaded'
					);
					return loaded && document.fonts.check('400 16px "Noto Sans SC"', '简体中文');
				})
			)
			.toBe(true);
		expect(requests.length).toBeGreaterThan(0);
		// Still the English UI: only the font came.
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	});

	test('is loaded for Chinese content in the English UI: a node name, imported code', async ({
		page
	}) => {
		const requests = fontRequests(page);
		const errors = await openEditor(page);
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');

		// A node renamed 损失 (a valid name): the Inspector's field as it is typed, then the canvas.
		await graphNode(page, 't').click();
		const name = page.getByRole('textbox', { name: 'Name' });
		await name.fill('损失');
		await expect.poll(() => hasFontFace(page)).toBe(true);
		await expect.poll(() => requests.length).toBeGreaterThan(0);
		await expect
			.poll(() =>
				page.evaluate(async () => {
					await document.fonts.ready;
					return ['400', '700'].every((weight) =>
						document.fonts.check(`${weight} 16px "Noto Sans SC"`, '损失')
					);
				})
			)
			.toBe(true);
		// Typed before the font came, the field's text is drawn again with it (no empty boxes).
		await expect
			.poll(() => drawnWith(page, 'input:focus'))
			.toContainEqual(expect.stringMatching(/^Noto Sans SC/));
		await name.press('Enter');
		await expect(graphNode(page, '损失')).toBeVisible();
		await expect
			.poll(() => drawnWith(page, '[data-node-name="损失"] .name'))
			.toEqual([expect.stringMatching(/^Noto Sans SC/)]);

		// Code with Chinese comments and prose, pasted into Import code: the text, and the problem
		// that quotes it.
		await page.getByRole('button', { name: 'Code panel' }).click();
		await page.getByRole('button', { name: 'Import code' }).click();
		const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
		await dialog.getByRole('textbox', { name: 'Python code' }).fill(CHINESE_CODE);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		const problem = dialog
			.getByRole('listitem')
			.filter({ hasText: "name '在这里插入图片描述' is not defined" })
			.first();
		await expect(problem).toBeVisible();
		await expect
			.poll(() => drawnWith(page, 'dialog textarea'))
			.toContainEqual(expect.stringMatching(/^Noto Sans SC/));
		await expect
			.poll(() =>
				page.evaluate(() =>
					document.fonts.check('16px "Noto Sans SC"', '在这里插入图片描述输入数据')
				)
			)
			.toBe(true);
		const quoted = await drawnWith(page, 'dialog li');
		expect(quoted).toContainEqual(expect.stringMatching(/^Noto Sans SC/));
		expect(errors).toEqual([]);
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
