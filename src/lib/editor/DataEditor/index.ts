/** The Train panel's data section: formula, CSV paste and upload, table. */
export { default as DataEditor } from './DataEditor.svelte';
export { default as DecimalField } from './DecimalField.svelte';
