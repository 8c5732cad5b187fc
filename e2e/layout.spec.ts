import { expect, test, type Page } from '@playwright/test';
import {
	canvas,
	clippedLessonTargets,
	currentNodeOutOfView,
	fileMenu,
	fixture,
	graphNode,
	loadExample,
	openEditor,
	openFile,
	overlaps,
	panCanvas,
	smallestFont,
	tokensAtRest,
	tokensOnHandles
} from './editor-helpers';
import { trainPanel } from './train-helpers';

/**
 * Always in view, on a laptop (1280x800) and on a projector (1920x1080): after Forward and
 * Backward no two nodes overlap, every leaf's .grad is on screen and uncovered, the header is one
 * row, and the chain-rule panel leaves the canvas at least 60% of the window's height.
 */

const EXAMPLES = [
	{ id: 'autograd-basics', title: /Autograd basics/, leaves: ['x', 'b'] },
	{ id: 'chain-rule', title: /Chain rule/, leaves: ['x', 'w', 'b'] },
	{ id: 'linear-regression', title: /Linear regression/, leaves: ['x', 'weight', 'bias', 'y'] }
] as const;

const SIZES = [
	{ name: '1280x800', width: 1280, height: 800 },
	{ name: '1920x1080', width: 1920, height: 1080 }
] as const;

/** One row of buttons, with its padding and border (the old toolbar wrapped to 135 px). */
const ONE_ROW_HEADER_PX = 60;

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const grad = (page: Page, name: string) => graphNode(page, name).locator('[data-role="grad"]');
const chainPanel = (page: Page) => page.getByRole('region', { name: 'Chain rule' });

/** Opens an example, runs Forward then Backward at full speed, and waits for the last step. */
async function forwardBackward(page: Page, example: (typeof EXAMPLES)[number]) {
	await loadExample(page, example.title);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	// The replay ends on its last step ("Step 9 of 9").
	await expect(chainPanel(page).locator('.where')).toContainText(/Step (\d+) of \1\b/);
	for (const leaf of example.leaves) await expect(grad(page, leaf)).toBeVisible();
}

/** Leaves whose .grad is not fully inside the window, or is covered at its centre. */
function hiddenGrads(page: Page, leaves: readonly string[]): Promise<string[]> {
	return page.evaluate((names) => {
		const problems: string[] = [];
		for (const name of names) {
			const element = document.querySelector(
				`[data-node-name=${JSON.stringify(name)}] [data-role="grad"]`
			);
			if (!element) {
				problems.push(`${name}: no grad element`);
				continue;
			}
			const r = element.getBoundingClientRect();
			if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) {
				problems.push(`${name}: outside the window (${Math.round(r.left)}, ${Math.round(r.top)})`);
				continue;
			}
			const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
			if (!hit || !element.contains(hit)) {
				problems.push(`${name}: covered by ${hit?.className || hit?.tagName || 'nothing'}`);
			}
		}
		return problems;
	}, leaves);
}

/** The smallest rendered font size (CSS px after the canvas zoom) of the nodes' value texts. */
function smallestValueFont(page: Page): Promise<number> {
	return page.evaluate(() => {
		const viewport = document.querySelector<HTMLElement>('.svelte-flow__viewport');
		const zoom = viewport ? new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a : 1;
		let smallest = Infinity;
		for (const value of document.querySelectorAll('.svelte-flow__node [data-role="value"]')) {
			const walker = document.createTreeWalker(value, NodeFilter.SHOW_TEXT);
			for (let text = walker.nextNode(); text; text = walker.nextNode()) {
				if (!text.textContent?.trim() || !text.parentElement) continue;
				// Only text on the screen (not a heatmap cell's <title> tooltip).
				const range = document.createRange();
				range.selectNodeContents(text);
				if (range.getBoundingClientRect().width === 0) continue;
				const size = parseFloat(getComputedStyle(text.parentElement).fontSize) * zoom;
				smallest = Math.min(smallest, size);
			}
		}
		return smallest;
	});
}

