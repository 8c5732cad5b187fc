/**
 * Issue 14, part 1: "Check gradient" after Backward, by keyboard, in real Chromium. The dialog's
 * rows agree (✓, in words) with numbers equal to the .grad the nodes show, it fits the window at
 * 1280x800 and 1920x1080, and axe finds nothing serious or critical in either theme.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { graphNode, loadExample, openEditor } from './editor-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const gradTensor = async (page: Page, name: string) =>
	JSON.parse(
		(await graphNode(page, name).locator('[data-role="grad"]').getAttribute('data-tensor')) ??
			'null'
	);

async function backwardOnLinearRegression(page: Page, theme: 'light' | 'dark') {
	await page.addInitScript(
		(choice) => localStorage.setItem('autograd-canvas.theme', choice),
		theme
	);
	const errors = await openEditor(page);
	await loadExample(page, /Linear regression/);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await expect(graphNode(page, 'weight').locator('[data-role="grad"]')).toHaveAttribute(
		'data-tensor',
		/\d/
	);
	await expect(graphNode(page, 'bias').locator('[data-role="grad"]')).toHaveAttribute(
		'data-tensor',
		/\d/
	);
	return errors;
}

/** Select `loss`, Tab from its last control onto Check gradient, Enter. */
async function checkLossByKeyboard(page: Page) {
	await graphNode(page, 'loss').click();
	const inspector = page.getByRole('region', { name: 'Inspector' });
	await inspector.getByRole('checkbox', { name: 'retain_grad()' }).focus();
	await page.keyboard.press('Tab');
	const check = inspector.getByRole('button', { name: 'Check gradient' });
	await expect(check).toBeFocused();
	await page.keyboard.press('Enter');
	const dialog = page.getByRole('dialog', { name: 'Check gradient: loss' });
	await expect(dialog).toBeVisible();
	return { dialog, check };
}

async function expectInViewport(page: Page, dialog: ReturnType<Page['getByRole']>) {
	const box = (await dialog.boundingBox())!;
	const viewport = page.viewportSize()!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.y).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
	expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
}

async function expectNoSeriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).include('dialog').analyze();
	const serious = results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(serious).toEqual([]);
}

for (const [width, height, theme] of [
	[1280, 800, 'light'],
	[1920, 1080, 'dark']
] as const) {
	test(`linear regression at ${width}x${height}, ${theme}: ✓ rows match the shown .grad`, async ({
		page
	}) => {
		await page.setViewportSize({ width, height });
		const errors = await backwardOnLinearRegression(page, theme);
		const { dialog, check } = await checkLossByKeyboard(page);

		await expect(dialog.getByText('All 2 checked elements agree.')).toBeVisible();
		for (const [leaf, grad] of [
			['weight', ((await gradTensor(page, 'weight')) as number[][])[0][0]],
			['bias', ((await gradTensor(page, 'bias')) as number[])[0]]
		] as const) {
			const row = dialog.locator(`tr[data-leaf="${leaf}"]`);
			await expect(row).toHaveCount(1);
			await expect(row.getByRole('cell').last()).toHaveText('✓ agrees');
			const cells = row.locator('td[data-value]');
			const [shown, analytic, numerical] = await Promise.all(
				[0, 1, 2].map(async (i) => Number(await cells.nth(i).getAttribute('data-value')))
			);
			// The shown column is the node's .grad; analytic (float64) and numerical agree with it.
			expect(shown).toBe(grad);
			expect(Math.abs(analytic - grad)).toBeLessThan(1e-4 * Math.max(1, Math.abs(grad)));
			expect(Math.abs(numerical - analytic)).toBeLessThan(1e-5 + 1e-3 * Math.abs(numerical));
			await expect(row.getByRole('rowheader')).toHaveText(
				leaf === 'weight' ? 'weight[0, 0]' : 'bias[0]'
			);
		}
		await expect(dialog.getByText('checked 1 of 1 elements')).toHaveCount(2);
		await expectInViewport(page, dialog);
		await expectNoSeriousViolations(page);

		// Escape closes it; focus goes back to the button.
		await page.keyboard.press('Escape');
		await expect(dialog).toBeHidden();
		await expect(check).toBeFocused();
		expect(errors).toEqual([]);
	});
}

test('before Backward the button is off and says why; two passes are said plainly', async ({
	page
}) => {
	const errors = await openEditor(page);
	await loadExample(page, /Autograd basics/);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await graphNode(page, 'y').click();
	const inspector = page.getByRole('region', { name: 'Inspector' });
	const check = inspector.getByRole('button', { name: 'Check gradient' });
	await expect(check).toBeDisabled();
	await expect(check).toHaveAccessibleDescription(/Run Backward first/);

	await page.getByRole('checkbox', { name: 'Retain graph' }).check();
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await button(page, 'Backward').click();
	await expect(graphNode(page, 'x').locator('[data-badge="accumulations"]')).toContainText('2');
	await expect(check).toBeEnabled();
	await check.focus();
	await page.keyboard.press('Enter');
	const dialog = page.getByRole('dialog', { name: 'Check gradient: y' });
	await expect(dialog.getByText('All 24 checked elements agree.')).toBeVisible();
	await expect(dialog.getByText(/holds 2 Backward passes/)).toHaveCount(2);
	// x.grad = 2 (two passes of ones), against 2 × the numerical 1.
	const rows = dialog.locator('tr[data-leaf="x"]');
	await expect(rows).toHaveCount(12);
	for (const value of await rows
		.locator('td[data-value]')
		.evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-value'))))) {
		expect([1, 2]).toContain(Math.round(value * 1e6) / 1e6);
	}
	await expect(rows.getByText('✓ agrees')).toHaveCount(12);
	await expectInViewport(page, dialog);
	await button(page, 'Close').click();
	await expect(dialog).toBeHidden();
	expect(errors).toEqual([]);
});
