/**
 * The chain rule at a backward step, in TeX lines, with the step's values: numbers inline for
 * one-element tensors; otherwise the gradient from above and each input's gradient as matrices,
 * then the picked element through the chain rule. Every number is the trace's. The one number
 * shown here that the engine did not print is an element's local derivative, read as
 * grad / upstream, and only where that is what it is: the node is one number, or the op works
 * element by element on same-shaped tensors. Elsewhere the line says which elements the sum runs
 * over and shows the result.
 *
 * Also the step's explanation, in the UI's language.
 */
import { numel } from '$lib/engine/core';
import type { BackwardStep } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';
import { hasMessage } from '$lib/i18n';
import { broadcastDims, indexIn, isElementwise, wasBroadcast, type Selection } from './selection';
import { texName } from './tex-name';
import { namedFormula } from './forward-tex';
import { elementOf, texElement, texFactor, texIndex, texNumber, texTensor } from './tex-values';

export const partial = (of: string, wrt: string) => `\\frac{\\partial ${of}}{\\partial ${wrt}}`;

/** Letters for the indices a sum runs over. */
const SUM_LETTERS = ['i', 'j', 'k', 'l', 'm', 'n'];

const sameShape = (a: readonly number[], b: readonly number[]) =>
	a.length === b.length && a.every((d, i) => d === b[i]);

export function chainTex(
	step: BackwardStep,
	names: ReadonlyMap<string, string>,
	selection: Selection = new Map()
): string[] {
	const upstream = step.upstream;
	const lines: string[] = [];
	if (!allNumbers(step)) {
		const upIndex = indexIn(selection, step.nodeId, upstream.shape);
		const out = texName(names.get(step.outputId) ?? step.outputId);
		lines.push(`${partial(out, texName(step.name))} = ${texTensor(upstream, 'u', upIndex)}`);
	}
	step.inputs.forEach((input, k) => {
		if (input.grad !== null)
			for (const line of inputTex(step, k, names, selection)) lines.push(line);
	});
	return lines;
}

/** Whether every tensor of the step holds one number (the chain rule is written as on paper). */
const allNumbers = (step: BackwardStep) =>
	numel(step.upstream.shape) === 1 &&
	step.inputs.every((input) => input.grad === null || input.local !== null);

/**
 * The chain rule that gives input `k` its gradient at this step: one line with the numbers when
 * every tensor holds one number, else the gradient as a matrix and the picked element.
 */
export function inputTex(
	step: BackwardStep,
	k: number,
	names: ReadonlyMap<string, string>,
	selection: Selection = new Map()
): string[] {
	const input = step.inputs[k];
	const grad = input.grad;
	if (!grad) return [];
	const { out, here, target } = texNames(step, k, names);
	const chain = chainProduct(step, k, names);
	if (allNumbers(step)) {
		return [
			`${chain} = ${texNumber(step.upstream.data[0])} \\times ${texFactor(input.local!)} = ${texNumber(grad.data[0])}`
		];
	}
	const index = indexIn(selection, input.nodeId, grad.shape);
	return [
		`${chain} = ${texTensor(grad, `g${k}`, index)}`,
		elementLine(step, input, k, index, out, here, target)
	];
}

/**
 * The chain rule of the step without its numbers (the quiz's hint): the op's formula with the
 * nodes' names, then the product of derivatives that gives each input's gradient.
 */
export function hintTex(step: BackwardStep, names: ReadonlyMap<string, string>): string[] {
	const formula = namedFormula(step.op, step.inputs, names);
	const lines = [`${texName(step.name)} = ${formula}`];
	step.inputs.forEach((input, k) => {
		if (input.grad === null) return;
		// At the output itself the upstream ∂z/∂z is 1, and "∂z/∂y = ∂z/∂z · ∂z/∂y" would say
		// nothing: the hint is to differentiate the formula.
		if (step.nodeId === step.outputId) {
			const { out, target } = texNames(step, k, names);
			lines.push(
				`${partial(out, target)} = \\frac{\\partial}{\\partial ${target}}\\left(${formula}\\right)`
			);
		} else lines.push(chainProduct(step, k, names));
	});
	return lines;
}

/** The output, this node and input `k`, as TeX names. */
function texNames(step: BackwardStep, k: number, names: ReadonlyMap<string, string>) {
	const target = step.inputs[k].nodeId;
	return {
		out: texName(names.get(step.outputId) ?? step.outputId),
		here: texName(step.name),
		target: texName(names.get(target) ?? target)
	};
}