/** The canvas's pan and zoom, as Svelte Flow's viewport transform. */
const viewTransform = (page: Page) =>
	page.evaluate(
		() => getComputedStyle(document.querySelector('.svelte-flow__viewport')!).transform
	);

async function expectInView(page: Page, example: (typeof EXAMPLES)[number]) {
	const { height } = page.viewportSize()!;
	// (a) No two node boxes intersect (polled: the view settles after the replay).
	await expect.poll(() => overlaps(page)).toEqual([]);
	// (b) Every leaf's .grad lies inside the window and nothing covers it.
	await expect.poll(() => hiddenGrads(page, example.leaves)).toEqual([]);
	// (c) The header is one row, and every control in it lies inside the window.
	const header = await page.locator('.editor > header').boundingBox();
	// (Presenter mode zooms the header at a projector's width: one row is that much taller.)
	const zoom = await page
		.locator('.editor > header')
		.evaluate((element) => Number(getComputedStyle(element).zoom) || 1);
	expect(header!.height).toBeLessThan(ONE_ROW_HEADER_PX * zoom);
	const outside = await page.evaluate(() =>
		[...document.querySelectorAll<HTMLElement>('.editor > header :is(button, input, a)')]
			.filter((element) => element.offsetParent !== null)
			.filter((element) => element.getBoundingClientRect().right > innerWidth)
			.map((element) => element.getAttribute('aria-label') ?? element.textContent)
	);
	expect(outside).toEqual([]);
	// (d) With the chain-rule panel open, the canvas keeps at least 60% of the window's height.
	await expect(chainPanel(page)).toBeVisible();
	const canvasBox = await canvas(page).boundingBox();
	expect(canvasBox!.height).toBeGreaterThanOrEqual(0.6 * height);
}

for (const size of SIZES) {
	test.describe(`at ${size.name}`, () => {
		test.use({ viewport: { width: size.width, height: size.height } });

		for (const example of EXAMPLES) {
			test(`${example.id}: nodes apart, leaf grads in view after Backward`, async ({ page }) => {
				const errors = await openEditor(page);
				await forwardBackward(page, example);
				await expectInView(page, example);
				expect(await valuesOutsideNodes(page)).toEqual([]);
				await page.screenshot({ path: `test-results/layout/${example.id}-${size.name}.png` });
				expect(errors).toEqual([]);
			});
		}
	});
}

test("a node's long name stays on one line: the op's label moves below it", async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openEditor(page);
	await page.getByRole('button', { name: 'mse_loss', exact: true }).click();
	const node = graphNode(page, 'mse_loss1');
	await expect(node).toBeVisible();
	const head = await node.evaluate((element) => {
		const name = element.querySelector('.name')!;
		const lines = name.getClientRects().length;
		const height = name.getBoundingClientRect().height;
		const size = parseFloat(getComputedStyle(name).fontSize);
		return { oneLine: lines === 1 && height < 1.6 * size, text: name.textContent };
	});
	expect(head).toEqual({ oneLine: true, text: 'mse_loss1' });
});

test.describe('presenter mode at 1920x1080', () => {
	test.use({ viewport: { width: 1920, height: 1080 } });

	for (const example of EXAMPLES) {
		test(`${example.id}: large values, every leaf grad in view`, async ({ page }) => {
			const errors: string[] = [];
			page.on('pageerror', (error) => errors.push(error.message));
			await page.goto('/?present=1');
			await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'true');
			await forwardBackward(page, example);
			await expectInView(page, example);
			expect(await valuesOutsideNodes(page)).toEqual([]);
			// Values in large type: at least 20 px on the screen, the canvas zoom included.
			await expect.poll(() => smallestValueFont(page)).toBeGreaterThanOrEqual(20);
			// Palette, inspector and minimap are hidden.
			await expect(button(page, 'add')).toBeHidden();
			await expect(page.getByRole('textbox', { name: 'Name' })).toHaveCount(0);
			await expect(page.locator('.svelte-flow__minimap')).toBeHidden();
			await page.screenshot({
				path: `test-results/layout/${example.id}-1920x1080-presenter.png`
			});
			expect(errors).toEqual([]);
		});
	}
});

