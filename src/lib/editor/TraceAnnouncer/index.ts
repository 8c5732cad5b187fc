export { default as TraceAnnouncer } from './TraceAnnouncer.svelte';
export { announceStep, spokenTensor, SPOKEN_ELEMENTS } from './announce';
