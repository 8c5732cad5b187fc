/**
 * The editor's first load leaves out what only some actions need (issue 4's budget: under
 * 300 KB of JavaScript, gzipped): `torch.compile`, the model-file formats and the trainer (the
 * training worker has them; the page loads the trainer itself only where there is no worker),
 * the Train panel with its charts (loaded when it opens) and the code importer (loaded when the
 * Import code dialog opens). Each is recognised in the scripts the page fetched by a string only
 * its own module holds.
 */
import { expect, test, type Page } from '@playwright/test';
import { openEditor } from './editor-helpers';
import { logLines, trainToEnd } from './train-helpers';

const LAZY = {
	compile: 'stopped compiling after',
	'model-file reader': 'Weights only load failed',
	trainer: 'the loss must be one number',
	'code importer': 'could not import the code: ',
	'Train panel': 'data-testid="auto-device"'
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

test('the first load leaves out compile, the model-file reader, the trainer, the Train panel and the importer', async ({
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
	await dialog.getByRole('button', { name: 'Cancel' }).click();

	// The Train panel comes when it opens, with its training worker, which holds compile, the
	// model-file formats and the trainer; and it trains (the example: the canvas has no loss).
	await page.getByRole('button', { name: 'Train panel' }).click();
	await trainToEnd(page);
	expect((await logLines(page)).at(-1)).toMatch(/^epoch 1000, loss /);
	expect((await modulesIn(bodies)).sort()).toEqual(Object.keys(LAZY).sort());
	expect(errors).toEqual([]);
});

test.describe('a panel loaded on first use', () => {
	// No service worker: it would serve the files from its cache (e2e/offline.spec.ts).
	test.use({ serviceWorkers: 'block' });

	test('that cannot be loaded says so in the panel, and loads when opened again', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await page.waitForLoadState('networkidle');
		await page.route('**/*.js', (route) => route.abort('internetdisconnected'));
		await page.getByRole('button', { name: 'Train panel' }).click();
		const panel = page.getByRole('complementary', { name: 'Train panel' });
		await expect(panel.getByRole('alert')).toContainText('The panel could not be loaded.');
		await expect(panel.getByRole('button', { name: 'Reload the page' })).toBeVisible();
		// The canvas and the rest of the editor carry on.
		await expect(page.getByRole('button', { name: 'Forward', exact: true })).toBeEnabled();

		await page.unroute('**/*.js');
		await panel.getByRole('button', { name: 'Close the panel' }).click();
		await page.getByRole('button', { name: 'Train panel' }).click();
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
		await expect(panel.getByRole('alert')).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('says it is loading while it loads', async ({ page }) => {
		const errors = await openEditor(page);
		await page.waitForLoadState('networkidle');
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/*.js', async (route) => {
			await held;
			await route.continue();
		});
		await page.getByRole('button', { name: 'Train panel' }).click();
		const panel = page.getByRole('complementary', { name: 'Train panel' });
		await expect(panel.getByText('Loading…')).toBeVisible();
		release();
		await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
		await expect(panel.getByText('Loading…')).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('the import dialog says so in a notice, and opens when asked again', async ({ page }) => {
		const errors = await openEditor(page);
		await page.waitForLoadState('networkidle');
		await page.getByRole('button', { name: 'Code panel' }).click();
		await page.route('**/*.js', (route) => route.abort('internetdisconnected'));
		await page.getByRole('button', { name: 'Import code' }).click();
		await expect(page.getByText(/^Could not open the import dialog \(/)).toBeVisible();
		const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
		await expect(dialog).toHaveCount(0);

		await page.unroute('**/*.js');
		await page.getByRole('button', { name: 'Import code' }).click();
		await expect(dialog.getByRole('textbox', { name: 'Python code' })).toBeVisible();
		expect(errors).toEqual([]);
	});
});
