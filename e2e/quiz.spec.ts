/**
 * Issue #14, part 2: "Predict, then reveal". With the quiz on, Backward stops before each step
 * that sends a gradient and asks for it; Reveal (Enter) grades the prediction, shows ✓ / ✗ with
 * the chain-rule line, and counts it in the session's score. Hints (the chain rule without
 * numbers) can be turned off and stay off; the quiz works in presenter mode and from the keyboard.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { encodeShareHash } from '../src/lib/graph/share';
import { translate, type Locale, type MessageKey } from '../src/lib/i18n/messages';
import { twoPathsDocument } from '../tests/fixtures/shared-paths';
import { graphNode, loadExample, openEditor } from './editor-helpers';

const quiz = (page: Page) => page.getByRole('region', { name: 'Predict, then reveal' });
const toggle = (page: Page) =>
	page.getByRole('button', { name: 'Quiz: predict each gradient before Backward reveals it' });
const score = (page: Page) => quiz(page).getByTestId('quiz-score');
const box = (page: Page, name: string) => quiz(page).getByRole('textbox', { name, exact: true });
const reveal = (page: Page) => quiz(page).getByRole('button', { name: 'Reveal', exact: true });
const grad = (page: Page, name: string) => graphNode(page, name).locator('[data-role="grad"]');

/** The chain-rule example, the replay at full speed, the quiz on. */
async function openQuiz(page: Page, path = '/') {
	const errors = await openEditor(page, path);
	await loadExample(page, /Chain rule/);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await toggle(page).click();
	await expect(toggle(page)).toHaveAttribute('aria-pressed', 'true');
	return errors;
}

/** Axe finds nothing serious or critical on the page. */
async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).include('[data-testid="quiz"]').analyze();
	const serious = results.violations.filter(
		(v) => v.impact === 'serious' || v.impact === 'critical'
	);
	expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
}

