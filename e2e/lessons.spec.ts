/**
 * Issue #14, part 3: the guided lessons and the first-run prompt, followed with real clicks in
 * Chromium. Each lesson step waits for the student: Next unlocks once the canvas shows what the
 * step asked for.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import {
	canvas,
	clippedLessonTargets,
	counts,
	fileMenu,
	graphNode,
	openEditor,
	overlaps,
	storedMetas
} from './editor-helpers';
import { trainPanel } from './train-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const lesson = (page: Page) => page.getByRole('region', { name: 'Lesson' });
const prompt = (page: Page) => page.getByTestId('lesson-prompt');
const progress = (page: Page) => page.getByTestId('lesson-progress');
const next = (page: Page) => lesson(page).getByRole('button', { name: 'Next', exact: true });
const reopen = (page: Page) =>
	lesson(page).getByRole('button', { name: 'Reopen the lesson’s graph', exact: true });
const paused = (page: Page) => lesson(page).getByText(/^Lesson paused/);
const grad = (page: Page, name: string) => graphNode(page, name).locator('[data-role="grad"]');
const highlighted = (page: Page) =>
	page.evaluate(() =>
		[...document.querySelectorAll('[data-lesson-target]')].map(
			(element) =>
				element.getAttribute('data-node-name') ??
				element.getAttribute('aria-label') ??
				(element as HTMLElement).innerText.trim()
		)
	);

/** 3x4 of `value`, as a node's data-tensor holds it. */
const filled = (value: number) =>
	JSON.stringify(Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => value)));

/** Goes to step `step` of `total` with Next (which must be enabled). */
async function nextTo(page: Page, step: number, total: number) {
	await next(page).click();
	await expect(progress(page)).toHaveText(`Step ${step} of ${total}`);
}

/** Serious and critical accessibility problems axe finds on the page. */
async function axeProblems(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Canvas nodes covered by anything (the lesson panel included) at their centre or their grad, or
 * outside the canvas; and whether the lesson panel overlaps the canvas.
 */
function coveredNodes(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		const canvasBox = document.querySelector('.svelte-flow')!.getBoundingClientRect();
		const panel = document.querySelector('[data-lesson]')?.getBoundingClientRect();
		if (panel && panel.bottom > canvasBox.top && panel.top < canvasBox.bottom) {
			problems.push('the lesson panel overlaps the canvas');
		}
		for (const node of document.querySelectorAll<HTMLElement>('[data-node-name]')) {
			const name = node.getAttribute('data-node-name');
			const r = node.getBoundingClientRect();
			if (r.top < canvasBox.top || r.bottom > canvasBox.bottom) problems.push(`${name}: outside`);
			for (const part of [node, node.querySelector('[data-role="grad"]')]) {
				if (!part) continue;
				const box = part.getBoundingClientRect();
				const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
				if (!hit || !node.contains(hit)) problems.push(`${name}: covered`);
			}
		}
		return problems;
	});
}

