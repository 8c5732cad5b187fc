export { default as Lesson } from './Lesson.svelte';
export { default as FirstRunPrompt } from './FirstRunPrompt.svelte';
export { default as LessonMenu } from './LessonMenu.svelte';
export {
	LessonState,
	PROMPT_DISMISSED_KEY,
	dismissPrompt,
	promptDismissed,
	type PromptStorage
} from './lesson-state.svelte';
