/**
 * The QA audit's messages, in English and 简体中文: what the Inspector refuses (a shape with a
 * negative size, a name that is no Python identifier, Init "values" on a tensor too big to list)
 * and a file that Load model cannot read are said in the UI's language, and change nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { EXAMPLES } from '../src/lib/graph/examples';
import { translate, type Locale, type MessageKey } from '../src/lib/i18n/messages';
import { graphNode } from './editor-helpers';

async function open(page: Page, locale: Locale) {
	await page.addInitScript((l) => localStorage.setItem('autograd-canvas.locale', l), locale);
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto('/');
	return errors;
}

async function loadExample(page: Page, locale: Locale, id: (typeof EXAMPLES)[number]['id']) {
	const t = (key: MessageKey) => translate(locale, key);
	await page.getByRole('button', { name: t('toolbar.examples'), exact: true }).click();
	const title = EXAMPLES.find((example) => example.id === id)!.title[locale];
	await page.getByRole('menuitem', { name: title }).click();
}

for (const locale of ['en', 'zh'] as const) {
	const t = (key: MessageKey, params?: Record<string, string | number>) =>
		translate(locale, key, params);

	/** The chain-rule example with its leaf x selected: the page's errors and the Inspector. */
	async function inspectX(page: Page) {
		const errors = await open(page, locale);
		await loadExample(page, locale, 'chain-rule');
		await graphNode(page, 'x').click();
		return { errors, inspector: page.getByRole('region', { name: t('inspector.title') }) };
	}

	test.describe(`refusals in ${locale}`, () => {
		test('the Inspector refuses a bad shape and a bad name in the UI language', async ({
			page
		}) => {
			const { errors, inspector } = await inspectX(page);

			const shape = inspector.getByRole('textbox', { name: t('inspector.shape') });
			await shape.fill('3, -4');
			await shape.press('Enter');
			await expect(inspector.getByRole('alert')).toHaveText(
				t('refusal.shapeNotPositive', { field: 'shape' })
			);
			await shape.press('Escape');

			const name = inspector.getByRole('textbox', { name: t('inspector.name') });
			await name.fill('2x');
			await name.press('Enter');
			await expect(inspector.getByRole('alert')).toHaveText(t('refusal.nameNotIdentifier'));
			await name.press('Escape');
			await expect(graphNode(page, 'x')).toBeVisible();
			expect(errors).toEqual([]);
		});

		test('Init "values" on a 1024x1024 tensor says why and what to do, and changes nothing', async ({
			page
		}) => {
			const { errors, inspector } = await inspectX(page);
			const shape = inspector.getByRole('textbox', { name: t('inspector.shape') });
			await shape.fill('1024, 1024');
			await shape.press('Enter');
			await expect(graphNode(page, 'x')).toContainText('1024');

			const init = inspector.getByRole('combobox', { name: t('inspector.init') });
			const before = await init.inputValue();
			await init.selectOption('values');
			const reason = t('refusal.tooManyValues', { count: '1,048,576', max: '100,000' });
			await expect(page.locator('footer .notice')).toHaveText(t('notice.refused', { reason }));
			// The document did not change: the select shows the init it had, and no values grid.
			await expect(init).toHaveValue(before);
			await expect(inspector.getByRole('group', { name: t('inspector.values') })).toHaveCount(0);
			expect(errors).toEqual([]);
		});

		test('Load model with a file that is no model says so, naming the file', async ({ page }) => {
			const errors = await open(page, locale);
			await loadExample(page, locale, 'linear-regression');
			await expect(graphNode(page, 'weight')).toBeVisible();
			await page.getByRole('button', { name: t('panels.train') }).click();
			const panel = page.getByRole('complementary', { name: t('panels.train') });
			const input = panel.getByLabel(t('trainPanel.loadModelFile'));
			const alert = panel.getByRole('alert');

			await input.setInputFiles({
				name: 'broken.pt',
				mimeType: 'application/octet-stream',
				buffer: Buffer.from('this is not a model\n')
			});
			await expect(alert).toContainText(t('trainPanel.notModelFile', { file: 'broken.pt' }));
			await expect(alert).not.toContainText('runs past the end of the file');

			await input.setInputFiles({
				name: 'wrong.json',
				mimeType: 'application/json',
				buffer: Buffer.from('{"weights": [1, 2]}')
			});
			await expect(alert).toContainText(t('trainPanel.notModelFile', { file: 'wrong.json' }));
			await expect(alert.locator('[data-verbatim]')).toHaveText(
				'format: expected "autograd-canvas.state_dict"'
			);
			expect(errors).toEqual([]);
		});
	});
}
