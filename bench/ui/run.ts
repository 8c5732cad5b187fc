/**
 * `npm run bench:ui`: the editor in real Chromium, against the built app served by
 * `vite preview` on 127.0.0.1.
 *
 *   npm run bench:ui                       # builds, then measures (5 cold loads, 3 drags, 5 wires)
 *   BENCH_SKIP_BUILD=1 npm run bench:ui    # reuse the build/ folder
 *   BENCH_BASE_URL=http://127.0.0.1:4195/ npm run bench:ui   # an app served elsewhere
 *   BENCH_ONLY=train npm run bench:ui      # only the Train panel's two figures (printed, not saved)
 *   BENCH_TRACE=/tmp/train.json            # with BENCH_ONLY=train: a Chrome trace of the first run
 *
 * Measures, against the targets of issue 4:
 *  - first load: JavaScript transferred, gzipped (each JS response compressed here with gzip -9,
 *    as a static host would serve it; `vite preview` itself sends it uncompressed), and the time
 *    from navigation start until the palette is usable (an entry button and the canvas's first
 *    node are in the page; recorded in the page by a MutationObserver);
 *  - frame times while dragging a node in a 300-node graph (requestAnimationFrame deltas in the
 *    page during a 1.5 s drag; p95);
 *  - time from a wire drop (pointerup) to the updated shapes in a 300-node graph (the shape of
 *    the chain's last node, 150 nodes downstream, appears in the DOM; and the next frame).
 * And against the targets of issue 6 (the Train panel, Linear regression example, CPU, 3 runs):
 *  - wall time of 1000 epochs in the UI, charts included: from the click on Train until the
 *    tutorial's `predicted` output is in the page, and the next frame (charts drawn);
 *  - the longest main-thread task while it trains (PerformanceObserver 'longtask': Chromium
 *    reports tasks over 50 ms only, so "none" means every task was under 50 ms).
 *  - the trace (issue 5, bench/ui/trace.ts): trace + render of Forward + Backward on a 200-node
 *    graph, without the animation, and frame times while its replay animates (p95).
 *  - big tensors (issue 10, bench/ui/big.ts): the longest main-thread task during Forward and
 *    Backward on two 4096 x 4096 leaves (the trace runs in a worker).
 *   BENCH_ONLY=trace npm run bench:ui      # only the trace and big-tensor figures (printed)
 * Prints a table and writes bench/results/ui-latest.json.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.js';
import { chainGraph, seedDocument } from './graphs';
import { bigTensorRun, LONG_TASKS } from './big';
import { animationFrames, traceRender } from './trace';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PORT = Number(process.env.BENCH_PORT ?? 4176);
const BASE = process.env.BENCH_BASE_URL ?? `http://127.0.0.1:${PORT}/`;
const VIEWPORT = { width: 1280, height: 800 };

const TARGETS = {
	jsGzipKB: 300,
	usableMs: 1500,
	dragFrameP95Ms: 20,
	wireToShapesMs: 16,
	train1000Ms: 1000,
	trainLongTaskMs: 50,
	traceRenderMs: 50,
	traceAnimFrameP95Ms: 20,
	bigLongTaskMs: 100
};

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function startPreview(): Promise<ChildProcess | null> {
	// BENCH_BASE_URL: measure an app that is already served (then nothing is built or started).
	if (process.env.BENCH_BASE_URL) return null;
	const server = spawn(
		'npx',
		['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
		{ cwd: root, stdio: 'ignore', detached: true }
	);
	for (let i = 0; i < 600; i++) {
		try {
			if ((await fetch(BASE)).ok) return server;
		} catch {
			// Not up yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`vite preview did not start on ${BASE}`);
}

/** Records, in the page, when the palette and the canvas are first usable. */
const USABLE_PROBE = `
	(() => {
		const check = () => {
			if (window.__usableAt) return true;
			const entry = document.querySelector('.palette button.entry');
			const node = document.querySelector('.svelte-flow__node');
			if (entry && node && !entry.disabled) {
				window.__usableAt = performance.now();
				return true;
			}
			return false;
		};
		const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
		observer.observe(document, { childList: true, subtree: true });
	})();
`;

