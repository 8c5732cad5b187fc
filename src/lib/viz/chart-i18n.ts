/**
 * The charts' language: the page's (an ancestor's `setI18n()`), or English for a chart shown on
 * its own, with no language set above it.
 */
import { getI18n, translate, type Locale, type MessageKey, type MessageParams } from '$lib/i18n';

export interface ChartI18n {
	readonly locale: Locale;
	t(key: MessageKey, params?: MessageParams): string;
}

const ENGLISH: ChartI18n = { locale: 'en', t: (key, params) => translate('en', key, params) };

/** Call while a chart component initialises (it reads the component's context). */
export function chartI18n(): ChartI18n {
	try {
		return getI18n();
	} catch {
		return ENGLISH;
	}
}
