/**
 * Issue #10, sections 1 and 2: nothing of one document's trace shows on another, and stepping
 * starts from nothing. Each test is a repro from the issue, as a user does it.
 */
import { expect, test, type Page } from '@playwright/test';
import { counts, fileMenu, graphNode, loadExample, openEditor } from './editor-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const chainPanel = (page: Page) => page.getByRole('region', { name: 'Chain rule' });
const position = (page: Page) => chainPanel(page).locator('.where');
const values = (page: Page) => page.locator('.svelte-flow__node [data-role="value"]');
const grads = (page: Page) => page.locator('.svelte-flow__node [data-role="grad"]');
const badges = (page: Page) => page.locator('.svelte-flow__node [data-badge]');

async function open(page: Page, example: RegExp) {
	const errors = await openEditor(page);
	await loadExample(page, example);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	return errors;
}

/** Chain rule: Forward, Backward, Backward again (PyTorch's error shows). */
async function chainRuleError(page: Page) {
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await expect(position(page)).toContainText('Step 7 of 7');
	await button(page, 'Backward').click();
	await expect(chainPanel(page).getByRole('alert')).toContainText('backward through the graph');
}

/** Nothing of any trace on the canvas or in the chain-rule panel. */
async function expectClean(page: Page) {
	await expect(values(page)).toHaveCount(0);
	await expect(grads(page)).toHaveCount(0);
	await expect(badges(page)).toHaveCount(0);
	await expect(page.getByTestId('trace-error')).toHaveCount(0);
	await expect(chainPanel(page)).toHaveCount(0);
}

