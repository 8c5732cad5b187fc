/** The guided lessons (the tutorial's chapters as steps), as data; the editor shows them. */
export {
	LESSONS,
	lessonById,
	lessonKeys,
	nextLesson,
	traceOf,
	type Lesson,
	type LessonAction,
	type LessonEditor,
	type LessonNodeTrace,
	type LessonStep,
	type LessonTarget,
	type LessonTrace
} from './lessons';
