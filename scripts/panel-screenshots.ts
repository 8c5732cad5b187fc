/**
 * Screenshots of the side panels at 1280x800, into docs/screenshots/: the Train panel after
 * training the Linear regression example (loss curve, fit, landscape with the trajectory, live
 * values on the canvas), and the Code panel of the same example.
 *
 *   npm run build && npm run screenshots:panels
 *
 * Serves the built app with `vite preview` on 127.0.0.1 (or uses BASE_URL when set).
 */
import { chromium, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from './chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const PORT = Number(process.env.SCREENSHOT_PORT ?? 4177);

async function startPreview(): Promise<{ url: string; server: ChildProcess | null }> {
	if (process.env.BASE_URL) return { url: process.env.BASE_URL, server: null };
	const server = spawn(
		'npx',
		['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
		{ cwd: root, stdio: 'ignore', detached: true }
	);
	const url = `http://127.0.0.1:${PORT}/`;
	for (let i = 0; i < 100; i++) {
		try {
			if ((await fetch(url)).ok) return { url, server };
		} catch {
			// Not up yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`vite preview did not start on ${url}`);
}

async function openLinearRegression(page: Page, url: string) {
	await page.goto(url);
	await page.evaluate(() => {
		localStorage.clear();
		localStorage.setItem('autograd-canvas.theme', 'light');
		localStorage.setItem('autograd-canvas.locale', 'en');
	});
	await page.reload();
	await page.locator('.svelte-flow__node').first().waitFor();
	await page.getByRole('button', { name: 'Examples' }).click();
	await page.getByRole('menuitem', { name: /Linear regression/ }).click();
	await page.locator('[data-node-name="weight"]').waitFor();
}

async function main() {
	await mkdir(out, { recursive: true });
	const { url, server } = await startPreview();
	const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await openLinearRegression(page, url);
		await page.getByRole('button', { name: 'Train panel' }).click();
		const panel = page.getByRole('complementary', { name: 'Train panel' });
		await panel.getByRole('combobox', { name: 'Device' }).selectOption('cpu');
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await panel.getByLabel('Predicted values').waitFor();
		await page.locator('.svelte-flow__controls-fitview').click();
		await panel.getByRole('checkbox', { name: 'Log scale' }).check();
		await panel
			.locator('figure.chart')
			.nth(0)
			.evaluate((figure) => figure.scrollIntoView({ block: 'start' }));
		await page.waitForTimeout(600);
		await page.screenshot({ path: `${out}editor-train-panel.png` });
		// The landscape with its trajectory, scrolled into view.
		await panel
			.locator('figure.chart')
			.nth(2)
			.evaluate((figure) => figure.scrollIntoView({ block: 'start' }));
		await page.waitForTimeout(300);
		await page.screenshot({ path: `${out}editor-train-panel-landscape.png` });

		await page.getByRole('button', { name: 'Code panel' }).click();
		await page.getByTestId('generated-code').waitFor();
		await page.locator('.svelte-flow__controls-fitview').click();
		await page.waitForTimeout(600);
		await page.screenshot({ path: `${out}editor-code-panel.png` });
		console.log(`wrote ${out}editor-{train-panel,train-panel-landscape,code-panel}.png`);
	} finally {
		await browser.close();
		if (server?.pid) process.kill(-server.pid);
	}
}

await main();
