export { default as ChainRulePanel } from './ChainRulePanel.svelte';
export { forwardTex } from './forward-tex';
