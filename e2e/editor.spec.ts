import { expect, test } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import {
	autosaved,
	canvas,
	expectAutosaved,
	counts,
	dropFromPalette,
	fileMenu,
	fixture,
	graphNode,
	loadExample,
	openEditor,
	openFile,
	save,
	wire
} from './editor-helpers';

test.describe('the graph editor', () => {
	test("New starts at 100%, not at the zoom the last graph's fit gave", async ({ page }) => {
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openEditor(page);
		const zoom = () =>
			page
				.locator('.svelte-flow__viewport')
				.evaluate((element) => new DOMMatrixReadOnly(getComputedStyle(element).transform).a);
		// The welcome example is framed at up to 160% on a projector.
		await expect.poll(zoom).toBeGreaterThan(1.2);
		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();
		await expect.poll(zoom).toBe(1);
		await page.getByRole('button', { name: 'relu', exact: true }).click();
		const box = await graphNode(page, 'relu1').boundingBox();
		expect(box!.width).toBeLessThan(260);
	});

	test('builds the chain-rule graph by drag and drop and wiring, with live shapes', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();

		await dropFromPalette(page, 'x', 110, 90);
		await dropFromPalette(page, 'w', 110, 250);
		await dropFromPalette(page, 'b', 110, 420);
		await dropFromPalette(page, 'mul', 380, 170);
		await dropFromPalette(page, 'add', 620, 300);
		await expect(counts(page, 5, 0)).toBeVisible();
		for (const name of ['x', 'w', 'b', 'mul1', 'add1']) {
			await expect(graphNode(page, name)).toBeVisible();
		}
		// An op with nothing wired in has no shape yet and says what is missing.
		await expect(graphNode(page, 'mul1')).toContainText('missing inputs: input, other');

		await wire(page, 'w', 'mul1', 'input');
		await wire(page, 'x', 'mul1', 'other');
		await wire(page, 'mul1', 'add1', 'input');
		await wire(page, 'b', 'add1', 'other');
		await expect(counts(page, 5, 4)).toBeVisible();

		// z = w * x + b: every tensor is 1-element; w and b ask for gradients, so y and z do too.
		for (const name of ['x', 'w', 'b', 'mul1', 'add1']) {
			await expect(graphNode(page, name).getByTestId('node-shape')).toContainText('[1]');
			await expect(graphNode(page, name).getByTestId('node-error')).toHaveCount(0);
		}
		await expect(graphNode(page, 'add1').getByTitle('requires_grad=True')).toBeVisible();
		await expect(graphNode(page, 'x').getByTitle('requires_grad=True')).toHaveCount(0);

		// Rename the ops as the tutorial does, in the inspector.
		for (const [from, to] of [
			['mul1', 'y'],
			['add1', 'z']
		]) {
			await graphNode(page, from).click();
			const name = page.getByRole('textbox', { name: 'Name' });
			await name.fill(to);
			await name.press('Enter');
			await expect(graphNode(page, to)).toBeVisible();
		}

		// A wire into an input that is already connected is refused, and says why.
		await wire(page, 'x', 'z', 'other');
		await expect(page.getByRole('status').filter({ hasText: 'already connected' })).toBeVisible();
		await expect(counts(page, 5, 4)).toBeVisible();

		await expect
			.poll(async () => {
				const doc = (await autosaved(page)) as { nodes: { name: string; op: string }[] } | null;
				return doc?.nodes.map((n) => `${n.name}:${n.op}`).sort();
			})
			.toEqual(['b:tensor', 'w:tensor', 'x:tensor', 'y:mul', 'z:add']);
		expect(errors).toEqual([]);
	});

	test('Forward or Backward on an empty canvas says what to do', async ({ page }) => {
		await openEditor(page);
		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();
		const notice = page.locator('footer .notice');
		const button = (name: string) => page.getByRole('button', { name, exact: true });
		await canvas(page).click({ position: { x: 200, y: 200 } });
		await page.keyboard.press('b');
		await expect(notice).toHaveText(/^Nothing to run: add a tensor/);
		// Another notice in between, then the Forward button says it again.
		await button('Auto layout').click();
		await expect(notice).toHaveText('Nothing to lay out.');
		await button('Forward').click();
		await expect(notice).toHaveText(/^Nothing to run: add a tensor/);
		await expect(page.getByRole('region', { name: 'Chain rule' })).toHaveCount(0);
	});

	test('undo and redo, by button and by keyboard', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		await expect(counts(page, 5, 4)).toBeVisible();
		const undo = page.getByRole('button', { name: 'Undo', exact: true });
		const redo = page.getByRole('button', { name: 'Redo', exact: true });

		// Delete the wire-heavy node z with the keyboard, then bring it back.
		await graphNode(page, 'z').click();
		await page.keyboard.press('Delete');
		await expect(counts(page, 4, 2)).toBeVisible();
		await undo.click();
		await expect(counts(page, 5, 4)).toBeVisible();
		await redo.click();
		await expect(counts(page, 4, 2)).toBeVisible();

		await canvas(page)
			.locator('.svelte-flow__pane')
			.click({ position: { x: 20, y: 20 } });
		await page.keyboard.press('Control+z');
		await expect(counts(page, 5, 4)).toBeVisible();
		await page.keyboard.press('Control+Shift+z');
		await expect(counts(page, 4, 2)).toBeVisible();
		await page.keyboard.press('Control+z');
		await expect(counts(page, 5, 4)).toBeVisible();
		await page.keyboard.press('Control+y');
		await expect(counts(page, 4, 2)).toBeVisible();

		// Back to the example, then to the graph before it.
		await page.keyboard.press('Control+z');
		await page.keyboard.press('Control+z');
		await expect(counts(page, 4, 3)).toBeVisible();
		await expect(graphNode(page, 't')).toBeVisible();
	});

	test('copy, paste, duplicate and select all', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		await graphNode(page, 'x').click();
		await page.keyboard.press('Control+c');
		await page.keyboard.press('Control+v');
		await expect(graphNode(page, 'x1')).toBeVisible();
		await page.keyboard.press('Control+d');
		await expect(graphNode(page, 'x2')).toBeVisible();
		await expect(counts(page, 7, 4)).toBeVisible();
		await page.keyboard.press('Control+a');
		await page.keyboard.press('Backspace');
		await expect(counts(page, 0, 0)).toBeVisible();
		await page.keyboard.press('Control+z');
		await expect(counts(page, 7, 4)).toBeVisible();
	});

	test('save downloads the graph, and open reads the saved file back', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Linear regression/);
		await expect(graphNode(page, 'loss').getByTestId('node-shape')).toContainText('[]');
		await expect(graphNode(page, 'pred').getByTestId('node-shape')).toContainText('[11, 1]');
		const { text, download } = await save(page);
		expect(download.suggestedFilename()).toMatch(/\.json$/);
		const saved = JSON.parse(text);
		expect(saved.format).toBe('autograd-canvas.graph');
		expect(saved.nodes).toHaveLength(6);

		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();
		const path = test.info().outputPath('saved.json');
		await writeFile(path, text);
		await openFile(page, path);
		await expect(counts(page, 6, 5)).toBeVisible();
		await expect(graphNode(page, 'pred').getByTestId('node-shape')).toContainText('[11, 1]');
		expect((await save(page)).text).toBe(text);
	});

	test('a reload restores the graph exactly', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		await dropFromPalette(page, 'relu', 500, 420);
		await wire(page, 'z', 'relu1', 'input');
		await expect(counts(page, 6, 5)).toBeVisible();
		const before = await save(page);
		await page.reload();
		await expect(counts(page, 6, 5)).toBeVisible();
		await expect(graphNode(page, 'relu1').getByTestId('node-shape')).toContainText('[1]');
		expect((await save(page)).text).toBe(before.text);
	});

	test('a name typed in the Inspector without Enter is kept through a reload; a refused one is not applied', async ({
		page
	}) => {
		await openEditor(page);
		await graphNode(page, 'x').click();
		const name = page.getByRole('textbox', { name: 'Name', exact: true });
		await name.fill('inputs');
		await expect(name).toBeFocused();
		await page.reload();
		await expect(graphNode(page, 'inputs')).toBeVisible();
		await expect(graphNode(page, 'x')).toHaveCount(0);

		// Hidden (another tab in front), the entry is applied and written; back, the field has the
		// focus again.
		await graphNode(page, 'inputs').click();
		await name.fill('features');
		const visibility = (state: 'hidden' | 'visible') =>
			page.evaluate((value) => {
				Object.defineProperty(document, 'visibilityState', { value, configurable: true });
				document.dispatchEvent(new Event('visibilitychange'));
			}, state);
		await visibility('hidden');
		await expect(graphNode(page, 'features')).toBeVisible();
		await expect.poll(async () => JSON.stringify(await autosaved(page))).toContain('"features"');
		await visibility('visible');
		await expect(name).toBeFocused();
		await expect(name).toHaveValue('features');

		// A name the document refuses (another node has it) stays in its field, and changes nothing.
		await name.fill('b');
		await visibility('hidden');
		await expect(name).toHaveAttribute('aria-invalid', 'true');
		await expect(name).toHaveValue('b');
		await visibility('visible');
		await page.reload();
		await expect(graphNode(page, 'features')).toBeVisible();
		await expect(graphNode(page, 'b')).toHaveCount(1);
	});

	const badFiles: [string, RegExp][] = [
		['broken.json', /JSON/i],
		['wrong-format.json', /format/],
		['wrong-version.json', /version/],
		['schema-error.json', /nodes\[1\]/],
		['cycle.json', /cycle/],
		['billion-elements.json', /limit|elements/],
		['dangling-edge.json', /n99/],
		['two-edges-one-input.json', /input/]
	];

	test('invalid files leave the graph unchanged and list their problems', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		const before = await save(page);
		for (const [name, expected] of badFiles) {
			await openFile(page, fixture(name));
			const dialog = page.getByRole('dialog', { name: 'This file cannot be opened' });
			await expect(dialog, name).toBeVisible();
			await expect(dialog).toContainText(name);
			await expect(dialog.getByRole('listitem').first()).toContainText(expected);
			await expect(dialog).toContainText('Your graph was not changed.');
			await dialog.getByRole('button', { name: 'Close' }).click();
			await expect(dialog).toBeHidden();
			await expect(counts(page, 5, 4)).toBeVisible();
		}
		// A 50 MB file is refused before it is read.
		const big = test.info().outputPath('fifty-megabytes.json');
		await writeFile(big, '['.padEnd(50 * 1024 * 1024, ' ') + ']');
		await openFile(page, big);
		const dialog = page.getByRole('dialog', { name: 'This file cannot be opened' });
		await expect(dialog).toContainText('50 MB');
		await dialog.getByRole('button', { name: 'Close' }).click();

		expect((await save(page)).text).toBe(before.text);
		await expectAutosaved(page, JSON.parse(before.text));
	});

	test('a graph with a shape error opens, and the node carries the message', async ({ page }) => {
		await openEditor(page);
		await openFile(page, fixture('shape-error.json'));
		await expect(counts(page, 3, 2)).toBeVisible();
		await expect(graphNode(page, 'c').getByTestId('node-error')).toContainText(
			'The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1'
		);
	});

	test('a hostile node name opens, shows literally and runs nothing', async ({ page }) => {
		const dialogs: string[] = [];
		page.on('dialog', async (dialog) => {
			dialogs.push(dialog.message());
			await dialog.dismiss();
		});
		const errors = await openEditor(page);
		await openFile(page, fixture('hostile-name.json'));
		await expect(counts(page, 2, 1)).toBeVisible();
		const hostile = '<img src=x onerror=alert(1)>';
		const node = graphNode(page, hostile);
		await expect(node).toBeVisible();
		await expect(node).toContainText(hostile);
		await expect(graphNode(page, '<script>alert(2)</script>')).toContainText(
			'<script>alert(2)</script>'
		);
		await expect(canvas(page).locator('img')).toHaveCount(0);
		await expect(page.locator('.svelte-flow script')).toHaveCount(0);
		await node.click();
		await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue(hostile);
		await page.waitForTimeout(300);
		expect(dialogs).toEqual([]);
		expect(errors).toEqual([]);
	});

	test('the share link opens the same graph in a new page', async ({ page, context }) => {
		await openEditor(page);
		await loadExample(page, /Linear regression/);
		await graphNode(page, 'x').click();
		await page.getByRole('textbox', { name: 'Name' }).fill('inputs');
		await page.getByRole('textbox', { name: 'Name' }).press('Enter');
		const original = (await save(page)).text;

		await fileMenu(page, 'Share link');
		const box = page.getByRole('textbox', { name: 'Share link' });
		const link = await box.inputValue();
		expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#g1\./);
		// Opening another toolbar menu closes the box, which would cover the menu's items (QA).
		await page.getByRole('button', { name: 'Examples' }).click();
		await expect(box).toHaveCount(0);
		await page.getByRole('menuitem', { name: /Autograd basics/ }).click({ trial: true });
		await page.keyboard.press('Escape');

		// A fresh page (its own autosave cleared) opens the link.
		const other = await context.newPage();
		await other.goto('/');
		await other.evaluate(() => localStorage.clear());
		// Leave the page first: going from / to /#g1... would only change the hash, not load the
		// page, and the test would race the first page's autosave.
		await other.goto('about:blank');
		await other.goto(link);
		await expect(counts(other, 6, 5)).toBeVisible();
		await expect(graphNode(other, 'inputs')).toBeVisible();
		expect((await save(other)).text).toBe(original);
		// The hash is taken out of the address once the graph is open.
		expect(new URL(other.url()).hash).toBe('');
	});

	test('a damaged share link changes nothing and says why', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		const before = (await save(page)).text;
		await page.goto('/#g1.this-is-not-a-graph');
		const dialog = page.getByRole('dialog', { name: 'This link cannot be opened' });
		await expect(dialog).toBeVisible();
		await dialog.getByRole('button', { name: 'Close' }).click();
		await expect(counts(page, 5, 4)).toBeVisible();
		expect((await save(page)).text).toBe(before);
	});

	test('switches to Chinese and back, and remembers the choice', async ({ page }) => {
		await openEditor(page);
		const language = page.getByRole('combobox', { name: /Language|语言/ });
		await language.selectOption('zh');
		await expect(page.getByRole('button', { name: '文件' })).toBeVisible();
		await expect(page.getByRole('heading', { name: '组件面板' })).toBeVisible();
		await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		// Op ids stay as they are: they are PyTorch's names.
		await expect(page.getByRole('button', { name: 'mul', exact: true })).toBeVisible();
		await page.reload();
		await expect(page.getByRole('button', { name: '撤销' })).toBeVisible();

		await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('en');
		await expect(page.getByRole('button', { name: 'File', exact: true })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Palette' })).toBeVisible();
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	});

	test('palette: search, click and Enter add at the centre, quick add on double-click', async ({
		page
	}) => {
		await openEditor(page);
		await fileMenu(page, 'New');
		await page.getByRole('searchbox', { name: 'Search the palette' }).fill('soft');
		await expect(page.getByRole('button', { name: 'log_softmax', exact: true })).toBeVisible();
		await expect(page.getByRole('button', { name: 'mul', exact: true })).toHaveCount(0);
		await page.getByRole('searchbox', { name: 'Search the palette' }).fill('');

		await page.getByRole('button', { name: 'w', exact: true }).click();
		await expect(graphNode(page, 'w')).toBeVisible();
		await page.getByRole('button', { name: 'sum', exact: true }).focus();
		await page.keyboard.press('Enter');
		await expect(graphNode(page, 'sum1')).toBeVisible();

		await canvas(page)
			.locator('.svelte-flow__pane')
			.dblclick({ position: { x: 200, y: 450 } });
		const quick = page.getByRole('combobox', { name: 'Add a node' });
		await expect(quick).toBeFocused();
		await quick.fill('tanh');
		await quick.press('Enter');
		await expect(graphNode(page, 'tanh1')).toBeVisible();
		await expect(counts(page, 3, 0)).toBeVisible();
	});

	test('the inspector refuses invalid entries in place and changes nothing', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Autograd basics/);
		await graphNode(page, 'x').click();
		const before = JSON.parse((await save(page)).text);
		await expectAutosaved(page, before);

		const shape = page.getByRole('textbox', { name: 'Shape' });
		await shape.fill('3, -4');
		await shape.press('Enter');
		await expect(shape).toHaveAttribute('aria-invalid', 'true');
		await expect(shape).toHaveAccessibleDescription(/positive integers/);
		await shape.fill('1000, 1000, 1000');
		await shape.press('Enter');
		await expect(shape).toHaveAccessibleDescription(
			/1,000,000,000 elements exceeds Autograd Canvas's limit of 67,108,864/
		);
		await expect(graphNode(page, 'x').getByTestId('node-shape')).toContainText('[3, 4]');

		const name = page.getByRole('textbox', { name: 'Name' });
		await name.fill('b');
		await name.press('Enter');
		await expect(name).toHaveAccessibleDescription(/already named b/);
		await name.fill('2x');
		await name.press('Enter');
		await expect(name).toHaveAccessibleDescription(/Python identifier/);
		expect(JSON.parse((await save(page)).text)).toEqual(before);
		await expectAutosaved(page, before);

		// A valid shape is applied, and the shapes downstream follow (with PyTorch's error).
		await shape.fill('3, 5');
		await shape.press('Enter');
		await expect(graphNode(page, 'x').getByTestId('node-shape')).toContainText('[3, 5]');
		await expect(graphNode(page, 't').getByTestId('node-error')).toContainText(
			'must match the size of tensor b (4)'
		);
		await shape.fill('(3, 4)');
		await shape.press('Enter');
		await expect(graphNode(page, 't').getByTestId('node-error')).toHaveCount(0);

		// sum's dim and keepdim.
		await graphNode(page, 'y').click();
		const dim = page.getByRole('textbox', { name: 'dim' });
		await dim.fill('zero');
		await dim.press('Enter');
		await expect(dim).toHaveAccessibleDescription('not an integer: zero');
		await expect(graphNode(page, 'y').getByTestId('node-shape')).toContainText('[]');
		await dim.fill('1');
		await dim.press('Enter');
		await expect(graphNode(page, 'y').getByTestId('node-shape')).toContainText('[3]');
		await page.getByRole('checkbox', { name: 'keepdim' }).check();
		await expect(graphNode(page, 'y').getByTestId('node-shape')).toContainText('[3, 1]');
	});

	test('auto layout, zoom controls and the minimap are there', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		const before = await graphNode(page, 'z').boundingBox();
		await page.getByRole('button', { name: 'Auto layout' }).click();
		await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeEnabled();
		// Below 1440 px the minimap starts hidden; its toggle shows it.
		await page.getByRole('button', { name: 'Minimap' }).click();
		await expect(page.locator('.svelte-flow__minimap')).toBeVisible();
		await expect(page.locator('.svelte-flow__controls')).toBeVisible();
		await page.locator('.svelte-flow__controls-fitview').click();
		expect(before).not.toBeNull();
	});

	test('the values grid, init and requires_grad of a leaf', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		await graphNode(page, 'x').click();
		await page.getByRole('textbox', { name: 'Shape' }).fill('2, 3');
		await page.getByRole('textbox', { name: 'Shape' }).press('Enter');
		await page.getByRole('combobox', { name: 'Init' }).selectOption('values');
		const grid = page.getByRole('group', { name: 'Values' });
		await expect(grid.getByRole('textbox')).toHaveCount(6);
		const value = grid.getByRole('textbox', { name: 'value 4' });
		await value.fill('2.5');
		await value.press('Enter');
		await expect(graphNode(page, 'x')).toContainText('values');
		await value.fill('two');
		await value.press('Enter');
		await expect(grid.getByRole('alert')).toHaveText(
			'value 4: not a number: two (it stays 2.5; Escape shows it again)'
		);
		// inf is a number to PyTorch: the field says why a graph cannot keep it.
		await value.fill('-inf');
		await value.press('Enter');
		await expect(grid.getByRole('alert')).toHaveText(
			'value 4: -inf: a graph holds finite numbers only, not inf or nan (the largest float32 is about 3.4e38) (it stays 2.5; Escape shows it again)'
		);
		// A second refused field keeps its own mark and line; a good value elsewhere clears neither.
		const first = grid.getByRole('textbox', { name: 'value 0' });
		await first.fill('nan');
		await first.press('Enter');
		const other = grid.getByRole('textbox', { name: 'value 1' });
		await other.fill('7');
		await other.press('Enter');
		await expect(grid.getByRole('alert')).toHaveCount(2);
		await expect(grid.getByRole('alert').first()).toContainText('value 0: nan');
		for (const field of [first, value]) await expect(field).toHaveAttribute('aria-invalid', 'true');
		await expect(other).toHaveAttribute('aria-invalid', 'false');
		// Escape shows the stored value again; correcting the other clears it.
		await first.press('Escape');
		await expect(first).toHaveValue('0');
		await value.fill('2.5');
		await value.press('Enter');
		await expect(grid.getByRole('alert')).toHaveCount(0);
		await other.fill('0');
		await other.press('Enter');
		const saved = JSON.parse((await save(page)).text);
		expect(saved.nodes[0].attrs).toMatchObject({
			shape: [2, 3],
			init: 'values',
			values: [0, 0, 0, 0, 2.5, 0]
		});
		// requires_grad on x spreads to y and z.
		await page.getByRole('checkbox', { name: 'requires_grad' }).check();
		await expect(graphNode(page, 'x').getByTitle('requires_grad=True')).toBeVisible();
		// Broadcasting [2, 3] * [1] gives y the shape [2, 3].
		await expect(graphNode(page, 'y').getByTestId('node-shape')).toContainText('[2, 3]');
	});

	test('export image gives a PNG and an SVG of the graph', async ({ page }) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		for (const [item, extension] of [
			['Export PNG image', 'png'],
			['Export SVG image', 'svg']
		]) {
			const [download] = await Promise.all([page.waitForEvent('download'), fileMenu(page, item)]);
			expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${extension}$`));
			const bytes = await readFile(await download.path());
			if (extension === 'png') {
				expect(bytes.subarray(1, 4).toString()).toBe('PNG');
				expect(bytes.length).toBeGreaterThan(5000);
			} else {
				const text = bytes.toString('utf8');
				expect(text.startsWith('<svg') || text.includes('<svg')).toBe(true);
				// Real SVG: the node's name is a <text> element.
				expect(text).toMatch(/<text[^>]*>z<\/text>/);
			}
		}
	});
});