test.describe('the first-run prompt', () => {
	test('offers lesson 1; No thanks dismisses it for good (reload, another page)', async ({
		page,
		context
	}) => {
		const errors = await openEditor(page);
		await expect(prompt(page)).toBeVisible();
		await expect(prompt(page)).toContainText('Try a guided lesson');
		// Not modal: the canvas and the toolbar work while it shows.
		await button(page, 'Forward').click();
		await expect(graphNode(page, 'y').locator('[data-role="value"]')).toBeVisible();
		await prompt(page).getByRole('button', { name: 'No thanks' }).click();
		await expect(prompt(page)).toHaveCount(0);
		await expect(lesson(page)).toHaveCount(0);

		await page.reload();
		await expect(button(page, 'add')).toBeVisible();
		await expect(button(page, 'Forward')).toBeVisible();
		const other = await context.newPage();
		await openEditor(other);
		await expect(button(other, 'Forward')).toBeVisible();
		// Both pages are up and drawn; the prompt stays away on each.
		await expect(canvas(page)).toBeVisible();
		await expect(prompt(page)).toHaveCount(0);
		await expect(prompt(other)).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('Start begins lesson 1 and also dismisses it; never in an embedded page', async ({
		page,
		context
	}) => {
		const errors = await openEditor(page);
		await prompt(page).getByRole('button', { name: 'Start lesson 1' }).click();
		await expect(lesson(page)).toBeVisible();
		await expect(progress(page)).toHaveText('Step 1 of 8');
		await expect(prompt(page)).toHaveCount(0);
		await lesson(page).getByRole('button', { name: 'Exit lesson' }).click();
		await expect(lesson(page)).toHaveCount(0);
		await expect(prompt(page)).toHaveCount(0);
		await page.reload();
		await expect(button(page, 'Forward')).toBeVisible();
		await expect(prompt(page)).toHaveCount(0);
		expect(errors).toEqual([]);

		// A fresh profile, embedded: no prompt.
		const fresh = await context.browser()!.newContext();
		const embedded = await fresh.newPage();
		await embedded.goto('/?embed=1');
		await expect(embedded.getByRole('button', { name: 'Forward', exact: true })).toBeVisible();
		await expect(canvas(embedded)).toBeVisible();
		await expect(prompt(embedded)).toHaveCount(0);
		await fresh.close();
	});

	test('moves nothing: the canvas and the header keep their boxes', async ({ page }) => {
		await openEditor(page);
		await expect(prompt(page)).toBeVisible();
		const boxes = () =>
			page.evaluate(() =>
				['.editor > header', '.svelte-flow', '.status'].map((selector) => {
					const r = document.querySelector(selector)!.getBoundingClientRect();
					return [r.top, r.height, r.width].map(Math.round);
				})
			);
		const withPrompt = await boxes();
		await prompt(page).getByRole('button', { name: 'No thanks' }).click();
		await expect(prompt(page)).toHaveCount(0);
		expect(await boxes()).toEqual(withPrompt);
	});
});

test.describe('lesson 1: autograd basics', () => {
	for (const size of [
		{ width: 1280, height: 800 },
		{ width: 1920, height: 1080 }
	]) {
		test(`followed step by step with real clicks at ${size.width}x${size.height}`, async ({
			page
		}) => {
			await page.setViewportSize(size);
			const errors = await openEditor(page);
			// The student's own work: the first graph with a node added.
			await button(page, 'add').click();
			await expect(counts(page, 5, 3)).toBeVisible();
			const kept = async () => (await storedMetas(page)).some((meta) => meta.nodes === 5);
			await expect.poll(kept).toBe(true);
			await prompt(page).getByRole('button', { name: 'Start lesson 1' }).click();
			await page.getByRole('slider', { name: 'Speed' }).fill('4');

			// 1: the graph, x and b outlined. It opened as a new document: the one before is kept.
			await expect(progress(page)).toHaveText('Step 1 of 8');
			await expect(lesson(page)).toContainText('requires_grad=True');
			await expect.poll(() => highlighted(page)).toEqual(['x', 'b']);
			await expect(counts(page, 4, 3)).toBeVisible();
			expect(await kept()).toBe(true);
			await expect(lesson(page).getByRole('button', { name: 'Back' })).toBeDisabled();

			// 2: Forward, outlined; Next waits for it.
			await nextTo(page, 2, 8);
			await expect.poll(() => highlighted(page)).toEqual(['Forward']);
			await expect(next(page)).toBeDisabled();
			await expect(lesson(page).getByRole('status')).toHaveText(/Next unlocks when it is done/);
			await button(page, 'Forward').click();
			await expect(next(page)).toBeEnabled();
			await expect(lesson(page).getByRole('status')).toHaveText('Done: go on with Next.');

			// 3: t's flags.
			await nextTo(page, 3, 8);
			await expect.poll(() => highlighted(page)).toEqual(['t']);
			await expect(graphNode(page, 't').locator('[data-badge="is_leaf"]')).toHaveText(
				'is_leaf=False'
			);

			// 4: Backward.
			await nextTo(page, 4, 8);
			await expect(next(page)).toBeDisabled();
			await button(page, 'Backward').click();
			await expect(next(page)).toBeEnabled();

			// 5: b.grad is all ones.
			await nextTo(page, 5, 8);
			await expect(grad(page, 'b')).toHaveAttribute('data-tensor', filled(1));
			// The lesson panel covers no node and no grad.
			await expect.poll(() => overlaps(page)).toEqual([]);
			await expect.poll(() => coveredNodes(page)).toEqual([]);

			// 6: accumulate: Forward and Backward again, b.grad = 2.
			await nextTo(page, 6, 8);
			await expect.poll(() => highlighted(page)).toEqual(['Forward', 'Backward']);
			await expect(next(page)).toBeDisabled();
			await button(page, 'Forward').click();
			await button(page, 'Backward').click();
			await expect(grad(page, 'b')).toHaveAttribute('data-tensor', filled(2));
			await expect(next(page)).toBeEnabled();

			// 7: Zero grad.
			await nextTo(page, 7, 8);
			await expect(next(page)).toBeDisabled();
			await button(page, 'Zero grad').click();
			await expect(grad(page, 'b')).toHaveText('None');
			await expect(next(page)).toBeEnabled();

			// 8: the summary; Back works, then Next lesson opens lesson 2's graph.
			await nextTo(page, 8, 8);
			await lesson(page).getByRole('button', { name: 'Back' }).click();
			await expect(progress(page)).toHaveText('Step 7 of 8');
			await nextTo(page, 8, 8);
			await lesson(page).getByRole('button', { name: 'Next lesson' }).click();
			await expect(lesson(page)).toContainText('Lesson 2: the chain rule and retain_graph');
			await expect(progress(page)).toHaveText('Step 1 of 7');
			await expect(graphNode(page, 'z')).toBeVisible();
			expect(await kept()).toBe(true);
			await page.screenshot({
				path: `test-results/lessons/lesson-2-start-${size.width}x${size.height}.png`
			});
			expect(errors).toEqual([]);
		});
	}
});

/** Nodes whose box reaches past the canvas's edges (hidden under a panel or the window's edge). */
function nodesOutsideCanvas(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const view = document.querySelector('.svelte-flow')!.getBoundingClientRect();
		return [...document.querySelectorAll('[data-node-name]')]
			.filter((node) => {
				const r = node.getBoundingClientRect();
				return (
					r.top < view.top - 1 ||
					r.bottom > view.bottom + 1 ||
					r.left < view.left - 1 ||
					r.right > view.right + 1
				);
			})
			.map((node) => node.getAttribute('data-node-name')!);
	});
}

