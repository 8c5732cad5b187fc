/**
 * Chinese text needs a CJK font, and many classroom machines (and CI images) have none: there
 * every character renders as an empty box. The app ships Noto Sans SC, self-hosted from the
 * @fontsource package (split by unicode-range into slices of a few hundred characters), and adds
 * its @font-face rules only when the UI is in Chinese. Every font stack (app.css) names it after
 * the system's CJK fonts.
 *
 * Text laid out while its slice is still downloading can keep the empty boxes in Chromium even
 * after the slice arrives, so the Chinese UI waits (a few seconds at most) until the slices
 * holding the catalog's characters, in both weights the UI uses, have loaded.
 */
import { MESSAGES } from './messages';

/** How long the Chinese UI waits for the font before it shows anyway (offline, slow network). */
const FONT_WAIT_MS = 3000;

let loading: Promise<void> | null = null;

/** Every non-ASCII character of the Chinese catalog, once each. */
function catalogCharacters(): string {
	const chars = new Set<string>();
	for (const text of Object.values(MESSAGES.zh)) for (const c of text) if (c > '\x7f') chars.add(c);
	return [...chars].join('');
}

/** Adds the font to the page and loads the slices the UI needs; resolves after at most 3 s. */
export function loadCjkFont(): Promise<void> {
	if (typeof document === 'undefined' || !document.fonts) return Promise.resolve();
	loading ??= Promise.all([
		import('@fontsource/noto-sans-sc/400.css'),
		import('@fontsource/noto-sans-sc/700.css')
	])
		.then(() => {
			const text = catalogCharacters();
			return Promise.all(
				['400', '700'].map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, text))
			);
		})
		.then(
			() => undefined,
			() => {
				// Offline before the files were cached: the system's fonts apply; try next time.
				loading = null;
			}
		);
	return Promise.race([loading, new Promise<void>((done) => setTimeout(done, FONT_WAIT_MS))]);
}