async function firstLoad(browser: Browser) {
	const context = await browser.newContext({ viewport: VIEWPORT });
	const page = await context.newPage();
	await page.addInitScript(USABLE_PROBE);
	const scripts: Promise<{ url: string; raw: number; gzip: number }>[] = [];
	page.on('response', (response) => {
		const type = response.headers()['content-type'] ?? '';
		if (!/javascript/.test(type)) return;
		scripts.push(
			response.body().then((body) => ({
				url: response.url(),
				raw: body.length,
				gzip: gzipSync(body, { level: 9 }).length
			}))
		);
	});
	await page.goto(BASE);
	await page.waitForFunction(() => (window as unknown as { __usableAt?: number }).__usableAt);
	await page.waitForLoadState('networkidle');
	const usableMs = await page.evaluate(
		() => (window as unknown as { __usableAt: number }).__usableAt
	);
	const files = await Promise.all(scripts);
	await context.close();
	return {
		usableMs,
		jsFiles: files.length,
		jsRawKB: files.reduce((sum, f) => sum + f.raw, 0) / 1024,
		jsGzipKB: files.reduce((sum, f) => sum + f.gzip, 0) / 1024
	};
}

async function openBigGraph(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
	const graph = chainGraph();
	const context = await browser.newContext({ viewport: VIEWPORT });
	const page = await context.newPage();
	await seedDocument(page, graph.doc);
	await page.goto(BASE);
	await page.locator('.svelte-flow__node').nth(299).waitFor();
	await page.getByText('300 nodes, 298 wires', { exact: true }).waitFor();
	await page.waitForTimeout(500);
	return { page, close: () => context.close() };
}

// Page-side probes are strings: tsx would otherwise wrap their inner functions in helpers that
// do not exist in the page.

/** Records requestAnimationFrame deltas in window.__frames until window.__recording is false. */
const FRAME_RECORDER = `
	(() => {
		window.__frames = [];
		window.__recording = true;
		let last = 0;
		const tick = (now) => {
			window.__frames.push(now - last);
			last = now;
			if (window.__recording) requestAnimationFrame(tick);
		};
		requestAnimationFrame((now) => {
			last = now;
			requestAnimationFrame(tick);
		});
	})();
`;

/** Records the pointerup, the DOM update of the last node's shape, and the next frame. */
const wireProbe = (last: string) => `
	(() => {
		window.__wire = {};
		document.addEventListener('pointerup', () => { window.__wire.up = performance.now(); },
			{ capture: true, once: true });
		const shape = document.querySelector('[data-node-name=${JSON.stringify(last)}] [data-testid="node-shape"]');
		const observer = new MutationObserver(() => {
			if (shape.textContent.includes('[4, 8]') && window.__wire.dom === undefined) {
				window.__wire.dom = performance.now();
				observer.disconnect();
				requestAnimationFrame(() => { window.__wire.frame = performance.now(); });
			}
		});
		observer.observe(shape, { childList: true, subtree: true, characterData: true });
	})();
`;

const nodeLocator = (page: Page, name: string) => page.locator(`[data-node-name="${name}"]`);

async function dragFrames(browser: Browser): Promise<number[]> {
	const graph = chainGraph();
	const { page, close } = await openBigGraph(browser);
	const box = await nodeLocator(page, graph.dragged).boundingBox();
	if (!box) throw new Error('dragged node not visible');
	const start = { x: box.x + box.width / 2, y: box.y + 4 };
	await page.evaluate(FRAME_RECORDER);
	await page.mouse.move(start.x, start.y);
	await page.mouse.down();
	const began = Date.now();
	let i = 0;
	while (Date.now() - began < 1500) {
		i++;
		await page.mouse.move(start.x + 120 * Math.sin(i / 10), start.y + 80 * Math.cos(i / 13));
		await page.waitForTimeout(8);
	}
	await page.mouse.up();
	const frames = await page.evaluate(() => {
		const w = window as unknown as { __frames: number[]; __recording: boolean };
		w.__recording = false;
		return w.__frames;
	});
	// The position was written back to the document as one undo step.
	await page.getByRole('button', { name: 'Undo', exact: true }).waitFor();
	await close();
	// Drop the first two frames (the recorder starting up).
	return frames.slice(2);
}

