/**
 * The chain rule at a backward step, in TeX lines, with the step's values: numbers inline for
 * one-element tensors; otherwise the gradient from above and each input's gradient as matrices,
 * then the picked element through the chain rule. Every number is the trace's. The one number
 * shown here that the engine did not print is an element's local derivative, read as
 * grad / upstream, and only where that is what it is: the node is one number, or the op works
 * element by element on same-shaped tensors. Elsewhere the line says which elements the sum runs
 * over and shows the result.
 *
 * A tensor used several times gets one gradient per use, and they are added (PyTorch does it
 * before AccumulateGrad writes a leaf's `.grad`, before a non-leaf's own backward runs): each
 * such gradient is labelled as the part along its path (`∂L/∂X|via e`), and the step where the
 * parts are added shows the sum with its numbers, which are the engine's (the trace's `GradSum`).
 *
 * Also the step's explanation, in the UI's language.
 */
import { numel } from '$lib/engine/core';
import type { BackwardStep, GradPart, GradSum } from '$lib/graph';
import { hasMessage } from '$lib/i18n';
import { broadcastDims, indexIn, isElementwise, wasBroadcast, type Selection } from './selection';
import { texName, texText } from './tex-name';
import { ENGLISH, namedFormula, type Translate } from './forward-tex';
import { elementOf, texElement, texFactor, texIndex, texNumber, texTensor } from './tex-values';

export const partial = (of: string, wrt: string) => `\\frac{\\partial ${of}}{\\partial ${wrt}}`;

/** Letters for the indices a sum runs over. */
const SUM_LETTERS = ['i', 'j', 'k', 'l', 'm', 'n'];

const sameShape = (a: readonly number[], b: readonly number[]) =>
	a.length === b.length && a.every((d, i) => d === b[i]);

export function chainTex(
	step: BackwardStep,
	names: ReadonlyMap<string, string>,
	selection: Selection = new Map(),
	t: Translate = ENGLISH
): string[] {
	const upstream = step.upstream;
	const out = texName(names.get(step.outputId) ?? step.outputId);
	const lines: string[] = [];
	if (step.upstreamSum) {
		// The parts from each use of this node, added before its backward runs: the upstream.
		for (const line of sumTex(step.upstreamSum, 'u', step.nodeId, out, names, selection, t))
			lines.push(line);
	} else if (!allNumbers(step)) {
		const upIndex = indexIn(selection, step.nodeId, upstream.shape);
		lines.push(`${partial(out, texName(step.name))} = ${texTensor(upstream, 'u', upIndex)}`);
	}
	step.inputs.forEach((input, k) => {
		if (input.grad !== null)
			for (const line of inputTex(step, k, names, selection, t)) lines.push(line);
	});
	// Leaves whose last part arrived here: the parts, added into .grad.
	step.accumulated.forEach((acc, j) => {
		if (!acc.sum) return;
		for (const line of sumTex(acc.sum, `a${j}`, acc.nodeId, out, names, selection, t))
			lines.push(line);
	});
	return lines;
}

/** `via e`, the path of a part of a gradient, in TeX; the argument too when one op used the node twice. */
function viaTex(
	part: Pick<GradPart, 'fromId' | 'arg'>,
	twice: boolean,
	names: ReadonlyMap<string, string>,
	t: Translate
): string {
	const from = texName(names.get(part.fromId) ?? part.fromId);
	return `${texText(t('chain.via'))}\\,${from}${twice ? `\\,(\\mathrm{${part.arg}})` : ''}`;
}

/**
 * `∂out/∂target (via e)`: the part along one path. The label is full size, not a subscript, so
 * it reads on a projector.
 */
const partTex = (of: string, wrt: string, via: string) => `${partial(of, wrt)}\\,(${via})`;

/** The words of a part's path, for the explanation: `e`, or `y (input)` when one op used it twice. */
function viaWords(
	part: Pick<GradPart, 'fromId' | 'arg'>,
	twice: boolean,
	names: ReadonlyMap<string, string>
) {
	const from = names.get(part.fromId) ?? part.fromId;
	return twice ? `${from} (${part.arg})` : from;
}

