/**
 * The app's one message catalog: every piece of UI text, in English (`messages-en.ts`, which
 * defines the keys) and 简体中文 (`messages-zh.ts`), and the API that reads it.
 * `{name}` marks a parameter; `translate` fills it in as plain text (never as HTML).
 * Op ids, argument names and PyTorch's error messages stay as they are: they are code.
 */
import { en, type MessageKey } from './messages-en';
import { zh } from './messages-zh';

export type { MessageKey } from './messages-en';

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each locale's own name, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', zh: '简体中文' };

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, zh };

/**
 * Other plural forms of messages with a `{count}`: the catalog holds the `other` form (Chinese
 * has no other), this table the rest, by `Intl.PluralRules` category.
 */
export const PLURALS: Record<
	Locale,
	Partial<Record<MessageKey, Partial<Record<Intl.LDMLPluralRule, string>>>>
> = {
	en: {
		'notice.copied': { one: 'Copied {count} node.' },
		'notice.pasted': { one: 'Pasted {count} node.' },
		'recent.nodes': { one: '{count} node' },
		'status.nodeCount': { one: '{count} node' },
		'status.wireCount': { one: '{count} wire' },
		'trace.accumulationsTitle': { one: '{count} backward pass accumulated into this .grad' },
		'chain.accumulated': { one: '{name}.grad now holds {count} backward pass.' },
		'chain.reduceDims': { one: '(over dim {dims})' },
		'chain.reduceDimsKeep': { one: '(over dim {dims}, keepdim)' },
		'notice.imported': { one: 'Imported {count} node from the code.' },
		'notice.importedWithErrors': {
			one: 'Imported {count} node from the code, but {name} cannot run: its red node says why.'
		},
		'importCode.training': { one: 'Train settings: lr {lr}, {count} epoch.' },
		'importCode.confirmDrop': {
			one: '{count} line above cannot be imported and will be left out. Press “Import anyway” to build the rest.'
		},
		'trainPanel.earlierLines': { one: '… {count} earlier line' },
		'trainPanel.rows': { one: '{count} row' },
		'trainPanel.rowsFromCsv': { one: '{count} row from CSV' },
		'chart.fitPoints': { one: '{count} point' },
		'problem.moreProblems': { one: 'and {count} more problem' },
		'code.comment.missingInputs': {
			one: '{name} = {op}(...) is not computed yet: missing input {inputs}'
		}
	},
	zh: {}
};

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The plural category of `count` in `locale` (`one`, `other`, ...). */
function pluralOf(locale: Locale, count: number): Intl.LDMLPluralRule {
	let rules = pluralRules.get(locale);
	if (!rules) {
		rules = new Intl.PluralRules(locale === 'zh' ? 'zh-CN' : 'en');
		pluralRules.set(locale, rules);
	}
	return rules.select(count);
}

/** Whether `key` is a message of the catalog (for keys made from data, such as an op id). */
export function hasMessage(key: string): key is MessageKey {
	return Object.hasOwn(MESSAGES.en, key);
}

export type MessageParams = Record<string, string | number>;

/**
 * The message `key` in `locale`, with `{name}` parameters replaced by their text; a numeric
 * `count` picks the message's plural form in that language.
 */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
	const count = params?.count;
	const form =
		typeof count === 'number' ? PLURALS[locale][key]?.[pluralOf(locale, count)] : undefined;
	const template = form ?? MESSAGES[locale][key] ?? MESSAGES.en[key];
	if (!params) return template;
	return template.replace(/\{(\w+)\}/g, (match, name: string) =>
		Object.hasOwn(params, name) ? String(params[name]) : match
	);
}

/** The locale that `languages` (navigator.languages) prefer: Chinese if any zh comes first. */
export function preferredLocale(languages: readonly string[]): Locale {
	for (const language of languages) {
		const lower = language.toLowerCase();
		if (lower.startsWith('zh')) return 'zh';
		if (lower.startsWith('en')) return 'en';
	}
	return 'en';
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
