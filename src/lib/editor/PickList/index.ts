/** A filter box over a list of choices: what Quick add and Connect are made of. */
export { default as PickList } from './PickList.svelte';
export { focusLeft, pickListKey, type PickListActions } from './pick-list';
