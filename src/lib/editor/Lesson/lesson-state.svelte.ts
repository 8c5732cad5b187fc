/**
 * The lesson under way: which lesson, which step, and whether the step's condition holds (read
 * live from the editor and the trace). Reaching a step (Start, Next) runs its action: an example
 * opens as a NEW document through the editor's own path, so the student's graph before it is
 * autosaved and stays in Recent. Back runs no action (it never replaces the graph again).
 *
 * A lesson works on one document: the one open when it started (its example). Edits of it are the
 * lesson's own (the steps ask for them); another document (New, an example, Recent, a file, a
 * link, Import code, or Undo back past the example) PAUSES it: no step advances, nothing is
 * outlined, until the student reopens the lesson's graph (through the document store, as Recent
 * opens it) or exits. Which lesson, which step and which document are kept for the tab across a
 * reload (`LessonMemory`, in sessionStorage).
 */
import { exampleDocument, EXAMPLES } from '$lib/graph';
import type { Locale, MessageParams } from '$lib/i18n';
import {
	LESSONS,
	lessonById,
	nextLesson,
	type Lesson,
	type LessonAction,
	type LessonStep,
	type LessonTrace
} from '$lib/lessons';
import type { EditorState } from '../editor-state.svelte';
import { safely, type KeyValueStorage } from '../store/tab-memory';

/** Where the first-run prompt's "dismissed" flag is kept (localStorage). */
export const PROMPT_DISMISSED_KEY = 'autograd-canvas.lessons.prompt-dismissed';
/** Where this tab's lesson is kept across a reload (sessionStorage: not another tab's). */
export const TAB_LESSON_KEY = 'autograd-canvas.tab-lesson';

/** What a tab keeps of its lesson across a reload. */
export interface LessonMemory {
	/** The lesson's id (one of `LESSONS`, once read back). */
	lesson: string;
	/** The step's index. */
	step: number;
	/** The stored document (its id in the document store) the lesson works on. */
	document: string;
}

/** How the lesson reopens its document: the autosave's (`Autosave` fits). */
export interface LessonDocuments {
	/** Opens a stored document as Recent does (the current one is written first). */
	open(id: string): Promise<boolean>;
	/** Writes the current document now (before an example replaces it). */
	flush(): Promise<void>;
}

export interface LessonOptions {
	/** The UI's language (for the notice naming an opened example). */
	locale?: () => Locale;
	/** Called as a lesson starts (the page turns the quiz off: it would hold the steps). */
	onStart?: () => void;
	/** Where the lesson's document is reopened from (none: its example opens again). */
	documents?: LessonDocuments | null;
}

export class LessonState {
	#editor: EditorState;
	#trace: LessonTrace;
	#locale: () => Locale;
	#onStart: () => void;
	#documents: LessonDocuments | null;

	/** The lesson under way, or null. */
	lesson = $state.raw<Lesson | null>(null);
	/** The current step's index in `lesson.steps`. */
	index = $state.raw(0);
	/**
	 * The editor's lineage (see `EditorState.lineage`) of the lesson's document, in this page: its
	 * edits, and Undo and Redo among them, keep it. Null: not open in this page since a reload.
	 */
	#lineage = $state.raw<number | null>(null);
	/** The stored document the lesson works on, as it was when the lesson took it. */
	#documentId = $state.raw<string | null>(null);
	/** Reopen is under way (its button waits for it). */
	reopening = $state.raw(false);

	/**
	 * The editor shows another document than the lesson's: the steps would point at nodes and
	 * values that are not there. Nothing advances until the lesson's graph is open again.
	 */
	paused: boolean = $derived.by(() => {
		if (this.lesson === null) return false;
		const editor = this.#editor;
		return editor.lineage !== this.#lineage && editor.documentInfo.id !== this.#documentId;
	});
	/**
	 * The stored document the lesson works on: the open one's while it is the lesson's (a "keep
	 * mine" copy after a conflict included), else the one it last had.
	 */
	documentId: string | null = $derived.by(() => {
		if (this.lesson === null) return null;
		if (!this.paused) return this.#editor.documentInfo.id;
		const lineage = this.#lineage;
		const info = lineage === null ? null : this.#editor.documentInfoOf(lineage);
		return info?.id ?? this.#documentId;
	});
	/** What the tab keeps of the lesson across a reload (null: no lesson). */
	memory: LessonMemory | null = $derived.by(() => {
		const lesson = this.lesson;
		const document = this.documentId;
		if (lesson === null || document === null) return null;
		return { lesson: lesson.id, step: this.index, document };
	});

