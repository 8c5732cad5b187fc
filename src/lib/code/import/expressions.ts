/**
 * Expressions as the importer reads them: names, numbers, operators (registry ops by their
 * Python operators, see `bindings.ts`), attributes and calls. Nothing is run: a tensor
 * expression gives a node, numbers are folded.
 */
import type { Expr } from '../ast';
import { exprText, foldNumbers, coded, isTensorValue, noValueProblem, type Call } from './args';
import { INFIX_OPS, PREFIX_OPS } from '../bindings';
import { callFunction, callValue } from './calls';
import { addOp, transposeT } from './graph';
import type { ImportState } from './state';
import { describeValue, type Value } from './values';
import { deviceChoice, objectAttribute } from './blocks';
import { CONSTANT_FUNCTIONS, constantCall, listComprehension } from './constants';
import { excerpt } from '$lib/util/excerpt';

/** Tensor attributes the canvas does not model: reading them gives an opaque value. */
const TENSOR_ATTRIBUTES = new Set([
	'grad',
	'requires_grad',
	'is_leaf',
	'grad_fn',
	'shape',
	'data',
	'dtype',
	'device',
	'ndim',
	'is_cuda',
	'names'
]);
/** The dtypes `torch.` names. */
const DTYPES = new Set([
	'float32',
	'float',
	'float64',
	'double',
	'float16',
	'half',
	'bfloat16',
	'int64',
	'long',
	'int32',
	'int',
	'int16',
	'int8',
	'uint8',
	'bool',
	'complex64',
	'cfloat'
]);

/** What an expression stands for; a new expression pattern goes here. */
export function evaluate(state: ImportState, expr: Expr): Value {
	switch (expr.kind) {
		case 'name':
			return lookup(state, expr.id, expr.start);
		case 'number':
			if (expr.imaginary) throw coded(expr.start, 'unsupported', 'complex');
			return { kind: 'number', value: expr.value, integer: expr.integer };
		case 'string':
			return { kind: 'string', value: expr.value };
		case 'constant':
			return expr.value === null ? { kind: 'none' } : { kind: 'bool', value: expr.value };
		case 'unary':
			return unary(state, expr);
		case 'binary':
			return binary(state, expr);
		case 'ifexp': {
			const parts = [
				evaluate(state, expr.test),
				evaluate(state, expr.body),
				evaluate(state, expr.orelse)
			];
			const device = deviceChoice(parts[0], parts[1], parts[2]);
			if (device !== null) return device;
			if (parts.some((p) => p.kind === 'tensor' || p.kind === 'fresh')) {
				throw coded(expr.start, 'unsupported', 'conditionalTensor');
			}
			return { kind: 'opaque', what: { phrase: 'conditional' } };
		}
		case 'call':
			return callExpression(state, expr);
		case 'attribute':
			return attribute(state, expr);
		case 'subscript':
			evaluate(state, expr.value);
			throw coded(expr.start, 'unsupported', 'indexing');
		case 'tuple':
		case 'list':
			return {
				kind: 'sequence',
				items: expr.items.map((item) => evaluate(state, item)),
				tuple: expr.kind === 'tuple'
			};
		case 'dict': {
			const entries = new Map<string, { value: Value; start: number }>();
			expr.keys.forEach((key, i) => {
				if (key === null || key.kind !== 'string') {
					throw coded(key?.start ?? expr.start, 'unsupported', 'dictKeys');
				}
				entries.set(key.value, {
					value: evaluate(state, expr.values[i]),
					start: expr.values[i].start
				});
			});
			return { kind: 'dict', entries };
		}
		case 'starred':
			throw coded(expr.start, 'unsupported', 'unpack');
		case 'other':
			throw coded(expr.start, 'unsupported', 'expression', { expression: { phrase: expr.what } });
		case 'listcomp':
			return listComprehension(state, expr);
	}
}

function lookup(state: ImportState, name: string, start: number): Value {
	const binding = state.env.get(name);
	if (binding === undefined) {
		const code =
			name === 'nn'
				? 'undefinedNameNn'
				: name === 'F'
					? 'undefinedNameF'
					: name === 'np'
						? 'undefinedNameNp'
						: 'undefinedName';
		throw coded(start, 'undefined-name', code, { name: excerpt(name) });
	}
	if (binding.value.kind === 'failed') {
		throw noValueProblem(start, binding.value);
	}
	return binding.value;
}

