/**
 * Issue 11, defects 7 (the CSV part) and 8: bounded CSV uploads and messages, and the importer's
 * details (NFKC names, a nesting guard). Each test ends with a reload that finds the user's work
 * intact.
 */
import { expect, test, type Page } from '@playwright/test';
import { counts, fileMenu, graphNode, loadExample, openEditor } from './editor-helpers';
import { openTraining, trainPanel } from './train-helpers';

/** The Train panel's CSV box, opened. */
async function openCsv(page: Page) {
	const panel = trainPanel(page);
	await panel.getByText('Paste or upload x,y as CSV').click();
	return panel;
}

/** Reloads the page; the Linear regression graph and the formula's 11 rows are still there. */
async function expectRegressionAfterReload(page: Page) {
	await page.reload();
	await expect(graphNode(page, 'weight')).toBeVisible();
	await expect(graphNode(page, 'bias')).toBeVisible();
	if (!(await trainPanel(page).isVisible())) {
		await page.getByRole('button', { name: 'Train panel' }).click();
	}
	await expect(trainPanel(page).getByText('11 rows', { exact: true })).toBeVisible();
}

/** Opens File > Import code, types `code` and previews it; returns the dialog. */
async function previewImport(page: Page, code: string) {
	await page.getByRole('button', { name: 'Code panel' }).click();
	await page.getByRole('button', { name: 'Import code' }).click();
	const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
	await dialog.getByRole('textbox', { name: 'Python code' }).fill(code);
	await dialog.getByRole('button', { name: 'Preview' }).click();
	return dialog;
}

/** `(...((x + x + ... + x) + x ...) ...)`: `levels` brackets around chains of `ops` operators. */
function nestedChains(levels: number, ops: number): string {
	const chain = Array.from({ length: ops }, () => 'x').join('+');
	let text = 'x';
	for (let i = 0; i < levels; i++) text = `(${text}+${chain})`;
	return text;
}

test.describe('bounded CSV (#11, defect 7)', () => {
	test('a 14 MB CSV upload is refused by its size, with the limit stated; the data stays', async ({
		page
	}) => {
		const errors = await openTraining(page);
		const panel = await openCsv(page);
		const rows = '0.123456789,1.23456789\n'.repeat(Math.ceil((14 * 1024 * 1024) / 23));
		await panel.getByLabel('Upload CSV').setInputFiles({
			name: 'big.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('x,y\n' + rows)
		});
		const alert = panel.getByRole('alert');
		await expect(alert).toContainText(/the CSV is 14\.0 MB; the limit is under 2 MB/);
		await expect(alert).toContainText('The previous data is kept.');
		await expect(panel.getByText('11 rows', { exact: true })).toBeVisible();
		// The limit is stated before anyone tries.
		await expect(
			panel.getByText('Pasted text or a file under 2 MB, at most 100,000 rows.')
		).toBeVisible();
		// The file was not put into the text box.
		await expect(panel.getByLabel('CSV data, one x,y pair per line')).toHaveValue('');
		expect(errors).toEqual([]);
		await expectRegressionAfterReload(page);
	});

	test('a CSV with a 1 MB field gives a one-line message', async ({ page }) => {
		const errors = await openTraining(page);
		const panel = await openCsv(page);
		await panel.getByLabel('Upload CSV').setInputFiles({
			name: 'field.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('x,y\n0,1\n1,' + '9'.repeat(1024 * 1024) + '\n')
		});
		const alert = panel.getByRole('alert');
		await expect(alert).toContainText(
			/^line 3: y = 9{79}… is out of range: training computes in float32/
		);
		const text = (await alert.textContent()) ?? '';
		expect(text.length).toBeLessThan(200);
		await expect(panel.getByText('11 rows', { exact: true })).toBeVisible();
		expect(errors).toEqual([]);
		await expectRegressionAfterReload(page);
	});
});

test.describe('importer details (#11, defect 8)', () => {
	test('𝔵 and x are one name, one node, shown as x', async ({ page }) => {
		const errors = await openEditor(page);
		await fileMenu(page, 'New');
		await expect(counts(page, 0, 0)).toBeVisible();
		const dialog = await previewImport(
			page,
			'𝔵 = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n'
		);
		await expect(dialog.getByText('Every line imports.')).toBeVisible();
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(graphNode(page, 'x')).toBeVisible();
		await expect(graphNode(page, 'y')).toBeVisible();
		await expect(graphNode(page, '𝔵')).toHaveCount(0);
		const imported = page.getByText(/^\d+ nodes?, \d+ wires?$/);
		const status = await imported.textContent();

		await page.reload();
		await expect(graphNode(page, 'x')).toBeVisible();
		await expect(page.getByText(status!, { exact: true })).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('99 bracket levels of 1000-operator chains: "too deeply nested" with line:column, graph unchanged', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await loadExample(page, /Chain rule/i);
		await expect(graphNode(page, 'z')).toBeVisible();
		const before = await page.getByText(/^\d+ nodes?, \d+ wires?$/).textContent();

		const dialog = await previewImport(
			page,
			`x = torch.ones(2)\ny = x * 3\nw = ${nestedChains(99, 999)}\n`
		);
		const problems = dialog.getByRole('list', { name: /^Not imported/ }).getByRole('listitem');
		await expect(problems).toHaveCount(1);
		await expect(problems.first()).toHaveText(
			/^3:\d+ too deeply nested: more than 1200 levels of operators, calls and brackets in one expression$/
		);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(dialog).toBeHidden();
		await expect(graphNode(page, 'z')).toBeVisible();
		await expect(page.getByText(before!, { exact: true })).toBeVisible();

		// One chain of 1000 operators still imports, in the browser's stack too.
		await page.getByRole('button', { name: 'Import code' }).click();
		await dialog
			.getByRole('textbox', { name: 'Python code' })
			.fill(`x = torch.ones(2)\nw = ${Array(1001).fill('x').join(' + ')}\n`);
		await dialog.getByRole('button', { name: 'Preview' }).click();
		await expect(dialog.getByText('Every line imports.')).toBeVisible();
		await dialog.getByRole('button', { name: 'Cancel' }).click();

		await page.reload();
		await expect(graphNode(page, 'z')).toBeVisible();
		await expect(page.getByText(before!, { exact: true })).toBeVisible();
		expect(errors).toEqual([]);
	});
});