test.describe('predict, then reveal', () => {
	test('Backward stops for each prediction; wrong then right scores 1 / 2', async ({ page }) => {
		const errors = await openQuiz(page);
		await expect(score(page)).toHaveText('Score 0 / 0');
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		// Held before z's step: it sends gradients to y and b, not shown on the canvas yet.
		await expect(
			quiz(page).getByText('Backward · z: what gradient does this step send?')
		).toBeVisible();
		await expect(grad(page, 'b')).toHaveText('None');
		await expect(quiz(page).getByTestId('quiz-hint-line').first()).toBeVisible();
		// A text that is no number is refused, and marked.
		await box(page, 'Prediction of ∂z/∂y').fill('two');
		await box(page, 'Prediction of ∂z/∂b').fill('1');
		await reveal(page).click();
		await expect(quiz(page).getByRole('alert')).toHaveText(
			'Type a number in every box (2, -0.5, 1e-3 or 1/3).'
		);
		await expect(box(page, 'Prediction of ∂z/∂y')).toHaveAttribute('aria-invalid', 'true');
		await expect(score(page)).toHaveText('Score 0 / 0');
		// Wrong for y, right for b.
		await box(page, 'Prediction of ∂z/∂y').fill('2');
		await reveal(page).click();
		await expect(score(page)).toHaveText('Score 1 / 2');
		// Screen readers hear the marks and the score.
		await expect(quiz(page).getByTestId('quiz-announce')).toHaveText(
			'Revealed · z · ✗ Not quite ∂z/∂y, ✓ Right ∂z/∂b · Score 1 / 2'
		);
		const answers = quiz(page).getByTestId('quiz-answer');
		await expect(answers.nth(0)).toContainText('✗ Not quite');
		await expect(answers.nth(0)).toContainText('you said 2, the answer is 1');
		await expect(answers.nth(1)).toContainText('✓ Right');
		// The chain-rule line that gives each answer, with its numbers.
		await expect(answers.nth(1).getByTestId('quiz-line')).toContainText('=1×1=1');
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
		// Play went on and stopped before y's step: w's gradient is x.
		await expect(
			quiz(page).getByText('Backward · y: what gradient does this step send?')
		).toBeVisible();
		// The prompt, its hint and the last answer together: nothing serious for axe.
		await expectAccessible(page);
		const x = JSON.parse(
			(await graphNode(page, 'x').locator('[data-role="value"]').getAttribute('data-tensor'))!
		) as number[];
		await box(page, 'Prediction of ∂z/∂w').fill(String(x[0]));
		await box(page, 'Prediction of ∂z/∂w').press('Enter');
		await expect(score(page)).toHaveText('Score 2 / 3');
		await expect(quiz(page).getByTestId('quiz-answer')).toContainText('✓ Right');
		await expect(grad(page, 'w')).toHaveAttribute('data-tensor', JSON.stringify(x));
		expect(errors).toEqual([]);
	});

	test('the score survives a reload of the tab; Reset score clears it', async ({ page }) => {
		const errors = await openQuiz(page);
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		await box(page, 'Prediction of ∂z/∂y').fill('1');
		await box(page, 'Prediction of ∂z/∂b').fill('3');
		await box(page, 'Prediction of ∂z/∂b').press('Enter');
		await expect(score(page)).toHaveText('Score 1 / 2');
		await page.reload();
		await expect(toggle(page)).toHaveAttribute('aria-pressed', 'true');
		await expect(score(page)).toHaveText('Score 1 / 2');
		await quiz(page).getByRole('button', { name: 'Reset score' }).click();
		await expect(score(page)).toHaveText('Score 0 / 0');
		expect(errors).toEqual([]);
	});

	test('hints off hides the hint, and stays off', async ({ page }) => {
		const errors = await openQuiz(page);
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		const hint = quiz(page).getByTestId('quiz-hint');
		await expect(hint).toBeVisible();
		// The chain rule without numbers: z's formula, then the product for each input.
		await expect(hint.getByTestId('quiz-hint-line')).toHaveCount(3);
		await expect(hint).not.toContainText(/\d/);
		await quiz(page).getByRole('switch', { name: 'Hints' }).uncheck();
		await expect(hint).toBeHidden();
		await page.reload();
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		await expect(box(page, 'Prediction of ∂z/∂y')).toBeVisible();
		await expect(quiz(page).getByRole('switch', { name: 'Hints' })).not.toBeChecked();
		await expect(quiz(page).getByTestId('quiz-hint')).toHaveCount(0);
		// Skip shows the step without counting it.
		await quiz(page).getByRole('button', { name: 'Skip' }).click();
		await expect(
			quiz(page).getByTestId('quiz-result').getByText('Skipped: not counted in the score.')
		).toBeVisible();
		await expect(score(page)).toHaveText('Score 0 / 0');
		expect(errors).toEqual([]);
	});

	test('a tensor is predicted in a grid shaped like its gradient', async ({ page }) => {
		const errors = await openEditor(page);
		await loadExample(page, /Autograd basics/);
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await toggle(page).click();
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		// y = sum(t): its gradient to t is a 3x4 matrix of ones.
		await expect(quiz(page).getByText('shape [3, 4]')).toBeVisible();
		const cells = quiz(page).getByRole('textbox');
		await expect(cells).toHaveCount(12);
		for (let i = 0; i < 12; i++) await cells.nth(i).fill(i === 5 ? '0' : '1');
		await cells.nth(11).press('Enter');
		await expect(score(page)).toHaveText('Score 0 / 1');
		await expect(quiz(page).getByTestId('quiz-answer')).toContainText('1 of 12 elements off');
		expect(errors).toEqual([]);
	});

	test('under a lesson at 1280x800, the whole grid and Reveal show without scrolling', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 800 });
		const errors = await openEditor(page, '/?lesson=autograd-basics');
		await expect(page.getByRole('button', { name: 'Exit lesson' })).toBeVisible();
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		await toggle(page).click();
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		const cells = quiz(page).getByRole('textbox');
		await expect(cells).toHaveCount(12);
		// The lesson's row once took its height out of the quiz: one row of the grid showed.
		await expect
			.poll(async () => {
				const panel = (await quiz(page).boundingBox())!;
				const boxes = [
					(await cells.nth(0).boundingBox())!,
					(await cells.nth(11).boundingBox())!,
					(await reveal(page).boundingBox())!
				];
				return boxes.every(
					(box) => box.y >= panel.y && box.y + box.height <= panel.y + panel.height + 0.5
				);
			})
			.toBe(true);
		expect(errors).toEqual([]);
	});

	for (const viewport of [
		{ width: 1920, height: 1080 },
		{ width: 1280, height: 800 }
	]) {
		test(`presenter mode at ${viewport.width}x${viewport.height}: two 3x4 grids fit the panel`, async ({
			page
		}) => {
			await page.setViewportSize(viewport);
			await page.goto('/?present=1');
			await page.getByRole('slider', { name: 'Speed' }).fill('4');
			await toggle(page).click();
			await page.keyboard.press('b');
			// The first question (∂y/∂t), then the step into t: ∂y/∂x and ∂y/∂b, 12 boxes each.
			await expect(box(page, 'Prediction of ∂y/∂t[0, 0]')).toBeFocused();
			await quiz(page).getByRole('button', { name: 'Skip' }).click();
			await expect(box(page, 'Prediction of ∂y/∂b[2, 3]')).toBeVisible();
			// Every box and button lies inside the panel: none cut by the window's edge.
			const panel = (await quiz(page).boundingBox())!;
			expect(panel.x + panel.width).toBeLessThanOrEqual(viewport.width);
			const outside = await quiz(page).evaluate((section) => {
				const box = section.getBoundingClientRect();
				return [...section.querySelectorAll('input, button')]
					.filter((element) => {
						const r = element.getBoundingClientRect();
						return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
					})
					.map((element) => element.getAttribute('aria-label') ?? element.textContent);
			});
			expect(outside).toEqual([]);
			await page.screenshot({
				path: `test-results/quiz/presenter-two-grids-${viewport.width}.png`
			});
		});
	}

	test('keyboard only, in presenter mode (dark): large type at 1920x1080', async ({ page }) => {
		await page.setViewportSize({ width: 1920, height: 1080 });
		// The dark theme (the system's choice), so axe checks the quiz in both themes.
		await page.emulateMedia({ colorScheme: 'dark' });
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		// Presenter mode hides the palette (openEditor waits for it).
		await page.goto('/?present=1');
		await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute(
			'aria-pressed',
			'true'
		);
		await loadExample(page, /Chain rule/);
		await page.getByRole('slider', { name: 'Speed' }).fill('4');
		// The toggle by keyboard, then B for Backward: the first box takes the focus.
		await toggle(page).focus();
		await page.keyboard.press('Enter');
		await expect(toggle(page)).toHaveAttribute('aria-pressed', 'true');
		await page.keyboard.press('b');
		await expect(box(page, 'Prediction of ∂z/∂y')).toBeFocused();
		await page.keyboard.type('1');
		await page.keyboard.press('Tab');
		await expect(box(page, 'Prediction of ∂z/∂b')).toBeFocused();
		await page.keyboard.type('1');
		await page.keyboard.press('Enter');
		await expect(score(page)).toHaveText('Score 2 / 2');
		await expect(box(page, 'Prediction of ∂z/∂w')).toBeFocused();
		// Readable on a projector: the prompt and the score in large type, inside the window.
		const size = (locator: ReturnType<typeof quiz>) =>
			locator.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
		expect(await size(quiz(page).locator('.title'))).toBeGreaterThanOrEqual(24);
		expect(await size(score(page))).toBeGreaterThanOrEqual(24);
		const panel = await quiz(page).boundingBox();
		expect(panel!.x + panel!.width).toBeLessThanOrEqual(1920);
		await expect(page.locator('.editor')).toHaveAttribute('data-theme', 'dark');
		await expectAccessible(page);
		expect(errors).toEqual([]);
	});

	for (const [locale, viewport] of [
		['en', { width: 1280, height: 800 }],
		['zh', { width: 1920, height: 1080 }]
	] as const) {
		test(`${locale} at ${viewport.width}x${viewport.height}: a question about one path of X says it asks for that part`, async ({
			page
		}) => {
			const t = (key: MessageKey, params?: Record<string, string | number>) =>
				translate(locale as Locale, key, params);
			await page.setViewportSize(viewport);
			await page.addInitScript((wanted) => {
				if (location.protocol.startsWith('http'))
					localStorage.setItem('autograd-canvas.locale', wanted);
			}, locale);
			const errors: string[] = [];
			page.on('pageerror', (error) => errors.push(error.message));
			// X feeds e = m * X and d = X / B: X's gradient is the sum of a part via e and via d.
			await page.goto(`/#${encodeShareHash(twoPathsDocument())}`);
			await expect(graphNode(page, 'L')).toBeVisible();
			await page.getByRole('slider', { name: t('trace.speed') }).fill('4');
			const panel = page.getByRole('region', { name: t('quiz.title') });
			await page.getByRole('button', { name: t('quiz.toggle') }).click();
			await page.getByRole('button', { name: t('trace.backward'), exact: true }).click();
			await expect(panel.getByText(t('quiz.prompt', { name: 'L' }))).toBeVisible();
			await panel.getByRole('button', { name: t('quiz.skip') }).click();
			// At e: ∂L/∂m is whole; ∂L/∂X is only the part via e, and the question says so.
			await expect(panel.getByText(t('quiz.prompt', { name: 'e' }))).toBeVisible();
			const via = `∂L/∂X (${t('chain.via')} e)`;
			await expect(panel.locator('legend .grad')).toHaveText(['∂L/∂m', via]);
			const note = panel.getByTestId('quiz-part');
			const said = t('quiz.pathPart', { name: 'X', count: 2, via: 'e', output: 'L' });
			await expect(note).toHaveText(said);
			const first = panel.getByRole('textbox', {
				name: t('quiz.cell', { grad: '∂L/∂X', index: '0, 0' }),
				exact: true
			});
			await expect(first).toHaveAccessibleDescription(`${said} ${t('quiz.help')}`);
			// The sentence lies in the panel and the window, above X's boxes, in readable type.
			const [noteBox, panelBox, boxBox] = [
				(await note.boundingBox())!,
				(await panel.boundingBox())!,
				(await first.boundingBox())!
			];
			expect(noteBox.y).toBeGreaterThanOrEqual(panelBox.y);
			expect(noteBox.x + noteBox.width).toBeLessThanOrEqual(panelBox.x + panelBox.width + 0.5);
			expect(noteBox.y + noteBox.height).toBeLessThanOrEqual(viewport.height);
			expect(noteBox.y + noteBox.height).toBeLessThanOrEqual(boxBox.y + 0.5);
			expect(
				await note.evaluate((element) => parseFloat(getComputedStyle(element).fontSize))
			).toBeGreaterThanOrEqual(12);
			await first.focus();
			await expect(note).toBeInViewport();
			await page.screenshot({ path: `test-results/quiz/path-part-${locale}.png` });
			// The revealed answer names the part too.
			const boxes = panel.getByRole('textbox');
			for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).fill('0');
			await panel.getByRole('button', { name: t('quiz.reveal'), exact: true }).click();
			await expect(panel.getByTestId('quiz-answer').nth(1).locator('.grad')).toHaveText(via);
			expect(errors).toEqual([]);
		});
	}

	test('a lesson started while the quiz is on turns it off, and its Backward is not held', async ({
		page
	}) => {
		const errors = await openQuiz(page);
		await page.getByRole('button', { name: 'Lessons', exact: true }).click();
		await page.getByRole('menuitem', { name: /Lesson 2/ }).click();
		await expect(toggle(page)).toHaveAttribute('aria-pressed', 'false');
		await expect(page.locator('footer .notice')).toHaveText(
			'The quiz is off for the lesson, which waits for each Backward; Quiz turns it on again.'
		);
		const lesson = page.getByRole('region', { name: 'Lesson' });
		await lesson.getByRole('button', { name: 'Next', exact: true }).click();
		await page.getByRole('checkbox', { name: 'Retain graph' }).check();
		await lesson.getByRole('button', { name: 'Next', exact: true }).click();
		await page.getByRole('button', { name: 'Forward', exact: true }).click();
		await page.getByRole('button', { name: 'Backward', exact: true }).click();
		// The whole backward ran (no question holds it) and the lesson's step is done.
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
		await expect(quiz(page)).toHaveCount(0);
		await expect(lesson.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
		expect(errors).toEqual([]);
	});
});
