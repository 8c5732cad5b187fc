/**
 * Issue #14, part 5: a graph built, run and read with the keyboard alone (page.keyboard only, no
 * pointer): nodes added from the palette, one moved with the arrow keys, outputs connected to
 * inputs with C, a target chosen and Enter, then Forward and Backward with F and B, and each
 * grad read from the nodes' text: for sum(x * w), w.grad shows x's values, x.grad is None.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { counts, graphNode, openEditor } from './editor-helpers';

/** Presses Tab (Shift+Tab with `back`) until `target` has focus. */
async function tabTo(page: Page, target: Locator, back = false) {
	for (let presses = 0; presses < 120; presses++) {
		if (await target.evaluate((element) => element === document.activeElement)) return;
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
	}
	throw new Error('Tab never reached the element');
}

/** Filters the palette to `query` and adds its first entry with Enter (focus ends on it). */
async function addFromPalette(page: Page, query: string, id: string) {
	const search = page.getByRole('searchbox', { name: 'Search the palette' });
	await tabTo(page, search, true);
	await page.keyboard.press('ControlOrMeta+A');
	await page.keyboard.type(query);
	const entry = page.getByRole('button', { name: id, exact: true });
	await tabTo(page, entry);
	await page.keyboard.press('Enter');
}

/** C on the selected node, the target typed into the list's filter, Enter. */
async function connectTo(page: Page, from: string, filter: string) {
	await page.keyboard.press('c');
	const list = page.getByRole('combobox', { name: `Connect ${from} to an input` });
	await expect(list).toBeFocused();
	await page.keyboard.type(filter);
	const options = page.getByRole('listbox', { name: `Connect ${from} to an input` });
	await expect(options.getByRole('option', { selected: true })).toHaveText(
		new RegExp(`^\\s*${filter}\\s*$`)
	);
	await page.keyboard.press('Enter');
	await expect(list).toHaveCount(0);
}

const wrapper = (page: Page, name: string) =>
	page.locator('.svelte-flow__node').filter({ has: graphNode(page, name) });

test('build sum(x * w), move a node, run Forward and Backward, read each grad: keyboard only', async ({
	page
}) => {
	// Many single key presses: on a loaded 2-core machine this takes longer than the default.
	test.setTimeout(150_000);
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
	// The first visit shows an example: select all of it and delete it.
	await page.keyboard.press('ControlOrMeta+A');
	await page.keyboard.press('Delete');
	await expect(counts(page, 0, 0)).toBeVisible();

	// Enter on a palette entry adds it at the centre of the view, selected.
	await addFromPalette(page, 'sum', 'sum');
	await expect(graphNode(page, 'sum1')).toBeVisible();
	await addFromPalette(page, 'mul', 'mul');
	await expect(graphNode(page, 'mul1')).toBeVisible();
	await connectTo(page, 'mul1', 'sum1: input input');
	await expect(counts(page, 2, 1)).toBeVisible();

	await addFromPalette(page, 'x', 'x');
	await expect(graphNode(page, 'x')).toBeVisible();
	// The list offers only inputs that may take x: not x itself, not the taken sum1 input.
	await page.keyboard.press('c');
	await expect(
		page.getByRole('listbox', { name: 'Connect x to an input' }).getByRole('option')
	).toHaveText(['mul1: input input', 'mul1: input other']);
	await page.keyboard.press('Escape');
	await connectTo(page, 'x', 'mul1: input input');
	await addFromPalette(page, 'w', 'w');
	await expect(graphNode(page, 'w')).toBeVisible();
	await connectTo(page, 'w', 'mul1: input other');
	await expect(counts(page, 4, 3)).toBeVisible();

	// Tab reaches the nodes on the canvas; Enter selects one, the arrow keys move it.
	const w = wrapper(page, 'w');
	await tabTo(page, w);
	await page.keyboard.press('Enter');
	await expect(w).toHaveClass(/selected/);
	const top = () =>
		w.evaluate((element) => Number(/, ([-\d.]+)px\)/.exec(element.style.transform)?.[1]));
	const before = await top();
	for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowDown');
	await expect.poll(top).toBeGreaterThan(before);
	// Escape lets go of the node: Backward starts from the graph's single end, sum1.
	await page.keyboard.press('Escape');
	await expect(w).not.toHaveClass(/selected/);

	await page.keyboard.press('f');
	await expect(graphNode(page, 'sum1').locator('[data-role="value"]')).toBeVisible();
	await page.keyboard.press('b');
	// d sum(x * w) / dw = x: w.grad reads as x's value. x is data (requires_grad=False, as the
	// palette's x is): its .grad stays None, as PyTorch's would; sum1 and mul1 keep none either.
	const grad = (name: string) => graphNode(page, name).locator('[data-role="grad"]');
	const value = (name: string) => graphNode(page, name).locator('[data-role="value"]');
	await expect(grad('w')).not.toHaveText('None');
	await expect(grad('w')).toHaveText(await value('x').innerText());
	for (const name of ['x', 'mul1', 'sum1']) await expect(grad(name)).toHaveText('None');
	// The live region read the last step aloud, with w's grad.
	await expect(page.getByTestId('trace-announcer')).toContainText('w.grad = ');
	expect(errors).toEqual([]);
});

