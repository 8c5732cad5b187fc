/**
 * The lesson under way: which lesson, which step, and whether the step's condition holds (read
 * live from the editor and the trace). Reaching a step (Start, Next) runs its action: an example
 * opens as a NEW document through the editor's own path, so the student's graph before it is
 * autosaved and stays in Recent. Back runs no action (it never replaces the graph again).
 */
import { exampleDocument, EXAMPLES } from '$lib/graph';
import type { Locale, MessageParams } from '$lib/i18n';
import {
	lessonById,
	nextLesson,
	type Lesson,
	type LessonAction,
	type LessonStep,
	type LessonTrace
} from '$lib/lessons';
import type { EditorState } from '../editor-state.svelte';

/** Where the first-run prompt's "dismissed" flag is kept (localStorage). */
export const PROMPT_DISMISSED_KEY = 'autograd-canvas.lessons.prompt-dismissed';

export class LessonState {
	#editor: EditorState;
	#trace: LessonTrace;
	#locale: () => Locale;

	/** The lesson under way, or null. */
	lesson = $state.raw<Lesson | null>(null);
	/** The current step's index in `lesson.steps`. */
	index = $state.raw(0);

	step: LessonStep | null = $derived(this.lesson?.steps[this.index] ?? null);
	/** The step's condition holds now (a step without one: at once). */
	ready: boolean = $derived.by(() => {
		const done = this.step?.done;
		return done === undefined ? true : done(this.#editor, this.#trace);
	});
	/** Values for the step's text. */
	params: MessageParams | undefined = $derived.by(() => this.step?.params?.(this.#editor));
	/** The first-run prompt shows (see `offerPrompt`). */
	prompting = $state.raw(false);
	#storage: PromptStorage | null = null;

	/** The lesson after this one, on the last step (its Next starts it), or null. */
	following: Lesson | null = $derived(
		this.lesson && this.index === this.lesson.steps.length - 1 ? nextLesson(this.lesson.id) : null
	);

	/**
	 * @param editor the editor the lesson drives and reads
	 * @param trace the trace it reads (the editor's `TraceState`)
	 * @param locale the UI's language (for the notice naming an opened example)
	 */
	constructor(
		editor: EditorState,
		trace: LessonTrace,
		locale: () => Locale = () => 'en',
		/** Called as a lesson starts (the page turns the quiz off: it would hold the steps). */
		onStart: () => void = () => {}
	) {
		this.#editor = editor;
		this.#trace = trace;
		this.#locale = locale;
		this.#onStart = onStart;
	}

	#onStart: () => void;

	/**
	 * Shows the first-run prompt unless it was dismissed in this browser, or the page is embedded
	 * (`?embed=1`: a slide or an LMS page shows the canvas only).
	 */
	offerPrompt(storage: PromptStorage | null, url: URL): void {
		this.#storage = storage;
		this.prompting = !url.searchParams.has('embed') && !promptDismissed(storage);
	}

	/** "No thanks" (and Start): the prompt goes, for good. */
	dismissPrompt(): void {
		this.prompting = false;
		dismissPrompt(this.#storage);
	}

	/** Starts the lesson `id` at its first step (which also answers the first-run prompt). */
	start(id: Lesson['id']): void {
		const lesson = lessonById(id);
		if (!lesson) return;
		if (this.prompting) this.dismissPrompt();
		this.lesson = lesson;
		this.index = 0;
		this.#enter();
		this.#onStart();
	}

	/** The next step (when the condition holds); on the last, the next lesson or the end. */
	next(): void {
		const lesson = this.lesson;
		if (!lesson || !this.ready) return;
		if (this.index < lesson.steps.length - 1) {
			this.index++;
			this.#enter();
		} else if (this.following) {
			this.start(this.following.id);
		} else {
			this.exit();
		}
	}

	back(): void {
		if (this.index > 0) this.index--;
	}

	exit(): void {
		this.lesson = null;
		this.index = 0;
	}

	#enter(): void {
		const action = this.step?.action;
		if (action) this.#run(action);
	}

	#run(action: LessonAction): void {
		if ('open' in action) {
			const example = EXAMPLES.find((e) => e.id === action.open);
			const doc = exampleDocument(action.open);
			if (!example || !doc) return;
			this.#editor.replaceDocument(doc, { origin: { kind: 'example', id: example.id } });
			this.#editor.notify('notice.loadedExample', { title: example.title[this.#locale()] });
		} else if (this.#editor.sidePanel !== action.panel) {
			this.#editor.sidePanel = action.panel;
		}
	}
}

/** Where the prompt's flag is kept: localStorage, or a stand-in in tests. */
export type PromptStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Whether the first-run prompt was dismissed (either way) in this browser. Without storage it
 * could never be dismissed for good, so it counts as dismissed: never offered.
 */
export function promptDismissed(storage: PromptStorage | null): boolean {
	if (!storage) return true;
	try {
		return storage.getItem(PROMPT_DISMISSED_KEY) === '1';
	} catch {
		return true;
	}
}

/** Remembers that the first-run prompt was dismissed. */
export function dismissPrompt(storage: PromptStorage | null): void {
	try {
		storage?.setItem(PROMPT_DISMISSED_KEY, '1');
	} catch {
		// Storage refused (private mode, quota): the prompt stays away for this page only.
	}
}
