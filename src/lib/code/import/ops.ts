/**
 * Registry ops called from Python: an op's inputs and attributes read from a call's arguments
 * by the names its registry entry declares (see `PythonBinding`), and the few ops with a
 * Python signature of their own (`F.mse_loss`'s legacy arguments, `linear`'s optional bias).
 */
import { errorMessage } from '$lib/util/error-message';
import type { OpDef } from '$lib/engine/core';
import type { AttrSpec } from '$lib/engine/registry';
import { inferReshape } from '$lib/engine/registry';
import {
	asBool,
	asDims,
	asInteger,
	asReduction,
	asSize,
	bindArgs,
	coded,
	need,
	sizeFromCall,
	pytorchError,
	type Arg,
	type Call
} from './args';
import { checkShape } from './creation';
import { addOp, type OpInput } from './graph';
import type { ImportState } from './state';
import type { Value } from './values';

/**
 * Reads a registry attribute from a call's arguments into `attrs`, by its kind; one left out
 * stays out (`addOp` fills in the declared defaults, as the palette does).
 */
function readAttr(
	spec: AttrSpec,
	call: Call,
	args: Map<string, Arg>,
	sizeMethod: boolean,
	attrs: Record<string, unknown>
): void {
	const name = spec.name;
	const arg = args.get(name);
	switch (spec.kind) {
		case 'shape':
			attrs[name] = sizeMethod
				? sizeFromCall(call, name)
				: asSize([need(call, args, name)], name, true);
			return;
		case 'dims':
			if (arg !== undefined && arg.value.kind !== 'none') attrs[name] = asDims(arg);
			return;
		case 'dim':
			attrs[name] = asInteger(need(call, args, name), name);
			return;
		case 'bool':
		case 'reduction': {
			if (arg === undefined) return;
			attrs[name] = spec.kind === 'bool' ? asBool(arg, name) : asReduction(arg);
			return;
		}
		case 'number': {
			// An optional number left out or given as None stays out (PyTorch's None).
			if (spec.optional && (arg === undefined || arg.value.kind === 'none')) return;
			const value = need(call, args, name).value;
			if (value.kind !== 'number') throw coded(call.start, 'value', 'notNumber', { what: name });
			attrs[name] = value.value;
			return;
		}
	}
}

/**
 * A registry op called by one of its Python names (see `PythonBinding`). `self` is the tensor
 * a method is called on, its first input; the other inputs and the attributes are bound by
 * their registry names, after them `extra` keywords the call may pass.
 */
export function registryOp(
	state: ImportState,
	op: OpDef,
	call: Call,
	self: Arg | null,
	extra: readonly string[] = []
): Value {
	const specs = op.attrs ?? [];
	// x.reshape(3, 2), x.expand(2, 3): a method takes the size's numbers as its arguments.
	const sizeMethod = self !== null && op.python?.attrs === 'size';
	const tensorNames = self === null ? op.inputs : op.inputs.slice(1);
	const args = sizeMethod
		? new Map<string, Arg>()
		: bindArgs(call, [...tensorNames, ...specs.map((spec) => spec.name), ...extra]);
	const inplace = args.get('inplace');
	if (inplace !== undefined && asBool(inplace, 'inplace')) {
		throw coded(call.start, 'unsupported', 'inPlace');
	}
	const attrs: Record<string, unknown> = {};
	const read = (spec: AttrSpec) => readAttr(spec, call, args, sizeMethod, attrs);
	// A size is read before the tensor (torch.reshape reports a bad size first).
	for (const spec of specs) if (spec.kind === 'shape') read(spec);
	const tensors = tensorNames.map((name) => need(call, args, name));
	if (self !== null) tensors.unshift(self);
	if (tensors.length > 1 && tensors.every((arg) => arg.value.kind === 'number')) {
		throw coded(call.start, 'value', 'needsTensor', { callee: call.callee });
	}
	for (const spec of specs) if (spec.kind !== 'shape') read(spec);
	if (op.id === 'reshape') return reshape(state, call, tensors[0], attrs.shape as number[]);
	return addOp(
		state,
		op.id,
		call.start,
		tensors.map((arg, i) => [op.inputs[i], arg.value, arg.start]),
		attrs
	);
}

export function mseLoss(
	state: ImportState,
	call: Call,
	input: Arg,
	target: Arg,
	reduction: string
): Value {
	return addOp(
		state,
		'mse_loss',
		call.start,
		[
			['input', input.value, input.start],
			['target', target.value, target.start]
		],
		{ reduction }
	);
}

/**
 * The reduction of `F.mse_loss(..., reduction=)` and `nn.MSELoss(reduction=)`; their deprecated
 * `size_average=` and `reduce=` are refused.
 */
export function mseReduction(args: Map<string, Arg>): string {
	for (const legacy of ['size_average', 'reduce']) {
		if (args.has(legacy))
			throw coded(args.get(legacy)!.start, 'unsupported', 'deprecated', { name: legacy });
	}
	return args.has('reduction') ? asReduction(args.get('reduction')!) : 'mean';
}

/** A linear node: `F.linear(input, weight, bias)`, or an nn.Linear called on `input`. */
export function linearOp(
	state: ImportState,
	start: number,
	input: Arg,
	weight: Arg,
	bias: Arg | null
): Value {
	const inputs: OpInput[] = [
		['input', input.value, input.start],
		['weight', weight.value, weight.start]
	];
	if (bias !== null) inputs.push(['bias', bias.value, bias.start]);
	return addOp(state, 'linear', start, inputs);
}

/** `reshape`; a new tensor that needs no grad stays a leaf when reshaped, as in PyTorch. */
function reshape(state: ImportState, call: Call, input: Arg, shape: number[]): Value {
	const value = input.value;
	if (value.kind === 'fresh' && !value.attrs.requiresGrad) {
		let newShape: number[];
		try {
			newShape = [...inferReshape(value.attrs.shape, shape)];
		} catch (error) {
			throw pytorchError(call.start, errorMessage(error));
		}
		checkShape(newShape, call.start);
		return { ...value, attrs: { ...value.attrs, shape: newShape } };
	}
	return addOp(state, 'reshape', call.start, [['input', value, input.start]], { shape });
}
