/** Helpers for the editor's end-to-end tests: the palette, the canvas, wires and files. */
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) =>
	fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export const canvas = (page: Page) => page.getByRole('application', { name: 'Graph canvas' });

/** The canvas node named `name` (its root element carries data-node-name). */
export const graphNode = (page: Page, name: string) =>
	page.locator(`[data-node-name=${JSON.stringify(name)}]`);

/** Opens the editor with pageerror collection; returns the errors list. */
export async function openEditor(page: Page, path = '/'): Promise<string[]> {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto(path);
	await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
	return errors;
}

/** Drags the palette entry `id` onto the canvas at (x, y) from the canvas's top-left corner. */
export async function dropFromPalette(page: Page, id: string, x: number, y: number) {
	await page
		.getByRole('button', { name: id, exact: true })
		.dragTo(canvas(page), { targetPosition: { x, y } });
}

async function centreOf(locator: Locator) {
	const box = await locator.boundingBox();
	if (!box) throw new Error('element is not visible');
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Draws a wire with the mouse from `from`'s output handle to the input `input` of `to`. */
export async function wire(page: Page, from: string, to: string, input: string) {
	const start = await centreOf(graphNode(page, from).locator('.svelte-flow__handle.source'));
	const end = await centreOf(
		graphNode(page, to).locator(`.svelte-flow__handle[data-handleid=${JSON.stringify(input)}]`)
	);
	await page.mouse.move(start.x, start.y);
	await page.mouse.down();
	await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 8 });
	await page.mouse.move(end.x, end.y, { steps: 8 });
	await page.mouse.up();
}

/** "5 nodes, 4 wires" on the status line. */
export const counts = (page: Page, nodes: number, wires: number) =>
	page.getByText(`${nodes} node${nodes === 1 ? '' : 's'}, ${wires} wire${wires === 1 ? '' : 's'}`, {
		exact: true
	});

/** Opens the toolbar's File menu and picks `item` (New, Open, Save, Share link, Export ...). */
export async function fileMenu(page: Page, item: string) {
	await page.getByRole('button', { name: 'File', exact: true }).click();
	await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Clicks File > Save and returns the downloaded file's text. */
export async function save(page: Page): Promise<{ text: string; download: Download }> {
	const [download] = await Promise.all([page.waitForEvent('download'), fileMenu(page, 'Save')]);
	const path = await download.path();
	return { text: await readFile(path, 'utf8'), download };
}

/** Opens `path` through File > Open's file chooser. */
export async function openFile(page: Page, path: string) {
	const [chooser] = await Promise.all([page.waitForEvent('filechooser'), fileMenu(page, 'Open')]);
	await chooser.setFiles(path);
}

/**
 * A stored document's body (IndexedDB, as the app keeps it): its text and its Train panel
 * session; this tab's document by default. Null when there is none. Never creates the database
 * (that would leave it without its stores).
 */
export async function storedBody(
	page: Page,
	id?: string
): Promise<{ json?: string; session?: unknown } | null> {
	return page.evaluate(async (wanted) => {
		const key = wanted ?? sessionStorage.getItem('autograd-canvas.tab-document');
		if (!key) return null;
		const known = await indexedDB.databases();
		if (!known.some((db) => db.name === 'autograd-canvas')) return null;
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('autograd-canvas');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		try {
			if (!db.objectStoreNames.contains('body')) return null;
			return await new Promise<{ json?: string; session?: unknown } | null>((resolve, reject) => {
				const get = db.transaction('body').objectStore('body').get(key);
				get.onsuccess = () => resolve(get.result ?? null);
				get.onerror = () => reject(get.error);
			});
		} finally {
			db.close();
		}
	}, id);
}

/** The text of a stored document (this tab's by default), or null. */
export async function storedText(page: Page, id?: string): Promise<string | null> {
	return (await storedBody(page, id))?.json ?? null;
}

/** Every stored document's meta (id, origin, nodes, revision...), the newest first. */
export async function storedMetas(
	page: Page
): Promise<{ id: string; nodes: number; origin: { kind: string } }[]> {
	return page.evaluate(async () => {
		const known = await indexedDB.databases();
		if (!known.some((db) => db.name === 'autograd-canvas')) return [];
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('autograd-canvas');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		try {
			if (!db.objectStoreNames.contains('meta')) return [];
			const all = await new Promise<
				{ id: string; nodes: number; updated: number; origin: { kind: string } }[]
			>((resolve, reject) => {
				const get = db.transaction('meta').objectStore('meta').getAll();
				get.onsuccess = () => resolve(get.result);
				get.onerror = () => reject(get.error);
			});
			return all.sort((a, b) => b.updated - a.updated);
		} finally {
			db.close();
		}
	});
}

/** The autosaved document of this tab (null when there is none). */
export async function autosaved(page: Page): Promise<unknown> {
	const text = await storedText(page);
	return text === null ? null : JSON.parse(text);
}

/** Waits until the autosave (written when the browser is idle) holds `doc`. */
export async function expectAutosaved(page: Page, doc: unknown) {
	await expect.poll(() => autosaved(page)).toEqual(doc);
}

/** Loads an example from the Examples menu. */
export async function loadExample(page: Page, title: RegExp) {
	await page.getByRole('button', { name: 'Examples' }).click();
	await page.getByRole('menuitem', { name: title }).click();
}

/** Pairs of canvas nodes whose boxes intersect. */
export function overlaps(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const boxes = [...document.querySelectorAll<HTMLElement>('.svelte-flow__node')].map(
			(element) => ({
				name: element.querySelector('[data-node-name]')?.getAttribute('data-node-name') ?? '?',
				rect: element.getBoundingClientRect()
			})
		);
		const found: string[] = [];
		for (let i = 0; i < boxes.length; i++) {
			for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i].rect;
				const b = boxes[j].rect;
				const apart =
					a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
				if (!apart) found.push(`${boxes[i].name} / ${boxes[j].name}`);
			}
		}
		return found;
	});
}

