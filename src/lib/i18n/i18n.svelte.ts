/**
 * The current UI language, shared through context: `setI18n()` at the top of a page,
 * `getI18n()` below it. The choice is remembered in localStorage; the default follows the
 * browser's languages.
 */
import { getContext, setContext } from 'svelte';
import {
	isLocale,
	preferredLocale,
	translate,
	type Locale,
	type MessageKey,
	type MessageParams
} from './messages';
import { loadCjkFont, showCjk } from './cjk-font';

export const LOCALE_STORAGE_KEY = 'autograd-canvas.locale';

function readStoredLocale(): Locale | null {
	try {
		const stored = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY);
		return isLocale(stored) ? stored : null;
	} catch {
		return null;
	}
}

function browserLanguages(): readonly string[] {
	const nav = globalThis.navigator;
	if (!nav) return [];
	return nav.languages?.length ? nav.languages : [nav.language ?? 'en'];
}

export class I18n {
	/** The language every message is shown in. */
	locale = $state.raw<Locale>('en');
	/** Settles when the starting language can be shown (its font loaded, for Chinese). */
	readonly ready: Promise<void>;
	/** The language asked for last: a slower earlier switch never overrides a later one. */
	#wanted: Locale;

	constructor(initial?: Locale) {
		this.#wanted = initial ?? readStoredLocale() ?? preferredLocale(browserLanguages());
		this.locale = this.#wanted;
		this.#applyToDocument();
		this.ready = this.#fontFor(this.locale);
	}

	/**
	 * The message `key` in the current language (plain text). What it quotes (a node's name, a
	 * file's, code) may be Chinese in any language: then the CJK font comes too (`showCjk`).
	 */
	t = (key: MessageKey, params?: MessageParams): string => {
		if (params) showCjk(...Object.values(params));
		return translate(this.locale, key, params);
	};

	/**
	 * Switches the language and remembers it. Chinese shows once its font has loaded (see
	 * `cjk-font.ts`), so the returned promise settles when the switch is on screen.
	 */
	async setLocale(locale: Locale): Promise<void> {
		this.#wanted = locale;
		try {
			globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale);
		} catch {
			// Private mode or a full quota: the switch still works for this visit.
		}
		await this.#fontFor(locale);
		if (this.#wanted !== locale) return;
		this.locale = locale;
		this.#applyToDocument();
	}

	#fontFor(locale: Locale): Promise<void> {
		return locale === 'zh' ? loadCjkFont() : Promise.resolve();
	}

	#applyToDocument(): void {
		if (typeof document !== 'undefined') {
			document.documentElement.lang = this.locale === 'zh' ? 'zh-CN' : 'en';
		}
	}
}

const KEY = Symbol('i18n');

/** Makes `i18n` (or a new one) the language of every component below this one. */
export function setI18n(i18n: I18n = new I18n()): I18n {
	setContext(KEY, i18n);
	return i18n;
}

/** The language set by an ancestor with `setI18n()`. */
export function getI18n(): I18n {
	const i18n = getContext<I18n | undefined>(KEY);
	if (!i18n) {
		throw new Error('getI18n() found no language: call setI18n() in a parent component first.');
	}
	return i18n;
}
