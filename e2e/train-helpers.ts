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
