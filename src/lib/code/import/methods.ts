/**
 * Method calls as the importer reads them: tensor methods (registry ops by their method names,
 * then `backward`, `retain_grad`, `requires_grad_`, ...) and nn.Linear's methods. A new tensor
 * method that is not an op goes in `tensorMethod`; a new module's methods get a function here.
 */
import { loadFromFile, moduleMethod, objectMethod, optimizerMethod, recordDevice } from './blocks';
import { arrayMethod } from './constants';
import { quoted } from '$lib/engine/nn/module';
import { isLeaf } from '$lib/graph';
import {
	asBool,
	bindArgs,
	coded,
	integerGradProblem,
	need,
	pytorchError,
	type Arg,
	type Call
} from './args';
import { METHOD_OPS } from '../bindings';
import { checkDtypeValue } from './creation';
import { getNode, materialize, setAttrs, setRequiresGrad, transposeT } from './graph';
import { linearOp, registryOp } from './ops';
import type { ImportState } from './state';
import { isOpaque, type Linear, type TensorValue, type Value } from './values';
import { excerpt } from '$lib/util/excerpt';

const OPAQUE_METHODS = new Set([
	'item',
	'tolist',
	'numpy',
	'size',
	'dim',
	'numel',
	'type',
	'element_size'
]);
const IDENTITY_METHODS = new Set(['to', 'cuda', 'cpu', 'float', 'contiguous']);

/** `self.name(...)`: a method of a tensor, of a module, or of a value the canvas does not model. */
export function callMethod(state: ImportState, self: Value, name: string, call: Call): Value {
	if (name === 'to') recordDevice(state, call);
	switch (self.kind) {
		case 'tensor':
		case 'fresh':
			return tensorMethod(state, self, name, call);
		case 'object':
			return objectMethod(state, self, name, call);
		case 'optimizer':
			return optimizerMethod(state, self, name, call);
		case 'array':
			return arrayMethod(self, name, call);
		case 'linear':
			return linearMethod(state, self, name, call);
		case 'opaque':
			if (isOpaque(self, 'optimizer') && name === 'step') {
				throw coded(call.start, 'unsupported', 'optimizerStep');
			}
			return { kind: 'opaque', what: `${call.callee}()` };
		case 'string':
		case 'number':
		case 'sequence':
		case 'dict':
		case 'mse':
		case 'none':
		case 'bool':
		case 'dtype':
			return { kind: 'opaque', what: `${call.callee}()` };
		default:
			throw coded(call.start, 'unknown-function', 'unknownMethodCall', { callee: call.callee });
	}
}

function tensorMethod(state: ImportState, self: TensorValue, name: string, call: Call): Value {
	const selfArg: Arg = { value: self, start: call.start };
	const op = METHOD_OPS.get(name);
	if (op !== undefined) return registryOp(state, op, call, selfArg);
	switch (name) {
		case 't':
			bindArgs(call, []);
			return transposeT(state, self, call.start);
		case 'backward': {
			const args = bindArgs(call, ['gradient', 'retain_graph', 'create_graph', 'inputs']);
			const gradient = args.get('gradient');
			if (gradient !== undefined && gradient.value.kind !== 'none') {
				throw coded(gradient.start, 'unsupported', 'backwardGradient');
			}
			if (args.has('inputs'))
				throw coded(args.get('inputs')!.start, 'unsupported', 'backwardInputs');
			const retain = args.get('retain_graph');
			state.retainGraph = retain !== undefined && asBool(retain, 'retain_graph');
			state.output = materialize(state, self, call.start, 'backward()');
			state.unnamed.delete(state.output);
			state.sideEffect = true;
			return { kind: 'none' };
		}
		case 'retain_grad': {
			bindArgs(call, []);
			const id = materialize(state, self, call.start, 'retain_grad()');
			setAttrs(state, id, { ...(getNode(state, id).attrs ?? {}), retainGrad: true });
			state.sideEffect = true;
			return { kind: 'tensor', node: id };
		}
		case 'requires_grad_': {
			const args = bindArgs(call, ['requires_grad']);
			const flag = args.has('requires_grad')
				? asBool(args.get('requires_grad')!, 'requires_grad')
				: true;
			if (self.kind === 'fresh') {
				if (flag && self.integer) throw integerGradProblem(call.start);
				return { ...self, attrs: { ...self.attrs, requiresGrad: flag } };
			}
			setRequiresGrad(state, self.node, flag, call.start);
			state.sideEffect = true;
			return self;
		}
		case 'detach':
			bindArgs(call, []);
			if (self.kind === 'fresh') return { ...self, attrs: { ...self.attrs, requiresGrad: false } };
			throw coded(call.start, 'unsupported', 'detach');
		case 'double':
			throw coded(call.start, 'value', 'double');
	}
	if (IDENTITY_METHODS.has(name)) {
		const dtype = call.keywords.get('dtype') ?? call.args.find((a) => a.value.kind === 'dtype');
		if (dtype !== undefined) checkDtypeValue(dtype);
		return self;
	}
	if (OPAQUE_METHODS.has(name)) return { kind: 'opaque', what: `${call.callee}()` };
	if (name.endsWith('_') && !name.endsWith('__')) {
		throw coded(call.start, 'unsupported', 'inPlaceMethod', { callee: call.callee });
	}
	throw coded(call.start, 'unknown-function', 'unknownMethod', {
		callee: call.callee,
		owner: 'Tensor',
		name: excerpt(name)
	});
}

