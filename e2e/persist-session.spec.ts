/**
 * Issue #11, defect 4: "The training session dies on reload." The Train panel's session is
 * saved with the document: after a reload the panel shows the same epoch, loss curve, log,
 * learning rate and device, the canvas nodes show the same parameters as the panel, and Train
 * goes on from that epoch (the log continues at epoch 250, not at epoch 50 again).
 */
import { expect, test, type Page } from '@playwright/test';
import { graphNode, storedBody } from './editor-helpers';
import { logLines, openTraining, shown, trainPanel, trainToEnd } from './train-helpers';

/** The epoch of the training session stored with this tab's document (IndexedDB), or null. */
async function storedEpoch(page: Page): Promise<number | null> {
	const session = (await storedBody(page))?.session as
		{ training?: { epoch?: number } } | null | undefined;
	return session?.training?.epoch ?? null;
}

/** The panel's status line, `Epoch 200, loss 0.00157 w = 1.99, b = 1.02` (not the chart's caption). */
const statusLine = (page: Page, epoch: number | string = '\\d+') =>
	trainPanel(page).getByText(new RegExp(`^Epoch ${epoch}(?![\\d:])`));

/** What the panel and the canvas show of the training. */
async function shownTraining(page: Page) {
	const panel = trainPanel(page);
	return {
		status: (await statusLine(page).textContent())?.replace(/\s+/g, ' ').trim(),
		w: await shown(page, 'w'),
		b: await shown(page, 'b'),
		log: await logLines(page),
		curve: await panel.locator('svg.plot path.curve').first().getAttribute('d'),
		weightNode: await graphNode(page, 'weight').getByTestId('node-live').textContent(),
		biasNode: await graphNode(page, 'bias').getByTestId('node-live').textContent()
	};
}

async function reloadWithPanel(page: Page) {
	await page.reload();
	await expect(graphNode(page, 'weight')).toBeVisible();
	await page.getByRole('button', { name: 'Train panel' }).click();
	await expect(trainPanel(page)).toBeVisible();
}

test('defect 4: after a reload the training session is intact, and Train goes on from its epoch', async ({
	page
}) => {
	const errors = await openTraining(page, 'cpu');
	const panel = trainPanel(page);
	await panel.getByRole('textbox', { name: 'Learning rate (lr)' }).fill('0.02');
	await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('200');
	await trainToEnd(page);
	await expect(statusLine(page, 200)).toContainText('loss');
	const before = await shownTraining(page);
	expect(before.log).toHaveLength(4);
	expect(before.log[3]).toMatch(/^epoch 200, loss /);
	// The nodes show the panel's values.
	expect(before.weightNode).toContain(String(before.w).slice(0, 5));
	// The session reaches storage (the autosave writes it soon after the run ends).
	await expect.poll(() => storedEpoch(page)).toBe(200);

	await reloadWithPanel(page);
	await expect(statusLine(page, 200)).toContainText('loss');
	await expect(panel.getByRole('textbox', { name: 'Learning rate (lr)' })).toHaveValue('0.02');
	await expect(panel.getByRole('textbox', { name: 'Epochs', exact: true })).toHaveValue('200');
	await expect(panel.getByRole('combobox', { name: 'Device' })).toHaveValue('cpu');
	await expect(panel.getByText('Device:')).toContainText('CPU');
	await expect(panel.getByLabel('Predicted values')).toBeVisible();
	// The panel and the canvas agree, and show what they showed before the reload.
	expect(await shownTraining(page)).toEqual(before);

	// Train goes on from epoch 200 with lr 0.02: the log continues at 250, up to 400.
	await trainToEnd(page);
	await expect(statusLine(page, 400)).toContainText('loss');
	const lines = await logLines(page);
	expect(lines).toHaveLength(8);
	expect(lines.slice(0, 4)).toEqual(before.log);
	expect(lines[4]).toMatch(/^epoch 250, loss /);
	expect(lines[7]).toMatch(/^epoch 400, loss /);
	// lr 0.02 for 400 epochs gets much closer to w = 2 than 200 did.
	expect(Math.abs((await shown(page, 'w')) - 2)).toBeLessThan(Math.abs(before.w - 2));
	const after = await shownTraining(page);
	await expect.poll(() => storedEpoch(page)).toBe(400);

	// Reloaded with the panel closed, the canvas shows the trained values all the same.
	await page.reload();
	await expect(trainPanel(page)).toBeHidden();
	await expect(graphNode(page, 'weight').getByTestId('node-live')).toHaveText(after.weightNode!);
	await expect(graphNode(page, 'bias').getByTestId('node-live')).toHaveText(after.biasNode!);

	// Reloaded again: the continued session is the one kept.
	await reloadWithPanel(page);
	await expect(statusLine(page, 400)).toContainText('loss');
	expect(await shownTraining(page)).toEqual(after);

	// Reset starts over, as before.
	await panel.getByRole('button', { name: 'Reset' }).click();
	await expect(statusLine(page, 0)).toBeVisible();
	await expect.poll(() => shown(page, 'w')).toBe(0);
	expect(errors).toEqual([]);
});