/** Whether `part`'s op sent more than one of the parts (y = x * x sends x two). */
const sentTwice = (part: Pick<GradPart, 'fromId'>, parts: readonly Pick<GradPart, 'fromId'>[]) =>
	parts.filter((p) => p.fromId === part.fromId).length > 1;

/**
 * The sum of the parts of a node's gradient: `∂L/∂X = ∂L/∂X|via e + ∂L/∂X|via d = ...`, with the
 * numbers (or the matrices and the picked element). `slot` names the sum's matrix; its parts
 * are `<slot>p0`, `<slot>p1`, ...
 */
function sumTex(
	sum: GradSum,
	slot: string,
	nodeId: string,
	out: string,
	names: ReadonlyMap<string, string>,
	selection: Selection,
	t: Translate
): string[] {
	const target = texName(names.get(nodeId) ?? nodeId);
	const labels = sum.parts
		.map((part) => partTex(out, target, viaTex(part, sentTwice(part, sum.parts), names, t)))
		.join(' + ');
	const head = `${partial(out, target)} = ${labels}`;
	if (numel(sum.total.shape) === 1) {
		const numbers = sum.parts.map((part) => texFactor(part.grad.data[0])).join(' + ');
		return [`${head} = ${numbers} = ${texNumber(sum.total.data[0])}`];
	}
	const index = indexIn(selection, nodeId, sum.total.shape);
	const matrices = sum.parts
		.map((part, n) => texTensor(part.grad, `${slot}p${n}`, index))
		.join(' + ');
	// Each element in the format of its tensor, as the matrices show it.
	const elements = sum.parts
		.map((part) => texFactor(elementOf(part.grad, index), texElement(part.grad, index)))
		.join(' + ');
	return [
		`${head} = ${matrices} = ${texTensor(sum.total, slot, index)}`,
		`${partial(out, `${target}${texIndex(index)}`)} = ${elements} = ${texElement(sum.total, index)}`
	];
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
	selection: Selection = new Map(),
	t: Translate = ENGLISH
): string[] {
	const input = step.inputs[k];
	const grad = input.grad;
	if (!grad) return [];
	const { out, here, target } = texNames(step, k, names);
	// One of several parts of the input's gradient: labelled with its path.
	const via = input.paths > 1 ? pathOf(step, k, names, t) : null;
	const whole = (wrt: string) => (via === null ? partial(out, wrt) : partTex(out, wrt, via));
	const chain = chainProduct(step, k, names, whole(target));
	if (allNumbers(step)) {
		return [
			`${chain} = ${texNumber(step.upstream.data[0])} \\times ${texFactor(input.local!)} = ${texNumber(grad.data[0])}`
		];
	}
	const index = indexIn(selection, input.nodeId, grad.shape);
	const at = `${target}${texIndex(index)}`;
	return [
		`${chain} = ${texTensor(grad, `g${k}`, index)}`,
		elementLine(step, input, index, out, here, at, whole(at))
	];
}

/** The path of input `k`'s part, in TeX: `via <this node>` (and the argument, for y = x * x). */
function pathOf(step: BackwardStep, k: number, names: ReadonlyMap<string, string>, t: Translate) {
	const part = { fromId: step.nodeId, arg: step.inputs[k].arg };
	return viaTex(part, usedTwiceHere(step, k), names, t);
}

/** Whether input `k`'s node is another input of this step too (y = x * x). */
const usedTwiceHere = (step: BackwardStep, k: number) =>
	step.inputs.some((other, j) => j !== k && other.grad && other.nodeId === step.inputs[k].nodeId);

/**
 * Where the gradient this step sends to input `k` is only one part of that node's (the node is
 * used several times): the words of its path, `e`, or `y (input)` for y = x * x; else null.
 */
export function partPath(
	step: BackwardStep,
	k: number,
	names: ReadonlyMap<string, string>
): string | null {
	const input = step.inputs[k];
	if (!input.grad || input.paths < 2) return null;
	return viaWords({ fromId: step.nodeId, arg: input.arg }, usedTwiceHere(step, k), names);
}

/**
 * The chain rule of the step without its numbers (the quiz's hint): the op's formula with the
 * nodes' names, then the product of derivatives that gives each input's gradient.
 */
