/**
 * The small constant programs the tutorial builds its data with, evaluated at import time:
 * `range(...)` of integers, `[2*i + 1 for i in xs]` (one `for`, numbers only),
 * `np.array(list, dtype=np.float32)`, `.reshape(-1, 1)` and `torch.from_numpy(...)`, which
 * turns the array into a leaf. Sizes are bounded by the canvas's limit (MAX_VALUES): a longer
 * range is refused before any list is made.
 */
import type { Expr } from '../ast';
import { asInteger, bindArgs, coded, exprText, need, pythonError, type Call } from './args';
import { fresh } from './creation';
import { evaluate } from './expressions';
import type { ImportState } from './state';
import { describeValue, type Value } from './values';
import { MAX_VALUES } from '$lib/graph';
import { excerpt } from '$lib/util/excerpt';

type ArrayValue = Extract<Value, { kind: 'array' }>;

/** Functions outside torch that are evaluated here (their arguments read here too). */
export const CONSTANT_FUNCTIONS = new Set(['builtins.range', 'numpy.array', 'numpy.asarray']);

/** `range(...)`, `np.array(...)`: the call's arguments read, then evaluated. */
export function constantCall(
	state: ImportState,
	path: string,
	expr: Extract<Expr, { kind: 'call' }>
): Value {
	const call: Call = {
		callee: exprText(expr.func),
		start: expr.start,
		args: expr.args.map((arg) => ({ value: evaluate(state, arg), start: arg.start })),
		keywords: new Map(
			expr.keywords.map((k) => [
				k.name ?? '**',
				{ value: evaluate(state, k.value), start: k.start }
			])
		)
	};
	return path === 'builtins.range' ? range(call) : numpyArray(call);
}

function range(call: Call): Value {
	if (call.keywords.size > 0) throw pythonError(call.start, 'range() takes no keyword arguments');
	if (call.args.length < 1 || call.args.length > 3) {
		throw pythonError(call.start, `range expected 1 to 3 arguments, got ${call.args.length}`);
	}
	const ints = call.args.map((arg) => asInteger(arg, 'range() argument'));
	const [start, stop, step] =
		ints.length === 1 ? [0, ints[0], 1] : [ints[0], ints[1], ints[2] ?? 1];
	if (step === 0) throw pythonError(call.start, 'range() arg 3 must not be zero');
	const count = Math.max(0, Math.ceil((stop - start) / step));
	if (count > MAX_VALUES) {
		throw coded(call.start, 'value', 'rangeTooLong', { count, max: MAX_VALUES });
	}
	const items: Value[] = [];
	for (let i = 0; i < count; i++)
		items.push({ kind: 'number', value: start + i * step, integer: true });
	return { kind: 'sequence', items, tuple: false };
}

/** `[element for target in iterable]`: a list of numbers. */
export function listComprehension(
	state: ImportState,
	expr: Extract<Expr, { kind: 'listcomp' }>
): Value {
	const iterable = evaluate(state, expr.iterable);
	const items =
		iterable.kind === 'sequence'
			? iterable.items
			: iterable.kind === 'array' && iterable.shape.length === 1
				? iterable.values.map((v): Value => ({
						kind: 'number',
						value: v,
						integer: iterable.integer
					}))
				: null;
	if (items === null) {
		throw coded(expr.iterable.start, 'unsupported', 'listCompIterable', {
			value: describeValue(iterable)
		});
	}
	if (expr.target.kind !== 'name') {
		throw coded(expr.target.start, 'unsupported', 'listCompTarget');
	}
	const name = expr.target.id;
	const outer = state.env.get(name);
	const out: Value[] = [];
	try {
		for (const item of items) {
			state.env.set(name, { value: item, line: 0 });
			const value = evaluate(state, expr.element);
			if (value.kind !== 'number') {
				throw coded(expr.element.start, 'unsupported', 'listCompElement', {
					value: describeValue(value)
				});
			}
			out.push(value);
		}
	} finally {
		// Python 3: the comprehension's name does not leak out.
		if (outer === undefined) state.env.delete(name);
		else state.env.set(name, outer);
	}
	return { kind: 'sequence', items: out, tuple: false };
}

/** `np.array(list, dtype=np.float32)`. */
function numpyArray(call: Call): Value {
	const args = bindArgs(call, ['object', 'dtype']);
	const data = need(call, args, 'object');
	const shape: number[] = [];
	const values: number[] = [];
	let integer = true;
	const read = (value: Value, depth: number): void => {
		if (value.kind === 'number') {
			if (depth !== shape.length && values.length > 0) throw ragged();
			if (values.length === 0) shape.length = depth;
			values.push(value.value);
			integer &&= value.integer;
			return;
		}
		if (value.kind === 'array') {
			for (const v of value.values)
				read({ kind: 'number', value: v, integer: value.integer }, depth);
			return;
		}
		if (value.kind !== 'sequence') {
			throw coded(data.start, 'unsupported', 'arrayOf', { value: describeValue(value) });
		}
		if (values.length === 0) shape[depth] = value.items.length;
		else if (shape[depth] !== value.items.length) throw ragged();
		for (const item of value.items) read(item, depth + 1);
	};
	const ragged = () => coded(data.start, 'value', 'raggedArray');
	read(data.value, 0);
	if (values.length > MAX_VALUES) {
		throw coded(data.start, 'value', 'arrayTooBig', { max: MAX_VALUES });
	}
	const dtype = args.get('dtype');
	if (dtype !== undefined) {
		const name = dtype.value.kind === 'module' ? dtype.value.path : null;
		if (name === 'numpy.float32' || name === 'builtins.float') integer = false;
		else if (name !== 'numpy.int64' && name !== 'builtins.int') {
			throw coded(dtype.start, 'value', 'float32');
		}
	}
	return { kind: 'array', values, shape: values.length === 0 ? [0] : shape, integer };
}

/** A method of a numpy array: `reshape`, or a value the canvas does not model. */
export function arrayMethod(self: ArrayValue, name: string, call: Call): Value {
	if (name === 'reshape') {
		const raw =
			call.args.length === 1 && call.args[0].value.kind === 'sequence'
				? call.args[0].value.items.map((value) => ({ value, start: call.args[0].start }))
				: call.args;
		const dims = raw.map((arg) => asInteger(arg, 'reshape() argument'));
		const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
		const free = dims.filter((d) => d === -1).length;
		const total = self.values.length;
		if (
			free > 1 ||
			dims.some((d) => d < -1) ||
			(free === 0 ? known !== total : known === 0 || total % known !== 0)
		) {
			throw coded(call.start, 'value', 'numpy', {
				error: `cannot reshape array of size ${total} into shape (${dims.join(', ')})`
			});
		}
		const shape = dims.map((d) => (d === -1 ? total / known : d));
		return { ...self, shape };
	}
	if (name === 'astype' || name === 'copy') return self;
	throw coded(call.start, 'unsupported', 'numpyMethod', {
		callee: excerpt(call.callee),
		name: excerpt(name)
	});
}

/** `torch.from_numpy(array)`: a new leaf holding the array's values. */
export function fromNumpy(call: Call): Value {
	const args = bindArgs(call, ['ndarray']);
	const array = need(call, args, 'ndarray');
	if (array.value.kind !== 'array') {
		throw coded(array.start, 'value', 'fromNumpy', { value: describeValue(array.value) });
	}
	const { values, shape, integer } = array.value;
	return fresh(
		{ shape: [...shape], init: 'values', values: [...values], requiresGrad: false },
		integer,
		call.start
	);
}
