/**
 * Tensor creation as the importer reads it: `torch.tensor`, `zeros`, `ones`, `full`, `arange`,
 * `rand` and `randn` give new leaves (see `Value` `fresh`), with PyTorch's argument rules.
 */
import { MAX_NUMEL, numel } from '$lib/engine/core';
import { MAX_DIMS, MAX_VALUES, type LeafAttrs } from '$lib/graph';
import {
	asBool,
	asSize,
	bindArgs,
	integerGradProblem,
	need,
	readNested,
	coded,
	pythonError,
	pytorchError,
	maxDimsProblem,
	type Arg,
	type Call
} from './args';
import { nextSeed } from './graph';
import { leafValues, parseDrawnComment } from '../leaves';
import { lineOf, type ImportState } from './state';
import type { Value } from './values';
import { excerpt } from '$lib/util/excerpt';

const FLOAT_DTYPES = new Set(['float32', 'float']);

/** `requires_grad=` and `dtype=` of a creation call (`floatDtype`: dtype=torch.float32 given). */
export function creationOptions(args: Map<string, Arg>): {
	requiresGrad: boolean;
	floatDtype: boolean;
} {
	const floatDtype = checkDtype(args);
	const flag = args.get('requires_grad');
	const requiresGrad = flag === undefined ? false : asBool(flag, 'requires_grad');
	return { requiresGrad, floatDtype };
}

/** Checks `dtype=`; true when a float32 dtype is given. */
export function checkDtype(args: Map<string, Arg>): boolean {
	const dtype = args.get('dtype');
	if (dtype === undefined || dtype.value.kind === 'none') return false;
	return checkDtypeValue(dtype);
}

export function checkDtypeValue(dtype: Arg): boolean {
	if (dtype.value.kind !== 'dtype') throw coded(dtype.start, 'value', 'dtypeType');
	if (!FLOAT_DTYPES.has(dtype.value.name)) {
		throw coded(dtype.start, 'value', 'torchDtype', {
			dtype: `torch.${excerpt(dtype.value.name)}`
		});
	}
	return true;
}

export function checkShape(shape: number[], start: number): void {
	for (const d of shape) {
		if (d < 0)
			throw pytorchError(
				start,
				`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`
			);
		if (d === 0) throw coded(start, 'value', 'zeroSize');
	}
	if (shape.length > MAX_DIMS) throw maxDimsProblem(start);
	const count = numel(shape);
	if (count > MAX_NUMEL) {
		throw coded(start, 'value', 'tooManyElements', { count, max: MAX_NUMEL });
	}
}

export function fresh(attrs: LeafAttrs, integer: boolean, start: number): Value {
	checkShape(attrs.shape, start);
	if (integer && attrs.requiresGrad) throw integerGradProblem(start);
	return { kind: 'fresh', attrs, integer, start };
}

export function tensorLiteral(state: ImportState, call: Call): Value {
	const args = bindArgs(call, ['data', 'dtype', 'device', 'requires_grad', 'pin_memory']);
	const data = need(call, args, 'data');
	const { requiresGrad, floatDtype } = creationOptions(args);
	const read = readNested(data.value, data.start);
	if (read.values.length > MAX_VALUES) {
		throw coded(data.start, 'value', 'tooManyValues', { max: MAX_VALUES });
	}
	const integer = read.integer && !floatDtype;
	let attrs: LeafAttrs = { shape: read.shape, init: 'values', values: read.values, requiresGrad };
	const drawn = drawnLeaf(state, call.start, read.shape, read.values);
	if (drawn !== null)
		attrs = { shape: read.shape, init: drawn.init, seed: drawn.seed, requiresGrad };
	return fresh(attrs, integer && drawn === null, call.start);
}

/** A rand / randn leaf written as its values under generateCode's comment, if still intact. */
function drawnLeaf(
	state: ImportState,
	start: number,
	shape: number[],
	values: number[]
): { init: 'rand' | 'randn'; seed: number } | null {
	const comment = state.comments.get(lineOf(state, start) - 1);
	if (comment === undefined) return null;
	const parsed = parseDrawnComment(comment.text);
	if (parsed === null || parsed.shape.join(',') !== shape.join(',')) return null;
	if (parsed.seed > 2 ** 32 - 1) return null;
	const drawn = leafValues({ shape, init: parsed.init, seed: parsed.seed, requiresGrad: false });
	for (let i = 0; i < drawn.length; i++) if (Math.fround(values[i]) !== drawn[i]) return null;
	return { init: parsed.init, seed: parsed.seed };
}

