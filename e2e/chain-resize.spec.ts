/**
 * The chain-rule panel's height at 1280x800: by default it gets what leaves the canvas 60% of the
 * window (~240 px). Its resizer (a separator on its top edge) gives it more by mouse or keyboard,
 * the canvas refitting above it with every node in view and none overlapping; the size is kept
 * across a reload, and a double-click or Enter gives the default back. Storage that throws only
 * means the size is not kept.
 */
import { expect, test, type Page } from '@playwright/test';
import { canvas, graphNode, loadExample, openEditor, overlaps } from './editor-helpers';

test.use({ viewport: { width: 1280, height: 800 } });

const NODES = ['x', 'weight', 'bias', 'y', 'pred', 'loss'];
const panel = (page: Page) => page.getByRole('region', { name: 'Chain rule' });
const resizer = (page: Page) => page.getByRole('separator', { name: 'Chain rule panel height' });
const height = async (page: Page) => (await panel(page).boundingBox())?.height ?? 0;

async function traced(page: Page) {
	await loadExample(page, /Linear regression/);
	await expect(graphNode(page, 'weight')).toBeVisible();
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await page.getByRole('button', { name: 'Forward', exact: true }).click();
	await page.getByRole('button', { name: 'Backward', exact: true }).click();
	await expect(panel(page)).toBeVisible();
	await expect(resizer(page)).toBeVisible();
}

/** Nodes outside the canvas (after the refit). */
async function outside(page: Page): Promise<string[]> {
	const area = (await canvas(page).boundingBox())!;
	const out: string[] = [];
	for (const name of NODES) {
		const box = await graphNode(page, name).boundingBox();
		if (
			!box ||
			box.x < area.x - 0.5 ||
			box.y < area.y - 0.5 ||
			box.x + box.width > area.x + area.width + 0.5 ||
			box.y + box.height > area.y + area.height + 0.5
		) {
			out.push(name);
		}
	}
	return out;
}

test('dragged up, the panel grows, the graph stays in view, and a reload keeps the size', async ({
	page
}) => {
	const errors = await openEditor(page);
	await traced(page);
	const before = await height(page);
	expect(before).toBeLessThan(280);

	const bar = (await resizer(page).boundingBox())!;
	await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
	await page.mouse.down();
	await page.mouse.move(bar.x + bar.width / 2, bar.y - 120, { steps: 4 });
	await page.mouse.move(bar.x + bar.width / 2, bar.y - 200, { steps: 4 });
	await page.mouse.up();
	await expect.poll(() => height(page)).toBeGreaterThan(before + 180);
	const grown = await height(page);
	await expect(resizer(page)).toHaveAttribute('aria-valuetext', /^\d+% of the area$/);
	await expect.poll(() => outside(page)).toEqual([]);
	await expect.poll(() => overlaps(page)).toEqual([]);

	await page.reload();
	await traced(page);
	await expect.poll(() => height(page)).toBeCloseTo(grown, -1);

	// A double-click gives the default size back, kept too.
	await resizer(page).dblclick();
	await expect.poll(() => height(page)).toBeCloseTo(before, -1);
	await expect(resizer(page)).toHaveAttribute('aria-valuetext', 'default size');
	expect(await page.evaluate(() => localStorage.getItem('autograd-canvas.chain-share'))).toBeNull();
	expect(errors).toEqual([]);
});

test('from the keyboard: ↑ grows it, Home and End are its bounds, Enter is the default', async ({
	page
}) => {
	const errors = await openEditor(page);
	await traced(page);
	const before = await height(page);
	await resizer(page).focus();
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('ArrowUp');
	await expect.poll(() => height(page)).toBeGreaterThan(before + 40);
	await page.keyboard.press('End');
	await expect(resizer(page)).toHaveAttribute('aria-valuenow', '70');
	await expect.poll(() => outside(page)).toEqual([]);
	await page.keyboard.press('Home');
	await expect(resizer(page)).toHaveAttribute('aria-valuenow', '15');
	await expect.poll(() => height(page)).toBeLessThan(before);
	await page.keyboard.press('Enter');
	await expect(resizer(page)).toHaveAttribute('aria-valuetext', 'default size');
	await expect.poll(() => height(page)).toBeCloseTo(before, -1);
	await expect(resizer(page)).toBeFocused();
	expect(errors).toEqual([]);
});

test('storage that throws: the resizer still works for the page', async ({ page }) => {
	await page.addInitScript(() => {
		const refuse = () => {
			throw new DOMException('refused', 'QuotaExceededError');
		};
		Storage.prototype.setItem = refuse;
	});
	const errors = await openEditor(page);
	await traced(page);
	const before = await height(page);
	await resizer(page).focus();
	await page.keyboard.press('End');
	await expect.poll(() => height(page)).toBeGreaterThan(before + 100);
	expect(errors).toEqual([]);
});
