/**
 * bench:ui's big-tensor measurement (issue 10, section 6): Forward then Backward on two 4096 x 4096
 * leaves (t = x + b, y = t.sum()), from the click on Forward until x's grad is drawn. Reports the
 * wall time and the longest main-thread task over the whole run (PerformanceObserver 'longtask':
 * Chromium reports tasks over 50 ms only). The trace runs in a worker; the page must stay free.
 */
import type { Browser } from '@playwright/test';
import { seedDocument } from './graphs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DOC = readFileSync(join(here, '..', '..', 'e2e', 'fixtures', 'big-add-4096.json'), 'utf8');

/** Records every long task (over 50 ms) of the page in `window.__longTasks`. */
export const LONG_TASKS = `
	(() => {
		window.__longTasks = [];
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
			}
		}).observe({ type: 'longtask', buffered: true });
	})();
`;

export async function bigTensorRun(
	browser: Browser,
	base: string,
	viewport: { width: number; height: number }
): Promise<{ wallMs: number; longestTaskMs: number }> {
	const context = await browser.newContext({ viewport });
	const page = await context.newPage();
	await seedDocument(page, DOC);
	await page.addInitScript(LONG_TASKS);
	await page.goto(base);
	await page.getByText('4 nodes, 3 wires', { exact: true }).waitFor();
	await page.waitForTimeout(500);
	const start = await page.evaluate(() => performance.now());
	await page.getByRole('button', { name: 'Forward', exact: true }).click();
	const node = (name: string, role: string) =>
		page.locator(`[data-node-name="${name}"] [data-role="${role}"][data-shape="[4096,4096]"]`);
	await node('t', 'value').waitFor({ timeout: 300_000 });
	await page.getByRole('button', { name: 'Backward', exact: true }).click();
	await node('x', 'grad').waitFor({ timeout: 300_000 });
	const { end, longTasks } = await page.evaluate(() => ({
		end: performance.now(),
		longTasks: (window as unknown as { __longTasks: { start: number; duration: number }[] })
			.__longTasks
	}));
	await context.close();
	let longest = 0;
	for (const task of longTasks) {
		if (task.start + task.duration > start && task.duration > longest) longest = task.duration;
	}
	return { wallMs: end - start, longestTaskMs: longest };
}
