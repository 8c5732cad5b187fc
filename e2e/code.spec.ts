/**
 * Issue 7, graph <-> PyTorch code: the tutorial's chain-rule cell imported through the "Import
 * code" dialog (one undoable step), then run Forward and Backward (w.grad = x); and the Code
 * panel of the Linear regression example.
 */
import { expect, test, type Page } from '@playwright/test';
import { counts, fileMenu, graphNode, loadExample, openEditor } from './editor-helpers';

const CHAIN_RULE_CELL = [
	'x = torch.rand(1)',
	'b = torch.rand(1, requires_grad = True)',
	'w = torch.rand(1, requires_grad = True)',
	'y = w * x',
	'z = y + b'
].join('\n');

/** Code panel › Import code, with `code` typed into the dialog; the dialog. */
async function importDialog(page: Page, code: string) {
	await page.getByRole('button', { name: 'Code panel' }).click();
	await page.getByRole('button', { name: 'Import code' }).click();
	const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
	await dialog.getByRole('textbox', { name: 'Python code' }).fill(code);
	return dialog;
}

test.describe('PyTorch code', () => {
	test("imports the tutorial's chain-rule cell as one undoable step", async ({ page }) => {
		const errors = await openEditor(page);
		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();

		const dialog = await importDialog(page, CHAIN_RULE_CELL);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		await expect(dialog.getByText('Builds 5 nodes and 4 wires.')).toBeVisible();
		await expect(dialog.getByText('Every line imports.')).toBeVisible();
		// One of each is said in the singular.
		const textbox = dialog.getByRole('textbox', { name: 'Python code' });
		await textbox.fill('x = torch.ones(2, requires_grad=True)\ny = x.sum()\n');
		await dialog.getByRole('button', { name: 'Preview' }).click();
		await expect(dialog.getByText('Builds 2 nodes and 1 wire.')).toBeVisible();
		await textbox.fill(CHAIN_RULE_CELL);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		// Nothing changes before Import.
		await expect(counts(page, 0, 0)).toBeVisible();
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(counts(page, 5, 4)).toBeVisible();
		await expect(page.locator('footer .notice')).toHaveText('Imported 5 nodes from the code.');
		for (const name of ['x', 'w', 'b', 'y', 'z']) {
			await expect(graphNode(page, name)).toBeVisible();
		}

		// Forward and Backward on the imported graph (issue 5's controls): dz/dw = x.
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await page.getByRole('button', { name: 'Forward', exact: true }).click();
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		const x = graphNode(page, 'x').locator('[data-role="value"]');
		await expect(x).toHaveAttribute('data-tensor', /^\[[\d.e-]+\]$/);
		const xValue = await x.getAttribute('data-tensor');
		await expect(graphNode(page, 'w').locator('[data-role="grad"]')).toHaveAttribute(
			'data-tensor',
			xValue!
		);

		// Undo restores the empty graph in one step.
		await page.getByRole('button', { name: 'Undo', exact: true }).click();
		await expect(counts(page, 0, 0)).toBeVisible();
		await page.getByRole('button', { name: 'Redo', exact: true }).click();
		await expect(counts(page, 5, 4)).toBeVisible();
		expect(errors).toEqual([]);
	});

	test("the seed's z.backward(retain_graph=True) ticks retain_graph, and the Code panel writes it", async ({
		page
	}) => {
		const errors = await openEditor(page);
		await fileMenu(page, 'New');
		const retain = page.getByRole('checkbox', { name: 'Retain graph' });
		await expect(retain).not.toBeChecked();
		const dialog = await importDialog(
			page,
			`${CHAIN_RULE_CELL}\nz.backward(retain_graph=True)#如果不清空会累加起来\nw.grad`
		);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		await expect(dialog.getByText('Every line imports.')).toBeVisible();
		await expect(
			dialog.getByText('backward(retain_graph=True): the toolbar’s retain_graph is ticked')
		).toBeVisible();
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(retain).toBeChecked();
		await expect(page.locator('pre')).toContainText('z.backward(retain_graph=True)');

		// As in PyTorch: a second backward works and accumulates, w.grad = 2x.
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await page.getByRole('button', { name: 'Forward', exact: true }).click();
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		const w = graphNode(page, 'w').locator('[data-role="grad"]');
		await expect(w).toHaveAttribute('data-tensor', /^\[[\d.e-]+\]$/);
		const once = JSON.parse((await w.getAttribute('data-tensor'))!)[0];
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		await expect
			.poll(async () => JSON.parse((await w.getAttribute('data-tensor'))!)[0])
			.toBeCloseTo(2 * once, 5);
		await expect(page.getByTestId('chain-error')).toHaveCount(0);

		// Unticked, the Code panel writes backward() again.
		await retain.uncheck();
		await expect(page.locator('pre')).toContainText('\nz.backward()\n');
		expect(errors).toEqual([]);
	});

	test('lists the lines it cannot import with line:column, and changes nothing on Cancel', async ({
		page
	}) => {
		await openEditor(page);
		await loadExample(page, /Chain rule/i);
		await expect(graphNode(page, 'z')).toBeVisible();
		const dialog = await importDialog(page, 'a = torch.ones(2)\nb = numpy.zeros(2)\nc = a * <b>\n');
		await dialog.getByRole('button', { name: 'Preview' }).click();
		const problems = dialog.getByRole('list', { name: /^Not imported/ }).getByRole('listitem');
		await expect(problems).toHaveCount(2);
		await expect(problems.nth(0)).toHaveText("2:5 name 'numpy' is not defined");
		// Rendered as text: the '<' of the source shows as a character.
		await expect(problems.nth(1)).toHaveText("3:9 invalid syntax at '<'");
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(dialog).toBeHidden();
		await expect(graphNode(page, 'z')).toBeVisible();
	});

	test("an unterminated string is reported with Python's message, at the quote", async ({
		page
	}) => {
		await openEditor(page);
		const dialog = await importDialog(page, "import torch\n\nprint('hello)");
		await dialog.getByRole('button', { name: 'Preview' }).click();
		const problems = dialog.getByRole('list', { name: /^Not imported/ }).getByRole('listitem');
		await expect(problems).toHaveText(['3:7 unterminated string literal (detected at line 3)']);
	});

	test('one node imported is said in the singular', async ({ page }) => {
		await openEditor(page);
		await fileMenu(page, 'New');
		const dialog = await importDialog(page, 'x = torch.ones(2)');
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(page.locator('footer .notice')).toHaveText('Imported 1 node from the code.');
	});

	test('a name assigned again imports at once, with a note, not as a line left out', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await fileMenu(page, 'New');
		const dialog = await importDialog(
			page,
			'import torch\nx = torch.rand(3, requires_grad=True)\nx = x * 2\ny = x.sum()'
		);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		await expect(dialog.getByText('Builds 4 nodes and 3 wires.')).toBeVisible();
		await expect(dialog.getByText('Every line imports.')).toBeVisible();
		await expect(dialog.getByRole('list', { name: /^Not imported/ })).toHaveCount(0);
		const notes = dialog.getByRole('list', { name: 'Notes (1):' }).getByRole('listitem');
		await expect(notes).toHaveText([
			'3:1 x = ... reads the old x (it was assigned on line 2): a node cannot feed itself, so the new value is a new node, x_1'
		]);
		// One press imports: no "Import anyway" step.
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(counts(page, 4, 3)).toBeVisible();
		await expect(page.locator('footer .notice')).toHaveText('Imported 4 nodes from the code.');
		await expect(graphNode(page, 'x_1')).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('past 100 problems, the heading counts them all and the rest are one line with no place', async ({
		page
	}) => {
		await openEditor(page);
		const code = ['x = torch.ones(2)', ...Array<string>(150).fill('x += 1')].join('\n');
		const dialog = await importDialog(page, code);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		const problems = dialog
			.getByRole('list', { name: 'Not imported (150):' })
			.getByRole('listitem');
		await expect(problems).toHaveCount(101);
		await expect(problems.nth(99)).toHaveText(/^101:1 in-place update/);
		await expect(problems.nth(100)).toHaveText('and 50 more problems');
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog.getByRole('alert')).toHaveText(/^150 lines above cannot be imported/);
	});

	test('code that imports but cannot run says so on the status line, naming the node', async ({
		page
	}) => {
		await openEditor(page);
		const dialog = await importDialog(
			page,
			'a = torch.ones(2, 3)\nb = torch.ones(2, 3)\nc = a @ b\nd = c.sum()\n'
		);
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(counts(page, 4, 3)).toBeVisible();
		await expect(page.locator('footer .notice')).toHaveText(
			'Imported 4 nodes from the code, but c cannot run: its red node says why.'
		);
	});

	test('the Code panel holds the training loop of the Linear regression example', async ({
		page
	}) => {
		await openEditor(page);
		await loadExample(page, /Linear regression/);
		await page.getByRole('button', { name: 'Code panel' }).click();
		const code = page.getByTestId('generated-code');
		await expect(code).toContainText('for epoch in range');
		await expect(code).toContainText('optimizer.step()');
		await expect(code).toContainText('torch.save(model.state_dict()');
		await expect(code).toContainText('nn.Linear');

		// It follows the graph (debounced): a new graph, new code.
		await loadExample(page, /Chain rule/i);
		await expect(code).not.toContainText('for epoch in range');
		await expect(code).toContainText('.backward()');

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Download .py' }).click()
		]);
		expect(download.suggestedFilename()).toMatch(/\.py$/);
	});
});
