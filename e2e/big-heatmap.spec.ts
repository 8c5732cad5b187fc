/**
 * Big tensors on the canvas, as QA saw them at 1280x800 and 1920x1080: two 1024x1024 leaves,
 * their sum and its total. Each heatmap shows whole inside its node (it showed 51 of 120 px),
 * with a legend in the tensor's number format (`all = 1.` for the grad of ones, a flat block
 * before), and the element under the pointer is read out where it can be seen (it was laid out
 * below the visible part). The shape chip on a wire between two nodes closer than it is wide
 * (`[1024×1024]` between nodes placed from the palette) is drawn above them, not cut off under
 * them; Import code leaves room for it. No two nodes overlap.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { counts, fixture, graphNode, openEditor, openFile, overlaps } from './editor-helpers';

const SIZES = [
	{ width: 1280, height: 800 },
	{ width: 1920, height: 1080 }
] as const;

const BIG_CODE = [
	'x = torch.randn(1024, 1024, requires_grad=True)',
	'b = torch.randn(1024, 1024, requires_grad=True)',
	't = x + b',
	'y = t.sum()'
].join('\n');

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const where = (page: Page) => page.getByRole('region', { name: 'Chain rule' }).locator('.where');

interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

async function box(locator: Locator): Promise<Box> {
	const found = await locator.boundingBox();
	if (!found) throw new Error('not visible');
	return found;
}

/** Whether `inner` lies inside `outer` (half a pixel of rounding allowed). */
function inside(inner: Box, outer: Box): boolean {
	return (
		inner.x >= outer.x - 0.5 &&
		inner.y >= outer.y - 0.5 &&
		inner.x + inner.width <= outer.x + outer.width + 0.5 &&
		inner.y + inner.height <= outer.y + outer.height + 0.5
	);
}

/**
 * Whether the element drawn at the centre of `locator`'s box is it (or inside it). The readout
 * lets the pointer through to the heatmap: hit-testable for the check only.
 */
function onTop(locator: Locator): Promise<boolean> {
	return locator.evaluate((element: HTMLElement) => {
		const before = element.style.pointerEvents;
		element.style.pointerEvents = 'auto';
		const r = element.getBoundingClientRect();
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		element.style.pointerEvents = before;
		return hit !== null && (hit === element || element.contains(hit));
	});
}

/** Opens the two-leaf 1024x1024 graph and runs Forward, then Backward, to their last steps. */
async function runBig(page: Page) {
	await openFile(page, fixture('big-add-1024.json'));
	await expect(counts(page, 4, 3)).toBeVisible();
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await expect(where(page)).toContainText('Step 4 of 4', { timeout: 90_000 });
	await button(page, 'Backward').click();
	await expect(where(page)).toContainText('Step 6 of 6', { timeout: 90_000 });
	await expect(graphNode(page, 'x').locator('[data-role="grad"]')).toHaveAttribute(
		'data-shape',
		'[1024,1024]'
	);
}

for (const size of SIZES) {
	test.describe(`big tensors at ${size.width}x${size.height}`, () => {
		test.use({ viewport: size });

		test('each heatmap is whole in its node, with a legend and a readout in view', async ({
			page
		}) => {
			test.setTimeout(180_000);
			const errors = await openEditor(page);
			await runBig(page);
			await expect.poll(() => overlaps(page)).toEqual([]);

			const areas = [
				{ node: 'x', box: 'value-box', role: 'value' },
				{ node: 'x', box: 'grad-box', role: 'grad' },
				{ node: 'b', box: 'grad-box', role: 'grad' },
				{ node: 't', box: 'value-box', role: 'value' }
			];
			for (const area of areas) {
				const node = graphNode(page, area.node);
				const areaBox = node.getByTestId(area.box);
				const tensor = node.locator(`[data-role="${area.role}"]`);
				const image = tensor.getByRole('img', { name: '[1024, 1024]' });
				const legend = tensor.getByTestId('tensor-legend');
				await expect(image).toBeVisible();
				await expect(legend).toBeVisible();
				// The whole heatmap and its legend, inside the area and the node.
				for (const part of [image, legend]) {
					expect(inside(await box(part), await box(areaBox)), `${area.node} ${area.role}`).toBe(
						true
					);
					expect(inside(await box(part), await box(node))).toBe(true);
				}
			}
			// The grad of ones says so, in the tensor's format (PyTorch writes ones as `1.`).
			for (const leaf of ['x', 'b']) {
				await expect(
					graphNode(page, leaf).locator('[data-role="grad"]').getByTestId('tensor-legend')
				).toHaveText('all = 1.');
			}
			// randn values: the least and the greatest, with 4 decimals.
			await expect(
				graphNode(page, 't').locator('[data-role="value"]').getByTestId('tensor-legend')
			).toHaveText(/^-\d\.\d{4}\s+\d\.\d{4}$/);

			// The pointer over the heatmap: the element under it is read out, in view and on top.
			for (const [fx, fy] of [
				[0.5, 0.9],
				[0.5, 0.1]
			]) {
				const grad = graphNode(page, 'x').locator('[data-role="grad"]');
				const image = await box(grad.getByRole('img'));
				await page.mouse.move(image.x + image.width * fx, image.y + image.height * fy);
				const readout = grad.getByTestId('tensor-readout');
				await expect(readout).toHaveText(/^\[\d+, \d+\] = 1\.$/);
				const read = await box(readout);
				expect(inside(read, await box(graphNode(page, 'x').getByTestId('grad-box')))).toBe(true);
				expect(inside(read, { x: 0, y: 0, ...size })).toBe(true);
				expect(await onTop(readout)).toBe(true);
			}
			await page.mouse.move(1, size.height / 2);
			await expect(graphNode(page, 'x').getByTestId('tensor-readout')).toHaveCount(0);
			expect(errors).toEqual([]);
		});
	});
}

