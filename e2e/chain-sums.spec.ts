/**
 * The QA repro of the chain-rule panel's sums: X feeds two ops (e = m * X and d = X / B), so
 * X.grad is the sum of a part via e and a part via d. The panel labels each part with its path,
 * and at the step where the last part arrives shows their sum, equal to the X.grad badge (the
 * engine's, PyTorch's numbers). Stepping back and forth shows the same text. In 简体中文 at
 * 1920x1080 the end of the step (X.grad 现已累加 ...) is seen whole, without scrolling.
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeShareHash } from '../src/lib/graph/share';
import { translate, type Locale, type MessageKey } from '../src/lib/i18n/messages';
import { twoPathsDocument } from '../tests/fixtures/shared-paths';
import { graphNode, openEditor } from './editor-helpers';

const words = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) =>
	translate(locale, key, params);

async function openRepro(page: Page, locale: Locale) {
	await page.addInitScript((wanted) => {
		// about:blank (between the two pages) has no storage.
		if (location.protocol.startsWith('http'))
			localStorage.setItem('autograd-canvas.locale', wanted);
	}, locale);
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	if (locale === 'en') errors.push(...(await openEditor(page)));
	else await page.goto('/');
	await page.goto('about:blank');
	await page.goto(`/#${encodeShareHash(twoPathsDocument())}`);
	await expect(graphNode(page, 'L')).toBeVisible();
	const t = words(locale);
	await page.getByRole('slider', { name: t('trace.speed') }).fill('4');
	await page.getByRole('button', { name: t('trace.forward'), exact: true }).click();
	await page.getByRole('button', { name: t('trace.backward'), exact: true }).click();
	const panel = page.getByRole('region', { name: t('chain.title') });
	await expect(panel.locator('.where')).toContainText(t('trace.stepOf', { index: 10, total: 10 }));
	return { errors, panel, t };
}

/** Each formula line's TeX (KaTeX keeps it in its MathML annotation). */
const texLines = (page: Page) =>
	page
		.getByTestId('chain-line')
		.locator('annotation')
		.evaluateAll((all) => all.map((a) => a.textContent ?? ''));

const entries = (tex: string) =>
	[...tex.matchAll(/\\htmlData\{[^}]*\}\{([^}]*)\}/g)].map((m) => Number(m[1]));

for (const locale of ['en', 'zh'] as const) {
	test(`${locale}: the panel adds the parts of ∂L/∂X via e and via d into the X.grad badge`, async ({
		page
	}) => {
		await page.setViewportSize({ width: 1920, height: 1080 });
		const { errors, panel, t } = await openRepro(page, locale);
		const badge = JSON.parse(
			(await graphNode(page, 'X').locator('[data-role="grad"]').getAttribute('data-tensor'))!
		) as number[][];
		const via = t('chain.via');
		const sumPrefix = '\\displaystyle \\frac{\\partial \\mathit{L}}{\\partial \\mathit{X}} = ';

		// Step 10 (Backward · d): the part via d, then the sum, equal to the badge.
		const last = await texLines(page);
		expect(last.some((l) => l.includes(`\\text{${via}}\\,\\mathit{d}`))).toBe(true);
		const sum = last.find((l) => l.startsWith(sumPrefix));
		expect(sum, last.join('\n')).toBeDefined();
		expect(sum).toContain(`\\text{${via}}\\,\\mathit{e}`);
		const total = entries(sum!).slice(-12);
		badge.flat().forEach((value, i) => expect(total[i]).toBeCloseTo(value, 4));
		await expect(panel.getByTestId('chain-explanation')).toContainText(
			t('chain.sumLeaf', { name: 'X', count: 2, output: 'L' })
		);

		// The panel shows as much of the step's end as it can without hiding its first formula:
		// the end is seen whole, or (a step taller than the panel) the first formula is, right
		// below the header, and the end is a scroll away.
		const end = panel.locator('.accumulated');
		await expect(end).toContainText(t('chain.accumulated', { name: 'X', count: 1 }));
		await expect
			.poll(() =>
				panel.evaluate((element) => {
					const area = element.getBoundingClientRect();
					const last = element.querySelector('.accumulated')!.getBoundingClientRect();
					const header = element.querySelector('header')!.getBoundingClientRect();
					const first = element.querySelector('[data-testid="chain-line"]')!;
					const top = first.getBoundingClientRect().top;
					const endSeen = last.bottom <= area.bottom + 0.5;
					const startSeen = top >= header.bottom - 1;
					return endSeen
						? startSeen || 'end seen, start hidden'
						: Math.abs(top - header.bottom) <= 1;
				})
			)
			.toBe(true);

		// Step 8 (Backward · e): the part via e only, labelled so; no claim to be all of ∂L/∂X.
		const back = page.getByRole('button', { name: t('trace.stepBack'), exact: true });
		await back.click();
		await back.click();
		await expect(panel.locator('.where')).toContainText(t('trace.stepOf', { index: 8, total: 10 }));
		const atE = await texLines(page);
		expect(atE.some((l) => l.includes(`\\text{${via}}\\,\\mathit{e}`))).toBe(true);
		expect(atE.some((l) => l.startsWith(sumPrefix))).toBe(false);
		await expect(panel.getByTestId('chain-explanation')).toContainText(
			t('chain.pathPart', { name: 'X', count: 2, via: 'e' })
		);

		// Replay: forward again to step 10 shows the very same text.
		const forward = page.getByRole('button', { name: t('trace.stepForward'), exact: true });
		await forward.click();
		await forward.click();
		await expect(panel.locator('.where')).toContainText(
			t('trace.stepOf', { index: 10, total: 10 })
		);
		await expect.poll(() => texLines(page)).toEqual(last);
		expect(errors).toEqual([]);
	});
}
