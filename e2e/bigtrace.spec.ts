/**
 * Issue #10, section 6: Forward and Backward on big tensors. The trace runs in a worker: the page
 * stays responsive, shows progress with Cancel, and draws big values summarised.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { counts, fixture, graphNode, openEditor, openFile } from './editor-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** A pointer move over `target` at a fraction of its width and height. */
async function pointAt(target: Locator, fx: number, fy: number) {
	const box = await target.boundingBox();
	if (!box) throw new Error('not visible');
	await target.dispatchEvent('pointermove', {
		clientX: box.x + box.width * fx,
		clientY: box.y + box.height * fy
	});
}

test.describe('big tensors', () => {
	test('two 4096x4096 leaves: Forward and Backward finish, values summarised, no errors', async ({
		page
	}) => {
		test.setTimeout(180_000);
		const errors = await openEditor(page);
		await openFile(page, fixture('big-add-4096.json'));
		await expect(counts(page, 4, 3)).toBeVisible();
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await button(page, 'Forward').click();
		const t = graphNode(page, 't').locator('[data-role="value"]');
		await expect(t).toHaveAttribute('data-shape', '[4096,4096]', { timeout: 120_000 });
		// 16M values are never written into the page as JSON: a heatmap stands for them.
		await expect(t).not.toHaveAttribute('data-tensor', /./);
		await expect(t.getByRole('img', { name: '[4096, 4096]' })).toBeVisible();
		// The element under the pointer is read out with its index.
		await pointAt(t.getByRole('img'), 0, 0);
		await expect(t.getByTestId('tensor-readout')).toHaveText(/^\[0, 0\] = -?\d/);
		await button(page, 'Backward').click();
		await expect(graphNode(page, 'x').locator('[data-role="grad"]')).toHaveAttribute(
			'data-shape',
			'[4096,4096]',
			{ timeout: 120_000 }
		);
		// d(sum(x + b))/dx is ones: the pooled heatmap of ones reads 1 everywhere.
		await pointAt(graphNode(page, 'x').locator('[data-role="grad"]').getByRole('img'), 0.5, 0.5);
		await expect(
			graphNode(page, 'x').locator('[data-role="grad"]').getByTestId('tensor-readout')
		).toHaveText(/= 1\.$/);
		expect(errors).toEqual([]);
	});

	test('a long Forward shows progress and Cancel stops it; the page answers meanwhile', async ({
		page
	}) => {
		test.setTimeout(120_000);
		const errors = await openEditor(page);
		await openFile(page, fixture('slow-matmul-3072.json'));
		await expect(counts(page, 4, 3)).toBeVisible();
		await button(page, 'Forward').click();
		const progress = page.getByTestId('trace-progress');
		await expect(progress).toBeVisible();
		await expect(progress).toContainText('Computing Forward');
		// The page is not blocked: the inspector answers a click on a node while it computes.
		await graphNode(page, 'a').click();
		await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('a');
		await progress.getByRole('button', { name: 'Cancel' }).click();
		await expect(progress).toHaveCount(0);
		await expect(page.locator('.svelte-flow__node [data-role="value"]')).toHaveCount(0);
		// A new Forward after Cancel starts a fresh worker and works.
		await button(page, 'Step forward').click();
		await expect(graphNode(page, 'a').locator('[data-role="value"]')).toHaveAttribute(
			'data-shape',
			'[3072,3072]',
			{ timeout: 90_000 }
		);
		expect(errors).toEqual([]);
	});

	test('a matmul of two 8192x8192 leaves is refused up front, naming the node', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await openFile(page, fixture('matmul-8192.json'));
		await expect(page.locator('.svelte-flow__node')).toHaveCount(3);
		await button(page, 'Forward').click();
		const refused = page.getByTestId('trace-refused');
		await expect(refused).toContainText('Not run: too much work');
		await expect(refused).toContainText(/matmul\) needs about 3\.3 TFLOP with backward/);
		await expect(refused).toContainText('the limit is 200 GFLOP');
		await expect(page.locator('.svelte-flow__node [data-role="value"]')).toHaveCount(0);
		await refused.getByRole('button', { name: 'Dismiss' }).click();
		await expect(refused).toHaveCount(0);
		expect(errors).toEqual([]);
	});
});
