/**
 * Golden tests: the engine against values recorded with real PyTorch by
 * scripts/golden/make_golden.py (tests/engine/fixtures/golden.json). Python is never needed here.
 *
 * Inputs are always built from the recorded values with `torch.tensor(values, ...)`: the engine's
 * rand/randn use a different generator from PyTorch's. The case format and runner live in
 * golden-cases.ts (shared with the WebGPU run of the same cases).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import { OP_LIST, OPS, Tensor } from '$lib/engine';
import { apply } from '$lib/engine/dispatch';
import {
	buildInputs,
	isTensorInput,
	mismatches,
	REGISTRY_ID,
	runOp,
	type Golden
} from './golden-cases';

const golden: Golden = JSON.parse(
	readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8')
);

describe('golden fixture', () => {
	test('was made by PyTorch, with enough cases', () => {
		expect(golden.torch).toMatch(/^\d+\.\d+/);
		expect(golden.command).toContain('make_golden.py');
		expect(golden.cases.length).toBeGreaterThanOrEqual(80);
		expect(golden.errors.length).toBeGreaterThanOrEqual(15);
		expect(golden.reprs.length).toBeGreaterThanOrEqual(10);
	});

	test('covers every op in the registry except internal ones', () => {
		const covered = new Set(golden.cases.map((c) => REGISTRY_ID[c.op] ?? c.op));
		const missing = OP_LIST.filter((op) => !op.internal && !covered.has(op.id)).map((op) => op.id);
		expect(missing).toEqual([]);
	});

	test('has an engine scenario for every error case', () => {
		const missing = golden.errors.map((e) => e.id).filter((id) => !(id in ERROR_SCENARIOS));
		expect(missing).toEqual([]);
	});
});

describe('ops against PyTorch', () => {
	test.each(golden.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
		const args = buildInputs(c.inputs);
		const out = runOp(c.op, args, structuredClone(c.attrs));

		expect.soft(out.shape, 'output shape').toEqual(c.output.shape);
		expect.soft(out.dtype, 'output dtype').toBe(c.output.dtype);
		expect
			.soft(mismatches(out.tolist(), c.output.values, c.output.dtype), 'output values')
			.toEqual([]);
		expect.soft(out.gradFn?.name ?? null, 'grad_fn').toBe(c.grad_fn);

		out.backward(torch.tensor(c.upstream, { dtype: c.output.dtype }));
		c.inputs.forEach((input, i) => {
			if (!isTensorInput(input)) return;
			const expected = c.grads[i];
			const grad = (args[i] as Tensor).grad;
			const label = `${input.name}.grad`;
			if (expected === null) {
				expect.soft(grad, label).toBeNull();
				return;
			}
			expect.soft(grad, label).not.toBeNull();
			if (!grad) return;
			expect.soft(grad.shape, `${label} shape`).toEqual(expected.shape);
			expect.soft(grad.dtype, `${label} dtype`).toBe(expected.dtype);
			expect
				.soft(mismatches(grad.tolist(), expected.values, expected.dtype), `${label} values`)
				.toEqual([]);
		});
	});
});

const leaf = (shape: number[]) => torch.ones(shape, { requiresGrad: true });

/** The error scenarios of make_golden.py's ERRORS, written against the engine. */
const ERROR_SCENARIOS: Record<string, () => unknown> = {
	add_shape_mismatch_3x4_3x5: () => torch.ones([3, 4]).add(torch.ones([3, 5])),
	add_shape_mismatch_2x3_4: () => torch.ones([2, 3]).add(torch.ones([4])),
	matmul_2d_mismatch: () => torch.ones([3, 4]).matmul(torch.ones([3, 4])),
	matmul_1d_dot_mismatch: () => torch.ones([3]).matmul(torch.ones([4])),
	matmul_mv_mismatch: () => torch.ones([3, 4]).matmul(torch.ones([5])),
	matmul_vm_mismatch: () => torch.ones([3]).matmul(torch.ones([4, 5])),
	reshape_invalid_size: () => torch.ones([3, 4]).reshape([5, 3]),
	reshape_two_inferred: () => torch.ones([3, 4]).reshape([-1, -1]),
	expand_mismatch: () => torch.ones([3]).expand([4, 5]),
	sum_dim_out_of_range: () => torch.ones([3, 4]).sum(2),
	mean_dim_repeated: () => torch.ones([3]).mean([0, 0]),
	unsqueeze_out_of_range: () => torch.ones([3, 4]).unsqueeze(3),
	t_3d: () => torch.ones([2, 3, 4]).t(),
	mse_loss_bad_reduction: () =>
		torch.nn.functional.mseLoss(torch.ones([3]), torch.ones([3]), {
			reduction: 'foo' as 'mean'
		}),
	item_not_one_element: () => torch.ones([3]).item(),
	backward_non_scalar: () => leaf([3]).mul(2).backward(),
	backward_no_grad: () => torch.ones([3]).sum().backward(),
	backward_gradient_shape_mismatch: () =>
		leaf([3])
			.mul(2)
			.backward(torch.ones([2])),
	backward_twice_mul: () => {
		const x = leaf([3]);
		const y = x.mul(x).sum();
		y.backward();
		y.backward();
	},
	requires_grad_false_non_leaf: () => {
		const y = leaf([3]).mul(2);
		y.requiresGrad = false;
	},
	inplace_leaf_requires_grad: () => leaf([3]).add_(1),
	zeros_negative_size: () => torch.zeros([2, -1]),
	sgd_negative_lr: () => new torch.optim.SGD([leaf([1])], { lr: -1 }),
	load_state_dict_missing: () =>
		new torch.nn.Linear(1, 1).loadStateDict({ weight: torch.zeros([1, 1]) }),
	load_state_dict_unexpected: () =>
		new torch.nn.Linear(1, 1).loadStateDict({
			weight: torch.zeros([1, 1]),
			bias: torch.zeros([1]),
			foo: torch.zeros([1])
		}),
	load_state_dict_missing_and_unexpected: () =>
		new torch.nn.Linear(1, 1).loadStateDict({ weight: torch.zeros([1, 1]), foo: torch.zeros([1]) }),
	load_state_dict_size_mismatch: () =>
		new torch.nn.Linear(1, 1).loadStateDict({
			weight: torch.zeros([2, 1]),
			bias: torch.zeros([1])
		}),
	// torch.clamp(x) with neither bound: the registry entry run with no attrs.
	clamp_no_bounds: () => apply(OPS.clamp, [torch.ones([2])], {})
};

describe('errors against PyTorch', () => {
	test.each(golden.errors.map((e) => [e.id, e] as const))('%s', (id, e) => {
		const scenario = ERROR_SCENARIOS[id];
		expect(scenario, `no engine scenario for ${id}`).toBeDefined();
		let caught: unknown = null;
		try {
			scenario();
		} catch (error) {
			caught = error;
		}
		expect(caught, `expected ${e.kind}: ${e.message}`).toBeInstanceOf(torch.TorchError);
		const error = caught as torch.TorchError;
		expect.soft(error.message, 'message').toBe(e.message);
		expect.soft(error.kind, 'exception class').toBe(e.kind);
	});
});

describe('reprs against PyTorch', () => {
	test.each(golden.reprs.map((r) => [r.id, r] as const))('%s', (_id, r) => {
		let t = torch.tensor(r.input.values, {
			dtype: r.input.dtype,
			requiresGrad: r.input.requires_grad
		});
		expect(t.shape).toEqual(r.input.shape);
		if (r.then) t = t[r.then.op](r.then.number);
		expect(String(t)).toBe(r.repr);
	});
});
