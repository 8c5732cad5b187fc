export { default as ChainRulePanel } from './ChainRulePanel.svelte';
export { forwardTex } from './forward-tex';
export { default as ChainResizer } from './ChainResizer.svelte';
export { ChainSize } from './chain-size.svelte';
