/** Helpers for the Train panel's end-to-end tests. */
import { expect, type Page } from '@playwright/test';
import { graphNode, loadExample, openEditor } from './editor-helpers';

/** The Train panel beside the canvas. */
export const trainPanel = (page: Page) => page.getByRole('complementary', { name: 'Train panel' });

/** The w or b the panel shows, as a number. */
export async function shown(page: Page, name: 'w' | 'b'): Promise<number> {
	return Number(await trainPanel(page).locator(`output[aria-label="${name}"]`).textContent());
}

/** The training log's lines. */
export async function logLines(page: Page): Promise<string[]> {
	const text =
		(await trainPanel(page).getByRole('log', { name: 'Training log' }).textContent()) ?? '';
	return text.split('\n').filter((line) => line.startsWith('epoch '));
}

/** Opens the editor with the Linear regression example and the Train panel on device `device`. */
export async function openTraining(page: Page, device: 'cpu' | 'webgpu' = 'cpu') {
	const errors = await openEditor(page);
	await loadExample(page, /Linear regression/);
	await expect(graphNode(page, 'weight')).toBeVisible();
	await page.getByRole('button', { name: 'Train panel' }).click();
	await trainPanel(page).getByRole('combobox', { name: 'Device' }).selectOption(device);
	return errors;
}

/** Clicks Train and waits until the run has finished (the button says Train again, with a log). */
export async function trainToEnd(page: Page, timeout = 20_000) {
	const panel = trainPanel(page);
	await panel.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(panel.getByLabel('Predicted values')).toBeVisible({ timeout });
	await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
}

/** The epoch the panel shows ("Epoch 120, loss 0.5"). */
export async function epochShown(page: Page): Promise<number> {
	const text = await trainPanel(page)
		.getByRole('status')
		.filter({ hasText: /^\s*Epoch \d+/ })
		.textContent();
	return Number(/Epoch (\d+)/.exec(text ?? '')?.[1]);
}

/**
 * Trains on 2,000 rows (y = 2x + 1, x from 0 to 10) from a CSV file, so that a run of many epochs
 * lasts long enough for a test to act while it goes on (11 rows train a million epochs in seconds).
 */
export async function useManyRows(page: Page) {
	const panel = trainPanel(page);
	const rows = Array.from({ length: 2000 }, (_, i) => `${i / 200},${(2 * i) / 200 + 1}`);
	await panel.getByText('Paste or upload x,y as CSV').click();
	await panel.getByLabel('Upload CSV').setInputFiles({
		name: 'rows.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(`x,y\n${rows.join('\n')}\n`)
	});
	await expect(panel.getByText('2000 rows from CSV', { exact: true })).toBeVisible();
}

/** Waits for `count` animation frames (the panel shows what training reports once per frame). */
export async function frames(page: Page, count: number) {
	await page.evaluate(async (n) => {
		for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
	}, count);
}
