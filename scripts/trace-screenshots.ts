/**
 * Screenshots of the trace for the README, into docs/screenshots/: a forward step and a backward
 * step with the chain rule (1280x800), presenter mode on a projector (1920x1080), and big tensors
 * (1280x800).
 *
 *   npm run build && BASE_URL=http://127.0.0.1:4173/ npx tsx scripts/trace-screenshots.ts
 */
import { chromium, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from './chromium.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const fixture = (name: string) =>
	fileURLToPath(new URL(`../e2e/fixtures/${name}`, import.meta.url));
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const position = (page: Page) => page.getByRole('region', { name: 'Chain rule' }).locator('.where');

async function example(page: Page, title: RegExp, path = '') {
	await page.goto(BASE + path);
	await page.getByRole('button', { name: 'Examples' }).click();
	await page.getByRole('menuitem', { name: title }).click();
	await page.waitForTimeout(400);
}

/** Steps from nothing to step `index` (1-based), waiting for each. */
async function stepTo(page: Page, index: number) {
	for (let i = 1; i <= index; i++) {
		await button(page, 'Step forward').click();
		await position(page).getByText(`Step ${i} of`).waitFor();
	}
	// Let the token finish its trip along the wire.
	await page.waitForTimeout(900);
}

const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
await mkdir(out, { recursive: true });
const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await laptop.newPage();

// A forward step: t = x + b, the two 3x4 values travelling into t, with their values.
await example(page, /Autograd basics/);
await page.getByRole('slider', { name: 'Speed' }).fill('0.25');
await stepTo(page, 3);
await page.screenshot({ path: `${out}trace-forward-step.png` });

// A backward step on tensors (stepping runs on into backward): the chain rule with the values.
for (let i = 4; i <= 6; i++) {
	await button(page, 'Step forward').click();
	await position(page).getByText(`Step ${i} of`).waitFor();
}
await page.waitForTimeout(900);
await page.screenshot({ path: `${out}trace-backward-step.png` });

// Big tensors: two 4096x4096 leaves, values drawn as pooled heatmaps.
await page.goto(BASE);
const [chooser] = await Promise.all([
	page.waitForEvent('filechooser'),
	page
		.getByRole('button', { name: 'File' })
		.click()
		.then(() => page.getByRole('menuitem', { name: 'Open' }).click())
]);
await chooser.setFiles(fixture('big-add-4096.json'));
await page.getByText('4 nodes, 3 wires').waitFor();
await button(page, 'Backward').click();
await page
	.locator('[data-node-name="x"] [data-role="grad"][data-shape="[4096,4096]"]')
	.waitFor({ timeout: 300_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}trace-big-tensors.png` });
await laptop.close();

// Presenter mode on a projector: the chain rule after Backward, every leaf's grad in view.
const projector = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
const big = await projector.newPage();
await example(big, /Chain rule/, '?present=1');
await big.getByRole('slider', { name: 'Speed' }).fill('4');
await button(big, 'Backward').click();
await position(big).getByText('Step 7 of 7').waitFor();
await big.waitForTimeout(1200);
await big.screenshot({ path: `${out}trace-presenter.png` });
await projector.close();

await browser.close();
