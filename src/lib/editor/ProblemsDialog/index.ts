/** The message that lists why an input was refused. */
export { default as ProblemsDialog } from './ProblemsDialog.svelte';
