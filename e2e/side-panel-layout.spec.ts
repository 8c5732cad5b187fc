import { expect, test, type Page } from '@playwright/test';
import {
	canvas,
	graphNode,
	loadExample,
	openEditor,
	overlaps,
	smallestFont
} from './editor-helpers';
import { trainPanel } from './train-helpers';

/**
 * A class watches the graph train: with the Train or the Code panel open beside it, the canvas
 * keeps at least 640 px of the window's width, on a laptop (1280x800) and on a projector
 * (1920x1080). Below 1500 px the inspector folds to a strip with a button that opens it again
 * (its fields kept, the keyboard's focus kept) and comes back when the side panel closes; at
 * 1920 px the palette, the canvas, the panel and the inspector all stay in view.
 */

const SIZES = [
	{ name: '1280x800', width: 1280, height: 800, inspectorOpen: false },
	{ name: '1920x1080', width: 1920, height: 1080, inspectorOpen: true }
] as const;

/** The least width the canvas keeps beside an open side panel (was 432 px at 1280x800). */
const MIN_CANVAS_PX = 640;
/** The inspector's column when it is open (17rem). */
const INSPECTOR_PX = 272;
/** The node names' smallest size on the screen, after the canvas's zoom (was 9.2 px). */
const MIN_NAME_FONT_PX = 11;

const NODES = ['x', 'weight', 'bias', 'y', 'pred', 'loss'];

const inspector = (page: Page) => page.getByRole('region', { name: 'Inspector' });
const inspectorToggle = (page: Page) => page.getByRole('button', { name: 'Inspector' });
const codePanel = (page: Page) => page.getByRole('complementary', { name: 'Code panel' });
const addNode = (page: Page) => page.getByRole('button', { name: 'Add node', exact: true });

type Box = { x: number; y: number; width: number; height: number };
const apart = (a: Box, b: Box) =>
	a.x + a.width <= b.x + 0.5 ||
	b.x + b.width <= a.x + 0.5 ||
	a.y + a.height <= b.y + 0.5 ||
	b.y + b.height <= a.y + 0.5;
const inside = (inner: Box, outer: Box) =>
	inner.x >= outer.x - 0.5 &&
	inner.y >= outer.y - 0.5 &&
	inner.x + inner.width <= outer.x + outer.width + 0.5 &&
	inner.y + inner.height <= outer.y + outer.height + 0.5;

/** The page's columns that show, by name, as boxes on the screen. */
async function columns(page: Page, panel: 'Train panel' | 'Code panel') {
	const found: Record<string, Box> = {};
	const named = {
		palette: page.locator('aside.side.left'),
		canvas: canvas(page),
		[panel]: page.getByRole('complementary', { name: panel }),
		inspector: page.locator('aside.side.right')
	};
	for (const [name, locator] of Object.entries(named)) {
		const box = await locator.boundingBox();
		if (box && box.width > 0) found[name] = box;
	}
	return found;
}

/** Problems with the layout: columns that overlap, nodes outside the canvas or under a control. */
async function layoutProblems(
	page: Page,
	panel: 'Train panel' | 'Code panel',
	nodes: readonly string[] = NODES
) {
	const problems: string[] = [];
	const boxes = await columns(page, panel);
	const names = Object.keys(boxes);
	for (let i = 0; i < names.length; i++) {
		for (let j = i + 1; j < names.length; j++) {
			if (!apart(boxes[names[i]], boxes[names[j]])) {
				problems.push(`${names[i]} overlaps ${names[j]}`);
			}
		}
	}
	const toggles = await page.getByRole('group', { name: 'Panels' }).boundingBox();
	const add = (await addNode(page).count()) > 0 ? await addNode(page).boundingBox() : null;
	if (add && !inside(add, boxes.canvas)) problems.push('Add node: outside the canvas');
	for (const name of nodes) {
		const box = await graphNode(page, name).boundingBox();
		if (!box) problems.push(`${name}: not shown`);
		else if (!inside(box, boxes.canvas)) problems.push(`${name}: outside the canvas`);
		else if (toggles && !apart(box, toggles)) problems.push(`${name}: under the panel toggles`);
		else if (add && !apart(box, add)) problems.push(`${name}: under Add node`);
	}
	return problems;
}