export function linearForward(state: ImportState, module: Linear, call: Call): Value {
	const args = bindArgs(call, ['input']);
	const input = need(call, args, 'input');
	const weight: Arg = { value: { kind: 'tensor', node: module.weight }, start: call.start };
	const bias: Arg | null =
		module.bias === null
			? null
			: { value: { kind: 'tensor', node: module.bias }, start: call.start };
	return linearOp(state, call.start, input, weight, bias);
}

function linearMethod(state: ImportState, module: Linear, name: string, call: Call): Value {
	if (name === 'forward') return linearForward(state, module, call);
	const inherited = moduleMethod(module, name, call, (dict) => {
		if (isOpaque(dict.value, 'stateDict')) {
			loadFromFile(state, dict, call);
			return;
		}
		loadStateDict(state, module, dict);
		state.sideEffect = true;
	});
	if (inherited !== null) return inherited;
	throw coded(call.start, 'unknown-function', 'unknownMethod', {
		callee: call.callee,
		owner: 'nn.Linear',
		name: excerpt(name)
	});
}

function loadStateDict(state: ImportState, module: Linear, arg: Arg): void {
	if (arg.value.kind !== 'dict') {
		throw coded(arg.start, 'unsupported', 'loadStateDictDict');
	}
	const expected = module.bias === null ? ['weight'] : ['weight', 'bias'];
	const keys = [...arg.value.entries.keys()];
	const missing = expected.filter((k) => !keys.includes(k));
	const unexpected = keys.filter((k) => !expected.includes(k));
	if (missing.length > 0 || unexpected.length > 0) {
		const lines = ['Error(s) in loading state_dict for Linear:'];
		if (missing.length > 0) lines.push(`Missing key(s) in state_dict: ${quoted(missing)}.`);
		if (unexpected.length > 0) {
			lines.push(`Unexpected key(s) in state_dict: ${quoted(unexpected)}.`);
		}
		throw pytorchError(arg.start, lines.join(' '));
	}
	for (const key of expected) {
		const entry = arg.value.entries.get(key)!;
		if (entry.value.kind !== 'fresh') {
			throw coded(entry.start, 'unsupported', 'loadStateDictTensor', { key: excerpt(key) });
		}
		const id = key === 'weight' ? module.weight : module.bias!;
		const parameter = getNode(state, id);
		const current = isLeaf(parameter) ? parameter.attrs.shape : [];
		const shape = entry.value.attrs.shape;
		if (shape.join(',') !== current.join(',')) {
			throw pytorchError(
				entry.start,
				`size mismatch for ${key}: copying a param with shape torch.Size([${shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${current.join(', ')}]).`
			);
		}
		const retain = getNode(state, id).attrs?.retainGrad;
		setAttrs(state, id, {
			...entry.value.attrs,
			requiresGrad: true,
			...(retain === true ? { retainGrad: true } : {})
		});
	}
}
