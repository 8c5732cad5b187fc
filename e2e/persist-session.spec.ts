/**
 * Issue #11, defect 4: "The training session dies on reload." The Train panel's session is
 * saved with the document: after a reload the panel shows the same epoch, loss curve, log,
 * learning rate and device, the canvas nodes show the same parameters as the panel, and Train
 * goes on from that epoch (the log continues at epoch 250, not at epoch 50 again).
 *
 * And a reload while training runs (QA: one came back 64 epochs earlier than the panel showed):
 * the page keeps the latest training when it goes away, the panel then shows exactly the epoch
 * whose parameters it restored, and training on from there gives what a run without the reload
 * gives, bit for bit; a store that refuses every write does not stop training, says so, and the
 * reload still brings the training back.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { graphNode, storedBody } from './editor-helpers';
import {
	epochShown,
	logLines,
	openTraining,
	shown,
	trainPanel,
	trainToEnd,
	useManyRows
} from './train-helpers';

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

async function reloadWithPanel(page: Page, reload = true) {
	if (reload) await page.reload();
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

/** The stored session's training: its epoch, parameters and momentum buffers, as stored. */
async function storedTraining(page: Page) {
	const session = (await storedBody(page))?.session as {
		training?: { epoch: number; parameters: [string, number[]][]; momentum: unknown };
	} | null;
	return session?.training ?? null;
}

/**
 * Reloads the page while training runs: the epoch the panel shows is read and the reload begun
 * in the same moment (one task apart), so that what the page keeps is compared with what it
 * showed last. Returns that epoch.
 */
async function reloadNow(page: Page): Promise<number> {
	const key = 'e2e.epoch-shown-at-reload';
	const loaded = page.waitForEvent('load');
	await page.evaluate((key) => {
		const status = [...document.querySelectorAll('[role="status"]')]
			.map((element) => /^\s*Epoch (\d+)/.exec(element.textContent ?? ''))
			.find((match) => match !== null);
		sessionStorage.setItem(key, status?.[1] ?? 'none');
		setTimeout(() => location.reload(), 0);
	}, key);
	await loaded;
	await reloadWithPanel(page, false);
	return Number(await page.evaluate((key) => sessionStorage.getItem(key), key));
}

/**
 * Starts a long run on many rows with momentum (so that the optimizer's state matters), waits
 * until it has trained a while, then reloads the page while it runs. Returns the epoch the panel
 * showed at the reload.
 */
