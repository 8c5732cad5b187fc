/** The UI's message catalog (English and 简体中文) and the current language. */
export * from './messages';
export { I18n, getI18n, setI18n, LOCALE_STORAGE_KEY } from './i18n.svelte';
export { showCjk } from './cjk-font';
export { default as LanguageSelect } from './LanguageSelect.svelte';
