/** Calls as the importer sees them (arguments bound like Python's), problems, and helpers. */
import type { Expr } from '../ast';
import type { CodeProblemKind } from '../source';
import {
	problemText,
	type ProblemCode,
	type ProblemParams,
	type ProblemReason,
	type ProblemWording
} from '../problem-codes';
import { describeValue, type TensorValue, type Value } from './values';
import { MAX_DIMS } from '$lib/graph';
import { excerpt } from '$lib/util/excerpt';

/** A problem that stops the statement it is found in. */
export class ImportProblem {
	constructor(
		readonly offset: number,
		readonly message: string,
		readonly kind: CodeProblemKind,
		/** The code the UI words it from. */
		readonly wording: ProblemWording
	) {}
}

/** A problem by code: its English message from `PROBLEM_TEXT`, the UI's from the catalog. */
export function coded(
	offset: number,
	kind: CodeProblemKind,
	code: ProblemCode,
	params: ProblemParams = {},
	reason?: ProblemReason
): ImportProblem {
	const wording: ProblemWording =
		reason === undefined ? { code, params } : { code, params, reason };
	return new ImportProblem(offset, problemText(wording), kind, wording);
}

/** Reading a name whose statement was not imported (`bindFailed`). */
export function noValueProblem(
	offset: number,
	value: { name: string; why: ProblemReason }
): ImportProblem {
	return coded(offset, 'no-value', 'noValue', { name: value.name }, value.why);
}

/** A problem that stops the import (the node limit). */
export class StopImport {
	constructor(readonly problem: ImportProblem) {}
}

/** Python's own error, in its words: a value the call cannot take. */
export const pythonError = (offset: number, error: string) =>
	coded(offset, 'value', 'python', { error });
/** PyTorch's own error, in its words. */
export const pytorchError = (offset: number, error: string) =>
	coded(offset, 'value', 'pytorch', { error });

/** One argument of a call, evaluated. */
export interface Arg {
	value: Value;
	start: number;
}

export interface Call {
	/** How the code names the callee, for messages: `torch.randn`, `x.sum`. */
	callee: string;
	start: number;
	args: Arg[];
	keywords: Map<string, Arg>;
}

export const isTensorValue = (value: Value): value is TensorValue =>
	value.kind === 'tensor' || value.kind === 'fresh';

export function integerGradProblem(start: number): ImportProblem {
	return coded(start, 'value', 'integerGrad');
}

export function maxDimsProblem(start: number): ImportProblem {
	return coded(start, 'value', 'maxDims', { max: MAX_DIMS });
}

/** Python's arithmetic on two numbers. */
export function foldNumbers(
	expr: Extract<Expr, { kind: 'binary' }>,
	left: Extract<Value, { kind: 'number' }>,
	right: Extract<Value, { kind: 'number' }>
): Value {
	const integer = left.integer && right.integer;
	const a = left.value;
	const b = right.value;
	switch (expr.op) {
		case '+':
			return { kind: 'number', value: a + b, integer };
		case '-':
			return { kind: 'number', value: a - b, integer };
		case '*':
			return { kind: 'number', value: a * b, integer };
		case '/':
			if (b === 0) throw pythonError(expr.opStart, 'division by zero');
			return { kind: 'number', value: a / b, integer: false };
		case '**':
			if (a === 0 && b < 0)
				throw pythonError(expr.opStart, '0.0 cannot be raised to a negative power');
			return { kind: 'number', value: a ** b, integer: integer && b >= 0 };
		default:
			throw coded(expr.opStart, 'value', 'numberOperator', { op: expr.op });
	}
}

/** Map call arguments to parameter names, as Python would; reports Python's TypeErrors. */
export function bindArgs(call: Call, params: readonly string[]): Map<string, Arg> {
	const bound = new Map<string, Arg>();
	if (call.args.length > params.length) {
		throw pythonError(
			call.args[params.length].start,
			`${call.callee}() takes ${params.length} positional argument${params.length === 1 ? '' : 's'} but ${call.args.length} were given`
		);
	}
	call.args.forEach((arg, i) => bound.set(params[i], arg));
	for (const [name, arg] of call.keywords) {
		if (!params.includes(name)) {
			throw pythonError(
				arg.start,
				`${call.callee}() got an unexpected keyword argument '${excerpt(name)}'`
			);
		}
		if (bound.has(name))
			throw pythonError(
				arg.start,
				`${call.callee}() got multiple values for argument '${excerpt(name)}'`
			);
		bound.set(name, arg);
	}
	return bound;
}

export function need(call: Call, args: Map<string, Arg>, name: string): Arg {
	const arg = args.get(name);
	if (arg === undefined)
		throw pythonError(call.start, `${call.callee}() missing required argument: '${name}'`);
	return arg;
}