test('the connect list keeps the active choice in view past its edge, and wraps', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
	await page.getByRole('button', { name: 'File' }).click();
	await page.getByRole('menuitem', { name: 'New' }).click();
	await page.getByRole('button', { name: 'x', exact: true }).click();
	// Eight adds: sixteen free inputs, more than the list shows at once.
	for (let i = 0; i < 8; i++) await page.getByRole('button', { name: 'add', exact: true }).click();
	await graphNode(page, 'x').click();
	await page.keyboard.press('c');
	const list = page.getByRole('listbox', { name: 'Connect x to an input' });
	await expect(list.getByRole('option')).toHaveCount(16);
	const active = list.getByRole('option', { selected: true });
	const inView = async () => {
		const [box, item] = [await list.boundingBox(), await active.boundingBox()];
		return item!.y >= box!.y - 0.5 && item!.y + item!.height <= box!.y + box!.height + 0.5;
	};
	for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowDown');
	await expect(active).toHaveText('add8: input other');
	// The list is shorter than its sixteen choices, and the last one is where it can be read.
	const box = (await list.boundingBox())!;
	expect((await list.evaluate((element) => element.scrollHeight)) > box.height + 1).toBe(true);
	await expect.poll(inView).toBe(true);
	await page.keyboard.press('ArrowDown');
	await expect(active).toHaveText('add1: input input');
	await expect.poll(inView).toBe(true);
});

test('loading the editor and pressing keys logs no console warning or error', async ({ page }) => {
	const logged: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'warning' || message.type() === 'error') {
			logged.push(`${message.type()}: ${message.text()}`);
		}
	});
	page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
	await expect(counts(page, 4, 3)).toBeVisible();
	// Svelte Flow listens on the window for its selection, pan and zoom keys: every key press
	// and release goes through its shortcut triggers (a trigger with no key logged a warning).
	for (const key of ['Shift', 'Control', 'Space', 'Escape', 'ArrowLeft']) {
		await page.keyboard.press(key);
	}
	await graphNode(page, 'x').click();
	await page.keyboard.press('Escape');
	await expect(counts(page, 4, 3)).toBeVisible();
	expect(logged).toEqual([]);
});

test("Tab goes through the page without landing on Svelte Flow's attribution link", async ({
	page
}) => {
	await page.goto('/');
	await expect(counts(page, 4, 3)).toBeVisible();
	const attribution = page.getByRole('link', { name: 'Svelte Flow' });
	await expect(attribution).toBeVisible();
	const reached: string[] = [];
	for (let presses = 0; presses < 80; presses++) {
		await page.keyboard.press('Tab');
		reached.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
		if (await attribution.evaluate((link) => link === document.activeElement)) break;
	}
	// The Tab order went past the canvas to the status line, and never to the link.
	expect(reached).toContain('Tutorial');
	await expect(attribution).not.toBeFocused();
});

