/**
 * Issue 10, section 6 (any allowed size): files whose tensors are at the engine's size limit
 * (8192 x 8192 = 2^26 elements) open, and the Code panel writes their program without freezing:
 * random leaves that big are written as `torch.randn(...)` calls, never as their 67 million
 * values.
 */
import { expect, test } from '@playwright/test';
import { counts, fixture, graphNode, openEditor, openFile } from './editor-helpers';

test.describe('Tensors at the size limit', () => {
	test('a randn 8192 x 8192 leaf: the Code panel shows a short program', async ({ page }) => {
		const errors = await openEditor(page);
		await openFile(page, fixture('randn-8192.json'));
		await expect(counts(page, 1, 0)).toBeVisible();
		await expect(graphNode(page, 'x').getByTestId('node-shape')).toContainText('8192');

		await page.getByRole('button', { name: 'Code panel' }).click();
		const code = page.getByTestId('generated-code');
		await expect(code).toContainText('x = torch.randn(8192, 8192, requires_grad=True)');
		await expect(code).toContainText('torch.manual_seed(0)');
		// Summarised: a few lines, not 67 million numbers.
		expect((await code.textContent())!.length).toBeLessThan(2000);
		expect(errors).toEqual([]);
	});

	test('matmul of two 8192 x 8192 leaves opens and the page stays alive', async ({ page }) => {
		const errors = await openEditor(page);
		await page.getByRole('button', { name: 'Code panel' }).click();
		await openFile(page, fixture('matmul-8192.json'));
		await expect(counts(page, 3, 2)).toBeVisible();
		await expect(graphNode(page, 'mm1').getByTestId('node-shape')).toContainText('8192');

		const code = page.getByTestId('generated-code');
		await expect(code).toContainText('mm1 = a @ b');
		await expect(code).toContainText('b = torch.randn(8192, 8192, requires_grad=True)');
		// The page still answers.
		expect(await page.evaluate(() => document.title)).not.toBe('');
		await expect(code).toContainText('Too much for the canvas to run');
		await expect(code).toContainText('# mm1: matmul of [8192, 8192] and [8192, 8192] needs about');
		expect(errors).toEqual([]);
	});
});
