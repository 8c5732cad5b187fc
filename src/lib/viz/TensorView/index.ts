export { default as TensorView } from './TensorView.svelte';
export { formatValue, tensorFormat, tensorKind } from './format';
