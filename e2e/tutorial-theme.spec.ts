/**
 * /tutorial follows the theme chosen in the editor (system, light or dark), not only the
 * system's: Dark chosen in the editor gives a dark tutorial, Light chosen on a dark system a
 * light one. The page starts in it before the app's code runs (no flash of the other theme).
 */
import { expect, test, type Page } from '@playwright/test';
import { openEditor } from './editor-helpers';

/** The tutorial's backgrounds (its --bg): light and dark. */
const LIGHT_BG = 'rgb(244, 244, 240)';
const DARK_BG = 'rgb(14, 16, 20)';

const bodyBackground = (page: Page) =>
	page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const colorScheme = (page: Page) =>
	page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
/** The window frame's colour the browser takes: the theme-color tag whose media query matches. */
const frameColor = (page: Page) =>
	page.evaluate(
		() =>
			[...document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')].find(
				(meta) => matchMedia(meta.media || 'all').matches
			)?.content
	);

/** Clicks the editor's theme button until it says `label` ("Dark theme"). */
async function chooseTheme(page: Page, label: 'Light theme' | 'Dark theme') {
	for (let i = 0; i < 3; i++) {
		const button = page.getByRole('button', { name: label, exact: true });
		if (await button.isVisible()) return;
		await page.getByRole('button', { name: /^(System|Light|Dark) theme$/ }).click();
	}
	await expect(page.getByRole('button', { name: label, exact: true })).toBeVisible();
}

/** Follows the editor's Tutorial link and waits for the page. */
async function openTutorial(page: Page) {
	await page.getByRole('link', { name: 'Tutorial' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
	await expect(page.getByRole('region', { name: /Gradients flow through a sum/ })).toBeVisible();
}

test('Dark chosen in the editor: the tutorial is dark, after the link and after a reload', async ({
	page
}) => {
	await page.emulateMedia({ colorScheme: 'light' });
	const errors = await openEditor(page);
	await chooseTheme(page, 'Dark theme');
	// The window's frame (an installed app's title bar) follows the choice, not the system.
	await expect.poll(() => frameColor(page)).toBe('#181b22');
	await openTutorial(page);
	expect(await bodyBackground(page)).toBe(DARK_BG);
	expect(await colorScheme(page)).toBe('dark');
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
	expect(await bodyBackground(page)).toBe(DARK_BG);
	expect(await frameColor(page)).toBe('#181b22');
	expect(errors).toEqual([]);
});

test('Light chosen in the editor on a dark system: the tutorial stays light', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	const errors = await openEditor(page);
	await chooseTheme(page, 'Light theme');
	await expect.poll(() => frameColor(page)).toBe('#ffffff');
	await openTutorial(page);
	expect(await bodyBackground(page)).toBe(LIGHT_BG);
	expect(await colorScheme(page)).toBe('light');
	expect(await frameColor(page)).toBe('#ffffff');
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
	expect(await bodyBackground(page)).toBe(LIGHT_BG);
	expect(errors).toEqual([]);
});

test('System: the tutorial follows the system, as before', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.goto('/tutorial');
	await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
	expect(await bodyBackground(page)).toBe(DARK_BG);
	expect(await frameColor(page)).toBe('#181b22');
	await page.emulateMedia({ colorScheme: 'light' });
	await expect.poll(() => bodyBackground(page)).toBe(LIGHT_BG);
	await expect.poll(() => frameColor(page)).toBe('#ffffff');
});

test('the page starts in the chosen theme before the app is loaded (no flash)', async ({
	page
}) => {
	await page.emulateMedia({ colorScheme: 'light' });
	await page.addInitScript(() => localStorage.setItem('autograd-canvas.theme', 'dark'));
	// None of the app's code: only what src/app.html itself does.
	await page.route('**/_app/**', (route) => route.abort());
	await page.goto('/tutorial');
	expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
	expect(await colorScheme(page)).toBe('dark');
});

test("the editor's charts follow the chosen theme too, not only the system's", async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	const errors = await openEditor(page);
	await chooseTheme(page, 'Light theme');
	await page.getByRole('button', { name: 'Train panel' }).click();
	const chart = page.getByRole('complementary', { name: 'Train panel' }).locator('figure').first();
	const accent = () =>
		chart.evaluate((figure) => getComputedStyle(figure).getPropertyValue('--chart-accent').trim());
	// The light theme's accent on a light chart (the dark theme's is a pale orange).
	await expect.poll(accent).toBe('#c2410c');
	await chooseTheme(page, 'Dark theme');
	await expect.poll(accent).toBe('#ffb454');
	expect(errors).toEqual([]);
});

test('a tutorial open in another tab follows a theme chosen in the editor at once', async ({
	context
}) => {
	const editor = await context.newPage();
	await editor.emulateMedia({ colorScheme: 'light' });
	await openEditor(editor);
	await chooseTheme(editor, 'Light theme');
	const tutorial = await context.newPage();
	await tutorial.emulateMedia({ colorScheme: 'light' });
	await tutorial.goto('/tutorial');
	await expect(tutorial.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
	await expect.poll(() => bodyBackground(tutorial)).toBe(LIGHT_BG);

	await chooseTheme(editor, 'Dark theme');
	await expect.poll(() => bodyBackground(tutorial)).toBe(DARK_BG);
	await chooseTheme(editor, 'Light theme');
	await expect.poll(() => bodyBackground(tutorial)).toBe(LIGHT_BG);
});