async function reloadWhileTraining(page: Page): Promise<number> {
	const panel = trainPanel(page);
	await useManyRows(page);
	await panel.getByRole('textbox', { name: 'Momentum' }).fill('0.5');
	await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('1000000');
	await panel.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(panel.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
	await expect.poll(() => epochShown(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(150);
	return reloadNow(page);
}

/** The loss history as the loss chart's Save CSV gives it (every epoch, full precision). */
async function lossCsv(page: Page): Promise<string[]> {
	const chart = trainPanel(page).locator('figure').filter({ hasText: 'Loss' }).first();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		chart.getByRole('button', { name: 'Save CSV of the loss history' }).click()
	]);
	return (await readFile(await download.path(), 'utf8')).trim().split('\n');
}

/** Step epoch `count` times, each once the one before has shown. */
async function stepEpochs(page: Page, from: number, count: number) {
	for (let i = 1; i <= count; i++) {
		await trainPanel(page).getByRole('button', { name: 'Step epoch' }).click();
		await expect(statusLine(page, from + i)).toBeVisible();
	}
}

for (const device of ['cpu', 'webgpu'] as const) {
	test(`a reload while training runs on ${device}: the panel shows the epoch whose parameters it restored, and goes on as without the reload`, async ({
		page
	}) => {
		test.setTimeout(180_000);
		const errors = await openTraining(page, device);
		const panel = trainPanel(page);
		const before = await reloadWhileTraining(page);

		// It comes back paused at the epoch the page kept when it went away: not earlier than shown.
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
		const epoch = await epochShown(page);
		expect(epoch).toBeGreaterThanOrEqual(before);
		await expect(statusLine(page, epoch)).toContainText('loss');
		// The kept changes are written to the store: that is what the panel restored.
		await expect.poll(async () => (await storedTraining(page))?.epoch).toBe(epoch);
		const restored = (await storedTraining(page))!;
		expect(restored.momentum).not.toBeNull();
		const [[, [w]], [, [b]]] = restored.parameters;
		// The panel and the nodes show those parameters, and the history ends at that epoch.
		expect(await shown(page, 'w')).toBeCloseTo(w, 4);
		expect(await shown(page, 'b')).toBeCloseTo(b, 4);
		const weightNode = graphNode(page, 'weight').getByTestId('node-live-value');
		const biasNode = graphNode(page, 'bias').getByTestId('node-live-value');
		expect(Number(await weightNode.textContent())).toBeCloseTo(w, 2);
		expect(Number(await biasNode.textContent())).toBeCloseTo(b, 2);
		const shownAfterReload = {
			status: await statusLine(page, epoch).textContent(),
			weight: await weightNode.textContent(),
			bias: await biasNode.textContent()
		};
		const history = await lossCsv(page);
		expect(history).toHaveLength(epoch + 1);
		expect(history.at(-1)).toMatch(new RegExp(`^${epoch},`));
		// Three more epochs from the restored parameters and momentum buffers.
		await stepEpochs(page, epoch, 3);
		const continued = { csv: await lossCsv(page), log: await logLines(page) };

		// The same training without a reload: from the start, `epoch` epochs, then three more.
		await panel.getByRole('button', { name: 'Reset' }).click();
		await expect(statusLine(page, 0)).toBeVisible();
		await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill(String(epoch));
		await trainToEnd(page, 120_000);
		await expect(statusLine(page, epoch)).toBeVisible();
		// The very parameters the reload restored, shown the same.
		await expect
			.poll(async () => (await storedTraining(page))?.parameters)
			.toEqual(restored.parameters);
		expect(await statusLine(page, epoch).textContent()).toBe(shownAfterReload.status);
		expect(await weightNode.textContent()).toBe(shownAfterReload.weight);
		expect(await biasNode.textContent()).toBe(shownAfterReload.bias);
		expect(await lossCsv(page)).toEqual(history);
		await stepEpochs(page, epoch, 3);
		expect({ csv: await lossCsv(page), log: await logLines(page) }).toEqual(continued);
		await expect(panel.getByText('Device:')).toContainText(device === 'cpu' ? 'CPU' : 'WebGPU');
		expect(errors).toEqual([]);
	});
}

test('a store that refuses every write while training runs: training goes on, the warning shows, and a reload brings the training back', async ({
	page
}) => {
	test.setTimeout(120_000);
	const errors = await openTraining(page, 'cpu');
	const panel = trainPanel(page);
	await useManyRows(page);
	await expect.poll(async () => (await storedBody(page))?.session).toBeTruthy();
	// The browser refuses every IndexedDB write from now on (a full disk, a quota).
	await page.evaluate(() => {
		IDBObjectStore.prototype.put = function () {
			throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		};
	});
	await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('1000000');
	await panel.getByRole('button', { name: 'Train', exact: true }).click();
	const banner = page.getByTestId('autosave-failed');
	await expect(banner).toBeVisible();
	await expect(banner).toContainText('QuotaExceededError');
	// Training goes on under the warning.
	const warned = await epochShown(page);
	await expect.poll(() => epochShown(page)).toBeGreaterThan(warned + 100);
	await expect(panel.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
	// (Nothing of it reached the store.)
	expect(await storedTraining(page)).toBeNull();

	// The tab kept it when the page went away: the reload brings it back, then writes it.
	const before = await reloadNow(page);
	const epoch = await epochShown(page);
	expect(epoch).toBeGreaterThanOrEqual(before);
	await expect(statusLine(page, epoch)).toContainText('loss');
	await expect.poll(async () => (await storedTraining(page))?.epoch).toBe(epoch);
	const [[, [w]]] = (await storedTraining(page))!.parameters;
	expect(await shown(page, 'w')).toBeCloseTo(w, 4);
	await expect(banner).toBeHidden();
	expect(errors).toEqual([]);
});