/** Opens the editor in presenter mode (its link); the page errors it meets. */
async function openPresenter(page: Page): Promise<string[]> {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto('/?present=1');
	await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'true');
	return errors;
}

/**
 * What a class reads from the back of the room, on a projector (1920x1080, presenter mode), in
 * px on the screen (zooms included): at least 16 for words and values, 14 for the chips on the
 * wires and the badges on the nodes; and the chips rest clear of the handles.
 */
test.describe('presenter mode at 1920x1080: type a class reads', () => {
	test.use({ viewport: { width: 1920, height: 1080 } });

	test('linear regression: wire chips, badges, toolbar and chain-rule caption in large type; chips clear of the handles', async ({
		page
	}) => {
		const errors = await openPresenter(page);
		await forwardBackward(page, EXAMPLES[2]);
		await expect.poll(() => overlaps(page)).toEqual([]);
		// The last step: -150. and -22. travel back to weight and bias (they sat on pred's handles).
		await expect(page.locator('[data-token="grad"]')).toHaveText(['-150.', '-22.']);
		await tokensAtRest(page);
		expect(await tokensOnHandles(page)).toEqual([]);
		expect(await smallestFont(page, '[data-token] text')).toBeGreaterThanOrEqual(14);
		// requires_grad=True, is_leaf, AddmmBackward0, ×1, and the value / .grad labels.
		expect(await smallestFont(page, '.graph-node .badge')).toBeGreaterThanOrEqual(14);
		expect(await smallestFont(page, '.graph-node .trace .label')).toBeGreaterThanOrEqual(14);
		// retain_graph and all ∇ (the header's zoom included: they were 16 px with it).
		expect(await smallestFont(page, '.trace-controls .check span')).toBeGreaterThanOrEqual(17.5);
		// "Step 8 of 8 · Backward · pred" and "Element ∂loss/∂pred[0, 0] = ...".
		expect(await smallestFont(page, '.chain .where')).toBeGreaterThanOrEqual(16);
		expect(await smallestFont(page, '.chain .picked')).toBeGreaterThanOrEqual(16);
		// Every step: its chips, at rest, clear of every handle.
		const scrubber = page.getByRole('slider', { name: 'Trace step' });
		const last = Number(await scrubber.getAttribute('max'));
		for (let step = 1; step <= last; step++) {
			await scrubber.fill(String(step));
			await expect(chainPanel(page).locator('.where')).toContainText(`Step ${step} of`);
			await tokensAtRest(page);
			expect(await tokensOnHandles(page), `step ${step}`).toEqual([]);
		}
		await page.screenshot({ path: 'test-results/layout/linear-regression-presenter-type.png' });
		expect(errors).toEqual([]);
	});

	test('lesson 3: the outlined fields whole in the Train panel; the trained values in large type', async ({
		page
	}) => {
		const errors = await openPresenter(page);
		const lesson = page.getByRole('region', { name: 'Lesson' });
		const next = lesson.getByRole('button', { name: 'Next', exact: true });
		const progress = page.getByTestId('lesson-progress');
		await button(page, 'Lessons').click();
		await page.getByRole('menuitem', { name: /Lesson 3/ }).click();
		await expect(progress).toHaveText('Step 1 of 6');
		await next.click();
		await button(page, 'Train panel').click();
		await next.click();
		// Step 3: lr and Epochs, scrolled into view with their whole ring (it was cut at the bottom).
		await expect(progress).toHaveText('Step 3 of 6');
		await expect(page.locator('[data-lesson-target]')).toHaveCount(2);
		await expect.poll(() => clippedLessonTargets(page)).toEqual([]);
		await next.click();
		// Step 4: Train, scrolled back up, its ring whole (it was cut at the panel's top).
		await expect(progress).toHaveText('Step 4 of 6');
		await expect(page.locator('[data-lesson-target]')).toHaveCount(1);
		await expect.poll(() => clippedLessonTargets(page)).toEqual([]);
		const panel = trainPanel(page);
		await panel.getByRole('combobox', { name: 'Device' }).selectOption('cpu');
		await panel.getByRole('button', { name: 'Train', exact: true }).click();
		await expect(next).toBeEnabled({ timeout: 30_000 });
		await next.click();
		// Step 5: "The nodes show the trained values too": = 2.0004 on weight, as large as a value.
		await expect(progress).toHaveText('Step 5 of 6');
		await expect(graphNode(page, 'weight').getByTestId('node-live')).toBeVisible();
		expect(await smallestFont(page, '[data-testid="node-live"]')).toBeGreaterThanOrEqual(16);
		expect(await overlaps(page)).toEqual([]);
		await page.screenshot({ path: 'test-results/layout/lesson-3-presenter-type.png' });
		expect(errors).toEqual([]);
	});
});