test('focus stays on something after Undo or Redo uses up its steps, and after Start lesson', async ({
	page
}) => {
	await page.goto('/');
	await expect(counts(page, 4, 3)).toBeVisible();
	await page.getByRole('button', { name: 'relu', exact: true }).click();
	await expect(counts(page, 5, 3)).toBeVisible();
	const undo = page.getByRole('button', { name: 'Undo', exact: true });
	const redo = page.getByRole('button', { name: 'Redo', exact: true });
	// Undo by keyboard takes the one step: Undo is disabled, and focus goes to Redo.
	await undo.focus();
	await page.keyboard.press('Enter');
	await expect(counts(page, 4, 3)).toBeVisible();
	await expect(undo).toBeDisabled();
	await expect(redo).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(counts(page, 5, 3)).toBeVisible();
	await expect(undo).toBeFocused();

	// The first-visit prompt's Start lesson 1 goes away: focus goes into the lesson.
	const start = page.getByRole('button', { name: 'Start lesson 1' });
	await start.focus();
	await page.keyboard.press('Enter');
	const lesson = page.getByRole('region', { name: 'Lesson' });
	await expect(lesson.getByRole('heading', { level: 2 })).toBeFocused();
	// The next Tab stays in the lesson: its buttons.
	await page.keyboard.press('Tab');
	expect(
		await lesson.evaluate(
			(region) => region.contains(document.activeElement) && document.activeElement!.tagName
		)
	).toBe('BUTTON');
});

test('the File menu by keyboard: arrows, Home and End move; Escape closes it, Tab goes on', async ({
	page
}) => {
	await page.goto('/');
	await expect(counts(page, 4, 3)).toBeVisible();
	const file = page.getByRole('button', { name: 'File', exact: true });
	await file.focus();
	await page.keyboard.press('Enter');
	const items = page.getByRole('menu', { name: 'File' }).getByRole('menuitem');
	const count = await items.count();
	await expect(items.first()).toBeFocused();
	await page.keyboard.press('End');
	await expect(items.nth(count - 1)).toBeFocused();
	await page.keyboard.press('Home');
	await expect(items.first()).toBeFocused();
	await page.keyboard.press('ArrowUp');
	await expect(items.nth(count - 1)).toBeFocused();
	// Escape closes it on its button; Tab closes it and goes on to the next control.
	await page.keyboard.press('Escape');
	await expect(page.getByRole('menu', { name: 'File' })).toHaveCount(0);
	await expect(file).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(items.first()).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('menu', { name: 'File' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Examples', exact: true })).toBeFocused();
});

test("Ctrl+Z in the Inspector's Name field after Enter undoes the rename; while typing it is the field's own", async ({
	page
}) => {
	await openEditor(page);
	await graphNode(page, 't').click();
	const name = page.getByRole('textbox', { name: 'Name' });
	await name.fill('loss');
	await name.press('Enter');
	await expect(graphNode(page, 'loss')).toBeVisible();
	// The field holds what the document holds: Undo is the document's, field and node agree.
	await name.press('ControlOrMeta+z');
	await expect(graphNode(page, 't')).toBeVisible();
	await expect(name).toHaveValue('t');
	await expect(name).toBeFocused();
	await name.press('ControlOrMeta+Shift+z');
	await expect(graphNode(page, 'loss')).toBeVisible();
	await expect(name).toHaveValue('loss');
	// Typing makes the text the field's: its Undo takes back the typing, not the rename.
	await name.press('End');
	await page.keyboard.type('2');
	await expect(name).toHaveValue('loss2');
	await name.press('ControlOrMeta+z');
	await expect(name).toHaveValue('loss');
	await expect(graphNode(page, 'loss')).toBeVisible();
});

test("Ctrl+Z in the Inspector's Name field that takes away the node it shows leaves the focus on the inspector, not on nothing", async ({
	page
}) => {
	await openEditor(page);
	await page.getByRole('button', { name: 'relu', exact: true }).click();
	const name = page.getByRole('textbox', { name: 'Name' });
	await expect(name).toHaveValue('relu1');
	await name.click();
	// The field shows the document's value: Undo is the document's, and it removes relu1.
	await name.press('ControlOrMeta+z');
	await expect(graphNode(page, 'relu1')).toHaveCount(0);
	await expect(page.getByRole('heading', { name: 'Inspector' })).toBeFocused();
	// Redo brings it back from there (the heading is no text field).
	await page.keyboard.press('ControlOrMeta+Shift+z');
	await expect(graphNode(page, 'relu1')).toBeVisible();
});
