export { default as RecentDialog } from './RecentDialog.svelte';
