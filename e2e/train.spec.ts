/**
 * Issue 6, the training lab: the Linear regression example trained in the Train panel beside
 * the canvas, on the CPU and on WebGPU (Chromium's software adapter), with live parameters on the
 * canvas nodes, save / reload / load, a bad CSV and a diverging learning rate; and what an edit
 * of the graph does to a training that runs.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { translate } from '../src/lib/i18n/messages';
import { graphNode, loadExample, openEditor, storedText } from './editor-helpers';
import {
	epochShown,
	frames,
	logLines,
	openTraining,
	shown,
	trainPanel,
	trainToEnd,
	useManyRows
} from './train-helpers';

test.describe('the Train panel', () => {
	test('trains 1000 epochs: w ~ 2, b ~ 1, 20 log lines, charts, live values on the canvas', async ({
		page
	}) => {
		const errors = await openTraining(page);
		await trainToEnd(page);
		expect(Math.abs((await shown(page, 'w')) - 2)).toBeLessThan(0.05);
		expect(Math.abs((await shown(page, 'b')) - 1)).toBeLessThan(0.1);
		const lines = await logLines(page);
		expect(lines).toHaveLength(20);
		expect(lines[0]).toMatch(/^epoch 50, loss /);
		expect(lines[19]).toMatch(/^epoch 1000, loss /);

		// The loss curve, the fit and the landscape with its trajectory are drawn.
		const panel = trainPanel(page);
		expect(
			(await panel.locator('svg.plot path.curve').first().getAttribute('d'))?.length
		).toBeGreaterThan(100);
		await expect(panel.locator('svg.plot .points circle')).toHaveCount(11);
		expect(
			(await panel.locator('svg.plot path.trajectory').getAttribute('d'))?.length
		).toBeGreaterThan(100);

		// The parameter nodes on the canvas show the current values, with no undo step per epoch,
		// named as training's (the graph and its trace keep the values it was given).
		await expect(graphNode(page, 'weight').getByTestId('node-live')).toContainText('trained =');
		const live = Number(
			await graphNode(page, 'weight').getByTestId('node-live-value').textContent()
		);
		expect(Math.abs(live - 2)).toBeLessThan(0.05);
		await expect(graphNode(page, 'bias').getByTestId('node-live')).toContainText('= 0.99');
		// It is inset as the rows around it, not against the node's border.
		const textLeft = (testId: string) =>
			graphNode(page, 'weight')
				.getByTestId(testId)
				.evaluate((element) => {
					const range = document.createRange();
					range.selectNodeContents(element);
					return range.getBoundingClientRect().left;
				});
		expect(Math.abs((await textLeft('node-live')) - (await textLeft('node-shape')))).toBeLessThan(
			1
		);

		// Writing the trained values into the leaves is one undoable step.
		await page.getByRole('button', { name: 'Write the trained values into the graph' }).click();
		await expect(graphNode(page, 'weight').getByTestId('node-live')).toHaveCount(0);
		await expect(graphNode(page, 'weight')).toContainText('values');
		await page.getByRole('button', { name: 'Undo', exact: true }).click();
		await expect(graphNode(page, 'weight')).toContainText('zeros');
		expect(errors).toEqual([]);
	});

	test('saves the model, and after a reload loads the same parameters back', async ({ page }) => {
		await openTraining(page);
		await trainToEnd(page);
		const w = await shown(page, 'w');
		const b = await shown(page, 'b');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			trainPanel(page).getByRole('button', { name: 'Save model' }).click()
		]);
		const file = await download.path();
		expect(download.suggestedFilename()).toBe('model.safetensors');

		await page.reload();
		const panel = trainPanel(page);
		// The panel opens again with the page, and so do the autosaved parameters; Reset goes
		// back to the seeds.
		await expect(panel).toBeVisible();
		await expect.poll(() => shown(page, 'w')).toBe(w);
		await panel.getByRole('button', { name: 'Reset' }).click();
		await expect.poll(() => shown(page, 'w')).toBe(0);

		await panel.getByLabel('Load model file').setInputFiles({
			name: 'model.safetensors',
			mimeType: 'application/octet-stream',
			buffer: await readFile(file)
		});
		await expect(panel.getByText(/^Loaded weight, bias from model\.safetensors/)).toBeVisible();
		await expect.poll(() => shown(page, 'w')).toBe(w);
		expect(await shown(page, 'b')).toBe(b);
	});

	test('a bad CSV names its line and keeps the previous data', async ({ page }) => {
		await openTraining(page);
		const panel = trainPanel(page);
		await panel.getByText('Paste or upload x,y as CSV').click();
		await panel.getByLabel('CSV data, one x,y pair per line').fill('x,y\n0,1\n1,oops\n');
		await panel.getByRole('button', { name: 'Use CSV' }).click();
		await expect(panel.getByRole('alert')).toContainText('line 3: "oops" is not a number (y)');
		await expect(panel.getByRole('alert')).toContainText('The previous data is kept.');
		await expect(panel.getByText('11 rows', { exact: true })).toBeVisible();
	});

	test('lr = 5 diverges with a message', async ({ page }) => {
		await openTraining(page);
		const panel = trainPanel(page);
		await panel.getByRole('textbox', { name: 'Learning rate (lr)' }).fill('5');
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await expect(panel.getByRole('alert')).toContainText('the loss diverged at epoch');
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
	});

	test('Auto says which device it chose and why: the CPU, SwiftShader being software', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await page.getByRole('button', { name: 'Train panel' }).click();
		const panel = trainPanel(page);
		const device = panel.getByRole('combobox', { name: 'Device' });
		await expect(device).toHaveValue('auto');
		const why = /^Auto: CPU — the only GPU adapter is a software fallback \(SwiftShader\)/;
		await expect(panel.getByTestId('auto-device')).toHaveText(why);
		await expect(device).toHaveAccessibleDescription(why);
		await expect(
			panel.getByRole('option', { name: 'WebGPU (software: SwiftShader)' })
		).toBeEnabled();
		await panel.getByRole('button', { name: 'Step epoch' }).click();
		await expect(panel.getByText('Device:')).toContainText('CPU');
		await expect(panel.getByTestId('auto-device')).toHaveText(why);
		expect(errors).toEqual([]);
	});

	test('trains 1000 epochs on WebGPU (the software adapter) to the same gate', async ({ page }) => {
		test.setTimeout(120_000);
		await openTraining(page, 'webgpu');
		await trainToEnd(page, 110_000);
		await expect(trainPanel(page).getByText('Device:')).toContainText('WebGPU');
		expect(await logLines(page)).toHaveLength(20);
		expect(Math.abs((await shown(page, 'w')) - 2)).toBeLessThan(0.05);
		expect(Math.abs((await shown(page, 'b')) - 1)).toBeLessThan(0.1);
	});
});

test.describe('an edit of the graph while training runs', () => {
	/** Starts a run of a million epochs on many rows, and waits until it has logged a few. */
	async function startLongRun(page: Page) {
		const errors = await openTraining(page);
		await useManyRows(page);
		const panel = trainPanel(page);
		await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('1000000');
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await expect(panel.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
		await expect.poll(() => epochShown(page)).toBeGreaterThanOrEqual(100);
		return errors;
	}

	test('deleting the bias pauses it and says so; Train then starts over on the new graph', async ({
		page
	}) => {
		const errors = await startLongRun(page);
		const panel = trainPanel(page);
		const note = panel.getByTestId('graph-changed');

		await graphNode(page, 'bias').click();
		await page.keyboard.press('Delete');
		await expect(graphNode(page, 'bias')).toHaveCount(0);
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
		await expect(note).toHaveText(
			'Training paused: the graph changed. Train starts over on the new graph, from epoch 0 and the parameters’ initial values (the loss history is cleared). Undo your changes to go on with this training instead.'
		);
		await expect(
			page.getByText('Training paused: the graph changed (see the Train panel).')
		).toBeVisible();

		// Paused, not lost: the epoch stays where it stopped, the history with it.
		const paused = await epochShown(page);
		const lines = (await logLines(page)).length;
		expect(lines).toBeGreaterThan(0);
		await frames(page, 30);
		expect(await epochShown(page)).toBe(paused);
		expect(await logLines(page)).toHaveLength(lines);
		expect(
			(await panel.locator('svg.plot path.curve').first().getAttribute('d'))?.length
		).toBeGreaterThan(20);

		// In Chinese too (where the panel has its Chinese name).
		const language = page.getByRole('combobox', { name: /Language|语言/ });
		await language.selectOption('zh');
		await expect(page.getByTestId('graph-changed')).toHaveText(
			translate('zh', 'trainPanel.startsOver', {
				changed: translate('zh', 'trainPanel.pausedByEdit')
			})
		);
		await language.selectOption('en');
		await expect(note).toContainText('Training paused: the graph changed.');

		// Save model would write the new graph's initial values: it says what to do instead,
		// and the paused run stays.
		await panel.getByRole('button', { name: 'Save model' }).click();
		await expect(panel.getByRole('alert')).toContainText(
			'The graph changed since this training: Undo your changes to save the trained model'
		);
		await expect(note).toContainText('Training paused: the graph changed.');
		expect(await epochShown(page)).toBe(paused);

		// Undo makes it the trained graph again: nothing to say; Redo deletes the bias again.
		await page.getByRole('button', { name: 'Undo', exact: true }).click();
		await expect(graphNode(page, 'bias')).toBeVisible();
		await expect(note).toHaveCount(0);
		await page.getByRole('button', { name: 'Redo', exact: true }).click();
		await expect(note).toContainText('Training paused: the graph changed.');

		// Train starts a new run on y = w x: from epoch 0, with a new history.
		await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('200');
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await expect(note).toHaveCount(0);
		await expect.poll(() => epochShown(page)).toBe(200);
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
		const restarted = await logLines(page);
		expect(restarted).toHaveLength(4);
		expect(restarted[0]).toMatch(/^epoch 50, loss /);
		expect(await shown(page, 'b')).toBe(0);
		expect(errors).toEqual([]);
	});

	test('the settings wait while a run goes on, and say so; Pause frees them', async ({ page }) => {
		const errors = await startLongRun(page);
		const panel = trainPanel(page);
		const lr = panel.getByRole('textbox', { name: 'Learning rate (lr)', exact: true });
		await expect(lr).toBeDisabled();
		await expect(panel.getByRole('textbox', { name: 'Epochs', exact: true })).toBeDisabled();
		await expect(panel.getByTestId('settings-while-running')).toHaveText(
			'A run keeps the settings it started with: Pause to change them.'
		);
		await panel.getByRole('button', { name: 'Pause', exact: true }).click();
		await expect(lr).toBeEnabled();
		await expect(panel.getByTestId('settings-while-running')).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('the edit made in a second tab: no conflict in either, and the training tab pauses', async ({
		page,
		context
	}) => {
		const errors = await startLongRun(page);
		const panel = trainPanel(page);
		// A second tab opens the same document, which the first keeps writing as it trains.
		const other = await context.newPage();
		await other.goto('/');
		await expect(graphNode(other, 'bias')).toBeVisible();
		await frames(page, 30);
		await graphNode(other, 'bias').click();
		await other.keyboard.press('Delete');
		await expect(graphNode(other, 'bias')).toHaveCount(0);

		// The training tab takes the edit and pauses, as after an edit of its own.
		await expect(graphNode(page, 'bias')).toHaveCount(0);
		await expect(panel.getByTestId('graph-changed')).toContainText('Training paused');
		await expect.poll(async () => (await storedText(page)) ?? '').not.toContain('"bias"');
		await frames(page, 30);
		for (const tab of [page, other]) {
			await expect(tab.getByTestId('autosave-conflict')).toHaveCount(0);
		}
		await expect(graphNode(other, 'bias')).toHaveCount(0);
		// Undo in the training tab brings the bias back, and the run with it.
		await page.getByRole('button', { name: 'Undo', exact: true }).click();
		await expect(graphNode(page, 'bias')).toBeVisible();
		await expect(panel.getByTestId('graph-changed')).toHaveCount(0);
		await expect(graphNode(other, 'bias')).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('after that edit, a reload does not carry the old run onto the new graph', async ({
		page
	}) => {
		const errors = await startLongRun(page);
		const panel = trainPanel(page);
		await graphNode(page, 'bias').click();
		await page.keyboard.press('Delete');
		await expect(panel.getByTestId('graph-changed')).toContainText('Training paused');
		expect(await epochShown(page)).toBeGreaterThan(0);
		// The graph and the session are written; then the page comes back.
		await expect.poll(async () => (await storedText(page)) ?? '').not.toContain('"bias"');
		await page.reload();
		await expect(graphNode(page, 'weight')).toBeVisible();
		await expect(graphNode(page, 'bias')).toHaveCount(0);
		if ((await panel.count()) === 0)
			await page.getByRole('button', { name: 'Train panel' }).click();
		// As the pause said: Train starts over on the new graph, at epoch 0 with w = 0.
		await expect.poll(() => epochShown(page)).toBe(0);
		expect(await shown(page, 'w')).toBe(0);
		await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('100');
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await expect.poll(() => epochShown(page)).toBe(100);
		expect(errors).toEqual([]);
	});

	test('moving a node does not pause it', async ({ page }) => {
		const errors = await startLongRun(page);
		const panel = trainPanel(page);
		const name = graphNode(page, 'bias').locator('.name');
		const box = (await name.boundingBox())!;
		const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
		await page.mouse.move(from.x, from.y);
		await page.mouse.down();
		await page.mouse.move(from.x + 60, from.y + 40, { steps: 8 });
		await page.mouse.up();
		await expect.poll(async () => (await name.boundingBox())!.x).toBeGreaterThan(box.x + 30);

		// Still training: the epoch goes on, and nothing says the graph changed.
		const epoch = await epochShown(page);
		await expect.poll(() => epochShown(page)).toBeGreaterThan(epoch);
		await expect(panel.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
		await expect(panel.getByTestId('graph-changed')).toHaveCount(0);
		await panel.getByRole('button', { name: 'Pause', exact: true }).click();
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
		expect(errors).toEqual([]);
	});
});