test('lesson 2: retain_graph accumulates, and without it PyTorch refuses', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	const errors = await openEditor(page);
	await prompt(page).getByRole('button', { name: 'No thanks' }).click();
	await button(page, 'Lessons').click();
	await page.getByRole('menuitem', { name: /Lesson 2/ }).click();
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await expect(progress(page)).toHaveText('Step 1 of 7');
	await expect.poll(() => highlighted(page)).toEqual(['x', 'w', 'b']);

	await nextTo(page, 2, 7);
	await expect(next(page)).toBeDisabled();
	await page.getByRole('checkbox', { name: 'Retain graph' }).check();
	await expect(next(page)).toBeEnabled();

	await nextTo(page, 3, 7);
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
	await expect(next(page)).toBeEnabled();
	await nextTo(page, 4, 7);
	// The step reads w.grad and b.grad: the chain-rule panel that opened covers neither.
	await expect.poll(() => nodesOutsideCanvas(page)).toEqual([]);

	await nextTo(page, 5, 7);
	await expect(next(page)).toBeDisabled();
	await button(page, 'Backward').click();
	await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[2]');
	await expect(next(page)).toBeEnabled();

	await nextTo(page, 6, 7);
	await expect(next(page)).toBeDisabled();
	await page.getByRole('checkbox', { name: 'Retain graph' }).uncheck();
	await button(page, 'Backward').click();
	await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[3]');
	await expect(next(page)).toBeDisabled();
	await button(page, 'Backward').click();
	await expect(page.getByRole('region', { name: 'Chain rule' }).getByRole('alert')).toContainText(
		'Trying to backward through the graph a second time'
	);
	await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[3]');
	await expect(next(page)).toBeEnabled();
	await nextTo(page, 7, 7);
	await expect(lesson(page).getByRole('button', { name: 'Next lesson' })).toBeEnabled();
	expect(errors).toEqual([]);
});

