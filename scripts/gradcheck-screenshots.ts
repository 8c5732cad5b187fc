/**
 * Screenshots of "Check gradient" for the README, into docs/screenshots/: the dialog after
 * Backward on the linear regression example, in English and 简体中文, light and dark (1280x800).
 *
 *   npm run build && BASE_URL=http://127.0.0.1:4173/ npx tsx scripts/gradcheck-screenshots.ts
 */
import { chromium } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { translate } from '../src/lib/i18n/messages';
import { chromiumArgs, chromiumPath } from './chromium.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';
const TITLES = { en: /Linear regression/, zh: /线性回归/ };

const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
await mkdir(out, { recursive: true });
for (const locale of ['en', 'zh'] as const) {
	for (const theme of ['light', 'dark'] as const) {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		await context.addInitScript(
			([l, t]) => {
				localStorage.setItem('autograd-canvas.locale', l);
				localStorage.setItem('autograd-canvas.theme', t);
			},
			[locale, theme]
		);
		const page = await context.newPage();
		const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
		await page.goto(BASE);
		await page.getByRole('button', { name: t('toolbar.examples'), exact: true }).click();
		await page.getByRole('menuitem', { name: TITLES[locale] }).click();
		await page.getByRole('slider', { name: t('trace.speed') }).fill('4');
		await page.getByRole('button', { name: t('trace.forward'), exact: true }).click();
		await page.getByRole('button', { name: t('trace.backward'), exact: true }).click();
		await page.locator('[data-node-name="pred"]').first().click();
		await page.getByRole('button', { name: t('gradcheck.button'), exact: true }).click();
		await page.getByRole('dialog').locator('tbody tr').first().waitFor();
		await page.screenshot({ path: `${out}gradcheck-${locale}-${theme}.png` });
		await context.close();
	}
}
await browser.close();
