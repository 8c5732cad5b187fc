export { default as Quiz } from './Quiz.svelte';
export { default as QuizToggle } from './QuizToggle.svelte';
export { QuizState, getQuiz, setQuiz, type QuizResult, type QuizStorage } from './quiz.svelte';
export {
	ABS_TOLERANCE,
	REL_TOLERANCE,
	addToScore,
	grade,
	isClose,
	parseNumber,
	questionsOf,
	type Graded,
	type Question,
	type Score
} from './predict';