test('lesson 3: the Train panel, lr 0.01 and 1000 epochs, then w ≈ 2 and b ≈ 1', async ({
	page
}) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	const errors = await openEditor(page);
	await prompt(page).getByRole('button', { name: 'No thanks' }).click();
	await button(page, 'Lessons').click();
	await page.getByRole('menuitem', { name: /Lesson 3/ }).click();
	await expect(progress(page)).toHaveText('Step 1 of 6');
	await expect(graphNode(page, 'weight')).toBeVisible();

	await nextTo(page, 2, 6);
	await expect.poll(() => highlighted(page)).toEqual(['Train panel']);
	await expect(next(page)).toBeDisabled();
	await button(page, 'Train panel').click();
	await expect(next(page)).toBeEnabled();

	await nextTo(page, 3, 6);
	const panel = trainPanel(page);
	await expect(next(page)).toBeEnabled();
	// The fields the step points at come into view in the panel, whatever its charts' height.
	for (const field of ['Learning rate (lr)', 'Epochs']) {
		await expect(panel.getByRole('textbox', { name: field, exact: true })).toBeInViewport({
			ratio: 0.9
		});
	}
	// ... with their whole ring: the scroll leaves a margin (the ring was cut at the panel's edge).
	await expect.poll(() => clippedLessonTargets(page)).toEqual([]);
	await panel.getByRole('textbox', { name: 'Learning rate (lr)' }).fill('0.1');
	await expect(next(page)).toBeDisabled();
	await panel.getByRole('textbox', { name: 'Learning rate (lr)' }).fill('0.01');
	await expect(next(page)).toBeEnabled();

	await nextTo(page, 4, 6);
	// Train, scrolled back up, its ring whole (it was cut at the top of the panel).
	await expect.poll(() => highlighted(page)).toEqual(['Train']);
	await expect.poll(() => clippedLessonTargets(page)).toEqual([]);
	await panel.getByRole('combobox', { name: 'Device' }).selectOption('cpu');
	await expect(next(page)).toBeDisabled();
	await panel.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(next(page)).toBeEnabled({ timeout: 30_000 });

	await nextTo(page, 5, 6);
	const text = (await page.getByTestId('lesson-text').textContent()) ?? '';
	const [, w, b] = /w = (-?[\d.]+), b = (-?[\d.]+)/.exec(text) ?? [];
	expect(Math.abs(Number(w) - 2)).toBeLessThan(0.05);
	expect(Math.abs(Number(b) - 1)).toBeLessThan(0.2);
	await nextTo(page, 6, 6);
	await lesson(page).getByRole('button', { name: 'Finish' }).click();
	await expect(lesson(page)).toHaveCount(0);
	expect(errors).toEqual([]);
});

