/**
 * "Predict, then reveal": while the quiz is on, the replay stops before each backward step that
 * sends a gradient to an input (it holds the trace, see `TraceState.hold`); the student types a
 * prediction of each such gradient, and Reveal grades it, counts it in the session's score and
 * lets the step show. Skip lets it show without counting.
 *
 * The score and whether the quiz is on are kept for the tab's session (sessionStorage: they
 * survive a reload, not a new tab); whether hints show is the teacher's setting, remembered in
 * localStorage. Components reach it through `getQuiz()`.
 */
import { getContext, setContext } from 'svelte';
import type { BackwardStep, TraceStep } from '$lib/graph';
import { safely, type KeyValueStorage } from '../store/tab-memory';
import type { TraceState } from '../trace-state.svelte';
import {
	addToScore,
	grade,
	NO_SCORE,
	questionsOf,
	readScore,
	type Graded,
	type Question,
	type Score
} from './predict';

/** This tab's quiz: whether it is on, and the score. */
export const QUIZ_SESSION_KEY = 'autograd-canvas.quiz';
/** Whether hints show ("0" or "1"), for every tab. */
export const QUIZ_HINTS_KEY = 'autograd-canvas.quiz-hints';

/** The last step the student answered (or skipped), shown until the next one. */
export interface QuizResult {
	step: BackwardStep;
	/** Each question's graded answer; empty when it was skipped. */
	graded: Graded[];
}

export interface QuizStorage {
	/** This tab's memory (sessionStorage). */
	session?: KeyValueStorage | null;
	/** Settings for every tab (localStorage). */
	local?: KeyValueStorage | null;
}

const asksSomething = (step: TraceStep): step is BackwardStep =>
	step.kind === 'backward' && questionsOf(step).length > 0;

export class QuizState {
	#trace: TraceState;
	#storage: QuizStorage;
	/** The steps answered or skipped (by identity: a new Backward makes new steps). */
	#done = new WeakSet<TraceStep>();

	#enabled = $state.raw(false);
	#hints = $state.raw(true);
	score = $state.raw<Score>(NO_SCORE);
	#last = $state.raw<QuizResult | null>(null);
	/** The last answered (or skipped) step, while it is one of the trace's steps. */
	last: QuizResult | null = $derived.by(() => {
		const last = this.#last;
		return last && this.#trace.steps.includes(last.step) ? last : null;
	});

	/** The step waiting for a prediction, when the quiz is on. */
	step: BackwardStep | null = $derived.by(() => {
		const waiting = this.#trace.waiting;
		return this.#enabled && waiting && asksSomething(waiting) ? waiting : null;
	});
	/** What that step asks. */
	questions: Question[] = $derived(this.step ? questionsOf(this.step) : []);

	constructor(trace: TraceState, storage: QuizStorage = {}) {
		this.#trace = trace;
		this.#storage = storage;
		const stored = safely(
			() => JSON.parse(storage.session?.getItem(QUIZ_SESSION_KEY) ?? 'null'),
			null
		);
		if (stored && typeof stored === 'object') {
			this.#enabled = (stored as { enabled?: unknown }).enabled === true;
			this.score = readScore((stored as { score?: unknown }).score) ?? NO_SCORE;
		}
		this.#hints = safely(() => storage.local?.getItem(QUIZ_HINTS_KEY), null) !== '0';
		trace.hold = (step) => this.#enabled && asksSomething(step) && !this.#done.has(step);
	}

	get enabled(): boolean {
		return this.#enabled;
	}

	/** Turns the quiz on or off; off lets go of a step waiting for its prediction. */
	set enabled(on: boolean) {
		this.#enabled = on;
		if (!on) this.#trace.release();
		this.#save();
	}

	/** Whether the chain-rule formula (without its numbers) shows before the reveal. */
	get hints(): boolean {
		return this.#hints;
	}

	set hints(on: boolean) {
		this.#hints = on;
		safely(() => this.#storage.local?.setItem(QUIZ_HINTS_KEY, on ? '1' : '0'), undefined);
	}

	/**
	 * Grades the typed predictions (per question, one text per cell, row by row), adds them to the
	 * score and shows the step. False when a text is not a number: nothing is graded then.
	 */
	reveal(texts: readonly (readonly string[])[]): boolean {
		const step = this.step;
		if (!step) return false;
		const graded: Graded[] = [];
		for (const [i, question] of this.questions.entries()) {
			const result = grade(question, texts[i] ?? []);
			if (!result) return false;
			graded.push(result);
		}
		this.score = addToScore(this.score, graded);
		this.#finish(step, graded);
		return true;
	}

	/** Shows the step without a prediction (it does not count in the score). */
	skip(): void {
		const step = this.step;
		if (step) this.#finish(step, []);
	}

	resetScore(): void {
		this.score = NO_SCORE;
		this.#last = null;
		this.#save();
	}

	#finish(step: BackwardStep, graded: Graded[]): void {
		this.#done.add(step);
		this.#last = { step, graded };
		this.#save();
		this.#trace.proceed();
	}

	#save(): void {
		const text = JSON.stringify({ enabled: this.#enabled, score: this.score });
		safely(() => this.#storage.session?.setItem(QUIZ_SESSION_KEY, text), undefined);
	}
}

const KEY = Symbol('quiz');

export function setQuiz(quiz: QuizState): QuizState {
	setContext(KEY, quiz);
	return quiz;
}

/** The quiz set by the editor page above this one. */
export function getQuiz(): QuizState {
	const quiz = getContext<QuizState | undefined>(KEY);
	if (!quiz) {
		throw new Error(
			'getQuiz() found no quiz: use this component inside <Editor>, which calls setQuiz().'
		);
	}
	return quiz;
}