/**
 * A small classroom projector (QA: at 1280x800 and 1366x768 presenter mode fitted the whole graph,
 * node names at 12.5 px, op labels and badges at 9 px): the type keeps its floor on the screen
 * (names 16 px, op labels, badges, value labels and wire chips 14 px) for every example, the
 * 1920x1080 projector included. A graph larger than the canvas at that size is shown around the
 * trace's current node, which stays in view while the teacher steps backward; the user pans.
 */
const PROJECTORS = [
	{ name: '1280x800', width: 1280, height: 800 },
	{ name: '1366x768', width: 1366, height: 768 },
	{ name: '1920x1080', width: 1920, height: 1080 }
] as const;

/** Leaves whose .grad is not whole on the canvas. */
function gradsOutOfView(page: Page, leaves: readonly string[]): Promise<string[]> {
	return page.evaluate((names) => {
		const view = document.querySelector('.canvas')!.getBoundingClientRect();
		return names.filter((name) => {
			const grad = document.querySelector(
				`[data-node-name=${JSON.stringify(name)}] [data-role="grad"]`
			);
			const r = grad?.getBoundingClientRect();
			return (
				!r ||
				r.left < view.left ||
				r.top < view.top ||
				r.right > view.right ||
				r.bottom > view.bottom
			);
		});
	}, leaves);
}

/** The smallest name, and the smallest op label, badge, value label or chip, in px on the screen. */
async function presenterType(page: Page) {
	return {
		name: await smallestFont(page, '.graph-node .name'),
		small: await smallestFont(
			page,
			'.graph-node .op, .graph-node .badge, .graph-node .trace .label, [data-token] text'
		)
	};
}