export function hintTex(
	step: BackwardStep,
	names: ReadonlyMap<string, string>,
	t: Translate = ENGLISH
): string[] {
	const formula = namedFormula(step.op, step.inputs, names);
	const lines = [`${texName(step.name)} = ${formula}`];
	step.inputs.forEach((input, k) => {
		if (input.grad === null) return;
		const { out, target } = texNames(step, k, names);
		const lhs =
			input.paths > 1 ? partTex(out, target, pathOf(step, k, names, t)) : partial(out, target);
		// At the output itself the upstream ∂z/∂z is 1, and "∂z/∂y = ∂z/∂z · ∂z/∂y" would say
		// nothing: the hint is to differentiate the formula.
		if (step.nodeId === step.outputId) {
			lines.push(`${lhs} = \\frac{\\partial}{\\partial ${target}}\\left(${formula}\\right)`);
		} else lines.push(chainProduct(step, k, names, lhs));
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

/** `∂out/∂input = ∂out/∂here · ∂here/∂input`, for input `k` (`lhs`: how the left side reads). */
function chainProduct(
	step: BackwardStep,
	k: number,
	names: ReadonlyMap<string, string>,
	lhs?: string
): string {
	const { out, here, target } = texNames(step, k, names);
	return `${lhs ?? partial(out, target)} = ${partial(out, here)} \\cdot ${partial(here, target)}`;
}

/**
 * The picked element of an input's gradient, through the chain rule: `at` is the input's element
 * (`target[index]`), `lhs` the left side, `∂out/∂at` (marked as a part where it is one).
 */
function elementLine(
	step: BackwardStep,
	input: BackwardStep['inputs'][number],
	index: readonly number[],
	out: string,
	here: string,
	at: string,
	lhs: string
): string {
	const grad = input.grad!;
	const value = elementOf(grad, index);
	// The element in the format of its tensor, as the matrix above shows it.
	const valueTex = texElement(grad, index);
	const upstream = step.upstream;
	const honest = (up: number, upNumber: string, upTex: string, local: string) => {
		const known = up !== 0 && Number.isFinite(up) && Number.isFinite(value);
		const numbers = known
			? `${upNumber} \\times ${texFactor(value / up)}`
			: `${texFactor(up, upNumber)} \\cdot ${local}`;
		return `${lhs} = ${partial(out, upTex)} \\cdot ${local} = ${numbers} = ${valueTex}`;
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
		return `${lhs} = ${sums} ${partial(out, hereAt)} \\cdot ${partial(hereAt, at)} = ${valueTex}`;
	}
	// Any other op: the element may feed every output element.
	const hereAt = `${here}_{j}`;
	return `${lhs} = \\sum_{j} ${partial(out, hereAt)} \\cdot ${partial(hereAt, at)} = ${valueTex}`;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * What happens at a backward step, in plain words of the UI's language: one sentence per part
 * (joined by the panel as its language writes sentences). An input counts as broadcast when an
 * elementwise op stretched it to the output's shape, or when any other op received it with fewer
 * dims than its output and stretched it (the bias of `linear`); a weight multiplied into the
 * output is not. Where a node is used several times, they say that a gradient is one part of
 * its gradient, and where the parts are added.
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
	if (step.upstreamSum) {
		const count = step.upstreamSum.parts.length;
		parts.push(t('chain.sumNode', { name: step.name, count, output }));
	}
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
	// Parts of a gradient made here; a leaf whose parts are all added here says so just below.
	const summedHere = new Set(step.accumulated.filter((a) => a.sum).map((a) => a.nodeId));
	const told = new Set<string>();
	step.inputs.forEach((input, k) => {
		const via = partPath(step, k, names);
		if (via === null || summedHere.has(input.nodeId) || told.has(input.nodeId)) return;
		told.add(input.nodeId);
		const name = names.get(input.nodeId) ?? input.nodeId;
		parts.push(t('chain.pathPart', { name, count: input.paths, via }));
	});
	for (const acc of step.accumulated) {
		if (!acc.sum) continue;
		const name = names.get(acc.nodeId) ?? acc.nodeId;
		parts.push(t('chain.sumLeaf', { name, count: acc.sum.parts.length, output }));
	}
	return parts;
}