test('no serious or critical axe problems: the prompt and a lesson, light and dark', async ({
	page
}) => {
	const errors = await openEditor(page);
	await expect(prompt(page)).toBeVisible();
	expect(await axeProblems(page)).toEqual([]);
	await prompt(page).getByRole('button', { name: 'Start lesson 1' }).click();
	await nextTo(page, 2, 8);
	await expect.poll(() => highlighted(page)).toEqual(['Forward']);
	expect(await axeProblems(page)).toEqual([]);
	await page.emulateMedia({ colorScheme: 'dark' });
	await expect(page.locator('.editor')).toHaveAttribute('data-theme', 'dark');
	expect(await axeProblems(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/lessons/lesson-1-dark.png' });
	expect(errors).toEqual([]);
});

test('the tutorial page links to each lesson: the link starts it, once', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto('/tutorial');
	const links = page.getByRole('navigation', { name: /guided lesson/ }).getByRole('link');
	await expect(links).toHaveText([
		'Lesson 1: autograd basics',
		'Lesson 2: the chain rule and retain_graph',
		'Lesson 3: linear regression'
	]);
	await links.nth(1).click();
	await expect(lesson(page)).toContainText('Lesson 2: the chain rule and retain_graph');
	await expect(progress(page)).toHaveText('Step 1 of 7');
	await expect(graphNode(page, 'z')).toBeVisible();
	// The address no longer asks for the lesson: a reload keeps the graph, without a new copy
	// (and the lesson, at its step: the tab keeps it).
	await expect(page).toHaveURL((url) => !url.searchParams.has('lesson'));
	await expect.poll(async () => (await storedMetas(page)).length).toBe(1);
	await page.reload();
	await expect(graphNode(page, 'z')).toBeVisible();
	await expect(progress(page)).toHaveText('Step 1 of 7');
	await expect(paused(page)).toHaveCount(0);
	expect((await storedMetas(page)).length).toBe(1);
	expect(errors).toEqual([]);
});

/**
 * The lesson card and the canvas: the card inside the window, its buttons on it, and the card
 * above the canvas, never on it (`coveredNodes`).
 */
function cardProblems(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		const card = document.querySelector('[data-lesson]')!.getBoundingClientRect();
		if (card.left < 0 || card.top < 0) problems.push('card: outside');
		if (card.right > innerWidth || card.bottom > innerHeight) problems.push('card: outside');
		for (const button of document.querySelectorAll('[data-lesson] button')) {
			const r = button.getBoundingClientRect();
			if (r.left < card.left || r.right > card.right || r.top < card.top || r.bottom > card.bottom)
				problems.push(`${(button as HTMLElement).innerText}: outside the card`);
		}
		return problems;
	});
}

/** The card's height, in px. */
const cardHeight = (page: Page) =>
	page.evaluate(() =>
		Math.round(document.querySelector('[data-lesson]')!.getBoundingClientRect().height)
	);

