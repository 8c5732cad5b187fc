export { default as Lesson } from './Lesson.svelte';
export { default as LessonStart } from './LessonStart.svelte';
export {
	LessonState,
	PROMPT_DISMISSED_KEY,
	TAB_LESSON_KEY,
	dismissPrompt,
	promptDismissed,
	readLessonMemory,
	writeLessonMemory,
	type LessonDocuments,
	type LessonMemory,
	type LessonOptions,
	type PromptStorage
} from './lesson-state.svelte';
