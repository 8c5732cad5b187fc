/**
 * A CPU profile of trace + render on the 200-node graph (bench/ui/trace.ts), for finding where the
 * time goes: prints the functions with the most self time. Serve the built app first.
 *
 *   npx vite preview --port 4190 & BASE_URL=http://127.0.0.1:4190/ npx tsx bench/ui/profile-trace.ts
 */
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.js';
import { traceGraph } from './trace';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:4190/';
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.addInitScript(
	([doc]) => localStorage.setItem('autograd-canvas.document', doc),
	[JSON.stringify(traceGraph())]
);
await page.goto(BASE);
await page.getByText('200 nodes, 200 wires', { exact: true }).waitFor();
await page.waitForTimeout(800);
await browser.startTracing(page, {
	path: '/tmp/prof/trace.json',
	categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink']
});
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const button = (name: string) => page.getByRole('button', { name, exact: true });
await page.getByRole('switch', { name: 'Show all gradients' }).check();
await button('Forward').click();
await page.locator('.svelte-flow__node [data-role="value"]').first().waitFor();
await button('Pause')
	.click()
	.catch(() => undefined);
await page.getByRole('slider', { name: 'Trace step' }).fill('200');
await page.locator('.svelte-flow__node [data-role="value"]').nth(199).waitFor();
await button('Backward').click();
await page.waitForFunction(
	() => Number(document.querySelector('input[aria-label="Trace step"]')?.getAttribute('max')) > 200
);
await button('Pause')
	.click()
	.catch(() => undefined);
await page.getByRole('slider', { name: 'Trace step' }).fill('399');
await page.waitForTimeout(1500);
const { profile } = await cdp.send('Profiler.stop');
await browser.stopTracing();
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas ?? [];
(profile.samples ?? []).forEach((id, i) => {
	const node = byId.get(id)!;
	const f = node.callFrame;
	const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
	self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
});
const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [k, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms  ${k}`);
await browser.close();
