/**
 * Calls as the importer reads them: what a callee is (a function in a module, a method, a
 * module such as nn.Linear), then torch functions, `torch.nn.functional` and `torch.nn`. Each
 * gives a value, a node on the canvas, or a problem with PyTorch's wording where PyTorch has one.
 * Registry ops are found by their Python names (`bindings.ts`); the cases here are the calls
 * that are not ops. A new torch function goes in `torchFunction`, a new nn module in
 * `nnModule` (its methods in `methods.ts`).
 */
import { LEAF_OP, MAX_VALUES } from '$lib/graph';
import { asBool, asInteger, bindArgs, coded, need, type Call } from './args';
import { FUNCTIONAL_OPS, TORCH_OPS } from '../bindings';
import { arange, checkDtype, filled, full, tensorLiteral } from './creation';
import { addNode, manualSeed, nextSeed, paramName, transposeT } from './graph';
import { linearInit } from '../leaves';
import { callMethod, linearForward } from './methods';
import { linearOp, mseLoss, mseReduction, registryOp } from './ops';
import type { ImportState } from './state';
import { describeValue, type Value } from './values';
import { callObject, instantiate, sgd, torchDevice } from './blocks';
import { fromNumpy } from './constants';
import { remark } from './state';
import { excerpt } from '$lib/util/excerpt';

/** Call a value with its arguments read (`call.args`, `call.keywords`). */
export function callValue(state: ImportState, callee: Value, call: Call): Value {
	switch (callee.kind) {
		case 'module':
			return callFunction(state, callee.path, call);
		case 'method':
			return callMethod(state, callee.self, callee.name, call);
		case 'linear':
			return linearForward(state, callee, call);
		case 'class':
			return instantiate(state, callee, call);
		case 'object':
			return callObject(state, callee, call);
		case 'mse': {
			const args = bindArgs(call, ['input', 'target']);
			return mseLoss(
				state,
				call,
				need(call, args, 'input'),
				need(call, args, 'target'),
				callee.reduction
			);
		}
		default:
			throw coded(call.start, 'value', 'notCallable', { value: describeValue(callee) });
	}
}

export function callFunction(state: ImportState, path: string, call: Call): Value {
	const root = path.split('.')[0];
	if (root === 'builtins') {
		throw coded(call.start, 'unsupported', 'builtinCall', {
			name: excerpt(path.slice('builtins.'.length))
		});
	}
	if (root !== 'torch') {
		throw root === 'numpy'
			? coded(call.start, 'unsupported', 'numpyCall', { callee: call.callee })
			: coded(call.start, 'unsupported', 'moduleCall', {
					callee: call.callee,
					module: excerpt(root)
				});
	}
	const name = path.slice(path.lastIndexOf('.') + 1);
	const module = path.slice(0, path.lastIndexOf('.'));
	if (module === 'torch') {
		const value = torchFunction(state, name, call);
		if (value !== null) return value;
	} else if (module === 'torch.nn.functional') {
		const value = functional(state, name, call);
		if (value !== null) return value;
	} else if (module === 'torch.nn') {
		const value = nnModule(state, name, call);
		if (value !== null) return value;
	} else if (module === 'torch.optim') {
		return name === 'SGD' ? sgd(call) : { kind: 'opaque', what: { phrase: 'optimizer' } };
	} else if (path === 'torch.cuda.is_available') {
		return { kind: 'opaque', what: 'torch.cuda.is_available()' };
	}
	throw coded(call.start, 'unknown-function', 'unknownFunction', { callee: call.callee });
}

