/**
 * Issue #11, defects 5, 6 and 7 (names): a parameter named `__proto__` and node ids such as
 * `__proto__` or `constructor` save and load as model files; the built app names PyTorch's real
 * class in load_state_dict errors (the worker bundle keeps class names); a 4.9 MB `format`
 * string is quoted by at most 80 characters; a JSON model file with a byte order mark loads as
 * JSON. After each, a reload shows the user's work intact.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { counts, fixture, graphNode, loadExample, openEditor, openFile } from './editor-helpers';
import { trainPanel } from './train-helpers';

/** The keys of a safetensors file (its JSON header, less `__metadata__`). */
function safetensorsKeys(bytes: Buffer): string[] {
	const length = Number(bytes.readBigUInt64LE(0));
	const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as object;
	return Object.keys(header).filter((key) => key !== '__metadata__');
}

/** The keys of one of our JSON state dict files. */
const jsonKeys = (bytes: Buffer) =>
	Object.keys((JSON.parse(bytes.toString('utf8')) as { tensors: object }).tensors);

async function openTrainPanel(page: Page) {
	// After a reload the tab's panel is open already.
	const toggle = page.getByRole('button', { name: 'Train panel' });
	if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
	await trainPanel(page).getByRole('combobox', { name: 'Device' }).selectOption('cpu');
}

/** Train panel > Save model in `format`; the downloaded file's bytes. */
async function saveModel(page: Page, format: 'safetensors' | 'json'): Promise<Buffer> {
	const panel = trainPanel(page);
	await panel.getByRole('combobox', { name: 'Format' }).selectOption(format);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		panel.getByRole('button', { name: 'Save model' }).click()
	]);
	expect(download.suggestedFilename()).toBe(`model.${format}`);
	return readFile(await download.path());
}

/** Train panel > Load model with `bytes` as the file `name`. */
async function loadModel(page: Page, name: string, bytes: Buffer) {
	await trainPanel(page)
		.getByLabel('Load model file')
		.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
}

test.describe('#11 names: user strings never meet Object.prototype', () => {
	test('defect 5: a parameter renamed __proto__ saves and loads as a model file, in both formats', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await openFile(page, fixture('line-mul-add.json'));
		await expect(graphNode(page, 'w')).toBeVisible();
		await graphNode(page, 'w').click();
		const name = page.getByRole('textbox', { name: 'Name' });
		await name.fill('__proto__');
		await name.press('Enter');
		await expect(graphNode(page, '__proto__')).toBeVisible();

		await openTrainPanel(page);
		const safetensors = await saveModel(page, 'safetensors');
		expect(safetensorsKeys(safetensors).sort()).toEqual(['__proto__', 'b']);
		const json = await saveModel(page, 'json');
		expect(jsonKeys(json).sort()).toEqual(['__proto__', 'b']);

		// The work survives a reload: the renamed parameter is still there, and both files load.
		await page.reload();
		await expect(graphNode(page, '__proto__')).toBeVisible();
		await expect(counts(page, 7, 6)).toBeVisible();
		await openTrainPanel(page);
		const panel = trainPanel(page);
		await loadModel(page, 'model.safetensors', safetensors);
		await expect(panel.getByText('Loaded __proto__, b from model.safetensors.')).toBeVisible();
		await loadModel(page, 'model.json', json);
		await expect(panel.getByText('Loaded __proto__, b from model.json.')).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('defect 5: a graph file with node ids __proto__ and constructor opens, saves and loads models', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await openFile(page, fixture('prototype-ids.json'));
		await expect(counts(page, 7, 6)).toBeVisible();
		await expect(graphNode(page, 'w')).toBeVisible();

		await openTrainPanel(page);
		const panel = trainPanel(page);
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible({
			timeout: 30_000
		});
		const safetensors = await saveModel(page, 'safetensors');
		expect(safetensorsKeys(safetensors).sort()).toEqual(['b', 'w']);

		// File > Save writes the ids as they are.
		await page.getByRole('button', { name: 'File', exact: true }).click();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('menuitem', { name: 'Save', exact: true }).click()
		]);
		const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as {
			nodes: { id: string }[];
		};
		expect(saved.nodes.map((n) => n.id)).toContain('__proto__');
		expect(saved.nodes.map((n) => n.id)).toContain('constructor');

		await page.reload();
		await expect(counts(page, 7, 6)).toBeVisible();
		await expect(graphNode(page, 'w')).toBeVisible();
		await openTrainPanel(page);
		await loadModel(page, 'model.safetensors', safetensors);
		await expect(trainPanel(page).getByText('Loaded w, b from model.safetensors.')).toBeVisible();
		expect(errors).toEqual([]);
	});
});