	step: LessonStep | null = $derived(this.lesson?.steps[this.index] ?? null);
	/** The step's condition holds now (a step without one: at once); never while paused. */
	ready: boolean = $derived.by(() => {
		if (this.paused) return false;
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
	 */
	constructor(editor: EditorState, trace: LessonTrace, options: LessonOptions = {}) {
		this.#editor = editor;
		this.#trace = trace;
		this.#locale = options.locale ?? (() => 'en');
		this.#onStart = options.onStart ?? (() => {});
		this.#documents = options.documents ?? null;
	}

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
		this.#take();
		this.#onStart();
	}

	/**
	 * The lesson a tab kept before its reload (`memory`), at its step: on the document open now
	 * when it is the lesson's, else paused. Nothing runs (the step's graph is already there).
	 */
	restore(memory: LessonMemory | null): void {
		const lesson = LESSONS.find((each) => each.id === memory?.lesson);
		if (!memory || !lesson || !Number.isInteger(memory.step)) return;
		if (memory.step < 0 || memory.step >= lesson.steps.length) return;
		this.lesson = lesson;
		this.index = memory.step;
		this.#documentId = memory.document;
		const open = this.#editor.documentInfo.id === memory.document;
		this.#lineage = open ? this.#editor.lineage : null;
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
		if (this.index > 0 && !this.paused) this.index--;
	}

	exit(): void {
		this.lesson = null;
		this.index = 0;
		this.#lineage = null;
		this.#documentId = null;
	}

	/**
	 * Paused: opens the lesson's document again, at the same step, as Recent opens it (the graph
	 * open now is written first and stays in Recent). When it is no longer stored (deleted, or
	 * never written), the lesson's example opens anew. False when nothing opened.
	 */
	async reopen(): Promise<boolean> {
		const lesson = this.lesson;
		const id = this.documentId;
		if (lesson === null || !this.paused || this.reopening) return !this.paused;
		this.reopening = true;
		try {
			let opened = false;
			if (id !== null && this.#documents) {
				opened = await this.#documents.open(id).catch(() => false);
			}
			if (!opened && this.lesson === lesson) {
				const action = lesson.steps.find((step) => step.action && 'open' in step.action)?.action;
				await this.#documents?.flush().catch(() => undefined);
				if (action && this.lesson === lesson && this.paused) opened = this.#run(action);
			}
			// Exited, or another lesson started, meanwhile: that one keeps its own document.
			if (this.lesson !== lesson) return false;
			if (opened) this.#take();
			return opened;
		} finally {
			this.reopening = false;
		}
	}

	/** The document open now is the lesson's. */
	#take(): void {
		this.#lineage = this.#editor.lineage;
		this.#documentId = this.#editor.documentInfo.id;
	}

	#enter(): void {
		const action = this.step?.action;
		if (action && this.#run(action) && 'open' in action) this.#take();
	}

	/** Runs a step's action; true when it did what it says. */
	#run(action: LessonAction): boolean {
		if ('open' in action) {
			const example = EXAMPLES.find((e) => e.id === action.open);
			const doc = exampleDocument(action.open);
			if (!example || !doc) return false;
			if (!this.#editor.replaceDocument(doc, { origin: { kind: 'example', id: example.id } })) {
				return false;
			}
			this.#editor.notify('notice.loadedExample', { title: example.title[this.#locale()] });
		} else if (this.#editor.sidePanel !== action.panel) {
			this.#editor.sidePanel = action.panel;
		}
		return true;
	}
}

/** The lesson this tab kept (`TAB_LESSON_KEY`), or null: none, unreadable, or storage refused. */
export function readLessonMemory(storage: KeyValueStorage | null): LessonMemory | null {
	const text = safely(() => storage?.getItem(TAB_LESSON_KEY) ?? null, null);
	if (text === null) return null;
	const value = safely(() => JSON.parse(text) as unknown, null);
	if (typeof value !== 'object' || value === null) return null;
	const { lesson, step, document } = value as Partial<Record<keyof LessonMemory, unknown>>;
	if (typeof lesson !== 'string' || typeof document !== 'string') return null;
	if (typeof step !== 'number' || !Number.isInteger(step)) return null;
	return { lesson, step, document };
}

/** Keeps this tab's lesson (null: forgets it). Storage that refuses (quota) keeps nothing. */
export function writeLessonMemory(
	storage: KeyValueStorage | null,
	memory: LessonMemory | null
): void {
	safely(() => {
		if (memory === null) storage?.removeItem(TAB_LESSON_KEY);
		else storage?.setItem(TAB_LESSON_KEY, JSON.stringify(memory));
	}, undefined);
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
