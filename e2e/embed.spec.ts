/**
 * Issue #14, part 5: the embed mode (`?embed=1`) for slides and course pages. Only the trace
 * controls and the canvas show, the canvas fills the frame below the controls, a share link's
 * graph opens in it, it works inside an iframe, and it never writes to the browser's stored
 * graphs (the user's autosaved document is left as it was).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { encodeShareHash } from '../src/lib/graph/share';
import { exampleDocument } from '../src/lib/graph/examples';
import {
	canvas,
	currentNodeOutOfView,
	graphNode,
	loadExample,
	openEditor,
	panCanvas,
	smallestFont,
	storedMetas
} from './editor-helpers';

const CHAIN_RULE = encodeShareHash(exampleDocument('chain-rule')!);
const LINEAR_REGRESSION = encodeShareHash(exampleDocument('linear-regression')!);
const button = (scope: Page | ReturnType<Page['frameLocator']>, name: string) =>
	scope.getByRole('button', { name, exact: true });

async function box(locator: Locator) {
	const found = await locator.boundingBox();
	if (!found) throw new Error('not visible');
	return found;
}

test('?embed=1 shows only the trace controls and the canvas, which fills the frame', async ({
	page
}) => {
	await page.setViewportSize({ width: 800, height: 500 });
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto(`/?embed=1#${CHAIN_RULE}`);
	await expect(graphNode(page, 'z')).toBeVisible();

	// Nothing but the trace controls and the canvas.
	const controls = page.getByRole('toolbar', { name: 'Trace' });
	await expect(controls).toBeVisible();
	for (const name of ['add', 'File', 'Examples', 'Train panel', 'Code panel', 'Tutorial']) {
		await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
	}
	await expect(page.getByRole('region', { name: 'Palette' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Tutorial' })).toHaveCount(0);
	await expect(page.locator('footer')).toHaveCount(0);

	// The canvas spans the frame's width and reaches its bottom; the controls are above it, in view.
	const bar = await box(controls);
	const area = await box(canvas(page));
	expect(bar.y).toBeGreaterThanOrEqual(0);
	expect(bar.x + bar.width).toBeLessThanOrEqual(800);
	expect(area.x).toBe(0);
	expect(area.width).toBe(800);
	expect(area.y).toBeGreaterThanOrEqual(bar.y + bar.height);
	expect(area.y + area.height).toBe(500);
	// Forward, Backward and the steps are all visible at once.
	// At 800 px they fit on one row: no control is left alone on a second row.
	const first = await box(button(page, 'Forward'));
	for (const name of ['Forward', 'Backward', 'Step forward', 'Keyboard shortcuts']) {
		const control = await box(button(page, name));
		expect(control.x + control.width, name).toBeLessThanOrEqual(800);
		expect(
			Math.abs(control.y + control.height / 2 - (first.y + first.height / 2)),
			name
		).toBeLessThan(2);
	}

	// The trace works: Forward and Backward show w's grad on the canvas.
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await expect(graphNode(page, 'b').locator('[data-role="grad"]')).toHaveAttribute(
		'data-tensor',
		'[1]'
	);
	// A reload of the frame shows the same graph: the link stays in its address.
	expect(new URL(page.url()).hash).toBe(`#${CHAIN_RULE}`);
	expect(errors).toEqual([]);
});

test('an embed leaves the autosaved document alone', async ({ page }) => {
	await openEditor(page);
	await loadExample(page, /Linear regression/);
	await expect(graphNode(page, 'weight')).toBeVisible();
	await expect.poll(async () => (await storedMetas(page)).length).toBeGreaterThan(0);
	const before = await storedMetas(page);

	await page.goto(`/?embed=1#${CHAIN_RULE}`);
	await expect(graphNode(page, 'z')).toBeVisible();
	// An edit in the embed (Delete on the selected w) stays in the frame.
	await graphNode(page, 'w').click();
	await page.keyboard.press('Delete');
	await expect(graphNode(page, 'w')).toHaveCount(0);

	// Back in the editor: the same stored documents, and the user's graph as it was.
	await page.goto('/');
	await expect(graphNode(page, 'weight')).toBeVisible();
	await expect(graphNode(page, 'z')).toHaveCount(0);
	expect(await storedMetas(page)).toEqual(before);
});

test('a damaged link in an embed says the canvas cannot show it, not that "your graph" is safe', async ({
	page
}) => {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto(`/?embed=1#${CHAIN_RULE.slice(0, 40)}`);
	const dialog = page.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog).toHaveAccessibleDescription(
		'This embedded canvas cannot show the link’s graph.'
	);
	await expect(dialog).not.toContainText('Your graph');
	expect(errors).toEqual([]);
});

test('an embed in an iframe: the canvas fills the frame below the controls', async ({
	page,
	baseURL
}) => {
	await page.goto('/tutorial');
	await page.setContent(
		`<iframe title="graph" src="${baseURL}/?embed=1#${CHAIN_RULE}" width="640" height="400" style="border:0;display:block"></iframe>`
	);
	const frame = page.frameLocator('iframe');
	await expect(frame.locator('[data-node-name="z"]')).toBeVisible();
	const outer = await box(page.locator('iframe'));
	const bar = await box(frame.getByRole('toolbar', { name: 'Trace' }));
	const area = await box(frame.getByRole('application', { name: 'Graph canvas' }));
	expect(area.width).toBe(outer.width);
	expect(area.y + area.height).toBe(outer.y + outer.height);
	expect(area.y).toBeGreaterThanOrEqual(bar.y + bar.height);
	await button(frame, 'Forward').click();
	await expect(frame.locator('[data-node-name="z"] [data-role="value"]')).toBeVisible();
});

/**
 * An embed on a slide (800x450) fitted Linear regression whole at zoom 0.58: its text at 5 to 7 px
 * (QA). Every text on the canvas stays at 11 px or more on the screen; the graph, larger than the
 * frame at that size, is shown around the trace's current node, which stays in view while the
 * trace steps backward, and the user pans to the rest.
 */
