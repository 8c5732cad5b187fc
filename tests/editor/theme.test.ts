/**
 * src/app.html's first script starts every page in the theme the editor remembers: it reads the
 * same localStorage key as the Theme class (e2e/tutorial-theme.spec.ts checks what it does).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { THEME_COLORS, THEME_STORAGE_KEY } from '$lib/editor/theme.svelte';

const html = readFileSync(new URL('../../src/app.html', import.meta.url), 'utf8');

describe("app.html's theme script", () => {
	it('reads the key the Theme class stores the choice under', () => {
		expect(html).toContain(`localStorage.getItem('${THEME_STORAGE_KEY}')`);
	});

	it('sets the data-theme the pages follow, light or dark', () => {
		expect(html).toContain("document.documentElement.dataset.theme = dark ? 'dark' : 'light'");
	});

	it("gives the window's frame the chosen theme's colour, the same as the Theme class", () => {
		expect(html).toContain(
			`metas[i].content = dark ? '${THEME_COLORS.dark}' : '${THEME_COLORS.light}'`
		);
		expect(html).toContain(`content="${THEME_COLORS.light}" media="(prefers-color-scheme: light)"`);
		expect(html).toContain(`content="${THEME_COLORS.dark}" media="(prefers-color-scheme: dark)"`);
	});
});
