/**
 * The forward formula of a trace step, in TeX lines: the registry's `ui.formula` with the input
 * names replaced by the nodes' names, then by the step's values (numbers, or the matrices), then
 * the picked element through the same formula. The values are the trace's; nothing is computed
 * here.
 */
import { numel } from '$lib/engine/core';
import { getOp } from '$lib/engine/registry';
import { LEAF_OP, type ForwardStep } from '$lib/graph';
import { indexIn, isElementwise, broadcastSource, type Selection } from './selection';
import { texName } from './tex-name';
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

export function forwardTex(
	step: ForwardStep,
	names: ReadonlyMap<string, string>,
	selection: Selection = new Map()
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
	const lines = [`${out} = ${named} = ${valued} = ${outValue}`];
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