test('at 800x450 every text is 11 px or more; the view follows the trace, and the user pans', async ({
	page
}) => {
	await page.setViewportSize({ width: 800, height: 450 });
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto(`/?embed=1#${LINEAR_REGRESSION}`);
	await expect(graphNode(page, 'weight')).toBeVisible();
	const allText = '.graph-node *, [data-token] text';
	await expect.poll(() => smallestFont(page, allText)).toBeGreaterThanOrEqual(11);

	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	const scrubber = page.getByRole('slider', { name: 'Trace step' });
	await expect(graphNode(page, 'weight').locator('[data-role="grad"]')).toHaveAttribute(
		'data-tensor',
		'[[-150]]'
	);
	const last = Number(await scrubber.getAttribute('max'));
	await expect(scrubber).toHaveValue(String(last));
	// The badges and the value labels (10 px type) are drawn now: still 11 px or more.
	expect(await smallestFont(page, allText)).toBeGreaterThanOrEqual(11);
	await expect.poll(() => currentNodeOutOfView(page)).toBe('');
	for (let step = last - 1; step >= 1; step--) {
		await button(page, 'Step back').click();
		await expect(scrubber).toHaveValue(String(step));
		await expect.poll(() => currentNodeOutOfView(page), { message: `step ${step}` }).toBe('');
	}
	expect(await smallestFont(page, allText)).toBeGreaterThanOrEqual(11);
	await page.screenshot({ path: 'test-results/embed/linear-regression-800x450.png' });

	// The user pans the current node away; the next step brings the view to the next one.
	await panCanvas(page, -600);
	await expect.poll(() => currentNodeOutOfView(page)).not.toBe('');
	await button(page, 'Step forward').click();
	await expect(scrubber).toHaveValue('2');
	await expect.poll(() => currentNodeOutOfView(page)).toBe('');
	expect(errors).toEqual([]);
});
