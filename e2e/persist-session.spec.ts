/**
 * Issue #11, defect 4: "The training session dies on reload." The Train panel's session is
 * saved with the document: after a reload the panel shows the same epoch, loss curve, log,
 * learning rate and device, the canvas nodes show the same parameters as the panel, and Train
 * goes on from that epoch (the log continues at epoch 250, not at epoch 50 again).
 */
import { readFile } from 'node:fs/promises';
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
	// The tab's panel opens again by itself.
	await expect(page.getByRole('button', { name: 'Train panel' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
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

	// Reloaded with the panel closed (it stays closed), the canvas shows the trained values.
	await page.getByRole('button', { name: 'Train panel' }).click();
	await expect(trainPanel(page)).toBeHidden();
	await page.reload();
	await expect(graphNode(page, 'weight')).toBeVisible();
	await expect(trainPanel(page)).toBeHidden();
	await expect(graphNode(page, 'weight').getByTestId('node-live')).toHaveText(after.weightNode!);
	await expect(graphNode(page, 'bias').getByTestId('node-live')).toHaveText(after.biasNode!);

	// Reloaded again with the panel open: the continued session is the one kept.
	await page.getByRole('button', { name: 'Train panel' }).click();
	await reloadWithPanel(page);
	await expect(statusLine(page, 400)).toContainText('loss');
	expect(await shownTraining(page)).toEqual(after);

	// Reset starts over, as before.
	await panel.getByRole('button', { name: 'Reset' }).click();
	await expect(statusLine(page, 0)).toBeVisible();
	await expect.poll(() => shown(page, 'w')).toBe(0);
	expect(errors).toEqual([]);
});

/** The loss chart's caption, its x and y axes' tick labels, and its Save CSV as text. */
async function lossChart(page: Page) {
	const chart = trainPanel(page).locator('figure').filter({ hasText: 'Loss' }).first();
	const ticks = (axis: string) => chart.locator(`svg.plot .${axis} .tick text`).allTextContents();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		chart.getByRole('button', { name: 'Save CSV of the loss history' }).click()
	]);
	return {
		caption: await chart.locator('figcaption').textContent(),
		x: await ticks('x-axis'),
		y: await ticks('y-axis'),
		csv: (await readFile(await download.path(), 'utf8')).trim().split('\n')
	};
}

test('a run of more than 20,000 epochs shows its true epochs after a reload: chart, caption, CSV, log', async ({
	page
}) => {
	const errors = await openTraining(page, 'cpu');
	const panel = trainPanel(page);
	await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('25000');
	await panel.getByRole('textbox', { name: 'Log every N epochs' }).fill('5000');
	await trainToEnd(page, 60_000);
	await expect(statusLine(page, 25000)).toContainText('loss');
	await expect(panel.locator('figcaption').filter({ hasText: /^Epoch 25000:/ })).toBeVisible();
	const before = await lossChart(page);
	expect(before.x.at(-1)).toBe('25k');
	expect(before.csv[1]).toMatch(/^1,/);
	expect(before.csv.at(-1)).toMatch(/^25000,/);
	const log = await logLines(page);
	await expect.poll(() => storedEpoch(page)).toBe(25000);

	await reloadWithPanel(page);
	await expect(statusLine(page, 25000)).toContainText('loss');
	await expect(panel.locator('figcaption').filter({ hasText: /^Epoch 25000:/ })).toBeVisible();
	const after = await lossChart(page);
	// The same caption and axes: epochs 1 to 25,000, the loss from its first value down.
	expect(after.caption).toBe(before.caption);
	expect(after.x).toEqual(before.x);
	expect(after.y).toEqual(before.y);
	// The CSV holds some of the first epochs (the first one included) and every one of the last.
	expect(after.csv[0]).toBe('epoch,loss');
	expect(after.csv[1]).toBe(before.csv[1]);
	expect(after.csv.at(-1)).toBe(before.csv.at(-1));
	expect(after.csv.length).toBeLessThanOrEqual(20_001);
	expect(after.csv.slice(-10_000)).toEqual(before.csv.slice(-10_000));
	const epochs = after.csv.slice(1).map((line) => Number(line.split(',')[0]));
	expect(epochs.every((epoch, i) => i === 0 || epoch > epochs[i - 1])).toBe(true);
	for (const line of after.csv.slice(1, 50)) expect(before.csv).toContain(line);
	expect(await logLines(page)).toEqual(log);

	// Train goes on from epoch 25,000: the log at 30,000, the caption at 50,000.
	await trainToEnd(page, 60_000);
	await expect(statusLine(page, 50000)).toContainText('loss');
	await expect(panel.locator('figcaption').filter({ hasText: /^Epoch 50000:/ })).toBeVisible();
	expect((await logLines(page))[log.length]).toMatch(/^epoch 30000, loss /);
	expect((await lossChart(page)).x.at(-1)).toBe('50k');
	expect(errors).toEqual([]);
});
