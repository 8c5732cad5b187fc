/**
 * The forward formula of a trace step, in TeX lines: the registry's `ui.formula` with the input
 * names replaced by the nodes' names, then by the step's values (numbers, or the matrices), then
 * the picked element through the same formula. The values are the trace's; nothing is computed
 * here.
 */
import { numel } from '$lib/engine/core';
import { getOp } from '$lib/engine/registry';
import { LEAF_OP, type ForwardStep } from '$lib/graph';
import { translate, type MessageKey, type MessageParams } from '$lib/i18n';
import { indexIn, isElementwise, broadcastSource, type Selection } from './selection';
import { texName, texText } from './tex-name';
import { elementOf, texElement, texFactor, texIndex, texTensor } from './tex-values';

interface FormulaInput {
	/** PyTorch's argument name. */
	arg: string;
	nodeId: string;
}

/** The registry's formula of `op` with each `\mathrm{arg}` replaced by `value(input, k)`. */
function substituteInputs<I extends FormulaInput>(
	op: string,
	inputs: readonly I[],
	value: (input: I, k: number) => string
): string {
	const formula = getOp(op)?.ui.formula ?? op;
	return inputs.reduce(
		(tex, input, k) => tex.split(`\\mathrm{${input.arg}}`).join(value(input, k)),
		formula
	);
}

/** The registry's formula of `op` with the names of the nodes that feed it. */
export function namedFormula(
	op: string,
	inputs: readonly FormulaInput[],
	names: ReadonlyMap<string, string>
): string {
	return substituteInputs(op, inputs, (input) => texName(names.get(input.nodeId) ?? input.arg));
}

/** The UI's words (`i18n.t`); English where none are given. */
export type Translate = (key: MessageKey, params?: MessageParams) => string;
export const ENGLISH: Translate = (key, params) => translate('en', key, params);

/** The reductions whose formula sums over `dim` when it is given. */
const OVER_DIMS = new Set(['sum', 'mean']);

/**
 * Which dims a sum or mean runs over, in words, after its formula (`Σᵢ` alone would not say):
 * `(over dim 1, keepdim)`. Nothing when it runs over every element.
 */
function reducedDims(step: ForwardStep, t: Translate): string {
	const dim = step.attrs.dim;
	if (!OVER_DIMS.has(step.op) || dim === undefined || dim === null) return '';
	const rank = step.inputs[0]?.value.shape.length ?? 0;
	const listed = (Array.isArray(dim) ? dim : [dim]) as number[];
	// An empty list is every dim, as PyTorch reads it.
	const dims = (listed.length === 0 ? Array.from({ length: rank }, (_, i) => i) : listed)
		.map((d) => (d < 0 ? d + rank : d))
		.sort((a, b) => a - b);
	const key = step.attrs.keepdim === true ? 'chain.reduceDimsKeep' : 'chain.reduceDims';
	const words = t(key, { dims: dims.join(', '), count: dims.length });
	return `\\;\\;${texText(words)}`;
}

export function forwardTex(
	step: ForwardStep,
	names: ReadonlyMap<string, string>,
	selection: Selection = new Map(),
	t: Translate = ENGLISH
): string[] {
	const out = texName(step.name);
	const outIndex = indexIn(selection, step.nodeId, step.output.shape);
	const outValue = texTensor(step.output, 'o', outIndex);
	const scalar = numel(step.output.shape) === 1;
	const element = `${out}${texIndex(outIndex)} = ${texElement(step.output, outIndex)}`;
	if (step.op === LEAF_OP)
		return scalar ? [`${out} = ${outValue}`] : [`${out} = ${outValue}`, element];

	const substitute = (value: (input: ForwardStep['inputs'][number], k: number) => string) =>
		substituteInputs(step.op, step.inputs, value);
	const nameOf = (input: ForwardStep['inputs'][number]) =>
		texName(names.get(input.nodeId) ?? input.arg);
	const named = namedFormula(step.op, step.inputs, names);
	const valued = substitute((input, k) => {
		const view = input.value;
		if (numel(view.shape) === 1) return texFactor(view.data[0]);
		return `{${texTensor(view, `i${k}`, indexIn(selection, input.nodeId, view.shape))}}`;
	});
	const lines = [`${out} = ${named}${reducedDims(step, t)} = ${valued} = ${outValue}`];
	if (scalar) return lines;
	if (!isElementwise(step.op)) return [...lines, element];
	// Elementwise: the picked output element, from the input elements that feed it.
	const sources = step.inputs.map((input) => broadcastSource(outIndex, input.value.shape));
	const indexedNames = substitute((input, k) => `${nameOf(input)}${texIndex(sources[k])}`);
	const elementValues = substitute((input, k) =>
		texFactor(elementOf(input.value, sources[k]), texElement(input.value, sources[k]))
	);
	lines.push(
		`${out}${texIndex(outIndex)} = ${indexedNames} = ${elementValues} = ${texElement(step.output, outIndex)}`
	);
	return lines;
}
