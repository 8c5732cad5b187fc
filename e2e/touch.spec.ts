/**
 * Touch screens (tablets, touch laptops): a palette entry dragged onto the canvas with a finger
 * becomes a node where the finger is lifted, a tap still adds one, a vertical swipe still
 * scrolls the palette; and every connection point is a target of at least 24x24 CSS px
 * (WCAG 2.5.8) that overlaps no other and no text of its node. The touches are real ones,
 * sent through Chromium's input pipeline (CDP Input.dispatchTouchEvent), so the browser's own
 * gestures (scrolling, touch-action) apply as on a device.
 */
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { canvas, counts, dropFromPalette, fileMenu, graphNode, openEditor } from './editor-helpers';

test.use({ hasTouch: true, viewport: { width: 1280, height: 800 } });

interface Point {
	x: number;
	y: number;
}

/** One finger: down at `path[0]`, through every point in turn (in small steps), then lifted. */
async function touchDrag(
	page: Page,
	cdp: CDPSession,
	path: Point[],
	options: { holdMs?: number; onLastPoint?: () => Promise<void> } = {}
) {
	const send = (type: 'touchStart' | 'touchMove', at: Point) =>
		cdp.send('Input.dispatchTouchEvent', {
			type,
			touchPoints: [{ x: Math.round(at.x), y: Math.round(at.y), id: 1, radiusX: 4, radiusY: 4 }]
		});
	await send('touchStart', path[0]);
	if (options.holdMs) await page.waitForTimeout(options.holdMs);
	for (let leg = 1; leg < path.length; leg++) {
		const [from, to] = [path[leg - 1], path[leg]];
		const steps = Math.max(4, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) / 12));
		for (let step = 1; step <= steps; step++) {
			const t = step / steps;
			await send('touchMove', { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t });
			await page.waitForTimeout(8);
		}
	}
	await options.onLastPoint?.();
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** The centre of the palette entry `name`, scrolled into view. */
async function centre(page: Page, name: string): Promise<Point> {
	const entry = page.getByRole('button', { name, exact: true });
	await entry.scrollIntoViewIfNeeded();
	const box = await entry.boundingBox();
	if (!box) throw new Error(`${name} is not visible`);
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A point `dx`, `dy` from the canvas's top-left corner, in page coordinates. */
async function onCanvas(page: Page, dx: number, dy: number): Promise<Point> {
	const box = await canvas(page).boundingBox();
	if (!box) throw new Error('no canvas');
	return { x: box.x + dx, y: box.y + dy };
}

function expectUnder(box: { x: number; y: number; width: number; height: number }, at: Point) {
	expect(at.x).toBeGreaterThan(box.x);
	expect(at.x).toBeLessThan(box.x + box.width);
	expect(at.y).toBeGreaterThan(box.y);
	expect(at.y).toBeLessThan(box.y + box.height);
}

async function newGraph(page: Page) {
	await openEditor(page);
	await fileMenu(page, 'New');
	await expect(counts(page, 0, 0)).toBeVisible();
}

test.describe('palette to canvas by touch', () => {
	test('a finger drags an entry onto the canvas: a ghost follows it, the node lands under it', async ({
		page
	}) => {
		await newGraph(page);
		const cdp = await page.context().newCDPSession(page);
		const start = await centre(page, 'relu');
		const drop = await onCanvas(page, 420, 330);
		const ghost = page.getByTestId('palette-touch-ghost');
		await touchDrag(page, cdp, [start, { x: start.x + 40, y: start.y }, drop], {
			onLastPoint: async () => {
				// The ghost is under the finger, which is over the canvas.
				await expect(ghost).toBeVisible();
				expectUnder((await ghost.boundingBox())!, drop);
				await expect(ghost).toContainText('relu');
			}
		});
		await expect(counts(page, 1, 0)).toBeVisible();
		await expect(ghost).toHaveCount(0);
		expectUnder((await graphNode(page, 'relu1').boundingBox())!, drop);
	});

	test('a long press picks an entry up, then it can go any way (down first) to the canvas', async ({
		page
	}) => {
		await newGraph(page);
		const cdp = await page.context().newCDPSession(page);
		const list = page.locator('.palette .groups');
		const start = await centre(page, 'x');
		const scrolled = await list.evaluate((element) => element.scrollTop);
		const drop = await onCanvas(page, 300, 520);
		await touchDrag(page, cdp, [start, { x: start.x, y: start.y + 160 }, drop], { holdMs: 700 });
		await expect(counts(page, 1, 0)).toBeVisible();
		// The palette did not scroll under the finger that carried the entry.
		expect(await list.evaluate((element) => element.scrollTop)).toBe(scrolled);
		expectUnder((await graphNode(page, 'x').boundingBox())!, drop);
	});

	test('lifted over the palette, the entry adds nothing', async ({ page }) => {
		await newGraph(page);
		const cdp = await page.context().newCDPSession(page);
		const start = await centre(page, 'relu');
		await touchDrag(page, cdp, [start, { x: start.x + 60, y: start.y }, start]);
		await page.waitForTimeout(300);
		await expect(counts(page, 0, 0)).toBeVisible();
	});

	test('a tap on another entry right after a drop adds it (QA: the first tap was lost)', async ({
		page
	}) => {
		await newGraph(page);
		const cdp = await page.context().newCDPSession(page);
		const start = await centre(page, 'relu');
		await touchDrag(page, cdp, [
			start,
			{ x: start.x + 40, y: start.y },
			await onCanvas(page, 420, 330)
		]);
		await expect(counts(page, 1, 0)).toBeVisible();
		// At once, well inside the time a click after the drop would be ignored.
		await page.getByRole('button', { name: 'sum', exact: true }).tap();
		await expect(counts(page, 2, 0)).toBeVisible();
		await expect(graphNode(page, 'sum1')).toBeVisible();
	});

	test('a tap adds at the centre of the view, as a click does', async ({ page }) => {
		await newGraph(page);
		await page.getByRole('button', { name: 'relu', exact: true }).tap();
		await expect(counts(page, 1, 0)).toBeVisible();
		const view = (await canvas(page).boundingBox())!;
		expectUnder((await graphNode(page, 'relu1').boundingBox())!, {
			x: view.x + view.width / 2,
			y: view.y + view.height / 2
		});
	});

	test('a vertical swipe on the entries scrolls the palette and adds nothing', async ({ page }) => {
		await newGraph(page);
		const cdp = await page.context().newCDPSession(page);
		const list = page.locator('.palette .groups');
		expect(await list.evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(
			true
		);
		const start = await centre(page, 'mul');
		const scrolled = await list.evaluate((element) => element.scrollTop);
		await touchDrag(page, cdp, [start, { x: start.x, y: start.y - 250 }]);
		await expect
			.poll(() => list.evaluate((element) => element.scrollTop))
			.toBeGreaterThan(scrolled + 100);
		await page.waitForTimeout(300);
		await expect(counts(page, 0, 0)).toBeVisible();
		await expect(page.getByTestId('palette-touch-ghost')).toHaveCount(0);
	});
});

interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

/**
 * Each connection point's hit area, found by hit-testing (elementFromPoint) every quarter pixel
 * around its dot, and whether that area is a full rectangle; and the boxes of the node's text.
 */
function hitAreas(page: Page, name: string) {
	return graphNode(page, name).evaluate((node) => {
		const STEP = 0.25;
		const REACH = 24;
		const handles = [...node.querySelectorAll<HTMLElement>('.svelte-flow__handle')].map(
			(handle) => {
				const dot = handle.getBoundingClientRect();
				const cx = dot.left + dot.width / 2;
				const cy = dot.top + dot.height / 2;
				let [left, top, right, bottom, hits] = [Infinity, Infinity, -Infinity, -Infinity, 0];
				for (let y = cy - REACH; y <= cy + REACH; y += STEP) {
					for (let x = cx - REACH; x <= cx + REACH; x += STEP) {
						if (document.elementFromPoint(x, y) !== handle) continue;
						hits++;
						left = Math.min(left, x);
						right = Math.max(right, x + STEP);
						top = Math.min(top, y);
						bottom = Math.max(bottom, y + STEP);
					}
				}
				const full = hits === Math.round(((right - left) / STEP) * ((bottom - top) / STEP));
				return { id: handle.dataset.handleid ?? '', box: { left, top, right, bottom }, full };
			}
		);
		const texts: { text: string; box: Box }[] = [];
		const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
		for (let text = walker.nextNode(); text; text = walker.nextNode()) {
			if (!text.textContent?.trim()) continue;
			const range = document.createRange();
			range.selectNodeContents(text);
			for (const r of range.getClientRects()) {
				texts.push({
					text: text.textContent.trim(),
					box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom }
				});
			}
		}
		return { handles, texts };
	});
}

const overlap = (a: Box, b: Box) =>
	a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test.describe('connection points are 24x24 targets (WCAG 2.5.8)', () => {
	for (const op of ['linear', 'mul']) {
		test(`every handle of ${op} at 100%: at least 24x24, apart, clear of the text`, async ({
			page
		}) => {
			await newGraph(page);
			// New starts at 100%; a click adds the node there.
			await page.getByRole('button', { name: op, exact: true }).click();
			await expect(counts(page, 1, 0)).toBeVisible();
			const { handles, texts } = await hitAreas(page, `${op}1`);
			expect(handles.map((handle) => handle.id).sort()).toEqual(
				op === 'linear' ? ['bias', 'input', 'output', 'weight'] : ['input', 'other', 'output']
			);
			for (const { id, box, full } of handles) {
				expect.soft(box.right - box.left, `${id} width`).toBeGreaterThanOrEqual(24);
				expect.soft(box.bottom - box.top, `${id} height`).toBeGreaterThanOrEqual(24);
				expect.soft(full, `${id}: its whole area is its own`).toBe(true);
				for (const other of handles) {
					if (other.id !== id) {
						expect.soft(overlap(box, other.box), `${id} overlaps ${other.id}`).toBe(false);
					}
				}
				for (const text of texts) {
					expect.soft(overlap(box, text.box), `${id} covers "${text.text}"`).toBe(false);
				}
			}
		});
	}
});

test('a wire drawn from and to the edges of the targets, off the dots, connects', async ({
	page
}) => {
	await newGraph(page);
	await dropFromPalette(page, 'x', 150, 200);
	await dropFromPalette(page, 'relu', 500, 260);
	await expect(counts(page, 2, 0)).toBeVisible();
	const dot = async (name: string, selector: string) => {
		const box = (await graphNode(page, name).locator(selector).boundingBox())!;
		return { x: box.x + box.width / 2, y: box.y + box.height / 2, r: box.width / 2 };
	};
	const from = await dot('x', '.svelte-flow__handle.source');
	const to = await dot('relu1', '.svelte-flow__handle[data-handleid="input"]');
	// 10 px from each dot's centre on both axes: outside the dot (a 16-18 px disc), inside 24x24.
	expect(Math.hypot(10, 10)).toBeGreaterThan(Math.max(from.r, to.r) + 2);
	await page.mouse.move(from.x + 10, from.y - 10);
	await page.mouse.down();
	await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
	await page.mouse.move(to.x - 10, to.y + 10, { steps: 8 });
	await page.mouse.up();
	await expect(counts(page, 2, 1)).toBeVisible();
});
