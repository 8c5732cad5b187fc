/**
 * bench:ui's trace measurements (issue 5), on a 200-node, 200-wire graph: a leaf x [4, 8] that
 * requires grad, x * x, then a chain of elementwise ops, then a sum.
 *  - trace + render of Forward + Backward, excluding the animation: Forward (trace, first step
 *    drawn), jump to the last forward step (all 200 values drawn), Backward (trace), jump to the
 *    last step (every grad drawn, "Show all gradients" on); each from the click (or scrubber input) to the frame after it;
 *  - frame times while the forward replay animates (requestAnimationFrame deltas, p95).
 */
import type { Browser } from '@playwright/test';
import { seedDocument } from './graphs';

const OPS = ['neg', 'exp', 'tanh', 'sigmoid', 'relu'];

export function traceGraph(size = 200) {
	const nodes: unknown[] = [];
	const edges: unknown[] = [];
	const columns = 20;
	const position = (i: number) => {
		const row = Math.floor(i / columns);
		const column = row % 2 === 0 ? i % columns : columns - 1 - (i % columns);
		return { x: column * 230, y: row * 260 };
	};
	const attrs = { shape: [4, 8], init: 'randn', seed: 1, requiresGrad: true };
	nodes.push({ id: 'n0', op: 'tensor', name: 'x', position: position(0), attrs });
	nodes.push({ id: 'n1', op: 'mul', name: 't1', position: position(1) });
	edges.push({ id: 'e0', source: 'n0', target: 'n1', targetInput: 'input' });
	edges.push({ id: 'e1', source: 'n0', target: 'n1', targetInput: 'other' });
	for (let i = 2; i < size; i++) {
		const op = i === size - 1 ? 'sum' : OPS[i % OPS.length];
		nodes.push({ id: `n${i}`, op, name: `t${i}`, position: position(i) });
		edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}`, targetInput: 'input' });
	}
	return { format: 'autograd-canvas.graph', version: 1, nodes, edges };
}

/** Runs in the page: times one action from its start to the frame after it. */
const TIMED_ACTIONS = `
	(async () => {
		const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
		const button = (name) =>
			[...document.querySelectorAll('button')].find(
				(b) => b.getAttribute('aria-label') === name || b.textContent.trim() === name
			);
		const scrubber = () => document.querySelector('input[aria-label="Trace step"]');
		const toEnd = () => {
			const input = scrubber();
			input.value = input.max;
			input.dispatchEvent(new Event('input', { bubbles: true }));
		};
		const count = (selector) => document.querySelectorAll(selector).length;
		const values = () => count('.svelte-flow__node [data-role="value"]');
		const grads = () =>
			count('.svelte-flow__node [data-role="grad"]:not(:has(.none)), .svelte-flow__node [data-role="flow-grad"]');
		const times = {};
		// From the action to the first frame after what it shows has been drawn. The trace runs in
		// a worker, so the result arrives some frames later: wait for it, frame by frame.
		const time = async (name, action, done) => {
			const start = performance.now();
			action();
			await nextFrame();
			for (let i = 0; i < 2000 && !done(); i++) await nextFrame();
			times[name] = performance.now() - start;
		};
		// Show every gradient (the teaching view): 200 grads drawn, not only the leaf's.
		document.querySelector('input[role="switch"]').click();
		await nextFrame();
		await time('forward', () => button('Forward').click(), () => values() >= 1);
		button('Pause')?.click();
		await time('forwardAll', toEnd, () => values() >= 200);
		await time('backward', () => button('Backward').click(), () => scrubber().max > 200);
		button('Pause')?.click();
		await time('backwardAll', toEnd, () => grads() >= 200);
		times.grads = grads();
		times.values = values();
		return times;
	})()
`;

const FRAME_RECORDER = `
	(() => {
		window.__traceFrames = [];
		window.__traceRecording = true;
		let last = 0;
		const tick = (now) => {
			if (last) window.__traceFrames.push(now - last);
			last = now;
			if (window.__traceRecording) requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	})();
`;

async function openTraceGraph(
	browser: Browser,
	base: string,
	viewport: { width: number; height: number }
) {
	const context = await browser.newContext({ viewport });
	const page = await context.newPage();
	await seedDocument(page, traceGraph());
	await page.goto(base);
	await page.getByText('200 nodes, 200 wires', { exact: true }).waitFor();
	await page.locator('.svelte-flow__node').nth(199).waitFor();
	await page.waitForTimeout(500);
	return { page, close: () => context.close() };
}

export interface TraceTimes {
	forward: number;
	forwardAll: number;
	backward: number;
	backwardAll: number;
	values: number;
	grads: number;
}

/** Trace + render of Forward + Backward on the 200-node graph, without the animation. */
export async function traceRender(
	browser: Browser,
	base: string,
	viewport: { width: number; height: number }
): Promise<TraceTimes> {
	const { page, close } = await openTraceGraph(browser, base, viewport);
	const times = (await page.evaluate(TIMED_ACTIONS)) as TraceTimes;
	await close();
	if (times.values !== 200 || times.grads !== 200) {
		throw new Error(`expected 200 values and grads, got ${times.values} and ${times.grads}`);
	}
	return times;
}

/** requestAnimationFrame deltas during 3 s of the forward replay's animation (speed 2x). */
export async function animationFrames(
	browser: Browser,
	base: string,
	viewport: { width: number; height: number }
): Promise<number[]> {
	const { page, close } = await openTraceGraph(browser, base, viewport);
	await page.getByRole('slider', { name: 'Speed' }).fill('2');
	await page.evaluate(FRAME_RECORDER);
	await page.getByRole('button', { name: 'Forward', exact: true }).click();
	await page.waitForTimeout(3000);
	const frames = await page.evaluate(() => {
		const w = window as unknown as { __traceFrames: number[]; __traceRecording: boolean };
		w.__traceRecording = false;
		return w.__traceFrames;
	});
	const tokens = await page.locator('[data-token]').count();
	await close();
	if (tokens === 0) throw new Error('no token was animating');
	return frames.slice(2);
}
