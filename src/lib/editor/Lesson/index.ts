export { default as Lesson } from './Lesson.svelte';
export { default as LessonStart } from './LessonStart.svelte';
export {
	LessonState,
	PROMPT_DISMISSED_KEY,
	dismissPrompt,
	promptDismissed,
	type LessonDocuments,
	type LessonOptions,
	type PromptStorage
} from './lesson-state.svelte';