async function wireToShapes(browser: Browser): Promise<{ domMs: number; frameMs: number }> {
	const graph = chainGraph();
	const { page, close } = await openBigGraph(browser);
	const source = nodeLocator(page, graph.gapSource).locator('.svelte-flow__handle.source');
	const target = nodeLocator(page, graph.gapTarget).locator(
		'.svelte-flow__handle[data-handleid="input"]'
	);
	const a = await source.boundingBox();
	const b = await target.boundingBox();
	if (!a || !b) throw new Error('handles not visible');
	await page.evaluate(wireProbe(graph.last));
	await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
	await page.mouse.down();
	await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
	await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
	await page.mouse.up();
	await page.waitForFunction(
		() => (window as unknown as { __wire: { frame?: number } }).__wire.frame !== undefined,
		undefined,
		{ timeout: 10_000 }
	);
	const wire = await page.evaluate(
		() => (window as unknown as { __wire: { up: number; dom: number; frame: number } }).__wire
	);
	await page.getByText('300 nodes, 299 wires', { exact: true }).waitFor();
	await close();
	return { domMs: wire.dom - wire.up, frameMs: wire.frame - wire.up };
}

/** Records long tasks, the click on Train and when `predicted` appears (plus one frame). */
const TRAIN_PROBE = `${LONG_TASKS}
	(() => {
		window.__train = {};
		document.addEventListener('click', (event) => {
			const button = event.target.closest && event.target.closest('button');
			if (!button || button.textContent.trim() !== 'Train' || window.__train.start) return;
			window.__train.start = performance.now();
			const observer = new MutationObserver(() => {
				if (!document.querySelector('[aria-label="Predicted values"]')) return;
				observer.disconnect();
				requestAnimationFrame(() => { window.__train.end = performance.now(); });
			});
			observer.observe(document.body, { childList: true, subtree: true });
		}, { capture: true });
	})();
`;

/** Trains the Linear regression example 1000 epochs in the Train panel on the CPU. */
async function trainingRun(
	browser: Browser,
	tracePath?: string
): Promise<{ wallMs: number; longestTaskMs: number }> {
	const context = await browser.newContext({ viewport: VIEWPORT });
	const page = await context.newPage();
	await page.addInitScript(TRAIN_PROBE);
	await page.goto(BASE);
	await page.getByRole('button', { name: 'Examples' }).click();
	await page.getByRole('menuitem', { name: /Linear regression/ }).click();
	await nodeLocator(page, 'weight').waitFor();
	await page.getByRole('button', { name: 'Train panel' }).click();
	const panel = page.getByRole('complementary', { name: 'Train panel' });
	await panel.getByRole('combobox', { name: 'Device' }).selectOption('cpu');
	await page.waitForTimeout(500);
	if (tracePath) {
		await browser.startTracing(page, {
			path: tracePath,
			categories: [
				'toplevel',
				'devtools.timeline',
				'disabled-by-default-devtools.timeline',
				'v8.execute',
				'blink.user_timing'
			]
		});
	}
	await panel.getByRole('button', { name: 'Train', exact: true }).click();
	await page.waitForFunction(
		() => (window as unknown as { __train: { end?: number } }).__train.end !== undefined,
		undefined,
		{ timeout: 60_000 }
	);
	if (tracePath) await browser.stopTracing();
	const { train, longTasks } = await page.evaluate(() => {
		const w = window as unknown as {
			__train: { start: number; end: number };
			__longTasks: { start: number; duration: number }[];
		};
		return { train: w.__train, longTasks: w.__longTasks };
	});
	const during = longTasks.filter((t) => t.start + t.duration > train.start && t.start < train.end);
	await context.close();
	return {
		wallMs: train.end - train.start,
		longestTaskMs: Math.max(0, ...during.map((t) => t.duration))
	};
}

function verdict(value: number, target: number) {
	return value < target ? 'ok' : 'MISSED';
}

