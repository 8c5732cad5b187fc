/** A list of problems, each with where it is and its message. */
export { default as ProblemList } from './ProblemList.svelte';
export type { Problem } from './types';