function torchFunction(state: ImportState, name: string, call: Call): Value | null {
	switch (name) {
		case 'tensor':
			return tensorLiteral(state, call);
		case 'zeros':
		case 'ones':
		case 'rand':
		case 'randn':
			return filled(state, name, call);
		case 'full':
			return full(call);
		case 'arange':
			return arange(call);
		case 'manual_seed': {
			const args = bindArgs(call, ['seed']);
			const seed = asInteger(need(call, args, 'seed'), 'seed');
			manualSeed(state, seed);
			state.sideEffect = true;
			return { kind: 'opaque', what: { phrase: 'generator' } };
		}
		case 't': {
			const args = bindArgs(call, ['input']);
			return transposeT(state, need(call, args, 'input').value, call.start);
		}
		case 'device':
			return torchDevice(call);
		case 'no_grad':
		case 'enable_grad':
			return { kind: 'opaque', what: `torch.${name}()` };
		case 'save':
			remark(state, call.start, 'save', 'torch.save');
			return { kind: 'none' };
		case 'set_printoptions':
			return { kind: 'none' };
		case 'load':
			return { kind: 'opaque', what: { phrase: 'stateDict' } };
		case 'from_numpy':
			return fromNumpy(call);
	}
	const op = TORCH_OPS.get(name);
	return op === undefined ? null : registryOp(state, op, call, null);
}

function functional(state: ImportState, name: string, call: Call): Value | null {
	switch (name) {
		case 'mse_loss': {
			const args = bindArgs(call, ['input', 'target', 'size_average', 'reduce', 'reduction']);
			const reduction = mseReduction(args);
			return mseLoss(state, call, need(call, args, 'input'), need(call, args, 'target'), reduction);
		}
		case 'linear': {
			const args = bindArgs(call, ['input', 'weight', 'bias']);
			const input = need(call, args, 'input');
			const weight = need(call, args, 'weight');
			const bias = args.get('bias');
			const given = bias !== undefined && bias.value.kind !== 'none' ? bias : null;
			return linearOp(state, call.start, input, weight, given);
		}
	}
	const op = FUNCTIONAL_OPS.get(name);
	if (op === undefined) return null;
	// F.relu(x, inplace=True): the activations' in-place flag.
	return registryOp(state, op, call, null, op.kind === 'unary' ? ['inplace'] : []);
}

function nnModule(state: ImportState, name: string, call: Call): Value | null {
	switch (name) {
		case 'Linear': {
			const args = bindArgs(call, ['in_features', 'out_features', 'bias', 'device', 'dtype']);
			const inFeatures = asInteger(need(call, args, 'in_features'), 'in_features');
			const outFeatures = asInteger(need(call, args, 'out_features'), 'out_features');
			for (const [what, n] of [
				['in_features', inFeatures],
				['out_features', outFeatures]
			] as const) {
				if (n < 1) throw coded(call.start, 'value', 'atLeastOne', { what, value: n });
			}
			if (inFeatures * outFeatures > MAX_VALUES) {
				throw coded(call.start, 'value', 'linearTooBig', {
					in: inFeatures,
					out: outFeatures,
					max: MAX_VALUES
				});
			}
			const hasBias = args.has('bias') ? asBool(args.get('bias')!, 'bias') : true;
			checkDtype(args);
			const seed = nextSeed(state);
			const init = linearInit(inFeatures, outFeatures, hasBias, seed);
			const weight = addNode(
				state,
				LEAF_OP,
				paramName(state, 'weight'),
				{
					shape: [outFeatures, inFeatures],
					init: 'values',
					values: init.weight,
					requiresGrad: true
				},
				call.start
			);
			const bias =
				init.bias === null
					? null
					: addNode(
							state,
							LEAF_OP,
							paramName(state, 'bias'),
							{ shape: [outFeatures], init: 'values', values: init.bias, requiresGrad: true },
							call.start
						);
			return { kind: 'linear', weight, bias, inFeatures, outFeatures };
		}
		case 'MSELoss': {
			const args = bindArgs(call, ['size_average', 'reduce', 'reduction']);
			return { kind: 'mse', reduction: mseReduction(args) };
		}
		case 'Parameter': {
			const args = bindArgs(call, ['data', 'requires_grad']);
			const data = need(call, args, 'data');
			if (data.value.kind !== 'fresh') {
				throw coded(data.start, 'unsupported', 'parameterData');
			}
			const flag = args.has('requires_grad')
				? asBool(args.get('requires_grad')!, 'requires_grad')
				: true;
			return { ...data.value, attrs: { ...data.value.attrs, requiresGrad: flag } };
		}
	}
	return null;
}
