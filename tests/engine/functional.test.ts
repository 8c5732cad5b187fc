/**
 * The `torch.` function forms (engine/functional.ts and registry/functions.ts) against the
 * registry's Python bindings: every `torch.` name a registry op declares is a function of the
 * engine, in camelCase, and it computes what the op computes. A new op with a `torch` binding
 * fails here until its function form exists.
 */
import { describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import { OP_LIST, type OpDef, type Tensor } from '$lib/engine';

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const functionOf = (name: string) =>
	(torch as unknown as Record<string, unknown>)[camelCase(name)] as
		((...args: unknown[]) => Tensor) | undefined;

/** [op id, `torch.` name, op] for every `torch.` name in the registry. */
const BINDINGS = OP_LIST.flatMap((op) =>
	(op.python?.torch ?? []).map((name) => [op.id, name, op] as const)
);

/** The op's attributes, when every one of them has a default (others need per-op values). */
function defaults(op: OpDef): unknown[] | null {
	const specs = op.attrs ?? [];
	return specs.every((spec) => spec.default !== undefined) ? specs.map((s) => s.default) : null;
}

describe('torch. function forms', () => {
	test('the registry declares some', () => {
		expect(BINDINGS.length).toBeGreaterThan(10);
	});

	test.each(BINDINGS)('%s: torch.%s is a function', (_id, name) => {
		expect(typeof functionOf(name)).toBe('function');
	});

	const computable = BINDINGS.filter(([, , op]) => defaults(op) !== null);
	test.each(computable)('%s: torch.%s computes the op', (_id, name, op) => {
		// Positive, distinct values: in the domain of every op (log, sqrt, pow).
		const inputs = op.inputs.map((_, i) =>
			torch.tensor([
				[0.5 + i, 1.5],
				[2.5, 3.25 + i]
			])
		);
		const attrs = defaults(op)!;
		const expected = torch.apply(
			op,
			inputs,
			Object.fromEntries((op.attrs ?? []).map((spec, i) => [spec.name, attrs[i]]))
		);
		const actual = functionOf(name)!(...inputs, ...attrs);
		expect(actual.shape).toEqual(expected.shape);
		expect(actual.tolist()).toEqual(expected.tolist());
	});
});

describe('F. function forms', () => {
	const functional = OP_LIST.flatMap((op) =>
		(op.python?.functional ?? []).map((name) => [op.id, name] as const)
	);

	test.each(functional)('%s: torch.nn.functional.%s exists in the engine', (_id, name) => {
		const F = torch.nn.functional as unknown as Record<string, unknown>;
		expect(typeof F[camelCase(name)]).toBe('function');
	});
});
