/**
 * The "Predict, then reveal" quiz (issue 14, part 2): reading a prediction, the tolerance, the
 * score, what a backward step asks, and the trace held before each step until it is answered.
 */
import { describe, expect, test } from 'vitest';
import { EXAMPLES, type BackwardStep, type GraphDocument } from '$lib/graph';
import { nestedList } from '$lib/graph/tensor-view';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { TraceState } from '$lib/editor/trace-state.svelte';
import { hintTex, inputTex } from '$lib/editor/ChainRulePanel/chain-tex';
import {
	addToScore,
	grade,
	isClose,
	NO_SCORE,
	parseNumber,
	partNote,
	questionLabel,
	questionsOf,
	readScore
} from '$lib/editor/Quiz/predict';
import { QUIZ_HINTS_KEY, QUIZ_SESSION_KEY, QuizState } from '$lib/editor/Quiz/quiz.svelte';
import type { KeyValueStorage } from '$lib/editor/store/tab-memory';
import { translate, type Locale, type MessageKey, type MessageParams } from '$lib/i18n';
import { sharedNonLeafDocument, twoPathsDocument } from '../fixtures/shared-paths';

const example = (id: string) => EXAMPLES.find((e) => e.id === id)!.doc;
const chain = example('chain-rule');
const basics = example('autograd-basics');
const regression = example('linear-regression');
const names = (doc: GraphDocument) => new Map(doc.nodes.map((n) => [n.id, n.name]));

class MemoryStorage implements KeyValueStorage {
	items = new Map<string, string>();
	getItem = (key: string) => this.items.get(key) ?? null;
	setItem = (key: string, value: string) => void this.items.set(key, value);
	removeItem = (key: string) => void this.items.delete(key);
}

describe('reading a prediction', () => {
	test.each([
		['2', 2],
		[' -0.5 ', -0.5],
		['.5', 0.5],
		['+3', 3],
		['1e-3', 0.001],
		['2E2', 200],
		['1/3', 1 / 3],
		['-1 / 4', -0.25],
		['−2', -2],
		['０.５', 0.5],
		['0,5', 0.5]
	])('%j reads as %d', (text, value) => {
		expect(parseNumber(text)).toBeCloseTo(value, 12);
	});

	test.each(['', 'abc', '1/0', '2x', '1..2', '--1', '1/', 'e3', '[1]'])(
		'%j is not a number',
		(text) => {
			expect(parseNumber(text)).toBeNull();
		}
	);
});

describe('the tolerance', () => {
	test('|p - g| <= 0.001 + 1% of |g|', () => {
		expect(isClose(1, 1)).toBe(true);
		expect(isClose(0.333, 1 / 3)).toBe(true);
		expect(isClose(100.9, 100)).toBe(true);
		expect(isClose(101.2, 100)).toBe(false);
		expect(isClose(0.0009, 0)).toBe(true);
		expect(isClose(0.002, 0)).toBe(false);
		expect(isClose(-1, 1)).toBe(false);
		expect(isClose(Infinity, Infinity)).toBe(true);
		expect(isClose(1, NaN)).toBe(false);
	});
});

describe('the score', () => {
	test('a stored score reads back only when it is one', () => {
		expect(NO_SCORE).toEqual({ correct: 0, answered: 0 });
		expect(readScore({ correct: 1, answered: 2 })).toEqual({ correct: 1, answered: 2 });
		expect(readScore({ correct: 3, answered: 2 })).toBeNull();
		expect(readScore({ correct: -1, answered: 2 })).toBeNull();
		expect(readScore({ correct: 0.5, answered: 2 })).toBeNull();
		expect(readScore('1 / 2')).toBeNull();
	});
});

/** The backward steps of a document, after Forward and Backward without a quiz. */
async function backwardSteps(doc: GraphDocument): Promise<BackwardStep[]> {
	const trace = new TraceState(new EditorState({ initial: doc }));
	await trace.backward(false);
	return trace.steps.filter((s): s is BackwardStep => s.kind === 'backward');
}

