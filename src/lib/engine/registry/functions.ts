/**
 * The engine's API for ops declared only in the registry. Every `python.methods` name of a
 * registry op that `Tensor` does not define itself becomes a Tensor method here: the op's other
 * tensor inputs in order, then its attributes by position in `attrs` order (`undefined` or `null`
 * leaves one out, as Python's None). Their types, and the `torch.` function forms (re-exported by
 * engine/index.ts), are declared in this file, op by op.
 */
import { OP_LIST } from '../registry';
import { apply } from '../dispatch';
import { Tensor } from '../tensor';
import type { OpDef } from './define';

function methodOf(op: OpDef) {
	const specs = op.attrs ?? [];
	return function (this: Tensor, ...args: unknown[]): Tensor {
		const others = op.inputs.length - 1;
		const inputs = [this, ...(args.slice(0, others) as (Tensor | null)[])];
		const attrs: Record<string, unknown> = {};
		specs.forEach((spec, i) => {
			const value = args[others + i];
			if (value != null) attrs[spec.name] = value;
		});
		return apply(op, inputs, attrs);
	};
}

for (const op of OP_LIST) {
	for (const name of op.python?.methods ?? []) {
		if (name in Tensor.prototype) continue;
		Object.defineProperty(Tensor.prototype, name, {
			value: methodOf(op),
			writable: true,
			configurable: true
		});
	}
}

declare module '../tensor' {
	interface Tensor {
		/** `x.abs()`: the registry's abs. */
		abs(): Tensor;
		/** `x.clamp(min, max)`: the registry's clamp; leave a bound out with null or undefined. */
		clamp(min?: number | null, max?: number | null): Tensor;
	}
}

export const abs = (input: Tensor) => input.abs();
export const clamp = (input: Tensor, min?: number | null, max?: number | null) =>
	input.clamp(min, max);