test.describe('#11 class names survive the build', () => {
	test("defect 6: a mismatched model file names PyTorch's class, Linear or GraphModel", async ({
		page
	}) => {
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await expect(graphNode(page, 'weight')).toBeVisible();
		await openTrainPanel(page);
		const panel = trainPanel(page);
		const wrong = Buffer.from(
			JSON.stringify({
				format: 'autograd-canvas.state_dict',
				version: 1,
				tensors: { foo: { dtype: 'float32', shape: [1], data: [1] } }
			})
		);
		await loadModel(page, 'wrong.json', wrong);
		const alert = panel.getByRole('alert');
		await expect(alert).toContainText('Error(s) in loading state_dict for Linear:');
		await expect(alert).toContainText('Missing key(s) in state_dict: "weight", "bias".');
		await expect(alert).toContainText('Unexpected key(s) in state_dict: "foo".');

		// A graph that is not one nn.Linear is the engine's GraphModel.
		await openFile(page, fixture('line-mul-add.json'));
		await expect(graphNode(page, 'w')).toBeVisible();
		await loadModel(page, 'wrong.json', wrong);
		await expect(panel.getByRole('alert')).toContainText(
			'Error(s) in loading state_dict for GraphModel:'
		);

		await page.reload();
		await expect(graphNode(page, 'w')).toBeVisible();
		await expect(counts(page, 7, 6)).toBeVisible();
		expect(errors).toEqual([]);
	});
});

test.describe('#11 bounded echoes', () => {
	test('defect 7: a 4.9 MB format string is quoted by at most 80 characters', async ({ page }) => {
		const errors = await openEditor(page);
		await loadExample(page, /Chain rule/);
		await expect(counts(page, 5, 4)).toBeVisible();
		const format = 'q'.repeat(4.9 * 1024 * 1024);
		const path = test.info().outputPath('huge-format.json');
		await writeFile(path, JSON.stringify({ format, version: 1, nodes: [], edges: [] }));
		await openFile(page, path);
		const dialog = page.getByRole('dialog', { name: 'This file cannot be opened' });
		const problem = dialog.getByRole('listitem').first();
		await expect(problem).toContainText('not an Autograd Canvas graph');
		await expect(problem).toContainText(`got "${'q'.repeat(79)}…"`);
		expect(((await dialog.textContent()) ?? '').length).toBeLessThan(1000);
		await dialog.getByRole('button', { name: 'Close' }).click();

		await page.reload();
		await expect(counts(page, 5, 4)).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('defect 7: a JSON model file with a byte order mark and leading whitespace loads as JSON', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await expect(graphNode(page, 'weight')).toBeVisible();
		await openTrainPanel(page);
		const json = await saveModel(page, 'json');
		const withBom = Buffer.concat([Buffer.from('\uFEFF \r\n\t'), json]);
		await loadModel(page, 'model.json', withBom);
		await expect(trainPanel(page).getByText('Loaded weight, bias from model.json.')).toBeVisible();

		await page.reload();
		await expect(graphNode(page, 'weight')).toBeVisible();
		expect(errors).toEqual([]);
	});
});
