import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileMenu, graphNode, loadExample, openEditor } from './editor-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** File › `item`; the downloaded file's bytes. */
async function exported(page: Page, item: string): Promise<Buffer> {
	const [download] = await Promise.all([page.waitForEvent('download'), fileMenu(page, item)]);
	return readFile(await download.path());
}

/** The linear regression example after Forward and Backward: tokens rest on two wires. */
async function traced(page: Page) {
	const errors = await openEditor(page);
	await loadExample(page, /Linear regression/);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await expect(graphNode(page, 'bias').locator('[data-role="grad"]')).toHaveAttribute(
		'data-tensor',
		/\d/
	);
	await expect(page.locator('[data-token="grad"]')).not.toHaveCount(0);
	return errors;
}

test.describe('export image', () => {
	test('the PNG after Backward has no trace token in its top-left corner', async ({ page }) => {
		const errors = await traced(page);
		const png = await exported(page, 'Export PNG image');
		expect(png.subarray(1, 4).toString()).toBe('PNG');
		// The image is framed with a margin around the nodes: its top-left 60 px (at its pixel
		// ratio of 2) are canvas background only (the first node's soft shadow starts at 75 px).
		// A token that lost its place on the wire was drawn at the flow's origin, from (14, 43).
		const corner = await page.evaluate(async (base64) => {
			const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
			const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
			const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
			const context = canvas.getContext('2d')!;
			context.drawImage(bitmap, 0, 0);
			const flow = document.querySelector<HTMLElement>('.svelte-flow')!;
			const probe = new OffscreenCanvas(1, 1).getContext('2d')!;
			probe.fillStyle = getComputedStyle(flow).getPropertyValue('--canvas-bg').trim() || '#fff';
			probe.fillRect(0, 0, 1, 1);
			const background = [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
			const { data } = context.getImageData(0, 0, 60, 60);
			let off = 0;
			const seen: string[] = [];
			for (let i = 0; i < data.length; i += 4) {
				const far = [0, 1, 2].some((c) => Math.abs(data[i + c] - background[c]) > 6);
				if (far) off++;
				if (far && seen.length < 5)
					seen.push(`${(i / 4) % 80},${Math.floor(i / 320)}:${data.slice(i, i + 4)}`);
			}
			console.log(background, seen);
			return { off, width: bitmap.width, seen, background };
		}, png.toString('base64'));
		expect(corner.width).toBeGreaterThan(600);
		expect(corner.off).toBe(0);
		expect(errors).toEqual([]);
	});

	test('the SVG is drawn with SVG elements, small, with every node name as text', async ({
		page
	}) => {
		const errors = await traced(page);
		const svg = (await exported(page, 'Export SVG image')).toString('utf8');
		// Slide tools (PowerPoint, Google Slides, Inkscape) draw no <foreignObject>.
		expect(svg).not.toContain('<foreignObject');
		// Six nodes as rects, paths and text with a few tiny heatmap images: tens of kB. The
		// HTML copy it replaces was 3.7 MB (every computed style inlined, 20 unused KaTeX fonts).
		expect(svg.length).toBeLessThan(150_000);
		expect(svg).not.toContain('@font-face');
		for (const name of ['x', 'y', 'weight', 'bias', 'pred', 'loss']) {
			expect(svg).toMatch(new RegExp(`<text[^>]*>${name}</text>`));
		}
		// The gradient tokens on the two wires into pred.
		expect(svg).toMatch(/<text[^>]*>-150\.<\/text>/);
		// It parses as SVG, and is as big as the PNG's frame.
		const size = await page.evaluate((text) => {
			const root = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
			return root.localName === 'svg'
				? [root.getAttribute('width'), root.getAttribute('height')]
				: null;
		}, svg);
		expect(size).not.toBeNull();
		expect(errors).toEqual([]);
	});
});

test.describe('export image with a Chinese name', () => {
	// The font files must come from the network (which the test cuts), not the worker's cache.
	test.use({ serviceWorkers: 'block' });

	test("embeds the name's CJK font slices, and still exports when they cannot be fetched", async ({
		page
	}) => {
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await graphNode(page, 'loss').click();
		const name = page.getByRole('textbox', { name: 'Name' });
		await name.fill('损失');
		await name.press('Enter');
		await expect(graphNode(page, '损失')).toBeVisible();
		await page.evaluate(() => document.fonts.ready);
		// The slices the name is drawn with are in the SVG, for browsers that open it.
		const svg = (await exported(page, 'Export SVG image')).toString('utf8');
		expect(svg).toMatch(/<text[^>]*>损失<\/text>/);
		expect(svg).toContain('@font-face');
		// Offline, with the slices not cached: the image still comes, without the font.
		await page.route(/noto-sans-sc.*\.woff2$/, (route) => route.abort());
		const offline = (await exported(page, 'Export SVG image')).toString('utf8');
		expect(offline).toMatch(/<text[^>]*>损失<\/text>/);
		expect(offline).not.toContain('@font-face');
		const png = await exported(page, 'Export PNG image');
		expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(errors).toEqual([]);
	});
});