test.describe('presenter mode on a small projector: type a class reads, the view follows the trace', () => {
	for (const size of PROJECTORS) {
		test(`at ${size.name}: every example in readable type, the current node in view stepping backward`, async ({
			page
		}) => {
			await page.setViewportSize({ width: size.width, height: size.height });
			const errors = await openPresenter(page);
			for (const example of EXAMPLES) {
				await forwardBackward(page, example);
				await tokensAtRest(page);
				const type = await presenterType(page);
				expect(type.name, example.id).toBeGreaterThanOrEqual(16);
				expect(type.small, example.id).toBeGreaterThanOrEqual(14);
				expect(await currentNodeOutOfView(page), example.id).toBe('');
				// The last step sends pred's gradient to weight and bias: their .grad in view with it.
				if (example.id === 'linear-regression') {
					await expect.poll(() => gradsOutOfView(page, ['weight', 'bias'])).toEqual([]);
				}
				// Step back through every step to the first: the current node is whole on the canvas.
				const last = Number(
					await page.getByRole('slider', { name: 'Trace step' }).getAttribute('max')
				);
				for (let step = last - 1; step >= 1; step--) {
					await button(page, 'Step back').click();
					await expect(chainPanel(page).locator('.where')).toContainText(`Step ${step} of`);
					await expect
						.poll(() => currentNodeOutOfView(page), { message: `${example.id} step ${step}` })
						.toBe('');
				}
				// Following the trace pans; it never zooms out past the readable type.
				expect(await presenterType(page), example.id).toEqual(type);
				if (example.id === 'linear-regression') {
					await page.screenshot({
						path: `test-results/layout/presenter-small-${size.name}-linear-regression.png`
					});
				}
			}
			expect(errors).toEqual([]);
		});
	}

	test('at 1280x800 the teacher pans away; the next step brings the current node back', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 800 });
		await openPresenter(page);
		await forwardBackward(page, EXAMPLES[2]);
		await expect.poll(() => currentNodeOutOfView(page)).toBe('');
		const before = await viewTransform(page);
		await panCanvas(page, 700);
		// The user's pan holds: the current node is out of view where the teacher dragged it.
		await expect.poll(() => currentNodeOutOfView(page)).not.toBe('');
		expect(await viewTransform(page)).not.toBe(before);
		await button(page, 'Step back').click();
		await expect.poll(() => currentNodeOutOfView(page)).toBe('');
		expect((await presenterType(page)).small).toBeGreaterThanOrEqual(14);
	});
});

/** Values (and grads) drawn past their node's box: a table wider than the node. */
function valuesOutsideNodes(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		for (const node of document.querySelectorAll<HTMLElement>('.svelte-flow__node')) {
			const box = node.getBoundingClientRect();
			for (const area of node.querySelectorAll(
				'[data-testid="value-box"], [data-testid="grad-box"]'
			)) {
				const r = area.getBoundingClientRect();
				if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1)) {
					const name = node.querySelector('[data-node-name]')?.getAttribute('data-node-name');
					problems.push(
						`${name}: ${Math.round(r.left)}-${Math.round(r.right)} in ${Math.round(box.left)}-${Math.round(box.right)}`
					);
				}
			}
		}
		return problems;
	});
}

/** Glyphs of the chain-rule formulas that lie outside their line (cut off, or hidden by a scroll). */
function cutFormulas(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		for (const line of document.querySelectorAll<HTMLElement>('[data-testid="chain-line"]')) {
			const box = line.getBoundingClientRect();
			// What is drawn (not KaTeX's MathML copy for screen readers, hidden by a clip).
			const drawn = line.querySelector('.katex-html');
			if (!drawn) {
				problems.push('a line without KaTeX output');
				continue;
			}
			const walker = document.createTreeWalker(drawn, NodeFilter.SHOW_TEXT);
			for (let text = walker.nextNode(); text; text = walker.nextNode()) {
				// KaTeX's zero-width struts and spacers carry no glyph.
				if (!text.textContent?.trim() || text.textContent === '\u200b') continue;
				const range = document.createRange();
				range.selectNodeContents(text);
				const r = range.getBoundingClientRect();
				if (r.width > 2 && (r.right > box.right + 1 || r.left < box.left - 1)) {
					problems.push(
						`"${text.textContent}" at ${Math.round(r.left)}-${Math.round(r.right)} in ${Math.round(box.left)}-${Math.round(box.right)}`
					);
				}
			}
		}
		return problems;
	});
}

/** Wire tokens (a value or gradient chip) that a node's box covers, once they have come to rest. */
function coveredTokens(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const nodes = [...document.querySelectorAll('.svelte-flow__node')].map((n) =>
			n.getBoundingClientRect()
		);
		const problems: string[] = [];
		for (const token of document.querySelectorAll('[data-token]')) {
			const r = token.getBoundingClientRect();
			const covered = nodes.some(
				(n) => r.left < n.right && n.left < r.right && r.top < n.bottom && n.top < r.bottom
			);
			if (covered)
				problems.push(`${token.textContent} at ${Math.round(r.left)}, ${Math.round(r.top)}`);
		}
		return problems;
	});
}

