/** Quick add: the search box a double-click on the canvas opens. */
export { default as QuickAdd } from './QuickAdd.svelte';