describe('what a backward step asks', () => {
	test('one question per input that receives a gradient, graded against it', async () => {
		const [z, y] = await backwardSteps(chain);
		// z = y + b: both inputs get 1.
		const zQuestions = questionsOf(z);
		expect(zQuestions.map((q) => names(chain).get(q.nodeId))).toEqual(['y', 'b']);
		expect(zQuestions[0].cells).toEqual([[[0]]]);
		expect(grade(zQuestions[0], ['1'])?.correct).toBe(true);
		expect(grade(zQuestions[0], ['2'])?.correct).toBe(false);
		expect(grade(zQuestions[0], ['one'])).toBeNull();
		// y = w * x: x requires no grad, so only w is asked; its gradient is x's value.
		const yQuestions = questionsOf(y);
		expect(yQuestions.map((q) => names(chain).get(q.nodeId))).toEqual(['w']);
		const x = y.inputs.find((i) => names(chain).get(i.nodeId) === 'w')!.grad!.data[0];
		expect(grade(yQuestions[0], [String(x)])?.correct).toBe(true);
		const graded = [grade(zQuestions[0], ['1'])!, grade(zQuestions[1], ['0'])!];
		expect(addToScore({ correct: 1, answered: 1 }, graded)).toEqual({ correct: 2, answered: 3 });
	});

	test('a small tensor is asked whole, as a grid; a large one by one named element', async () => {
		const [sum] = await backwardSteps(basics);
		const [question] = questionsOf(sum);
		expect(question.whole).toBe(true);
		expect(question.cells).toHaveLength(3);
		expect(question.cells[0]).toEqual([
			[0, 0],
			[0, 1],
			[0, 2],
			[0, 3]
		]);
		const ones = Array.from({ length: 12 }, () => '1');
		expect(grade(question, ones)?.correct).toBe(true);
		const offByOne = grade(question, ['1', '1', '1', '1', '1', '0', ...ones.slice(6)])!;
		expect(offByOne.correct).toBe(false);
		expect(offByOne.right.filter((r) => !r)).toHaveLength(1);
		expect(grade(question, ['1'])).toBeNull();

		const [loss] = await backwardSteps(regression);
		const [pred] = questionsOf(loss);
		expect(pred.answer.shape).toEqual([11, 1]);
		expect(pred.whole).toBe(false);
		expect(pred.cells).toEqual([[[0, 0]]]);
	});

	test('the hint is the chain rule without numbers; the reveal line has them', async () => {
		const [z] = await backwardSteps(chain);
		const hint = hintTex(z, names(chain));
		expect(hint[0]).toMatch(/\\mathit\{z\} = .*\\mathit\{y\}.*\\mathit\{b\}/);
		expect(hint.slice(1)).toHaveLength(2);
		for (const line of hint) expect(line).not.toMatch(/\d/);
		// At the output, not the circular ∂z/∂y = ∂z/∂z · ∂z/∂y: differentiate z's formula.
		expect(hint[1]).not.toContain('\\partial \\mathit{z}}{\\partial \\mathit{z}}');
		expect(hint[1]).toMatch(
			/^\\frac\{\\partial \\mathit\{z\}\}\{\\partial \\mathit\{y\}\} = \\frac\{\\partial\}\{\\partial \\mathit\{y\}\}\\left\(/
		);
		// One step further down, the chain rule proper.
		const [, y] = await backwardSteps(chain);
		expect(hintTex(y, names(chain))[1]).toContain('\\cdot');
		const reveal = inputTex(z, 1, names(chain));
		expect(reveal).toHaveLength(1);
		expect(reveal[0]).toMatch(/= 1 \\times 1 = 1$/);
	});
});

describe('a question about one path of a tensor used several times', () => {
	const words = (locale: Locale) => (key: MessageKey, params?: MessageParams) =>
		translate(locale, key, params);

	test.each([
		['en', '(via e)', 'X is used 2 times', 'only the part via e; the 2 parts add up to ∂L/∂X'],
		['zh', '(经由 e)', 'X 被使用了 2 次', '只预测经由 e 的那部分；2 部分相加才是 ∂L/∂X']
	] as const)('%s: the question says it asks for one part', async (locale, via, used, only) => {
		const doc = twoPathsDocument();
		const steps = await backwardSteps(doc);
		const e = steps.find((s) => s.nodeId === 'e')!;
		const [m, x] = questionsOf(e);
		expect([m.nodeId, x.nodeId]).toEqual(['m', 'X']);
		const t = words(locale);
		// X feeds e and d: e sends only the part of ∂L/∂X along its path.
		expect(questionLabel(e, x, names(doc), t)).toBe(`∂L/∂X ${via}`);
		const note = partNote(e, x, names(doc), t)!;
		expect(note).toContain(used);
		expect(note).toContain(only);
		// m is used once: its gradient is whole, and the question is as before.
		expect(questionLabel(e, m, names(doc), t)).toBe('∂L/∂m');
		expect(partNote(e, m, names(doc), t)).toBeNull();
	});

	test('y = x * x: each of the two parts names its argument', async () => {
		const doc = sharedNonLeafDocument();
		const steps = await backwardSteps(doc);
		const y = steps.find((s) => s.nodeId === 'y')!;
		const labels = questionsOf(y).map((q) => questionLabel(y, q, names(doc), words('en')));
		expect(labels).toEqual(['∂L/∂x (via y (input))', '∂L/∂x (via y (other))']);
	});
});

describe('the quiz holds the trace', () => {
	test('Backward stops before each step that sends a gradient; Reveal scores and shows it', async () => {
		const session = new MemoryStorage();
		const trace = new TraceState(new EditorState({ initial: chain }));
		const quiz = new QuizState(trace, { session });
		quiz.enabled = true;
		await trace.backward(false);
		// Held before the first backward step (z): the forward pass is shown, no grad yet.
		expect(trace.index).toBe(trace.forwardCount - 1);
		expect(quiz.step?.name).toBe('z');
		expect(quiz.questions).toHaveLength(2);
		// Stepping and seeking do not pass a held step.
		await trace.stepForward();
		trace.seek(trace.steps.length - 1);
		expect(trace.index).toBe(trace.forwardCount - 1);
		// Not a number: nothing is graded, the step still waits.
		expect(quiz.reveal([['one'], ['1']])).toBe(false);
		expect(quiz.score).toEqual({ correct: 0, answered: 0 });
		expect(quiz.reveal([['1'], ['5']])).toBe(true);
		expect(quiz.score).toEqual({ correct: 1, answered: 2 });
		expect(trace.index).toBe(trace.forwardCount);
		expect(quiz.last?.graded.map((g) => g.correct)).toEqual([true, false]);
		// The next step (y) waits in turn; Skip shows it without counting.
		await trace.stepForward();
		expect(quiz.step?.name).toBe('y');
		quiz.skip();
		expect(trace.index).toBe(trace.forwardCount + 1);
		expect(quiz.score).toEqual({ correct: 1, answered: 2 });
		expect(quiz.last?.graded).toEqual([]);
		// Answered steps are not asked again.
		trace.seek(-1);
		trace.seek(trace.steps.length - 1);
		expect(trace.index).toBe(trace.steps.length - 1);
		expect(JSON.parse(session.getItem(QUIZ_SESSION_KEY)!)).toEqual({
			enabled: true,
			score: { correct: 1, answered: 2 }
		});
		// A reload of the tab keeps the score and the quiz on.
		const again = new QuizState(new TraceState(new EditorState({ initial: chain })), { session });
		expect(again.enabled).toBe(true);
		expect(again.score).toEqual({ correct: 1, answered: 2 });
		again.resetScore();
		expect(again.score).toEqual({ correct: 0, answered: 0 });
	});

	test('Play stops at a held step and plays on after the reveal', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		const quiz = new QuizState(trace);
		quiz.enabled = true;
		trace.speed = 4;
		await trace.backward();
		await expect.poll(() => quiz.step?.name).toBe('z');
		expect(trace.playing).toBe(false);
		quiz.reveal([['1'], ['1']]);
		expect(trace.playing).toBe(true);
		await expect.poll(() => quiz.step?.name).toBe('y');
		trace.destroy();
	});

	test('off, nothing is held; turning it off lets go of a waiting step', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		const quiz = new QuizState(trace);
		await trace.backward(false);
		expect(trace.index).toBe(trace.steps.length - 1);
		expect(quiz.step).toBeNull();

		const held = new TraceState(new EditorState({ initial: chain }));
		const heldQuiz = new QuizState(held);
		heldQuiz.enabled = true;
		await held.backward(false);
		expect(heldQuiz.step).not.toBeNull();
		heldQuiz.enabled = false;
		expect(held.waiting).toBeNull();
		await held.stepForward();
		expect(held.index).toBe(held.forwardCount);
	});

	test('a refused second Backward keeps the held step held', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		const quiz = new QuizState(trace);
		quiz.enabled = true;
		await trace.backward(false);
		const held = trace.index;
		await trace.backward(false);
		expect(trace.error?.code).toBe('freed');
		expect(trace.index).toBe(held);
		expect(quiz.step?.name).toBe('z');
	});

	test('the hints setting is remembered', () => {
		const local = new MemoryStorage();
		const trace = new TraceState(new EditorState({ initial: chain }));
		const quiz = new QuizState(trace, { local });
		expect(quiz.hints).toBe(true);
		quiz.hints = false;
		expect(local.getItem(QUIZ_HINTS_KEY)).toBe('0');
		expect(new QuizState(trace, { local }).hints).toBe(false);
	});

	test('the revealed gradient is the one the canvas then shows', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		const quiz = new QuizState(trace);
		quiz.enabled = true;
		await trace.backward(false);
		const b = chain.nodes.find((n) => n.name === 'b')!.id;
		expect(trace.nodes.get(b)?.grad ?? null).toBeNull();
		quiz.reveal([['1'], ['1']]);
		expect(nestedList(trace.nodes.get(b)!.grad!)).toEqual([1]);
	});
});