test.describe('presenter mode opened from its link', () => {
	for (const size of SIZES) {
		test.describe(`at ${size.name}`, () => {
			test.use({ viewport: { width: size.width, height: size.height } });

			test('a first visit lays out the example; values fit their nodes; every formula is whole', async ({
				page
			}) => {
				// A fresh browser (nothing stored) opening a projector link: the first-visit example
				// is spaced for the usual nodes, and must be laid out for presenter mode's larger ones.
				await page.goto('/?present=1');
				await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'true');
				await expect(page.locator('.svelte-flow__node')).toHaveCount(4);
				await expect.poll(() => overlaps(page)).toEqual([]);
				// The toolbar is whole in the window, in large type where there is room for it.
				const help = (await button(page, 'Keyboard shortcuts').boundingBox())!;
				expect(help.x + help.width).toBeLessThanOrEqual(size.width);
				const forward = (await button(page, 'Forward').boundingBox())!;
				expect(forward.height).toBeGreaterThanOrEqual(size.width >= 1700 ? 40 : 30);
				await page.getByRole('slider', { name: 'Speed' }).fill('4');
				await button(page, 'Forward').click();
				await button(page, 'Backward').click();
				await expect(chainPanel(page).locator('.where')).toContainText(/Step (\d+) of \1\b/);
				expect(await overlaps(page)).toEqual([]);
				expect(await valuesOutsideNodes(page)).toEqual([]);
				// The last step's gradient chips rest on their wires, not under the node they reach.
				await expect(page.locator('[data-token="grad"]')).toHaveCount(2);
				const tokenBoxes = () =>
					page
						.locator('[data-token]')
						.evaluateAll((tokens) =>
							tokens.map((t) => JSON.stringify(t.getBoundingClientRect())).join()
						);
				// Wait until they stop moving: they pass uncovered mid-wire on their way.
				let previous = '';
				await expect
					.poll(
						async () => {
							const now = await tokenBoxes();
							const still = now === previous;
							previous = now;
							return still;
						},
						{ intervals: [300] }
					)
					.toBe(true);
				expect(await coveredTokens(page)).toEqual([]);
				// Every step's formulas, forward and backward, lie whole inside the panel: a long one
				// breaks after an =, a matrix too wide shrinks.
				const scrubber = page.getByRole('slider', { name: 'Trace step' });
				const last = Number(await scrubber.getAttribute('max'));
				for (let step = 1; step <= last; step++) {
					await scrubber.fill(String(step));
					await expect(chainPanel(page).locator('.where')).toContainText(`Step ${step} of`);
					await expect(page.getByTestId('chain-line').first()).toBeVisible();
					await expect.poll(() => cutFormulas(page), { message: `step ${step}` }).toEqual([]);
				}
				await page.screenshot({
					path: `test-results/layout/first-visit-${size.name}-presenter.png`
				});
			});
		});
	}
});

test.describe('presenter mode: every document opened anew is laid out for its larger nodes', () => {
	test.use({ viewport: { width: 1920, height: 1080 } });

	test('a lesson, an example, then undo and redo', async ({ page }) => {
		await page.goto('/?present=1');
		await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'true');
		await expect.poll(() => overlaps(page)).toEqual([]);
		// A lesson opens its own graph (spaced for the usual nodes).
		await button(page, 'Lessons').click();
		await page.getByRole('menuitem', { name: /Lesson 2/ }).click();
		await expect(page.locator('.svelte-flow__node')).toHaveCount(5);
		await expect.poll(() => overlaps(page)).toEqual([]);
		// The step's words in presenter mode's large type (they were the smallest on the screen).
		const lessonText = page.getByTestId('lesson-text');
		expect(
			await lessonText.evaluate((element) => parseFloat(getComputedStyle(element).fontSize))
		).toBeGreaterThanOrEqual(20);
		await loadExample(page, /Linear regression/);
		await expect(page.locator('.svelte-flow__node')).not.toHaveCount(5);
		await expect.poll(() => overlaps(page)).toEqual([]);
		// The layout is part of opening it (no change of the user's): the notice that says so stays.
		await expect(page.locator('footer .notice')).toHaveText(/^Loaded the example “Linear/);
		// Undo and redo walk the steps as they were: laying out never adds a step to redo.
		const undo = button(page, 'Undo');
		const redo = button(page, 'Redo');
		while (await undo.isEnabled()) await undo.click();
		await expect(redo).toBeEnabled();
		while (await redo.isEnabled()) await redo.click();
		await expect.poll(() => overlaps(page)).toEqual([]);
		await expect(page.locator('.svelte-flow__node [data-node-name="weight"]')).toBeVisible();
	});
});