test.describe('shape chips on wires between big tensors', () => {
	test.use({ viewport: { width: 1280, height: 800 } });

	test('a chip wider than the gap between two nodes is drawn above them', async ({ page }) => {
		test.setTimeout(120_000);
		const errors = await openEditor(page);
		// Nodes as the palette places them: 250 px apart, 30 px between a node and the next.
		await openFile(page, fixture('big-add-1024.json'));
		await expect(counts(page, 4, 3)).toBeVisible();
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await button(page, 'Forward').click();
		await expect(where(page)).toContainText('Step 4 of 4', { timeout: 90_000 });
		// t's value travels into y.
		const chip = page.locator('[data-token="value"][data-at-rest]');
		await expect(chip).toHaveText('[1024×1024]');
		// Both ends of its text are drawn, not covered by t or y (the chip lets the pointer
		// through: hit-testable for the check only).
		const ends = await chip.evaluate((token: SVGGElement) => {
			token.style.pointerEvents = 'all';
			const r = token.querySelector('text')!.getBoundingClientRect();
			const hits = [r.left + 2, r.right - 2].map((x) =>
				Boolean(document.elementFromPoint(x, r.top + r.height / 2)?.closest('[data-token]'))
			);
			token.style.pointerEvents = '';
			return hits;
		});
		expect(ends).toEqual([true, true]);
		expect(errors).toEqual([]);
	});

	test('Import code leaves room for the chips and the tall nodes', async ({ page }) => {
		test.setTimeout(120_000);
		const errors = await openEditor(page);
		await page.getByRole('button', { name: 'Code panel' }).click();
		await page.getByRole('button', { name: 'Import code' }).click();
		const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
		await dialog.getByRole('textbox', { name: 'Python code' }).fill(BIG_CODE);
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(dialog).toBeHidden();
		await page.getByRole('button', { name: 'Code panel' }).click();
		await expect(counts(page, 4, 3)).toBeVisible();
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await button(page, 'Forward').click();
		await expect(where(page)).toContainText('Step 4 of 4', { timeout: 90_000 });
		await button(page, 'Backward').click();
		await expect(where(page)).toContainText('Step 6 of 6', { timeout: 90_000 });
		await expect.poll(() => overlaps(page)).toEqual([]);
		// The chips of the last step (the grads into x and b) rest clear of every node.
		const chips = page.locator('[data-token="grad"][data-at-rest]');
		await expect(chips).toHaveCount(2);
		const nodes = await page
			.locator('.svelte-flow__node')
			.evaluateAll((elements) =>
				elements.map((e) => e.getBoundingClientRect().toJSON() as DOMRect)
			);
		for (const chip of await chips.all()) {
			const r = await box(chip);
			for (const n of nodes) {
				const apart =
					r.x + r.width <= n.left || n.right <= r.x || r.y + r.height <= n.top || n.bottom <= r.y;
				expect(apart).toBe(true);
			}
		}
		expect(errors).toEqual([]);
	});
});
