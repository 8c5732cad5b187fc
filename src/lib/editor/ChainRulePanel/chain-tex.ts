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
import { numel } from '$lib/engine';
import type { BackwardStep } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';
import { hasMessage } from '$lib/i18n';
import { broadcastDims, indexIn, isElementwise, wasBroadcast, type Selection } from './selection';
import { texName } from './tex-name';
import { elementOf, texFactor, texIndex, texNumber, texTensor } from './tex-values';

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
	const nameOf = (id: string) => texName(names.get(id) ?? id);
	const out = nameOf(step.outputId);
	const here = texName(step.name);
	const upstream = step.upstream;
	const upstreamScalar = numel(upstream.shape) === 1;
	const inputs = step.inputs.filter((input) => input.grad !== null);
	const lines: string[] = [];

	if (upstreamScalar && inputs.every((i) => i.local !== null)) {
		// Every tensor holds one number: the chain rule with the numbers, as on paper.
		for (const input of inputs) {
			const target = nameOf(input.nodeId);
			lines.push(
				`${partial(out, target)} = ${partial(out, here)} \\cdot ${partial(here, target)} = ${texNumber(upstream.data[0])} \\times ${texFactor(input.local!)} = ${texNumber(input.grad!.data[0])}`
			);
		}
		return lines;
	}

	const upIndex = indexIn(selection, step.nodeId, upstream.shape);
	lines.push(`${partial(out, here)} = ${texTensor(upstream, 'u', upIndex)}`);
	inputs.forEach((input) => {
		const k = step.inputs.indexOf(input);
		const grad = input.grad!;
		const target = nameOf(input.nodeId);
		const index = indexIn(selection, input.nodeId, grad.shape);
		lines.push(
			`${partial(out, target)} = ${partial(out, here)} \\cdot ${partial(here, target)} = ${texTensor(grad, `g${k}`, index)}`
		);
		lines.push(elementLine(step, input, k, index, out, here, target));
	});
	return lines;
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
	const at = `${target}${texIndex(index)}`;
	const upstream = step.upstream;
	const honest = (up: number, upTex: string, local: string) => {
		const known = up !== 0 && Number.isFinite(up) && Number.isFinite(value);
		const numbers = known
			? `${texNumber(up)} \\times ${texFactor(value / up)}`
			: `${texFactor(up)} \\cdot ${local}`;
		return `${partial(out, at)} = ${partial(out, upTex)} \\cdot ${local} = ${numbers} = ${texNumber(value)}`;
	};
	if (numel(upstream.shape) === 1) {
		// The node is one number: each input element's local derivative is one number too.
		return honest(upstream.data[0], here, partial(here, at));
	}
	if (isElementwise(step.op) && sameShape(input.shape, upstream.shape)) {
		const hereAt = `${here}${texIndex(index)}`;
		return honest(elementOf(upstream, index), hereAt, partial(hereAt, at));
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
		return `${partial(out, at)} = ${sums} ${partial(out, hereAt)} \\cdot ${partial(hereAt, at)} = ${texNumber(value)}`;
	}
	// Any other op: the element may feed every output element.
	const hereAt = `${here}_{j}`;
	return `${partial(out, at)} = \\sum_{j} ${partial(out, hereAt)} \\cdot ${partial(hereAt, at)} = ${texNumber(value)}`;
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
