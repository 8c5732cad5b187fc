// Screenshots of the Train panel after training the Linear regression example (1000 epochs on
// the CPU, log-scale loss): docs/screenshots/train-panel.png, and a dark one when asked.
//
//   node scripts/train-panel-screenshot.mjs [--dark out.png] [--narrow out.png]
//
// Mounts TrainPanel alone on a throwaway Vite page (no route in the app), in the system
// Chromium, at 1440 px wide.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the project, so the page resolves svelte, d3 and the rest from node_modules.
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const page = mkdtempSync(join(cache, 'train-panel-'));
writeFileSync(
	join(page, 'index.html'),
	`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Train panel</title>
<style>body { margin: 0; }</style></head><body><script type="module" src="./main.ts"></script></body></html>`
);
writeFileSync(
	join(page, 'main.ts'),
	`import { mount } from 'svelte';
import { exampleDocument } from '$lib/graph';
import { TrainPanel } from '$lib/editor/TrainPanel';
mount(TrainPanel, { target: document.body, props: { doc: exampleDocument('linear-regression')! } });
`
);

const server = await createServer({
	configFile: false,
	root: page,
	logLevel: 'error',
	plugins: [svelte({ configFile: join(root, 'svelte.config.js') })],
	resolve: { alias: { $lib: join(root, 'src/lib') } },
	server: { host: '127.0.0.1', port: 0, fs: { allow: [root, page] } }
});
await server.listen();
const address = server.httpServer.address();
const url = `http://127.0.0.1:${address.port}/`;

const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
async function shoot(colorScheme, path, width = 1440) {
	const tab = await browser.newPage({ viewport: { width, height: 1400 }, colorScheme });
	tab.on('pageerror', (error) => console.error(error));
	await tab.goto(url);
	await tab.getByRole('combobox', { name: 'Device' }).selectOption('cpu');
	await tab.getByRole('button', { name: 'Train' }).click();
	await tab.getByLabel('Predicted values').waitFor({ timeout: 30_000 });
	await tab.getByLabel('Log scale').check();
	await tab.waitForTimeout(300);
	await tab.locator('.train-panel').screenshot({ path });
	console.log(`wrote ${path}`);
	await tab.close();
}
try {
	await shoot('light', join(root, 'docs/screenshots/train-panel.png'));
	const dark = process.argv.indexOf('--dark');
	if (dark !== -1) await shoot('dark', process.argv[dark + 1]);
	// A side panel beside the canvas: one column.
	const narrow = process.argv.indexOf('--narrow');
	if (narrow !== -1) await shoot('light', process.argv[narrow + 1], 520);
} finally {
	await browser.close();
	await server.close();
	rmSync(page, { recursive: true, force: true });
}