test.describe('presenter mode with a side panel', () => {
	for (const size of SIZES) {
		test(`at ${size.name}: the Train and Code panels stand beside the graph`, async ({ page }) => {
			await page.setViewportSize({ width: size.width, height: size.height });
			await page.goto('/?present=1');
			await loadExample(page, /Linear regression/);
			for (const panel of ['Train panel', 'Code panel']) {
				await page.getByRole('button', { name: panel }).click();
				await expect(page.getByRole('complementary', { name: panel })).toBeVisible();
				// The canvas keeps the height below the header, and the nodes are on it, uncovered.
				const canvasBox = (await canvas(page).boundingBox())!;
				expect(canvasBox.height).toBeGreaterThan(0.6 * size.height);
				const panelBox = (await page.getByRole('complementary', { name: panel }).boundingBox())!;
				// Beside it, with nothing between them before a trace (an empty chain-rule column was).
				expect(Math.abs(panelBox.x - (canvasBox.x + canvasBox.width))).toBeLessThanOrEqual(2);
				await expect.poll(() => overlaps(page)).toEqual([]);
				// The type a class reads, whatever room the panel leaves the canvas.
				await expect.poll(() => smallestFont(page, '.graph-node .name')).toBeGreaterThanOrEqual(16);
				expect(await smallestFont(page, '.graph-node .op')).toBeGreaterThanOrEqual(14);
				// Never over the panel. At 1920 px every node is on the canvas; at 1280 px the graph is
				// larger than the canvas at that size: shown from its first column, the rest a pan away.
				expect(await nodesOverPanel(page, panel)).toEqual([]);
				const nodes = size.width < 1700 ? [] : await page.locator('.svelte-flow__node').all();
				for (const node of nodes) {
					const box = (await node.boundingBox())!;
					expect(box.x).toBeGreaterThanOrEqual(canvasBox.x - 1);
					expect(box.y).toBeGreaterThanOrEqual(canvasBox.y - 1);
					expect(box.x + box.width).toBeLessThanOrEqual(canvasBox.x + canvasBox.width + 1);
					expect(box.y + box.height).toBeLessThanOrEqual(canvasBox.y + canvasBox.height + 1);
				}
				await page.screenshot({
					path: `test-results/layout/presenter-${panel.split(' ')[0]}-${size.name}.png`
				});
				await page.getByRole('button', { name: panel }).click();
			}
		});
	}
});

/** Canvas nodes drawn over the side panel named `panel` (a grid of its points, read from the top). */
function nodesOverPanel(page: Page, panel: string): Promise<string[]> {
	return page.evaluate((name) => {
		const element = document.querySelector(`aside[aria-label=${JSON.stringify(name)}]`)!;
		const box = element.getBoundingClientRect();
		const found = new Set<string>();
		for (let y = box.top + 5; y < box.bottom; y += 40) {
			for (let x = box.left + 5; x < box.right; x += 40) {
				const node = document.elementFromPoint(x, y)?.closest('[data-node-name]');
				if (node) found.add(node.getAttribute('data-node-name') ?? '?');
			}
		}
		return [...found];
	}, panel);
}