export function filled(
	state: ImportState,
	name: 'zeros' | 'ones' | 'rand' | 'randn',
	call: Call
): Value {
	const options = [
		'size',
		'dtype',
		'device',
		'requires_grad',
		'layout',
		'pin_memory',
		'generator',
		'out'
	];
	const keywords = new Map(call.keywords);
	for (const key of ['layout', 'pin_memory', 'generator', 'out']) {
		if (keywords.has(key))
			throw coded(keywords.get(key)!.start, 'unsupported', 'keywordOption', { name: key });
	}
	for (const key of keywords.keys()) {
		if (!options.includes(key)) {
			throw pythonError(
				keywords.get(key)!.start,
				`${call.callee}() got an unexpected keyword argument '${excerpt(key)}'`
			);
		}
	}
	const sizeArg = keywords.get('size');
	if (sizeArg !== undefined && call.args.length > 0) {
		throw pythonError(call.start, `${call.callee}() got multiple values for argument 'size'`);
	}
	const shape = asSize(sizeArg !== undefined ? [sizeArg] : call.args, 'size', false, call.start);
	const { requiresGrad } = creationOptions(keywords);
	const attrs: LeafAttrs =
		name === 'rand' || name === 'randn'
			? { shape, init: name, seed: nextSeed(state), requiresGrad }
			: { shape, init: name, requiresGrad };
	return fresh(attrs, false, call.start);
}

export function full(call: Call): Value {
	const args = bindArgs(call, ['size', 'fill_value', 'dtype', 'device', 'requires_grad']);
	const shape = asSize([need(call, args, 'size')], 'size', false, call.start);
	const fill = need(call, args, 'fill_value');
	if (fill.value.kind !== 'number')
		throw coded(fill.start, 'value', 'notNumber', { what: 'fill_value' });
	if (!Number.isFinite(fill.value.value))
		throw coded(fill.start, 'value', 'notFiniteArg', { what: 'fill_value' });
	const { requiresGrad, floatDtype } = creationOptions(args);
	return fresh(
		{ shape, init: 'full', fill: fill.value.value, requiresGrad },
		fill.value.integer && !floatDtype,
		call.start
	);
}

export function arange(call: Call): Value {
	const names = ['start', 'end', 'step'];
	const keywords = new Map(call.keywords);
	const numbers: Partial<Record<string, Arg>> = {};
	if (call.args.length > 3)
		throw pythonError(call.start, `${call.callee}() takes at most 3 positional arguments`);
	const positional = call.args.length === 1 ? ['end'] : names.slice(0, call.args.length);
	call.args.forEach((arg, i) => (numbers[positional[i]] = arg));
	for (const key of names) {
		if (keywords.has(key)) {
			if (numbers[key] !== undefined)
				throw pythonError(
					call.start,
					`${call.callee}() got multiple values for argument '${excerpt(key)}'`
				);
			numbers[key] = keywords.get(key);
			keywords.delete(key);
		}
	}
	for (const key of keywords.keys()) {
		if (!['dtype', 'device', 'requires_grad'].includes(key)) {
			throw pythonError(
				keywords.get(key)!.start,
				`${call.callee}() got an unexpected keyword argument '${excerpt(key)}'`
			);
		}
	}
	if (numbers.end === undefined)
		throw pythonError(call.start, `${call.callee}() missing required argument: 'end'`);
	const read = (key: string, fallback: number) => {
		const arg = numbers[key];
		if (arg === undefined) return { value: fallback, integer: true };
		if (arg.value.kind !== 'number') throw coded(arg.start, 'value', 'notNumber', { what: key });
		return { value: arg.value.value, integer: arg.value.integer };
	};
	const start = read('start', 0);
	const end = read('end', 0);
	const step = read('step', 1);
	if (step.value === 0) throw pytorchError(call.start, 'step must be nonzero');
	if ((end.value - start.value) / step.value < 0) {
		throw pytorchError(call.start, 'upper bound and larger bound inconsistent with step sign');
	}
	const count = Math.ceil((end.value - start.value) / step.value);
	const { requiresGrad, floatDtype } = creationOptions(keywords);
	const integer = start.integer && end.integer && step.integer && !floatDtype;
	checkShape([count], call.start);
	if (start.value === 0 && step.value === 1) {
		return fresh({ shape: [count], init: 'arange', requiresGrad }, integer, call.start);
	}
	if (count > MAX_VALUES) throw coded(call.start, 'value', 'arangeTooLong', { max: MAX_VALUES });
	const values = Array.from({ length: count }, (_, i) => start.value + i * step.value);
	return fresh({ shape: [count], init: 'values', values, requiresGrad }, integer, call.start);
}
