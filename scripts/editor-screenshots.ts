/**
 * Screenshots of the editor for the README and for review: each example graph in light and dark,
 * the message for a bad file, and the Chinese UI, at 1280x800, into docs/screenshots/.
 *
 *   npm run build && npm run screenshots:editor
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
const PORT = 4175;

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

async function prepare(page: Page, url: string, theme: 'light' | 'dark', locale: 'en' | 'zh') {
	await page.goto(url);
	await page.evaluate(
		([theme, locale]) => {
			localStorage.clear();
			localStorage.setItem('autograd-canvas.theme', theme);
			localStorage.setItem('autograd-canvas.locale', locale);
		},
		[theme, locale]
	);
	await page.reload();
	await page.locator('.svelte-flow__node').first().waitFor();
}

async function loadExample(page: Page, index: number) {
	await page.getByRole('button', { name: /Examples|示例/ }).click();
	await page.getByRole('menuitem').nth(index).click();
	await page.waitForTimeout(400);
}

async function main() {
	await mkdir(out, { recursive: true });
	const { url, server } = await startPreview();
	const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		const examples = ['autograd-basics', 'chain-rule', 'linear-regression'];
		for (const theme of ['light', 'dark'] as const) {
			await prepare(page, url, theme, 'en');
			for (const [index, name] of examples.entries()) {
				await loadExample(page, index);
				// Select the output node, so the inspector shows something.
				await page.locator('.svelte-flow__node').last().click();
				await page.mouse.move(5, 795);
				await page.waitForTimeout(200);
				await page.screenshot({ path: `${out}editor-${name}-${theme}.png` });
			}
		}

		await prepare(page, url, 'light', 'en');
		await loadExample(page, 1);
		const [chooser] = await Promise.all([
			page.waitForEvent('filechooser'),
			page
				.getByRole('button', { name: 'File', exact: true })
				.click()
				.then(() => page.getByRole('menuitem', { name: 'Open', exact: true }).click())
		]);
		await chooser.setFiles(fileURLToPath(new URL('../e2e/fixtures/cycle.json', import.meta.url)));
		await page.getByRole('dialog').waitFor();
		await page.screenshot({ path: `${out}editor-bad-file-light.png` });

		await prepare(page, url, 'light', 'zh');
		await loadExample(page, 2);
		await page.locator('.svelte-flow__node').last().click();
		await page.mouse.move(5, 795);
		await page.screenshot({ path: `${out}editor-chinese-light.png` });
		console.log(`screenshots written to ${out}`);
	} finally {
		await browser.close();
		if (server?.pid) process.kill(-server.pid);
	}
}

await main();
