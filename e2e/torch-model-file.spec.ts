/**
 * Issue 13, part 2: PyTorch's own model files in the Train panel. The tutorial's model.pkl,
 * written by PyTorch 2.13 (scripts/torch-fixtures.py), loads into the Linear regression example;
 * Save model as .pt downloads a file that the app's reader reads back.
 */
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadStateDict } from '../src/lib/engine/serialize';
import { graphNode } from './editor-helpers';
import { openTraining, shown, trainPanel, trainToEnd } from './train-helpers';

const fixture = (name: string) =>
	fileURLToPath(new URL(`../tests/fixtures/torch/${name}`, import.meta.url));

test.describe('PyTorch model files in the Train panel', () => {
	test("Load model with the tutorial's model.pkl sets weight and bias on the panel and the canvas", async ({
		page
	}) => {
		const errors = await openTraining(page);
		const expected = JSON.parse(await readFile(fixture('expected.json'), 'utf8'))['model.pkl'];
		const w: number = expected['linear.weight'].data[0];
		const b: number = expected['linear.bias'].data[0];
		const panel = trainPanel(page);
		await panel.getByLabel('Load model file').setInputFiles(fixture('model.pkl'));
		await expect(
			panel.getByText('Loaded linear.weight, linear.bias from model.pkl.', { exact: true })
		).toBeVisible();
		await expect.poll(async () => Math.abs((await shown(page, 'w')) - w)).toBeLessThan(1e-3);
		await expect.poll(async () => Math.abs((await shown(page, 'b')) - b)).toBeLessThan(1e-3);
		await expect(graphNode(page, 'weight').getByTestId('node-live')).toContainText('= 2.000');
		await expect(graphNode(page, 'bias').getByTestId('node-live')).toContainText('= 0.99');
		expect(errors).toEqual([]);
	});

	test('after a run, Load model says the parameters are the file’s, not beside the run’s loss', async ({
		page
	}) => {
		await openTraining(page);
		const panel = trainPanel(page);
		await panel.getByRole('textbox', { name: 'Epochs', exact: true }).fill('100');
		await trainToEnd(page);
		const status = panel.locator('p.status');
		await expect(status).toContainText('Epoch 100, loss ');
		await panel.getByLabel('Load model file').setInputFiles(fixture('model.pkl'));
		await expect(status).toContainText('From model.pkl: w = 2.0');
		await expect(status).not.toContainText('loss');
		// The next epoch is the run's again, from the loaded parameters.
		await panel.getByRole('button', { name: 'Step epoch' }).click();
		await expect(status).toContainText('Epoch 101, loss ');
	});

	test('the same model zipped again with compression (deflated.pt) loads too', async ({ page }) => {
		await openTraining(page);
		const panel = trainPanel(page);
		await panel.getByLabel('Load model file').setInputFiles(fixture('deflated.pt'));
		await expect(
			panel.getByText('Loaded linear.weight, linear.bias from deflated.pt.', { exact: true })
		).toBeVisible();
		await expect(graphNode(page, 'weight').getByTestId('node-live')).toContainText('= 2.000');
	});

	test('a pickle that calls os.system is refused with a message naming it', async ({ page }) => {
		await openTraining(page);
		const panel = trainPanel(page);
		await panel.getByLabel('Load model file').setInputFiles(fixture('forbidden.pt'));
		await expect(panel.getByRole('alert')).toContainText(
			'Unsupported global: GLOBAL os.system was not an allowed global by default.'
		);
		expect(await shown(page, 'w')).toBe(0);
	});

	test('Save model as .pt downloads model.pt, which the reader and Load model read back', async ({
		page
	}) => {
		await openTraining(page);
		await trainToEnd(page);
		const w = await shown(page, 'w');
		const panel = trainPanel(page);
		await panel.getByRole('combobox', { name: 'Format' }).selectOption('pt');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			panel.getByRole('button', { name: 'Save model' }).click()
		]);
		expect(download.suggestedFilename()).toBe('model.pt');
		const bytes = new Uint8Array(await readFile(await download.path()));
		const stateDict = loadStateDict(bytes);
		expect(Object.keys(stateDict)).toEqual(['weight', 'bias']);
		expect(stateDict.weight.shape).toEqual([1, 1]);
		expect(Math.abs(stateDict.weight.data[0] - w)).toBeLessThan(1e-3);

		await panel.getByRole('button', { name: 'Reset' }).click();
		await expect.poll(() => shown(page, 'w')).toBe(0);
		await panel.getByLabel('Load model file').setInputFiles({
			name: 'model.pt',
			mimeType: 'application/octet-stream',
			buffer: Buffer.from(bytes)
		});
		await expect(
			panel.getByText('Loaded weight, bias from model.pt.', { exact: true })
		).toBeVisible();
		await expect.poll(() => shown(page, 'w')).toBe(w);
	});
});
