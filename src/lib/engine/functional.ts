/**
 * The function forms of the ops: `torch.add(a, b)` is `a.add(b)`. Each calls the Tensor method,
 * which applies the registry op, so the only per-op knowledge here is each function's typed
 * signature (exports made from the registry at run time would have no types). The registry's
 * `torch` bindings are checked against these by tests/engine/functional.test.ts.
 */
import { runtimeError } from './errors';
import { OPS } from './registry';
import { apply, toTensor } from './dispatch';
import { Tensor, type Scalar } from './tensor';

type Operand = Tensor | Scalar;

/** The tensor among two operands, so a number on the left takes the tensor's dtype. */
function lhs(input: Operand, other: Operand): Tensor {
	if (input instanceof Tensor) return input;
	if (other instanceof Tensor) return toTensor(input, other);
	throw runtimeError('at least one operand must be a Tensor');
}

export const add = (input: Operand, other: Operand) => lhs(input, other).add(other);
export const sub = (input: Operand, other: Operand) => lhs(input, other).sub(other);
export const mul = (input: Operand, other: Operand) => lhs(input, other).mul(other);
export const div = (input: Operand, other: Operand) => lhs(input, other).div(other);
export const pow = (input: Operand, exponent: Operand) =>
	typeof input === 'number' && exponent instanceof Tensor
		? apply(OPS.pow, [toTensor(input, exponent), exponent], { scalarBase: true })
		: lhs(input, exponent).pow(exponent);
export const neg = (input: Tensor) => input.neg();
export const exp = (input: Tensor) => input.exp();
export const log = (input: Tensor) => input.log();
export const sqrt = (input: Tensor) => input.sqrt();
export const relu = (input: Tensor) => input.relu();
export const tanh = (input: Tensor) => input.tanh();
export const sigmoid = (input: Tensor) => input.sigmoid();
export const sum = (input: Tensor, dim?: number | number[] | null, keepdim = false) =>
	input.sum(dim, keepdim);
export const mean = (input: Tensor, dim?: number | number[] | null, keepdim = false) =>
	input.mean(dim, keepdim);
export const matmul = (input: Tensor, other: Tensor) => input.matmul(other);
export const mm = (input: Tensor, other: Tensor) => input.mm(other);
export const t = (input: Tensor) => input.t();
export const transpose = (input: Tensor, dim0: number, dim1: number) => input.transpose(dim0, dim1);
export const reshape = (input: Tensor, shape: readonly number[]) => input.reshape(shape);
export const unsqueeze = (input: Tensor, dim: number) => input.unsqueeze(dim);
export const squeeze = (input: Tensor, dim?: number) => input.squeeze(dim);
export const expand = (input: Tensor, size: readonly number[]) => input.expand(size);
export const logSoftmax = (input: Tensor, dim: number) => input.logSoftmax(dim);
export const mseLoss = (
	input: Tensor,
	target: Tensor,
	options: { reduction?: 'mean' | 'sum' | 'none' } = {}
) => input.mseLoss(target, options);
