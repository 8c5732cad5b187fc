export { default as TensorView } from './TensorView.svelte';
export { formatValue, tensorKind } from './format';
