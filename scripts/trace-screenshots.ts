/**
 * Screenshots of the trace (issue 5) for the README, at 1280x800, into docs/screenshots/:
 * a forward step, a backward step with the chain-rule panel, and presenter mode.
 *
 *   npm run build && BASE_URL=http://127.0.0.1:4173/ npx tsx scripts/trace-screenshots.ts
 */
import { chromium, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from './chromium.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';

async function example(page: Page, title: RegExp, path = '') {
	await page.goto(BASE + path);
	await page.getByRole('button', { name: 'Examples' }).click();
	await page.getByRole('menuitem', { name: title }).click();
	await page.waitForTimeout(400);
}

/** Lays the graph out for the taller traced nodes, then frames it. */
async function layout(page: Page) {
	await page.getByRole('button', { name: 'Auto layout' }).click();
	await page.waitForTimeout(600);
}

async function stepTo(page: Page, index: number) {
	await page.getByRole('slider', { name: 'Trace step' }).fill(String(index));
}

const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
await mkdir(out, { recursive: true });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();

// A forward step: t = x + b, the two 3x4 values travelling into t.
await example(page, /Autograd basics/);
await page.getByRole('slider', { name: 'Speed' }).fill('0.25');
await page.getByRole('button', { name: 'Forward', exact: true }).click();
await page.getByRole('button', { name: 'Pause', exact: true }).click();
await stepTo(page, 4);
await page.waitForTimeout(300);
await layout(page);
await stepTo(page, 2);
await page.getByRole('button', { name: 'Step forward', exact: true }).click();
await page.waitForTimeout(1100);
await page.screenshot({ path: `${out}trace-forward-step.png` });

// A backward step of the chain rule: z = w * x + b, at y = w * x.
await example(page, /Chain rule/);
await page.getByRole('slider', { name: 'Speed' }).fill('0.25');
await page.getByRole('button', { name: 'Backward', exact: true }).click();
await page.getByRole('button', { name: 'Pause', exact: true }).click();
await stepTo(page, 7);
await page.waitForTimeout(300);
await layout(page);
await stepTo(page, 6);
await page.getByRole('button', { name: 'Step forward', exact: true }).click();
await page.waitForTimeout(1100);
await page.screenshot({ path: `${out}trace-backward-step.png` });

// Presenter mode, same step.
await page.getByRole('button', { name: 'Presenter mode' }).click();
await page.waitForTimeout(300);
await page.locator('.svelte-flow__controls-fitview').click();
await page.getByRole('button', { name: 'Step back', exact: true }).click();
await page.getByRole('button', { name: 'Step forward', exact: true }).click();
await page.waitForTimeout(1100);
await page.screenshot({ path: `${out}trace-presenter.png` });

await browser.close();
