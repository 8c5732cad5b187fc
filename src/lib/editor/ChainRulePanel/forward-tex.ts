/**
 * The forward formula of a trace step, in TeX: the registry's `ui.formula` with the input names
 * replaced by the nodes' names, then with the step's values (scalars) or shapes (tensors). The
 * values are the trace's; nothing is computed here.
 */
import { getOp } from '$lib/engine/registry';
import { texName, type ForwardStep, type TensorView } from '$lib/graph';
import { formatValue } from '$lib/viz/TensorView';

const numel = (t: TensorView) => t.shape.reduce((a, b) => a * b, 1);
const first = (t: TensorView): number => {
	const dig = (v: TensorView['values']): number => (Array.isArray(v) ? dig(v[0]) : v);
	return dig(t.values);
};
const show = (t: TensorView) =>
	numel(t) === 1 ? formatValue(first(t)) : `\\text{[${t.shape.join(', ')}]}`;

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