function unary(state: ImportState, expr: Extract<Expr, { kind: 'unary' }>): Value {
	const operand = evaluate(state, expr.operand);
	if (expr.op === '+' && (operand.kind === 'number' || isTensorValue(operand))) return operand;
	if (expr.op === '-' && operand.kind === 'number') return { ...operand, value: -operand.value };
	const op = PREFIX_OPS.get(expr.op);
	if (op !== undefined && isTensorValue(operand))
		return addOp(state, op.id, expr.start, [[op.inputs[0], operand, expr.operand.start]]);
	const value = describeValue(operand);
	throw expr.op === 'not'
		? coded(expr.start, 'unsupported', 'notOperand', { value })
		: coded(expr.start, 'unsupported', 'unaryOperand', { op: expr.op, value });
}

function binary(state: ImportState, expr: Extract<Expr, { kind: 'binary' }>): Value {
	const op = INFIX_OPS.get(expr.op);
	if (op === undefined) {
		const code = ['and', 'or'].includes(expr.op)
			? 'boolOperator'
			: ['<', '>', '==', '>=', '<=', '!=', 'in', 'not in', 'is', 'is not'].includes(expr.op)
				? 'comparison'
				: 'operator';
		evaluate(state, expr.left);
		evaluate(state, expr.right);
		throw coded(expr.opStart, 'unsupported', code, { op: expr.op });
	}
	const left = evaluate(state, expr.left);
	const right = evaluate(state, expr.right);
	if (left.kind === 'number' && right.kind === 'number') return foldNumbers(expr, left, right);
	if (!isTensorValue(left) && !isTensorValue(right)) {
		throw coded(expr.opStart, 'unsupported', 'operands', {
			op: expr.op,
			left: describeValue(left),
			right: describeValue(right)
		});
	}
	if (!op.python?.numberOperand && (left.kind === 'number' || right.kind === 'number')) {
		throw coded(expr.opStart, 'value', 'numberOperand', { op: expr.op, id: op.id });
	}
	return addOp(state, op.id, expr.opStart, [
		[op.inputs[0], left, expr.left.start],
		[op.inputs[1], right, expr.right.start]
	]);
}

function attribute(state: ImportState, expr: Extract<Expr, { kind: 'attribute' }>): Value {
	const owner = evaluate(state, expr.value);
	const name = expr.attr;
	switch (owner.kind) {
		case 'module': {
			const path = `${owner.path}.${name}`;
			if (owner.path === 'torch' && DTYPES.has(name)) return { kind: 'dtype', name };
			return { kind: 'module', path };
		}
		case 'tensor':
		case 'fresh':
			if (name === 'T') return transposeT(state, owner, expr.start);
			if (TENSOR_ATTRIBUTES.has(name)) return { kind: 'opaque', what: `${exprText(expr)}` };
			return { kind: 'method', self: owner, name };
		case 'linear':
			if (name === 'weight') return { kind: 'tensor', node: owner.weight };
			if (name === 'bias')
				return owner.bias === null ? { kind: 'none' } : { kind: 'tensor', node: owner.bias };
			if (name === 'in_features') return { kind: 'number', value: owner.inFeatures, integer: true };
			if (name === 'out_features')
				return { kind: 'number', value: owner.outFeatures, integer: true };
			return { kind: 'method', self: owner, name };
		case 'failed':
			throw noValueProblem(expr.start, owner);
		case 'object':
			return objectAttribute(owner, name);
		case 'array':
			if (name === 'shape' || name === 'dtype' || name === 'ndim' || name === 'size')
				return { kind: 'opaque', what: `${exprText(expr)}` };
			return { kind: 'method', self: owner, name };
		default:
			return { kind: 'method', self: owner, name };
	}
}

/** A call: the callee, then its arguments, left to right; `calls.ts` says what it gives. */
function callExpression(state: ImportState, expr: Extract<Expr, { kind: 'call' }>): Value {
	const callee = evaluate(state, expr.func);
	if (callee.kind === 'module' && callee.path === 'builtins.print') return { kind: 'none' };
	if (callee.kind === 'module' && CONSTANT_FUNCTIONS.has(callee.path)) {
		return constantCall(state, callee.path, expr);
	}
	if (callee.kind === 'module' && !callee.path.startsWith('torch.')) {
		// numpy, range, ...: say so before reading the arguments.
		return callFunction(state, callee.path, {
			callee: exprText(expr.func),
			start: expr.start,
			args: [],
			keywords: new Map()
		});
	}
	const call: Call = {
		callee: exprText(expr.func),
		start: expr.start,
		args: expr.args.map((arg) => {
			if (arg.kind === 'starred') throw coded(arg.start, 'unsupported', 'unpackArgs');
			return { value: evaluate(state, arg), start: arg.start };
		}),
		keywords: new Map()
	};
	for (const keyword of expr.keywords) {
		if (keyword.name === null) throw coded(keyword.start, 'unsupported', 'unpackKwargs');
		call.keywords.set(keyword.name, {
			value: evaluate(state, keyword.value),
			start: keyword.start
		});
	}
	return callValue(state, callee, call);
}