test.describe('a lesson follows its document', () => {
	for (const size of [
		{ width: 1280, height: 800 },
		{ width: 1920, height: 1080 }
	]) {
		test(`File › New pauses it; Reopen brings its graph back at the step (${size.width}x${size.height})`, async ({
			page
		}) => {
			await page.setViewportSize(size);
			const errors = await openEditor(page);
			await prompt(page).getByRole('button', { name: 'Start lesson 1' }).click();
			await page.getByRole('slider', { name: 'Speed' }).fill('4');
			// The card's height on each step (the canvas below it was that short then).
			const heights = [await cardHeight(page)];
			await nextTo(page, 2, 8);
			await button(page, 'Forward').click();
			await expect(next(page)).toBeEnabled();
			heights.push(await cardHeight(page));
			await nextTo(page, 3, 8);
			heights.push(await cardHeight(page));
			await nextTo(page, 4, 8);
			await button(page, 'Backward').click();
			await expect(next(page)).toBeEnabled();
			heights.push(await cardHeight(page));
			await nextTo(page, 5, 8);
			await expect(grad(page, 'b')).toHaveAttribute('data-tensor', filled(1));
			await expect.poll(() => highlighted(page)).toEqual(['b']);
			heights.push(await cardHeight(page));
			const lessonDocument = await page.evaluate(() =>
				sessionStorage.getItem('autograd-canvas.tab-document')
			);

			// File › New: the lesson pauses on its step; nothing advances, nothing is outlined.
			await fileMenu(page, 'New');
			await expect(counts(page, 0, 0)).toBeVisible();
			await expect(paused(page)).toBeVisible();
			await expect(lesson(page)).toContainText(
				'Another graph replaced the one this lesson works on.'
			);
			await expect(progress(page)).toHaveText('Step 5 of 8');
			await expect(next(page)).toBeDisabled();
			await expect(lesson(page).getByRole('button', { name: 'Back' })).toBeDisabled();
			await expect.poll(() => highlighted(page)).toEqual([]);
			await next(page).click({ force: true });
			await expect(progress(page)).toHaveText('Step 5 of 8');
			// The card: in the window, its buttons on it, not on the canvas, and no taller than the
			// lesson's steps made it (the canvas below is no shorter than it was in the lesson).
			expect(await cardProblems(page)).toEqual([]);
			await expect.poll(() => coveredNodes(page)).toEqual([]);
			expect(await cardHeight(page)).toBeLessThanOrEqual(Math.max(...heights));
			expect(await axeProblems(page)).toEqual([]);
			await page.screenshot({
				path: `test-results/lessons/lesson-paused-${size.width}x${size.height}.png`
			});

			// Work on the new graph, then Reopen: the lesson's graph at step 5, the new one kept.
			await button(page, 'add').click();
			await expect(counts(page, 1, 0)).toBeVisible();
			await reopen(page).click();
			await expect(paused(page)).toHaveCount(0);
			await expect(progress(page)).toHaveText('Step 5 of 8');
			await expect(counts(page, 4, 3)).toBeVisible();
			await expect(next(page)).toBeEnabled();
			await expect.poll(() => highlighted(page)).toEqual(['b']);
			await expect(lesson(page).getByRole('heading')).toBeFocused();
			expect(
				await page.evaluate(() => sessionStorage.getItem('autograd-canvas.tab-document'))
			).toBe(lessonDocument);
			await expect
				.poll(async () =>
					(await storedMetas(page)).some((m) => m.origin.kind === 'new' && m.nodes === 1)
				)
				.toBe(true);
			await expect.poll(() => coveredNodes(page)).toEqual([]);
			expect(errors).toEqual([]);
		});
	}

	test('Undo back past the graph it opened pauses it; Redo, or Exit', async ({ page }) => {
		const errors = await openEditor(page);
		await button(page, 'add').click();
		await expect(counts(page, 5, 3)).toBeVisible();
		await prompt(page).getByRole('button', { name: 'Start lesson 1' }).click();
		await expect(counts(page, 4, 3)).toBeVisible();
		await nextTo(page, 2, 8);
		// The lesson's own edits are no pause.
		await button(page, 'add').click();
		await expect(counts(page, 5, 3)).toBeVisible();
		await button(page, 'Undo').click();
		await expect(counts(page, 4, 3)).toBeVisible();
		await expect(paused(page)).toHaveCount(0);
		// Undo once more: the graph before the lesson.
		await button(page, 'Undo').click();
		await expect(counts(page, 5, 3)).toBeVisible();
		await expect(paused(page)).toBeVisible();
		await expect(next(page)).toBeDisabled();
		await button(page, 'Redo').click();
		await expect(paused(page)).toHaveCount(0);
		await expect(progress(page)).toHaveText('Step 2 of 8');
		await button(page, 'Undo').click();
		await expect(paused(page)).toBeVisible();
		await lesson(page).getByRole('button', { name: 'Exit lesson' }).click();
		await expect(lesson(page)).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('a reload keeps it at its step; another tab has no lesson; another document: paused', async ({
		page,
		context
	}) => {
		const errors = await openEditor(page);
		await prompt(page).getByRole('button', { name: 'No thanks' }).click();
		await button(page, 'Lessons').click();
		await page.getByRole('menuitem', { name: /Lesson 2/ }).click();
		await nextTo(page, 2, 7);
		await page.getByRole('checkbox', { name: 'Retain graph' }).check();
		await nextTo(page, 3, 7);
		await expect.poll(async () => (await storedMetas(page)).length).toBeGreaterThan(0);

		await page.reload();
		await expect(graphNode(page, 'z')).toBeVisible();
		await expect(progress(page)).toHaveText('Step 3 of 7');
		await expect(lesson(page)).toContainText('Press Forward, then Backward.');
		await expect(paused(page)).toHaveCount(0);

		// Another tab of the same browser: the same graphs, but no lesson.
		const other = await context.newPage();
		const otherErrors = await openEditor(other);
		await expect(canvas(other)).toBeVisible();
		await expect(button(other, 'Forward')).toBeVisible();
		await expect(lesson(other)).toHaveCount(0);
		await other.close();

		// Another document open at the reload: the lesson comes back paused, and Reopen works.
		await fileMenu(page, 'New');
		await expect(paused(page)).toBeVisible();
		await page.reload();
		await expect(counts(page, 0, 0)).toBeVisible();
		await expect(progress(page)).toHaveText('Step 3 of 7');
		await expect(paused(page)).toBeVisible();
		await expect(next(page)).toBeDisabled();
		await reopen(page).click();
		await expect(graphNode(page, 'z')).toBeVisible();
		await expect(paused(page)).toHaveCount(0);
		await expect(progress(page)).toHaveText('Step 3 of 7');
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		await expect(next(page)).toBeEnabled();
		expect(errors).toEqual([]);
		expect(otherErrors).toEqual([]);
	});

	test('sessionStorage that throws: the editor and the lesson still work, none is restored', async ({
		page,
		context
	}) => {
		await page.addInitScript(() => {
			const { getItem, setItem, removeItem } = Storage.prototype;
			const refuse = (storage: Storage) => {
				if (storage === window.sessionStorage) throw new DOMException('full', 'QuotaExceededError');
			};
			Storage.prototype.getItem = function (key) {
				refuse(this);
				return getItem.call(this, key);
			};
			Storage.prototype.setItem = function (key, value) {
				refuse(this);
				return setItem.call(this, key, value);
			};
			Storage.prototype.removeItem = function (key) {
				refuse(this);
				return removeItem.call(this, key);
			};
		});
		const errors = await openEditor(page);
		await prompt(page).getByRole('button', { name: 'Start lesson 1' }).click();
		await nextTo(page, 2, 8);
		await button(page, 'Forward').click();
		await expect(next(page)).toBeEnabled();
		await fileMenu(page, 'New');
		await expect(paused(page)).toBeVisible();
		await reopen(page).click();
		await expect(progress(page)).toHaveText('Step 2 of 8');
		await expect(counts(page, 4, 3)).toBeVisible();
		await page.reload();
		await expect(button(page, 'Forward')).toBeVisible();
		await expect(canvas(page)).toBeVisible();
		await expect(lesson(page)).toHaveCount(0);
		await button(page, 'add').click();
		await expect(page.getByText(/\d+ nodes?, \d+ wires?/)).toBeVisible();
		expect(errors).toEqual([]);

		// No sessionStorage at all (a browser that refuses it to the page).
		const locked = await context.newPage();
		await locked.addInitScript(() =>
			Object.defineProperty(window, 'sessionStorage', {
				get() {
					throw new DOMException('denied', 'SecurityError');
				}
			})
		);
		const lockedErrors = await openEditor(locked);
		await button(locked, 'Lessons').click();
		await locked.getByRole('menuitem', { name: /Lesson 2/ }).click();
		await expect(progress(locked)).toHaveText('Step 1 of 7');
		await nextTo(locked, 2, 7);
		expect(lockedErrors).toEqual([]);
	});
});
