/**
 * Chinese text needs a CJK font, and many classroom machines (and CI images) have none: there
 * every character renders as an empty box. The app ships Noto Sans SC, self-hosted from the
 * @fontsource package (split by unicode-range into slices of a few hundred characters), and adds
 * its @font-face rules only when Chinese is shown: for the Chinese UI (`loadCjkFont`), and in any
 * UI for content that holds CJK characters (`showCjk`: a node named 损失, pasted code with Chinese
 * comments, a quoted file name, what the user types). Every font stack (app.css) names it after
 * the system's CJK fonts, so a machine that has one never fetches a slice it does not ask for.
 *
 * Text laid out while its slice is still downloading can keep the empty boxes in Chromium even
 * after the slice arrives, so the Chinese UI waits (a few seconds at most) until the slices
 * holding the catalog's characters, in both weights the UI uses, have loaded. Content cannot
 * wait: once its slices have loaded, the text that uses the font is laid out again.
 */
import { MESSAGES } from './messages';

/** How long the Chinese UI waits for the font before it shows anyway (offline, slow network). */
const FONT_WAIT_MS = 3000;

/** A character that only a CJK font draws: Han, kana, Hangul, bopomofo, CJK punctuation, full-width forms. */
const CJK =
	/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
const EVERY_CJK = new RegExp(CJK.source, 'gu');

/** The weights the app draws text in (regular, and bold for titles and node names). */
const WEIGHTS = ['400', '700'];

let faces: Promise<unknown> | null = null;
let loading: Promise<void> | null = null;
/** The CJK characters of content whose slices were asked for (each character once). */
const requested = new Set<string>();

/** Adds the font's @font-face rules to the page (once): they fetch nothing by themselves. */
function addFaces(): Promise<unknown> {
	faces ??= Promise.all([
		import('@fontsource/noto-sans-sc/400.css'),
		import('@fontsource/noto-sans-sc/700.css')
	]).catch((error: unknown) => {
		faces = null;
		throw error;
	});
	return faces;
}

/** Loads the slices that hold `text`'s characters, in both weights. */
function loadSlices(text: string): Promise<unknown> {
	return Promise.all(
		WEIGHTS.map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, text))
	);
}

/** Every non-ASCII character of the Chinese catalog, once each. */
function catalogCharacters(): string {
	const chars = new Set<string>();
	for (const text of Object.values(MESSAGES.zh)) for (const c of text) if (c > '\x7f') chars.add(c);
	return [...chars].join('');
}

/** Adds the font to the page and loads the slices the UI needs; resolves after at most 3 s. */
export function loadCjkFont(): Promise<void> {
	if (typeof document === 'undefined' || !document.fonts) return Promise.resolve();
	loading ??= addFaces()
		.then(() => loadSlices(catalogCharacters()))
		.then(
			() => undefined,
			() => {
				// Offline before the files were cached: the system's fonts apply; try next time.
				loading = null;
			}
		);
	return Promise.race([loading, new Promise<void>((done) => setTimeout(done, FONT_WAIT_MS))]);
}

/**
 * Content shown in any UI language (names, pasted code, quoted text) may be Chinese: when one of
 * `texts` holds a CJK character, adds the font and loads the slices of the characters not asked
 * for before. Costs one regular-expression test per text when none does, and fetches nothing:
 * give it names and short texts, never a tensor's values. Other values are skipped.
 */
export function showCjk(...texts: readonly unknown[]): void {
	if (typeof document === 'undefined' || !document.fonts) return;
	let fresh = '';
	for (const text of texts) {
		if (typeof text !== 'string' || !CJK.test(text)) continue;
		for (const [c] of text.matchAll(EVERY_CJK)) {
			if (!requested.has(c)) {
				requested.add(c);
				fresh += c;
			}
		}
	}
	if (fresh === '') return;
	addFaces()
		.then(() => loadSlices(fresh))
		.then(relayout, () => {
			// Offline before the files were cached: ask again the next time these are shown.
			for (const c of fresh) requested.delete(c);
		});
}

/**
 * Lays out again the text drawn before its slices arrived, which Chromium can leave as empty
 * boxes (an input's text, typed before the font was added): flips an attribute that changes the
 * font stacks (app.css), so every text is shaped again, now with the loaded slices.
 */
function relayout(): void {
	document.documentElement.toggleAttribute('data-cjk-relayout');
}

/**
 * Watches what the user types or pastes into any field (a node's name, Import code, a search):
 * Chinese typed in the English UI gets the font as it appears. Returns the function that stops.
 */
export function watchTypedCjk(target: EventTarget = document): () => void {
	const typed = (event: Event) => {
		const field = event.target;
		const data = event instanceof InputEvent ? event.data : null;
		if (data !== null) showCjk(data);
		else if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
			showCjk(field.value);
		}
	};
	target.addEventListener('input', typed, true);
	return () => target.removeEventListener('input', typed, true);
}