test.describe('nothing stale', () => {
	test('error on the chain rule, then Linear regression: nothing of the chain rule shows', async ({
		page
	}) => {
		const errors = await open(page, /Chain rule/);
		await chainRuleError(page);
		await loadExample(page, /Linear regression/);
		await expect(counts(page, 6, 5)).toBeVisible();
		await expectClean(page);
		await expect(page.getByText(/pass(es)? accumulated/)).toHaveCount(0);
		// Its own Forward shows its own values: x = arange(11), no grad_fn on the label y.
		await button(page, 'Forward').click();
		await expect(graphNode(page, 'x').locator('[data-role="value"]')).toHaveAttribute(
			'data-tensor',
			JSON.stringify(Array.from({ length: 11 }, (_, i) => [i]))
		);
		await expect(graphNode(page, 'y').locator('[data-badge="grad_fn"]')).toHaveCount(0);
		await expect(graphNode(page, 'pred').getByTestId('trace-error')).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('Forward on the chain rule, then Linear regression: no values carried over', async ({
		page
	}) => {
		const errors = await open(page, /Chain rule/);
		await button(page, 'Forward').click();
		await expect(position(page)).toContainText('Step 5 of 5');
		await loadExample(page, /Linear regression/);
		await expect(counts(page, 6, 5)).toBeVisible();
		await expectClean(page);
		expect(errors).toEqual([]);
	});

	test('New after the error keeps neither the trace nor the error box', async ({ page }) => {
		const errors = await open(page, /Chain rule/);
		await chainRuleError(page);
		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();
		await expectClean(page);
		// Undo brings the chain rule back, as a document of its own: still clean.
		await page.keyboard.press('Control+z');
		await expect(counts(page, 5, 4)).toBeVisible();
		await expectClean(page);
		expect(errors).toEqual([]);
	});

	test('the chain rule reopened after the error runs Backward again (retain graph)', async ({
		page
	}) => {
		const errors = await open(page, /Chain rule/);
		await chainRuleError(page);
		await loadExample(page, /Chain rule/);
		await expectClean(page);
		await page.getByRole('checkbox', { name: 'Retain graph' }).check();
		await button(page, 'Backward').click();
		await expect(graphNode(page, 'b').locator('[data-role="grad"]')).toHaveAttribute(
			'data-tensor',
			'[1]'
		);
		await expect(chainPanel(page).getByRole('alert')).toHaveCount(0);
		await button(page, 'Backward').click();
		await expect(graphNode(page, 'b').locator('[data-role="grad"]')).toHaveAttribute(
			'data-tensor',
			'[2]'
		);
		expect(errors).toEqual([]);
	});

	test('a share link opened on a traced graph shows its own graph, clean', async ({ page }) => {
		const errors = await open(page, /Linear regression/);
		await fileMenu(page, 'Share link');
		const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
		await page.keyboard.press('Escape');
		await loadExample(page, /Chain rule/);
		await button(page, 'Forward').click();
		await expect(position(page)).toContainText('Step 5 of 5');
		await page.evaluate((hash) => (window.location.hash = hash), new URL(link).hash);
		await expect(counts(page, 6, 5)).toBeVisible();
		await expectClean(page);
		expect(errors).toEqual([]);
	});

	test('an edit drops what depends on it and keeps the rest', async ({ page }) => {
		const errors = await open(page, /Chain rule/);
		await button(page, 'Forward').click();
		await expect(position(page)).toContainText('Step 5 of 5');
		const dropped = chainPanel(page).getByTestId('chain-dropped');
		await expect(dropped).toHaveCount(0);
		await graphNode(page, 'b').click();
		await page.getByRole('textbox', { name: 'Seed' }).fill('7');
		await page.getByRole('textbox', { name: 'Seed' }).press('Enter');
		// b and z (b + y) drop; x, w and y = w * x still hold.
		await expect(graphNode(page, 'b').locator('[data-role="value"]')).toHaveCount(0);
		await expect(graphNode(page, 'z').locator('[data-role="value"]')).toHaveCount(0);
		await expect(graphNode(page, 'y').locator('[data-role="value"]')).toHaveCount(1);
		await expect(position(page)).toContainText('of 3');
		// The panel says why steps went, and what brings them back.
		await expect(dropped).toContainText('The graph changed after this run');
		await button(page, 'Forward').click();
		await expect(position(page)).toContainText('Step 5 of 5');
		await expect(dropped).toHaveCount(0);
		expect(errors).toEqual([]);
	});
});

test.describe('step through from nothing', () => {
	test('Step forward on a fresh graph walks forward, then backward; Step back to nothing', async ({
		page
	}) => {
		const errors = await open(page, /Chain rule/);
		await expect(button(page, 'Step forward')).toBeEnabled();
		await button(page, 'Step forward').click();
		await expect(position(page)).toContainText('Step 1 of 5');
		await expect(values(page)).toHaveCount(1);
		for (let i = 2; i <= 5; i++) {
			await button(page, 'Step forward').click();
			await expect(position(page)).toContainText(`Step ${i} of 5`);
		}
		// On into backward, from the output z.
		await button(page, 'Step forward').click();
		await expect(position(page)).toContainText('Step 6 of 7');
		await expect(position(page)).toContainText('Backward · z');
		await button(page, 'Step forward').click();
		await expect(position(page)).toContainText('Step 7 of 7');
		await expect(button(page, 'Step forward')).toBeDisabled();
		for (let i = 0; i < 7; i++) await button(page, 'Step back').click();
		// Back to nothing: no value, grad or badge on the canvas (the trace can be replayed).
		await expect(button(page, 'Step back')).toBeDisabled();
		await expect(values(page)).toHaveCount(0);
		await expect(grads(page)).toHaveCount(0);
		await expect(badges(page)).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('the Right arrow steps from nothing too; Play from nothing plays it all', async ({
		page
	}) => {
		const errors = await open(page, /Chain rule/);
		await page.getByRole('heading', { name: 'Autograd Canvas' }).click();
		await page.keyboard.press('ArrowRight');
		await expect(position(page)).toContainText('Step 1 of 5');
		await page.keyboard.press('ArrowRight');
		await expect(position(page)).toContainText('Step 2 of 5');

		await loadExample(page, /Chain rule/);
		await expectClean(page);
		await button(page, 'Play').click();
		await expect(position(page)).toContainText('Step 7 of 7');
		await expect(graphNode(page, 'b').locator('[data-role="grad"]')).toHaveAttribute(
			'data-tensor',
			'[1]'
		);
		expect(errors).toEqual([]);
	});
});
