export { default as GradcheckDialog } from './GradcheckDialog.svelte';
