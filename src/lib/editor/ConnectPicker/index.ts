/** Connecting a node's output to an input from the keyboard (the C key). */
export { default as ConnectPicker } from './ConnectPicker.svelte';
export { connectTargets, type ConnectTarget } from './connect-targets';