for (const size of SIZES) {
	test.describe(`at ${size.name}`, () => {
		test.use({ viewport: { width: size.width, height: size.height } });

		for (const panel of ['Train panel', 'Code panel'] as const) {
			test(`the ${panel} leaves the canvas room, the graph in view, nothing overlapping`, async ({
				page
			}) => {
				const errors = await openEditor(page);
				await loadExample(page, /Linear regression/);
				await expect(graphNode(page, 'weight')).toBeVisible();
				await page.getByRole('button', { name: panel }).click();
				await expect(page.getByRole('complementary', { name: panel })).toBeVisible();

				await expect
					.poll(async () => (await canvas(page).boundingBox())!.width)
					.toBeGreaterThanOrEqual(MIN_CANVAS_PX);
				await expect.poll(() => layoutProblems(page, panel)).toEqual([]);
				await expect.poll(() => overlaps(page)).toEqual([]);
				expect(await smallestFont(page, '.svelte-flow__node .name')).toBeGreaterThanOrEqual(
					MIN_NAME_FONT_PX
				);
				if (size.inspectorOpen) {
					await expect(inspector(page)).toBeVisible();
					const box = await page.locator('aside.side.right').boundingBox();
					expect(box!.width).toBeGreaterThanOrEqual(INSPECTOR_PX);
					await expect(page.locator('aside.side.left')).toBeVisible();
					await expect(addNode(page)).toHaveCount(0);
				} else {
					await expect(inspector(page)).toBeHidden();
					await expect(inspectorToggle(page)).toHaveAttribute('aria-expanded', 'false');
					// The palette made room: the canvas offers its entries instead.
					await expect(page.locator('aside.side.left')).toBeHidden();
					await expect(addNode(page)).toBeVisible();
				}
				await page.screenshot({
					path: test.info().outputPath(`${panel.split(' ')[0].toLowerCase()}-${size.name}.png`)
				});
				expect(errors).toEqual([]);
			});
		}
	});
}

test.describe('at 1280x800, with the palette hidden beside a side panel', () => {
	test.use({ viewport: { width: 1280, height: 800 } });

	test('"Add node" adds from quick add, in view; Escape gives its focus back', async ({ page }) => {
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await expect(graphNode(page, 'weight')).toBeVisible();
		// With the palette there, no second way in.
		await expect(addNode(page)).toHaveCount(0);
		await page.getByRole('button', { name: 'Train panel' }).click();
		await expect(trainPanel(page)).toBeVisible();

		// Escape closes quick add and gives the focus back to the button.
		await addNode(page).click();
		const search = page.getByRole('combobox', { name: 'Add a node' });
		await expect(search).toBeFocused();
		await expect(addNode(page)).toHaveAttribute('aria-expanded', 'true');
		await page.keyboard.press('Escape');
		await expect(search).toHaveCount(0);
		await expect(addNode(page)).toBeFocused();
		await expect(addNode(page)).toHaveAttribute('aria-expanded', 'false');

		// From the keyboard: the node comes in view, on no other node, and the panel stays.
		await page.keyboard.press('Enter');
		await search.fill('mul');
		await page.keyboard.press('Enter');
		await expect(search).toHaveCount(0);
		await expect(page.locator('.svelte-flow__node')).toHaveCount(NODES.length + 1);
		await expect(graphNode(page, 'mul1')).toBeVisible();
		const added = (await graphNode(page, 'mul1').boundingBox())!;
		expect(inside(added, (await canvas(page).boundingBox())!)).toBe(true);
		await expect.poll(() => overlaps(page)).toEqual([]);
		await expect(trainPanel(page)).toBeVisible();

		// Closing the panel brings the palette back, and the button goes.
		await page.getByRole('button', { name: 'Train panel' }).click();
		await expect(page.locator('aside.side.left')).toBeVisible();
		await expect(addNode(page)).toHaveCount(0);
		expect(errors).toEqual([]);
	});
});

