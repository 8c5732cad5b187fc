/**
 * Screenshots of the guided lessons for the README, into docs/screenshots/: the first-run prompt,
 * and lesson 1 at its b.grad step after Forward and Backward, in English and in Chinese
 * (1280x800); lesson 3 after training (1920x1080).
 *
 *   npm run build && BASE_URL=http://127.0.0.1:4173/ npx tsx scripts/lesson-screenshots.ts
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { translate, type Locale, type MessageKey } from '../src/lib/i18n/messages';
import { chromiumArgs, chromiumPath } from './chromium.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';

/** A page of a fresh profile in `locale` at `width` x `height`. */
async function open(browser: Browser, locale: Locale, width: number, height: number) {
	const context = await browser.newContext({ viewport: { width, height } });
	const page = await context.newPage();
	await page.addInitScript(
		(value) => localStorage.setItem('autograd-canvas.locale', value),
		locale
	);
	await page.goto(BASE);
	return page;
}

function helpers(page: Page, locale: Locale) {
	const t = (key: MessageKey) => translate(locale, key);
	const button = (key: MessageKey) => page.getByRole('button', { name: t(key), exact: true });
	const lesson = page.getByRole('region', { name: t('lesson.region') });
	const next = async () => {
		const step = lesson.getByRole('button', { name: t('lesson.next'), exact: true });
		await step.and(page.locator(':enabled')).waitFor();
		await step.click();
	};
	return { t, button, lesson, next };
}

const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
await mkdir(out, { recursive: true });

for (const locale of ['en', 'zh'] as const) {
	const page = await open(browser, locale, 1280, 800);
	const { button, next } = helpers(page, locale);
	await page.getByTestId('lesson-prompt').waitFor();
	if (locale === 'en') await page.screenshot({ path: `${out}lesson-prompt.png` });
	await button('lesson.promptStart').click();
	await page.getByRole('slider').first().fill('4');
	await next(); // Forward
	await button('trace.forward').click();
	await next(); // t's flags
	await next(); // Backward
	await button('trace.backward').click();
	await next(); // b.grad
	await page.waitForTimeout(1500); // the replay and the view fit settle
	await page.screenshot({ path: `${out}lesson-basics-${locale}.png` });
	await page.context().close();
}

// Lesson 3 after 1000 epochs, on a projector.
{
	const page = await open(browser, 'en', 1920, 1080);
	const { button, lesson, next } = helpers(page, 'en');
	await button('lesson.promptDismiss').click();
	await button('lesson.menu').click();
	await page.getByRole('menuitem', { name: /Lesson 3/ }).click();
	await next();
	await button('panels.train').click();
	await next();
	await page.getByRole('combobox', { name: 'Device' }).selectOption('cpu');
	await next();
	await button('trainPanel.train').click();
	await next();
	await lesson.getByText(/w = \d/).waitFor();
	await page.waitForTimeout(800);
	await page.screenshot({ path: `${out}lesson-regression-trained.png` });
	await page.context().close();
}

await browser.close();
