/**
 * The editor's first load leaves out what only some actions need (issue 4's budget: under
 * 300 KB of JavaScript, gzipped): `torch.compile`, the model-file formats and the trainer (the
 * training worker has them; the page loads the trainer itself only where there is no worker),
 * and the code importer (loaded when the Import code dialog opens). Each is recognised in the
 * scripts the page fetched by a message only its own module holds.
 */
import { expect, test, type Page } from '@playwright/test';
import { openEditor } from './editor-helpers';

const LAZY = {
	compile: 'stopped compiling after',
	'model-file reader': 'Weights only load failed',
	trainer: 'the loss must be one number',
	'code importer': 'could not import the code: '
};

/**
 * The text of every script the page and its workers fetched, from now on (not the service
 * worker's: it caches every file of the build for offline use, without running any).
 */
function scriptsFetched(page: Page): Promise<string>[] {
	const bodies: Promise<string>[] = [];
	page.on('response', (response) => {
		if (response.url().endsWith('.js')) bodies.push(response.text().catch(() => ''));
	});
	return bodies;
}

async function modulesIn(bodies: Promise<string>[]): Promise<string[]> {
	const texts = await Promise.all(bodies);
	return Object.entries(LAZY)
		.filter(([, marker]) => texts.some((text) => text.includes(marker)))
		.map(([name]) => name);
}

test('the first load leaves out compile, the model-file reader, the trainer and the importer', async ({
	page
}) => {
	const bodies = scriptsFetched(page);
	const errors = await openEditor(page);
	// Let the idle-time loads happen too (the trace worker starts when the page is idle).
	await page.waitForLoadState('networkidle');
	expect(bodies.length).toBeGreaterThan(3);
	expect(await modulesIn(bodies)).toEqual([]);

	// The importer comes when its dialog opens, and the dialog works.
	await page.getByRole('button', { name: 'Code panel' }).click();
	await page.getByRole('button', { name: 'Import code' }).click();
	const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
	await dialog.getByRole('textbox', { name: 'Python code' }).fill('x = torch.ones(2)\ny = x.sum()');
	await dialog.getByRole('button', { name: 'Preview' }).click();
	await expect(dialog.getByText('Builds 2 nodes and 1 wire.')).toBeVisible();
	expect(await modulesIn(bodies)).toEqual(['code importer']);
	expect(errors).toEqual([]);
});