test.describe('at 1280x800, the folded inspector', () => {
	test.use({ viewport: { width: 1280, height: 800 } });

	test('opens again from its strip, keeps its fields, and comes back with the panel closed', async ({
		page
	}) => {
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await graphNode(page, 'weight').click();
		await expect(inspector(page).getByRole('textbox', { name: 'Name' })).toHaveValue('weight');
		// An entry the document refuses stays in its field, with the reason.
		const shape = inspector(page).getByRole('textbox', { name: 'Shape' });
		await shape.fill('1, x');
		await shape.press('Enter');
		await expect(inspector(page).getByRole('alert')).toBeVisible();

		await page.getByRole('button', { name: 'Train panel' }).click();
		await expect(trainPanel(page)).toBeVisible();
		await expect(inspector(page)).toBeHidden();

		// Its button, at the window's right edge, opens it as it was: the canvas gives it room.
		await inspectorToggle(page).click();
		await expect(inspectorToggle(page)).toHaveAttribute('aria-expanded', 'true');
		await expect(inspectorToggle(page)).toBeFocused();
		await expect(inspector(page)).toBeVisible();
		await expect(inspector(page).getByRole('textbox', { name: 'Name' })).toHaveValue('weight');
		await expect(shape).toHaveValue('1, x');
		await expect(inspector(page).getByRole('alert')).toBeVisible();
		await expect.poll(() => layoutProblems(page, 'Train panel')).toEqual([]);

		// The keyboard folds it again, and the focus stays on the button.
		await page.keyboard.press('Enter');
		await expect(inspector(page)).toBeHidden();
		await expect(inspectorToggle(page)).toBeFocused();

		// Closing the panel brings the inspector back, and the canvas refits the graph.
		// (From the keyboard: the focus, on the × that goes away, moves to the Train toggle.)
		await trainPanel(page).getByRole('button', { name: 'Close the panel' }).focus();
		await page.keyboard.press('Enter');
		await expect(trainPanel(page)).toBeHidden();
		await expect(page.getByRole('button', { name: 'Train panel' })).toBeFocused();
		await expect(inspector(page)).toBeVisible();
		await expect(inspectorToggle(page)).toHaveCount(0);
		await expect(shape).toHaveValue('1, x');
		for (const name of NODES) {
			const box = await graphNode(page, name).boundingBox();
			expect(inside(box!, (await canvas(page).boundingBox())!), name).toBe(true);
		}
		expect(errors).toEqual([]);
	});

	test("a field being edited keeps the keyboard's focus nearby when the column folds", async ({
		page
	}) => {
		await page.setViewportSize({ width: 1920, height: 1080 });
		const errors = await openEditor(page);
		await loadExample(page, /Linear regression/);
		await page.getByRole('button', { name: 'Code panel' }).click();
		await expect(codePanel(page)).toBeVisible();
		await graphNode(page, 'bias').click();
		const name = inspector(page).getByRole('textbox', { name: 'Name' });
		await name.fill('b');
		// The projector goes (1920 to 1280): the column folds under the focused field.
		await page.setViewportSize({ width: 1280, height: 800 });
		await expect(inspector(page)).toBeHidden();
		await expect(inspectorToggle(page)).toBeFocused();
		// The entry was applied as leaving the field applies it.
		await expect(graphNode(page, 'b')).toBeVisible();
		const renamed = NODES.map((each) => (each === 'bias' ? 'b' : each));
		await expect.poll(() => layoutProblems(page, 'Code panel', renamed)).toEqual([]);
		expect(errors).toEqual([]);
	});
});