/**
 * The smallest font size, in px on the screen, of the texts `selector` matches that show: the
 * CSS zoom (presenter mode's header) and the canvas's zoom (for what is drawn on the canvas)
 * included. Infinity when none shows.
 */
export function smallestFont(page: Page, selector: string): Promise<number> {
	return page.evaluate((wanted) => {
		const viewport = document.querySelector<HTMLElement>('.svelte-flow__viewport');
		const canvasZoom = viewport ? new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a : 1;
		let smallest = Infinity;
		for (const element of document.querySelectorAll<Element>(wanted)) {
			if (!element.textContent?.trim() || element.getBoundingClientRect().width === 0) continue;
			const zoom = (element as Element & { currentCSSZoom?: number }).currentCSSZoom ?? 1;
			const onCanvas = viewport?.contains(element) ? canvasZoom : 1;
			smallest = Math.min(
				smallest,
				parseFloat(getComputedStyle(element).fontSize) * zoom * onCanvas
			);
		}
		return smallest;
	}, selector);
}

/**
 * Where the trace's current node lies past the canvas's edges: '' when it is whole in view (what
 * the class must see while the teacher steps), or, along an axis where it is larger than the
 * canvas, starts in view and fills it; else its name and boxes.
 */
export function currentNodeOutOfView(page: Page): Promise<string> {
	return page.evaluate(() => {
		const canvasBox = document.querySelector('.canvas')!.getBoundingClientRect();
		const node = document.querySelector('.svelte-flow__node:has(.graph-node.active)');
		if (!node) return 'no current node';
		const r = node.getBoundingClientRect();
		// Along an axis where the node is larger than the canvas (a node with two heatmaps in an
		// 800x450 embed, at readable type), its start is in view and it fills the canvas.
		const fits = (start: number, end: number, from: number, to: number) =>
			end - start <= to - from + 1
				? start >= from - 0.5 && end <= to + 0.5
				: start >= from - 0.5 && start <= from + 64 && end >= to - 0.5;
		const inside =
			fits(r.left, r.right, canvasBox.left, canvasBox.right) &&
			fits(r.top, r.bottom, canvasBox.top, canvasBox.bottom);
		if (inside) return '';
		const name = node.querySelector('[data-node-name]')?.getAttribute('data-node-name');
		const round = (b: DOMRect) =>
			[b.left, b.top, b.right, b.bottom].map((v) => Math.round(v)).join(', ');
		return `${name} at ${round(r)} in ${round(canvasBox)}`;
	});
}

