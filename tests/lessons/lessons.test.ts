import { describe, expect, test } from 'vitest';
import { EXAMPLES, exampleDocument } from '$lib/graph';
import { MESSAGES, LOCALES, translate } from '$lib/i18n';
import { LESSONS, lessonKeys, type LessonEditor, type LessonTrace } from '$lib/lessons';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { TraceState } from '$lib/editor/trace-state.svelte';
import { LessonState, PROMPT_DISMISSED_KEY } from '$lib/editor/Lesson/lesson-state.svelte';

/** A stand-in for localStorage. */
function memoryStorage(entries: Record<string, string> = {}) {
	const map = new Map(Object.entries(entries));
	return {
		getItem: (key: string) => map.get(key) ?? null,
		setItem: (key: string, value: string) => void map.set(key, value),
		map
	};
}

/** An editor, its trace and the lessons on them, as the editor page wires them. */
function setup() {
	const editor = new EditorState({ noticeMs: 10 });
	const trace = new TraceState(editor);
	const lessons = new LessonState(editor, trace);
	return { editor, trace, lessons };
}

const parametersOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('lesson data', () => {
	test('three lessons, one per example, each step with a text', () => {
		expect(LESSONS.map((l) => l.id)).toEqual(EXAMPLES.map((e) => e.id));
		for (const lesson of LESSONS) {
			expect(lesson.steps.length).toBeGreaterThanOrEqual(5);
			// Each lesson opens its own example first.
			expect(lesson.steps[0].action).toEqual({ open: lesson.id });
		}
	});

	test('every key a lesson uses exists, in English and in Chinese, and they differ', () => {
		const keys = lessonKeys();
		expect(keys.length).toBeGreaterThan(20);
		for (const key of keys) {
			for (const locale of LOCALES) expect(MESSAGES[locale][key], `${locale} ${key}`).toBeTruthy();
			if (key.startsWith('lesson.')) expect(MESSAGES.zh[key]).not.toBe(MESSAGES.en[key]);
			// Both languages ask for the same parameters.
			expect(parametersOf(MESSAGES.zh[key])).toEqual(parametersOf(MESSAGES.en[key]));
		}
	});

	test('a step with parameters in its text gives them all', () => {
		const editor: LessonEditor = {
			doc: exampleDocument('linear-regression')!,
			sidePanel: null,
			trainingSession: null
		};
		for (const step of LESSONS.flatMap((l) => l.steps)) {
			const wanted = parametersOf(MESSAGES.en[step.text]);
			expect(Object.keys(step.params?.(editor) ?? {}).sort()).toEqual(wanted);
		}
	});

	test('the steps that wait for something are not done on a fresh graph', () => {
		const trace: LessonTrace = { nodes: new Map(), error: null, retainGraph: false };
		for (const lesson of LESSONS) {
			const editor: LessonEditor = {
				doc: exampleDocument(lesson.id)!,
				sidePanel: null,
				trainingSession: null
			};
			for (const step of lesson.steps) {
				if (step.done) expect(step.done(editor, trace), step.text).toBe(false);
			}
		}
	});
});