async function main() {
	if (!process.env.BENCH_SKIP_BUILD && !process.env.BENCH_BASE_URL) {
		console.log('building the app (vite build)...');
		execSync('npx vite build', { cwd: root, stdio: 'ignore' });
	}
	const server = await startPreview();
	const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
	if (process.env.BENCH_ONLY === 'train') {
		try {
			const runs = [];
			for (let i = 0; i < 3; i++) {
				runs.push(await trainingRun(browser, i === 0 ? process.env.BENCH_TRACE : undefined));
			}
			const wall = round(median(runs.map((r) => r.wallMs)));
			const longest = round(Math.max(...runs.map((r) => r.longestTaskMs)));
			console.log(`1000 epochs in the Train panel, CPU (median of 3): ${wall} ms`);
			console.log(
				`longest main-thread task while training (max of 3): ${longest === 0 ? 'none > 50' : `${longest} ms`}`
			);
			console.log(
				`  runs: ${runs.map((r) => `${round(r.wallMs)} ms / ${round(r.longestTaskMs)} ms`).join(', ')}`
			);
		} finally {
			await browser.close();
			if (server?.pid) process.kill(-server.pid);
		}
		return;
	}
	if (process.env.BENCH_ONLY === 'trace') {
		try {
			const traces = [];
			for (let i = 0; i < 5; i++) traces.push(await traceRender(browser, BASE, VIEWPORT));
			for (const t of traces) {
				const total = t.forward + t.forwardAll + t.backward + t.backwardAll;
				console.log(
					`trace+render ${round(total)} ms (forward ${round(t.forward)}, all values ${round(t.forwardAll)}, backward ${round(t.backward)}, all grads ${round(t.backwardAll)}; ${t.values} values, ${t.grads} grads)`
				);
			}
			const big = await bigTensorRun(browser, BASE, VIEWPORT);
			console.log(
				`4096x4096 forward+backward: ${round(big.wallMs)} ms, longest main-thread task ${round(big.longestTaskMs)} ms`
			);
		} finally {
			await browser.close();
			if (server?.pid) process.kill(-server.pid);
		}
		return;
	}
	try {
		const loads = [];
		for (let i = 0; i < 5; i++) loads.push(await firstLoad(browser));
		const frames: number[] = [];
		for (let i = 0; i < 3; i++) frames.push(...(await dragFrames(browser)));
		const wires = [];
		for (let i = 0; i < 5; i++) wires.push(await wireToShapes(browser));
		const trainings = [];
		for (let i = 0; i < 3; i++) trainings.push(await trainingRun(browser));

		const traces = [];
		for (let i = 0; i < 5; i++) traces.push(await traceRender(browser, BASE, VIEWPORT));
		const traceFrames: number[] = [];
		for (let i = 0; i < 2; i++)
			traceFrames.push(...(await animationFrames(browser, BASE, VIEWPORT)));
		const bigs = [];
		for (let i = 0; i < 2; i++) bigs.push(await bigTensorRun(browser, BASE, VIEWPORT));
		const traceTotal = (t: (typeof traces)[number]) =>
			t.forward + t.forwardAll + t.backward + t.backwardAll;

		const results = {
			jsGzipKB: round(loads[0].jsGzipKB),
			jsRawKB: round(loads[0].jsRawKB),
			jsFiles: loads[0].jsFiles,
			usableMs: round(median(loads.map((l) => l.usableMs))),
			usableMsRuns: loads.map((l) => round(l.usableMs)),
			dragFrameP95Ms: round(percentile(frames, 95)),
			dragFrameMedianMs: round(median(frames)),
			dragFrameMaxMs: round(Math.max(...frames)),
			dragFrames: frames.length,
			wireToShapesMs: round(median(wires.map((w) => w.domMs))),
			wireToShapesMsRuns: wires.map((w) => round(w.domMs)),
			wireToNextFrameMs: round(median(wires.map((w) => w.frameMs))),
			train1000Ms: round(median(trainings.map((t) => t.wallMs))),
			train1000MsRuns: trainings.map((t) => round(t.wallMs)),
			trainLongTaskMs: round(Math.max(...trainings.map((t) => t.longestTaskMs))),
			traceRenderMs: round(median(traces.map(traceTotal))),
			traceRenderMsRuns: traces.map((t) => round(traceTotal(t))),
			traceRenderParts: {
				forward: round(median(traces.map((t) => t.forward))),
				forwardAll: round(median(traces.map((t) => t.forwardAll))),
				backward: round(median(traces.map((t) => t.backward))),
				backwardAll: round(median(traces.map((t) => t.backwardAll)))
			},
			traceAnimFrameP95Ms: round(percentile(traceFrames, 95)),
			traceAnimFrameMedianMs: round(median(traceFrames)),
			traceAnimFrames: traceFrames.length,
			bigForwardBackwardMs: round(median(bigs.map((b) => b.wallMs))),
			bigLongTaskMs: round(Math.max(...bigs.map((b) => b.longestTaskMs)))
		};
		const rows: [string, string, string, string][] = [
			[
				'JS transferred on first load (gzip)',
				`${results.jsGzipKB} KB`,
				`< ${TARGETS.jsGzipKB} KB`,
				verdict(results.jsGzipKB, TARGETS.jsGzipKB)
			],
			[
				'palette usable after navigation (median of 5)',
				`${results.usableMs} ms`,
				`< ${TARGETS.usableMs} ms`,
				verdict(results.usableMs, TARGETS.usableMs)
			],
			[
				'frame time dragging a node, 300 nodes (p95)',
				`${results.dragFrameP95Ms} ms`,
				`< ${TARGETS.dragFrameP95Ms} ms`,
				verdict(results.dragFrameP95Ms, TARGETS.dragFrameP95Ms)
			],
			[
				'wire drop to updated shapes, 300 nodes (median of 5)',
				`${results.wireToShapesMs} ms`,
				`< ${TARGETS.wireToShapesMs} ms`,
				verdict(results.wireToShapesMs, TARGETS.wireToShapesMs)
			],
			[
				'1000 epochs in the Train panel, CPU, charts (median of 3)',
				`${results.train1000Ms} ms`,
				`< ${TARGETS.train1000Ms} ms`,
				verdict(results.train1000Ms, TARGETS.train1000Ms)
			],
			[
				'longest main-thread task while training (max of 3)',
				results.trainLongTaskMs === 0 ? 'none > 50' : `${results.trainLongTaskMs} ms`,
				`< ${TARGETS.trainLongTaskMs} ms`,
				verdict(results.trainLongTaskMs, TARGETS.trainLongTaskMs)
			],
			[
				'trace + render of Forward + Backward, 200 nodes (median of 5)',
				`${results.traceRenderMs} ms`,
				`< ${TARGETS.traceRenderMs} ms`,
				verdict(results.traceRenderMs, TARGETS.traceRenderMs)
			],
			[
				'frame time during the trace animation, 200 wires (p95)',
				`${results.traceAnimFrameP95Ms} ms`,
				`< ${TARGETS.traceAnimFrameP95Ms} ms`,
				verdict(results.traceAnimFrameP95Ms, TARGETS.traceAnimFrameP95Ms)
			],
			[
				'longest main-thread task, Forward + Backward on 4096x4096 (max of 2)',
				`${results.bigLongTaskMs} ms`,
				`< ${TARGETS.bigLongTaskMs} ms`,
				verdict(results.bigLongTaskMs, TARGETS.bigLongTaskMs)
			]
		];
		const width = Math.max(...rows.map((r) => r[0].length));
		console.log('\nbench:ui (Chromium, headless, 1280x800)\n');
		for (const [label, value, target, ok] of rows) {
			console.log(
				`${label.padEnd(width)}  ${value.padStart(10)}  target ${target.padEnd(10)}  ${ok}`
			);
		}
		console.log(
			`\n  JS: ${results.jsFiles} files, ${results.jsRawKB} KB uncompressed; drag: ${results.dragFrames} frames, median ${results.dragFrameMedianMs} ms, max ${results.dragFrameMaxMs} ms; wire drop to the next frame: ${results.wireToNextFrameMs} ms`
		);
		const out = join(root, 'bench', 'results', 'ui-latest.json');
		mkdirSync(dirname(out), { recursive: true });
		writeFileSync(
			out,
			JSON.stringify(
				{
					date: new Date().toISOString(),
					machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
					browser: browser.version(),
					targets: TARGETS,
					results,
					met: Object.fromEntries(rows.map((r, i) => [Object.keys(TARGETS)[i], r[3] === 'ok']))
				},
				null,
				'\t'
			) + '\n'
		);
		console.log(`\nwrote ${out}`);
	} finally {
		await browser.close();
		try {
			if (server?.pid) process.kill(-server.pid);
		} catch {
			// The server has already gone.
		}
	}
}

await main();