/** Waits until the canvas's view stops moving (a fit, or the view following the trace). */
export async function viewAtRest(page: Page) {
	const transform = () =>
		page.evaluate(
			() => getComputedStyle(document.querySelector('.svelte-flow__viewport')!).transform
		);
	let previous = '';
	await expect
		.poll(
			async () => {
				const now = await transform();
				const still = now === previous;
				previous = now;
				return still;
			},
			{ intervals: [300] }
		)
		.toBe(true);
}

/**
 * Pans the canvas as a user does, by dragging its empty pane by `dx` (px): from a point of the
 * pane no node covers, once the view is at rest (a point found mid-move may be a node's by then).
 */
export async function panCanvas(page: Page, dx: number) {
	await viewAtRest(page);
	const start = await page.evaluate(() => {
		const box = document.querySelector('.canvas')!.getBoundingClientRect();
		for (let y = box.top + 20; y < box.bottom - 20; y += 15) {
			for (let x = box.left + 60; x < box.right - 20; x += 15) {
				if (document.elementFromPoint(x, y)?.classList.contains('svelte-flow__pane'))
					return { x, y };
			}
		}
		return null;
	});
	if (!start) throw new Error('no empty pane to drag');
	await page.mouse.move(start.x, start.y);
	await page.mouse.down();
	await page.mouse.move(start.x + dx / 2, start.y, { steps: 5 });
	await page.mouse.move(start.x + dx, start.y, { steps: 5 });
	await page.mouse.up();
}

/** Wire chips (a value or gradient token) whose box meets a node's handle. */
export function tokensOnHandles(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const handles = [...document.querySelectorAll('.svelte-flow__handle')].map((handle) => ({
			name: `${handle.closest('[data-node-name]')?.getAttribute('data-node-name')}.${handle.getAttribute('data-handleid')}`,
			rect: handle.getBoundingClientRect()
		}));
		const problems: string[] = [];
		for (const token of document.querySelectorAll('[data-token]')) {
			const r = token.getBoundingClientRect();
			for (const { name, rect: h } of handles) {
				if (r.left < h.right && h.left < r.right && r.top < h.bottom && h.top < r.bottom)
					problems.push(`${token.textContent} on ${name}`);
			}
		}
		return problems;
	});
}

/** Waits until the wire chips stop moving (they travel along their wire, then rest). */
export async function tokensAtRest(page: Page) {
	const boxes = () =>
		page
			.locator('[data-token]')
			.evaluateAll((tokens) => tokens.map((t) => JSON.stringify(t.getBoundingClientRect())).join());
	let previous = '';
	await expect
		.poll(
			async () => {
				const now = await boxes();
				const still = now === previous;
				previous = now;
				return still;
			},
			{ intervals: [300] }
		)
		.toBe(true);
}

/**
 * Controls outlined by the lesson (not nodes: the canvas shows those where they are) whose ring
 * (outline and offset) is not whole inside every box that clips it (a scrolling panel).
 */
export function clippedLessonTargets(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		for (const element of document.querySelectorAll<HTMLElement>('[data-lesson-target]')) {
			if (element.closest('.svelte-flow__node')) continue;
			const style = getComputedStyle(element);
			const ring = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
			const r = element.getBoundingClientRect();
			const name = element.getAttribute('aria-label') ?? element.innerText.trim().split('\n')[0];
			const edges = { top: 0, left: 0, bottom: innerHeight, right: innerWidth };
			for (let up = element.parentElement; up; up = up.parentElement) {
				const s = getComputedStyle(up);
				if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
				const b = up.getBoundingClientRect();
				edges.top = Math.max(edges.top, b.top + up.clientTop);
				edges.left = Math.max(edges.left, b.left + up.clientLeft);
				edges.bottom = Math.min(edges.bottom, b.top + up.clientTop + up.clientHeight);
				edges.right = Math.min(edges.right, b.left + up.clientLeft + up.clientWidth);
			}
			if (
				r.top - ring < edges.top ||
				r.left - ring < edges.left ||
				r.bottom + ring > edges.bottom ||
				r.right + ring > edges.right
			) {
				problems.push(
					`${name}: ring ${Math.round(r.top - ring)}-${Math.round(r.bottom + ring)} in ${Math.round(edges.top)}-${Math.round(edges.bottom)}`
				);
			}
		}
		return problems;
	});
}
