/**
 * The status line is the only place that says why an edit was refused, so its message is always
 * read in full: on a laptop (1280x800) and on a projector (1920x1080), in English and Chinese,
 * nothing of it is cut off, it stays inside the window, and it overlaps nothing else on the line.
 * The keyboard hints give up their room first; a message longer than the line wraps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { translate } from '../src/lib/i18n/messages';
import { fileMenu, fixture, graphNode, loadExample, openEditor } from './editor-helpers';

const SIZES = [
	{ width: 1280, height: 800 },
	{ width: 1920, height: 1080 }
] as const;

const footer = (page: Page) => page.locator('footer.status');
const notice = (page: Page) => footer(page).getByRole('status');

/** What is wrong with how `element` shows its text: clipped, outside the window, overlapping. */
function layoutProblems(element: Locator): Promise<string[]> {
	return element.evaluate((notice) => {
		const problems: string[] = [];
		if (notice.scrollWidth > notice.clientWidth) {
			problems.push(`cut on the right: ${notice.scrollWidth} > ${notice.clientWidth} px`);
		}
		if (notice.scrollHeight > notice.clientHeight) {
			problems.push(`cut at the bottom: ${notice.scrollHeight} > ${notice.clientHeight} px`);
		}
		const box = notice.getBoundingClientRect();
		if (box.left < 0 || box.top < 0 || box.right > innerWidth || box.bottom > innerHeight) {
			problems.push(`outside the window: ${JSON.stringify(box)}`);
		}
		// Every other visible item on the line, the nav's links and buttons one by one.
		const line = notice.parentElement!;
		const others = [...line.querySelectorAll<HTMLElement>(':scope > *, :scope > nav > *')].filter(
			(other) => other !== notice && other.tagName !== 'NAV' && other.getClientRects().length > 0
		);
		for (const other of others) {
			const r = other.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			const apart =
				r.right <= box.left || r.left >= box.right || r.bottom <= box.top || r.top >= box.bottom;
			if (!apart) problems.push(`overlaps ${other.className || other.tagName}`);
			if (r.right > innerWidth || r.bottom > innerHeight) {
				problems.push(`${other.className || other.tagName} is outside the window`);
			}
		}
		// The shortcuts give up their room before the notice wraps.
		const lineHeight = parseFloat(getComputedStyle(notice).lineHeight);
		const help = line.querySelector<HTMLElement>('.help');
		if (box.height > 1.5 * lineHeight && help && help.getBoundingClientRect().width > 0) {
			problems.push(`wraps while the shortcuts keep ${help.getBoundingClientRect().width} px`);
		}
		return problems;
	});
}

for (const locale of ['en', 'zh'] as const) {
	for (const size of SIZES) {
		test(`${locale} ${size.width}x${size.height}: a refused edit's message is read in full`, async ({
			page
		}) => {
			await page.setViewportSize(size);
			if (locale === 'zh') {
				await page.addInitScript(() => localStorage.setItem('autograd-canvas.locale', 'zh'));
			}
			const errors = await openEditor(page);
			// A leaf of a million elements cannot list its values: choosing init "values" is refused.
			await graphNode(page, 'x').click();
			const shape = page.getByRole('textbox', { name: translate(locale, 'inspector.shape') });
			await shape.fill('1000, 1000');
			await shape.press('Enter');
			await page
				.getByRole('combobox', { name: translate(locale, 'inspector.init') })
				.selectOption('values');

			// The longest refusal a user meets: why, and what to do instead.
			const expected = translate(locale, 'notice.refused', {
				reason: translate(locale, 'refusal.tooManyValues', { count: '1,000,000', max: '100,000' })
			});
			await expect(notice(page)).toHaveText(expected);
			expect(await layoutProblems(notice(page))).toEqual([]);
			await page.screenshot({
				path: test.info().outputPath(`refused-${locale}-${size.width}.png`),
				clip: { x: 0, y: size.height - 80, width: size.width, height: 80 }
			});
			expect(errors).toEqual([]);
		});
	}
}

/** Opens the fixture line-mul-add.json under the file name `name`. */
async function openAs(page: Page, name: string) {
	const [chooser] = await Promise.all([page.waitForEvent('filechooser'), fileMenu(page, 'Open')]);
	await chooser.setFiles({
		name,
		mimeType: 'application/json',
		buffer: await readFile(fixture('line-mul-add.json'))
	});
}

test('a message longer than the line wraps, and every word of it is shown', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openEditor(page);
	// A file name of 80 characters with no space in it: the longest any message quotes.
	const name = `${'lecture-07_linear-regression_second-attempt_with-the-new-data_'.padEnd(75, 'x')}.json`;
	expect(name).toHaveLength(80);
	await openAs(page, name);
	await expect(notice(page)).toHaveText(`Opened ${name}.`);
	expect(await layoutProblems(notice(page))).toEqual([]);
	// The line gave the message the room it needs: the nav (Tutorial, language, theme) is still there.
	await expect(footer(page).getByRole('link', { name: 'Tutorial' })).toBeInViewport({ ratio: 1 });
	await page.screenshot({
		path: test.info().outputPath('long-name-en-1280.png'),
		clip: { x: 0, y: 720, width: 1280, height: 80 }
	});
});

test('a longer file name is quoted by its first 80 characters', async ({ page }) => {
	await openEditor(page);
	const name = `${'n'.repeat(200)}.json`;
	await openAs(page, name);
	await expect(notice(page)).toHaveText(`Opened ${'n'.repeat(79)}….`);
});

test('a message that wraps the status line does not move the graph', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openEditor(page);
	await graphNode(page, 'x').click();
	const shape = page.getByRole('textbox', { name: 'Shape' });
	await shape.fill('1000, 1000');
	await shape.press('Enter');
	const view = () =>
		page.evaluate(
			() => getComputedStyle(document.querySelector('.svelte-flow__viewport')!).transform
		);
	const canvasHeight = () =>
		page.locator('.svelte-flow').evaluate((element) => element.clientHeight);
	const before = { view: await view(), height: await canvasHeight() };
	// The longest refusal wraps the line: the canvas gets a little shorter, the view stays.
	await page.getByRole('combobox', { name: 'Init' }).selectOption('values');
	await expect(notice(page)).toContainText('holds at most');
	await expect.poll(canvasHeight).toBeLessThan(before.height);
	await page.waitForTimeout(300);
	expect(await view()).toBe(before.view);
});

test('a notice about a document goes when Undo brings back the graph before it', async ({
	page
}) => {
	await openEditor(page);
	await loadExample(page, /Chain rule/);
	await expect(notice(page)).toHaveText(/^Loaded the example “Chain rule/);
	await page.getByRole('button', { name: 'Undo', exact: true }).click();
	// Read once the Undo shows (the notice's own time, 6 s, must not be what takes it away).
	await expect(page.getByRole('button', { name: 'Redo', exact: true })).toBeEnabled();
	expect(await notice(page).textContent()).toBe('');
});