test.describe('the view and the minimap', () => {
	test('at 1280 px the minimap is hidden, can be shown, and the choice is kept', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 800 });
		await openEditor(page);
		const minimap = page.locator('.svelte-flow__minimap');
		const toggle = button(page, 'Minimap');
		await expect(minimap).toHaveCount(0);
		await expect(toggle).toHaveAttribute('aria-pressed', 'false');
		await toggle.click();
		await expect(minimap).toBeVisible();
		await page.reload();
		await expect(page.locator('.svelte-flow__minimap')).toBeVisible();
		await expect(button(page, 'Minimap')).toHaveAttribute('aria-pressed', 'true');
	});

	test('at 1920 px the minimap shows by default', async ({ page }) => {
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openEditor(page);
		await expect(page.locator('.svelte-flow__minimap')).toBeVisible();
	});

	test('Forward and Backward keep the view the user zoomed', async ({ page }) => {
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openEditor(page);
		await loadExample(page, /Chain rule/);
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		const fitted = await viewTransform(page);
		// Zoom out with the wheel over the empty top of the canvas.
		const box = (await canvas(page).boundingBox())!;
		await page.mouse.move(box.x + box.width / 2, box.y + 12);
		await page.mouse.wheel(0, 300);
		await expect.poll(() => viewTransform(page)).not.toBe(fitted);
		const zoomed = await viewTransform(page);
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		await expect(chainPanel(page).locator('.where')).toContainText(/Step (\d+) of \1\b/);
		expect(await viewTransform(page)).toBe(zoomed);
	});

	test('a share link made in presenter mode opens in presenter mode', async ({ page }) => {
		await page.goto('/?present=1');
		await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'true');
		await fileMenu(page, 'Share link');
		const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
		expect(new URL(link).searchParams.get('present')).toBe('1');
		expect(new URL(link).hash).toMatch(/^#g1\./);
	});
});

test('a chain-rule step wider than its column scrolls inside it: the canvas and panel never cover the Inspector (1280x800)', async ({
	page
}) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openEditor(page);
	await openFile(page, fixture('wide-chain.json'));
	await expect(graphNode(page, 'mm')).toBeVisible();
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	// The last step is Backward · mm: ∂L/∂mm, a 256x256 matrix of numbers in scientific form.
	await expect(chainPanel(page).locator('.where')).toContainText(/Step (\d+) of \1\b/, {
		timeout: 30_000
	});
	await expect(chainPanel(page).locator('.where')).toContainText('mm');
	const boxes = await page.evaluate(() => {
		const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
		return {
			canvas: box('.main').right,
			chain: document.querySelector('[aria-label="Chain rule"]')!.getBoundingClientRect().right,
			inspector: box('.side.right').left
		};
	});
	expect(boxes.canvas).toBeLessThanOrEqual(boxes.inspector + 0.5);
	expect(boxes.chain).toBeLessThanOrEqual(boxes.inspector + 0.5);
	await expect(page.getByRole('heading', { name: 'Inspector' })).toBeVisible();
});

test("at 1280x800 a step taller than the Chain rule panel shows its first formula whole, below the panel's header", async ({
	page
}) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openEditor(page);
	await forwardBackward(
		page,
		EXAMPLES.find((example) => example.id === 'linear-regression')!
	);
	const panel = page.locator('section.chain');
	// Taller than the panel: it scrolls.
	await expect
		.poll(() => panel.evaluate((element) => element.scrollHeight > element.clientHeight + 20))
		.toBe(true);
	await expect
		.poll(() =>
			panel.evaluate((element) => {
				const header = element.querySelector('header')!.getBoundingClientRect();
				const first = element.querySelector('[data-testid="chain-line"]')!.getBoundingClientRect();
				return Math.round(first.top - header.bottom);
			})
		)
		// (Within a pixel of rounding: the line's top edge is its box, above its glyphs.)
		.toBeGreaterThanOrEqual(-1);
});
