/**
 * The quiz's pure logic: what a backward step asks (the gradient it sends to each input that
 * gets one), how a typed prediction is read, when it counts as right, and the score. Nothing
 * here computes a gradient: the answers are the trace's.
 */
import { numel } from '$lib/engine/core';
import type { BackwardStep, TensorView } from '$lib/graph';
import { partPath } from '../ChainRulePanel/chain-tex';
import type { Translate } from '../ChainRulePanel/forward-tex';
import { elementOf, WHOLE_MAX } from '../ChainRulePanel/tex-values';

/** A prediction is right when |p - g| <= ABS_TOLERANCE + REL_TOLERANCE * |g|, element by element. */
export const ABS_TOLERANCE = 1e-3;
export const REL_TOLERANCE = 1e-2;

/** One gradient to predict: the one a backward step sends to its input `k`. */
export interface Question {
	/** The input's index in the step's inputs. */
	k: number;
	/** The node that receives the gradient. */
	nodeId: string;
	/** The answer (the trace's gradient). */
	answer: TensorView;
	/**
	 * The elements asked for, as rows of indices: the whole tensor when it is small (a number, a
	 * vector or a matrix up to WHOLE_MAX along each dim), else one element, [0, ..., 0].
	 */
	cells: (readonly number[])[][];
	/** Whether the whole tensor is asked for (false: only `cells[0][0]`). */
	whole: boolean;
}

/** The gradient a question asks for, as the student reads it: `∂z/∂w`. */
export function gradLabel(
	step: BackwardStep,
	question: Question,
	names: ReadonlyMap<string, string>
): string {
	const name = (id: string) => names.get(id) ?? id;
	return `∂${name(step.outputId)}/∂${name(question.nodeId)}`;
}

/**
 * The question's heading: `∂z/∂w`, or `∂L/∂X (via e)` where the node is used several times and
 * the step sends only the part along one path, as the hint and the reveal write it.
 */
export function questionLabel(
	step: BackwardStep,
	question: Question,
	names: ReadonlyMap<string, string>,
	t: Translate
): string {
	const via = partPath(step, question.k, names);
	const grad = gradLabel(step, question, names);
	return via === null ? grad : `${grad} (${t('chain.via')} ${via})`;
}

/**
 * Where the question asks for one path's part of a gradient, the sentence that says so (the
 * parts add up to the whole, a leaf's `.grad`); null for a whole gradient.
 */
export function partNote(
	step: BackwardStep,
	question: Question,
	names: ReadonlyMap<string, string>,
	t: Translate
): string | null {
	const via = partPath(step, question.k, names);
	if (via === null) return null;
	const name = (id: string) => names.get(id) ?? id;
	return t('quiz.pathPart', {
		name: name(question.nodeId),
		output: name(step.outputId),
		count: step.inputs[question.k].paths,
		via
	});
}

/** The gradients a backward step reveals: one question per input that receives one (not empty). */
export function questionsOf(step: BackwardStep): Question[] {
	const questions: Question[] = [];
	step.inputs.forEach((input, k) => {
		if (input.grad !== null && numel(input.grad.shape) > 0)
			questions.push(questionFor(k, input.nodeId, input.grad));
	});
	return questions;
}

function questionFor(k: number, nodeId: string, answer: TensorView): Question {
	const shape = answer.shape;
	const whole = shape.length <= 2 && shape.every((size) => size <= WHOLE_MAX);
	if (!whole) {
		return { k, nodeId, answer, cells: [[shape.map(() => 0)]], whole: numel(shape) === 1 };
	}
	const rows = shape.length === 2 ? shape[0] : 1;
	const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
	const cells = Array.from({ length: rows }, (_, r) =>
		Array.from({ length: cols }, (_, c) =>
			shape.length === 2 ? [r, c] : shape.length === 1 ? [c] : []
		)
	);
	return { k, nodeId, answer, cells, whole };
}

const FRACTION = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*\/\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A typed number: `2`, `-0.5`, `.5`, `1e-3`, a fraction `1/3`; a Unicode minus (−), full-width
 * digits and a decimal comma (0,5) are read too. Null when it is not a number.
 */
export function parseNumber(text: string): number | null {
	const plain = text
		.normalize('NFKC')
		.trim()
		.replace(/\u2212/g, '-')
		.replace(/^([+-]?\d*),(\d+)$/, '$1.$2');
	if (DECIMAL.test(plain)) return Number(plain);
	const fraction = FRACTION.exec(plain);
	if (fraction) {
		const value = Number(fraction[1]) / Number(fraction[2]);
		return Number.isFinite(value) ? value : null;
	}
	return null;
}

/** Whether a predicted number matches the gradient's, within the stated tolerance. */
export function isClose(predicted: number, actual: number): boolean {
	if (Number.isNaN(actual)) return Number.isNaN(predicted);
	if (!Number.isFinite(actual)) return predicted === actual;
	return Math.abs(predicted - actual) <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(actual);
}

/** A graded answer to one question. */
export interface Graded {
	question: Question;
	/** The predicted numbers, in the order of `question.cells` (row by row). */
	predicted: number[];
	/** Whether each predicted number is right. */
	right: boolean[];
	/** Whether every number is right. */
	correct: boolean;
}

/**
 * Grades the typed texts of one question (row by row, one per cell). Null when a text is not a
 * number: nothing is graded then (the student corrects it first).
 */
export function grade(question: Question, texts: readonly string[]): Graded | null {
	const cells = question.cells.flat();
	if (texts.length !== cells.length) return null;
	const predicted: number[] = [];
	for (const text of texts) {
		const value = parseNumber(text);
		if (value === null) return null;
		predicted.push(value);
	}
	const right = cells.map((index, i) => isClose(predicted[i], elementOf(question.answer, index)));
	return { question, predicted, right, correct: right.every(Boolean) };
}

/** The session's score: questions answered right, of those answered (skipped ones do not count). */
export interface Score {
	correct: number;
	answered: number;
}

export const NO_SCORE: Score = { correct: 0, answered: 0 };

export function addToScore(score: Score, graded: readonly Graded[]): Score {
	return {
		correct: score.correct + graded.filter((g) => g.correct).length,
		answered: score.answered + graded.length
	};
}

/** A stored score, when it reads as one (counts that are whole, not negative, correct <= answered). */
export function readScore(value: unknown): Score | null {
	if (typeof value !== 'object' || value === null) return null;
	const { correct, answered } = value as Record<string, unknown>;
	const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
	if (!count(correct) || !count(answered) || correct > answered) return null;
	return { correct, answered };
}
