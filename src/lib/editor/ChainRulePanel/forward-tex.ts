/**
 * The forward formula of a trace step, in TeX: the registry's `ui.formula` with the input names
 * replaced by the nodes' names, then with the step's values (scalars) or shapes (tensors). The
 * values are the trace's; nothing is computed here.
 */
import { getOp } from '$lib/engine/registry';
import { firstValue, numelOf, texName, type ForwardStep, type TensorView } from '$lib/graph';
import { formatValue } from '$lib/viz/TensorView';

const show = (t: TensorView) =>
	numelOf(t.shape) === 1 ? formatValue(firstValue(t)) : `\\text{[${t.shape.join(', ')}]}`;

export function forwardTex(step: ForwardStep, names: ReadonlyMap<string, string>): string {
	const out = texName(step.name);
	if (step.op === 'tensor') return `${out} = ${show(step.output)}`;
	const formula = getOp(step.op)?.ui.formula ?? step.op;
	const substitute = (value: (input: ForwardStep['inputs'][number]) => string) =>
		step.inputs.reduce(
			(tex, input) => tex.split(`\\mathrm{${input.arg}}`).join(value(input)),
			formula
		);
	const named = substitute((input) => texName(names.get(input.nodeId) ?? input.arg));
	const valued = substitute((input) => show(input.value));
	return `${out} = ${named} = ${valued} = ${show(step.output)}`;
}