describe('following a lesson', () => {
	test('lesson 1: Next waits for Forward, Backward, accumulation and Zero grad', async () => {
		const { editor, trace, lessons } = setup();
		const before = editor.doc;
		lessons.start('autograd-basics');
		// The example opens as a new document (the one before stays in the store).
		expect(editor.doc).not.toBe(before);
		expect(editor.documentInfo.origin).toEqual({ kind: 'example', id: 'autograd-basics' });
		expect(lessons.ready).toBe(true); // a step to watch
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.basics.forward');
		expect(lessons.ready).toBe(false);
		lessons.next(); // refused: nothing happened yet
		expect(lessons.index).toBe(1);
		await trace.forward(false);
		expect(lessons.ready).toBe(true);
		lessons.next();
		lessons.next(); // flags: watch
		expect(lessons.step?.text).toBe('lesson.basics.backward');
		expect(lessons.ready).toBe(false);
		await trace.backward(false);
		expect(lessons.ready).toBe(true);
		lessons.next();
		lessons.next(); // b.grad: watch
		expect(lessons.step?.text).toBe('lesson.basics.accumulate');
		expect(lessons.ready).toBe(false);
		await trace.forward(false);
		await trace.backward(false);
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.basics.zeroGrad');
		expect(lessons.ready).toBe(false);
		await trace.zeroGrad();
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.basics.summary');
		expect(lessons.following?.id).toBe('chain-rule');
		// Next on the last step starts lesson 2, which opens its own graph.
		lessons.next();
		expect(lessons.lesson?.id).toBe('chain-rule');
		expect(lessons.index).toBe(0);
		expect(editor.documentInfo.origin).toEqual({ kind: 'example', id: 'chain-rule' });
	});

	test('lesson 2: retain_graph, a second backward, then the error without it', async () => {
		const { trace, lessons } = setup();
		lessons.start('chain-rule');
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.chain.retain');
		expect(lessons.ready).toBe(false);
		trace.retainGraph = true;
		expect(lessons.ready).toBe(true);
		lessons.next();
		await trace.forward(false);
		expect(lessons.ready).toBe(false);
		await trace.backward(false);
		expect(lessons.ready).toBe(true);
		lessons.next();
		lessons.next(); // the chain rule: watch
		expect(lessons.step?.text).toBe('lesson.chain.again');
		expect(lessons.ready).toBe(false);
		await trace.backward(false);
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.chain.error');
		// Still retaining: a backward works and is no error.
		await trace.backward(false);
		expect(lessons.ready).toBe(false);
		trace.retainGraph = false;
		await trace.backward(false); // frees the graph
		expect(lessons.ready).toBe(false);
		await trace.backward(false); // refused
		expect(trace.error?.code).toBe('freed');
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.following?.id).toBe('linear-regression');
	});

	test('lesson 3: the Train panel, the settings, then 1000 epochs trained', () => {
		const { editor, lessons } = setup();
		lessons.start('linear-regression');
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.regression.panel');
		expect(lessons.ready).toBe(false);
		editor.toggleSidePanel('train');
		expect(lessons.ready).toBe(true);
		lessons.next();
		// The panel writes no session before a change: its settings are the defaults, the tutorial's.
		expect(editor.trainingSession).toBeNull();
		expect(lessons.ready).toBe(true);
		const ids = new Map(editor.doc.nodes.map((n) => [n.name, n.id]));
		const session = (settings: object, training: object | null) => ({
			version: 1,
			settings: { lr: '0.01', momentum: '0', epochs: '1000', logEvery: '50', ...settings },
			formula: { slope: '2', intercept: '1', noise: '0', seed: '0' },
			source: 'formula',
			csvText: '',
			csvDraft: null,
			device: 'cpu',
			lossId: null,
			format: 'safetensors',
			logScale: false,
			training
		});
		editor.setTrainingSession(session({ lr: '0.1' }, null));
		expect(lessons.ready).toBe(false);
		editor.setTrainingSession(session({}, null));
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.regression.train');
		const training = (epoch: number, run: object | null) => ({
			epoch,
			run,
			losses: [],
			trajectory: null,
			logs: [],
			droppedLogLines: 0,
			parameters: [
				[ids.get('weight'), [1.9977]],
				[ids.get('bias'), [1.0164]]
			],
			momentum: null,
			device: 'cpu',
			predicted: null
		});
		editor.setTrainingSession(session({}, training(500, { done: 500, total: 1000 })));
		expect(lessons.ready).toBe(false);
		editor.setTrainingSession(session({}, training(1000, null)));
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.step?.text).toBe('lesson.regression.result');
		expect(lessons.params).toEqual({ w: '1.998', b: '1.016' });
		expect(translate('en', 'lesson.regression.result', lessons.params)).toContain(
			'w = 1.998, b = 1.016'
		);
		lessons.next();
		expect(lessons.following).toBeNull();
		lessons.next(); // Finish
		expect(lessons.lesson).toBeNull();
	});

	test('Back goes to the step before without opening the graph again', () => {
		const { editor, lessons } = setup();
		lessons.start('autograd-basics');
		const opened = editor.documentKey;
		lessons.next();
		lessons.back();
		expect(lessons.index).toBe(0);
		expect(editor.documentKey).toBe(opened);
		lessons.back();
		expect(lessons.index).toBe(0);
		lessons.exit();
		expect(lessons.lesson).toBeNull();
	});
});

describe('the first-run prompt', () => {
	const url = (search = '') => new URL(`http://localhost/${search}`);

	test('offered once: either answer dismisses it for good', () => {
		const storage = memoryStorage();
		const first = setup().lessons;
		first.offerPrompt(storage, url());
		expect(first.prompting).toBe(true);
		first.dismissPrompt();
		expect(first.prompting).toBe(false);
		expect(storage.map.get(PROMPT_DISMISSED_KEY)).toBe('1');
		const again = setup().lessons;
		again.offerPrompt(storage, url());
		expect(again.prompting).toBe(false);

		const started = memoryStorage();
		const lessons = setup().lessons;
		lessons.offerPrompt(started, url());
		lessons.start('autograd-basics');
		expect(lessons.prompting).toBe(false);
		expect(started.map.get(PROMPT_DISMISSED_KEY)).toBe('1');
	});

	test('never in an embedded page, nor without storage', () => {
		const lessons = setup().lessons;
		lessons.offerPrompt(memoryStorage(), url('?embed=1'));
		expect(lessons.prompting).toBe(false);
		lessons.offerPrompt(null, url());
		expect(lessons.prompting).toBe(false);
		const throwing = {
			getItem: () => {
				throw new Error('SecurityError');
			},
			setItem: () => undefined
		};
		lessons.offerPrompt(throwing, url());
		expect(lessons.prompting).toBe(false);
	});
});