export function asInteger(arg: Arg, what: string): number {
	const value = arg.value;
	if (value.kind === 'number' && value.integer && !Number.isSafeInteger(value.value)) {
		// Python's int has no size limit; PyTorch unpacks it as a 64-bit integer.
		throw Math.abs(value.value) >= 2 ** 63
			? coded(arg.start, 'value', 'integerOverflow', {
					what,
					error: 'Overflow when unpacking long long'
				})
			: coded(arg.start, 'value', 'integerTooBig', {
					what,
					value: String(BigInt(value.value)),
					max: Number.MAX_SAFE_INTEGER
				});
	}
	if (value.kind !== 'number' || !value.integer) {
		throw coded(arg.start, 'value', 'notInteger', { what, value: describeValue(value) });
	}
	return value.value;
}

export function asBool(arg: Arg, what: string): boolean {
	if (arg.value.kind !== 'bool') throw coded(arg.start, 'value', 'notBool', { what });
	return arg.value.value;
}

export function asReduction(arg: Arg): string {
	const value = arg.value;
	if (value.kind !== 'string') throw coded(arg.start, 'value', 'reductionValue');
	if (!['mean', 'sum', 'none'].includes(value.value)) {
		throw pytorchError(arg.start, `${excerpt(value.value)} is not a valid value for reduction`);
	}
	return value.value;
}

/** A `dim` argument: an int, or a tuple / list of ints. */
export function asDims(arg: Arg): number | number[] {
	if (arg.value.kind === 'sequence') {
		return arg.value.items.map((item) => asInteger({ value: item, start: arg.start }, 'dim'));
	}
	return asInteger(arg, 'dim');
}

/** Sizes given as `3, 4` or `(3, 4)` / `[3, 4]`. `allowInferred`: -1 is allowed (reshape). */
export function asSize(
	args: Arg[],
	what: string,
	allowInferred: boolean,
	start = args[0]?.start ?? 0
): number[] {
	let items: Arg[] = args;
	if (args.length === 1 && args[0].value.kind === 'sequence') {
		items = args[0].value.items.map((value) => ({ value, start: args[0].start }));
	}
	if (items.length === 0 && args.length === 0) throw coded(start, 'value', 'missing', { what });
	return items.map((item) => {
		const n = asInteger(item, what);
		if (n < 0 && !(allowInferred && n === -1)) {
			if (!allowInferred) return n;
			throw pytorchError(item.start, `invalid shape dimension ${n}`);
		}
		return n;
	});
}

export function sizeFromCall(call: Call, name: string): number[] {
	const keyword = call.keywords.get(name);
	if (keyword !== undefined && call.args.length > 0) {
		throw pythonError(call.start, `${call.callee}() got multiple values for argument '${name}'`);
	}
	for (const key of call.keywords.keys()) {
		if (key !== name)
			throw pythonError(
				call.keywords.get(key)!.start,
				`${call.callee}() got an unexpected keyword argument '${excerpt(key)}'`
			);
	}
	const args = keyword !== undefined ? [keyword] : call.args;
	if (args.length === 0)
		throw pythonError(call.start, `${call.callee}() missing required argument: '${name}'`);
	return asSize(args, name, true, call.start);
}

/** The shape and flat values of `torch.tensor`'s data. */
export function readNested(
	value: Value,
	start: number
): { shape: number[]; values: number[]; integer: boolean } {
	const values: number[] = [];
	let integer = true;
	const shape: number[] = [];
	const walk = (v: Value, depth: number): void => {
		if (v.kind === 'number') {
			if (depth !== shape.length)
				throw pytorchError(
					start,
					`expected sequence of length ${shape[depth]} at dim ${depth} (got a number)`
				);
			if (!Number.isFinite(v.value)) throw coded(start, 'value', 'notFinite', { value: v.value });
			integer &&= v.integer;
			values.push(v.value);
			return;
		}
		if (v.kind === 'sequence') {
			if (depth === shape.length) {
				if (values.length > 0) throw coded(start, 'value', 'numberAtDim', { dim: depth });
				if (depth >= MAX_DIMS) throw maxDimsProblem(start);
				shape.push(v.items.length);
			} else if (depth > shape.length || shape[depth] !== v.items.length) {
				throw pytorchError(
					start,
					`expected sequence of length ${shape[depth]} at dim ${depth} (got ${v.items.length})`
				);
			}
			if (v.items.length === 0) throw coded(start, 'value', 'emptyTensor');
			for (const item of v.items) walk(item, depth + 1);
			return;
		}
		if (v.kind === 'bool') throw coded(start, 'unsupported', 'boolTensor');
		if (v.kind === 'tensor' || v.kind === 'fresh') {
			throw coded(start, 'unsupported', 'tensorOfTensors');
		}
		if (v.kind === 'failed') throw noValueProblem(start, v);
		throw coded(start, 'value', 'tensorData', { value: describeValue(v) });
	};
	walk(value, 0);
	return { shape, values, integer };
}

/** How the code names a callee, for messages: `torch.randn`, `x.sum`, `model` (an excerpt). */
export function exprText(expr: Expr): string {
	return excerpt(calleeText(expr));
}

function calleeText(expr: Expr): string {
	if (expr.kind === 'name') return expr.id;
	if (expr.kind === 'attribute') return `${calleeText(expr.value)}.${expr.attr}`;
	if (expr.kind === 'call') return `${calleeText(expr.func)}(...)`;
	return '(...)';
}