/** `∂out/∂input = ∂out/∂here · ∂here/∂input`, for input `k`. */
function chainProduct(step: BackwardStep, k: number, names: ReadonlyMap<string, string>): string {
	const { out, here, target } = texNames(step, k, names);
	return `${partial(out, target)} = ${partial(out, here)} \\cdot ${partial(here, target)}`;
}

/** The picked element of an input's gradient, through the chain rule. */
function elementLine(
	step: BackwardStep,
	input: BackwardStep['inputs'][number],
	k: number,
	index: readonly number[],
	out: string,
	here: string,
	target: string
): string {
	const grad = input.grad!;
	const value = elementOf(grad, index);
	// The element in the format of its tensor, as the matrix above shows it.
	const valueTex = texElement(grad, index);
	const at = `${target}${texIndex(index)}`;
	const upstream = step.upstream;
	const honest = (up: number, upNumber: string, upTex: string, local: string) => {
		const known = up !== 0 && Number.isFinite(up) && Number.isFinite(value);
		const numbers = known
			? `${upNumber} \\times ${texFactor(value / up)}`
			: `${texFactor(up, upNumber)} \\cdot ${local}`;
		return `${partial(out, at)} = ${partial(out, upTex)} \\cdot ${local} = ${numbers} = ${valueTex}`;
	};
	if (numel(upstream.shape) === 1) {
		// The node is one number: each input element's local derivative is one number too.
		return honest(upstream.data[0], texNumber(upstream.data[0]), here, partial(here, at));
	}
	if (isElementwise(step.op) && sameShape(input.shape, upstream.shape)) {
		const hereAt = `${here}${texIndex(index)}`;
		return honest(
			elementOf(upstream, index),
			texElement(upstream, index),
			hereAt,
			partial(hereAt, at)
		);
	}
	if (isElementwise(step.op)) {
		// Broadcast: the element fed every output element along the broadcast dims; sum over them.
		const dims = broadcastDims(input.shape, upstream.shape);
		const offset = upstream.shape.length - input.shape.length;
		const hereIndex = upstream.shape.map((_, d) => {
			const letter = dims.indexOf(d);
			return letter >= 0 ? SUM_LETTERS[letter % SUM_LETTERS.length] : index[d - offset];
		});
		const sums = dims
			.map((d, n) => `\\sum_{${SUM_LETTERS[n % SUM_LETTERS.length]}=0}^{${upstream.shape[d] - 1}}`)
			.join(' ');
		const hereAt = `${here}${texIndex(hereIndex)}`;
		return `${partial(out, at)} = ${sums} ${partial(out, hereAt)} \\cdot ${partial(hereAt, at)} = ${valueTex}`;
	}
	// Any other op: the element may feed every output element.
	const hereAt = `${here}_{j}`;
	return `${partial(out, at)} = \\sum_{j} ${partial(out, hereAt)} \\cdot ${partial(hereAt, at)} = ${valueTex}`;
}

type Translate = (key: MessageKey, params?: MessageParams) => string;

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * What happens at a backward step, in plain words of the UI's language: one sentence per part
 * (joined by the panel as its language writes sentences). An input counts as broadcast when an
 * elementwise op stretched it to the output's shape, or when any other op received it with fewer
 * dims than its output and stretched it (the bias of `linear`); a weight multiplied into the
 * output is not.
 */
export function backwardExplanation(
	step: BackwardStep,
	names: ReadonlyMap<string, string>,
	t: Translate
): string[] {
	const output = names.get(step.outputId) ?? step.outputId;
	const parts = [
		step.nodeId === step.outputId
			? t('chain.backwardStart', { output })
			: t('chain.backwardExplain', { output, name: step.name })
	];
	const note = `chain.opGrad.${step.op}`;
	if (hasMessage(note)) parts.push(t(note));
	const to = step.upstream.shape;
	const elementwise = isElementwise(step.op);
	for (const input of step.inputs) {
		if (!input.grad || !wasBroadcast(input.shape, to)) continue;
		if (!elementwise && input.shape.length >= to.length) continue;
		parts.push(
			t('chain.broadcast', {
				name: names.get(input.nodeId) ?? input.nodeId,
				from: shapeText(input.shape),
				to: shapeText(to)
			})
		);
	}
	return parts;
}
