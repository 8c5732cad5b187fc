/**
 * The PyTorch golden cases (tests/engine/fixtures/golden.json, float32 ones) run on WebGPU:
 * inputs built on the device, outputs and gradients read back and compared with PyTorch's
 * values, with the same tolerances as on the CPU (float32: rtol 1e-5, atol 1e-6).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';
import type { Tensor } from '$lib/engine';
import goldenJson from './fixtures/golden.json';
import {
	buildInputs,
	isTensorInput,
	mismatches,
	runOp,
	TOLERANCE,
	type Golden,
	type OpCase
} from './golden-cases';
import { requireWebGPU } from './webgpu-helpers';

const golden = goldenJson as unknown as Golden;

const isFloat32 = (c: OpCase) =>
	c.output.dtype === 'float32' &&
	c.inputs.every((input) => !isTensorInput(input) || input.dtype === 'float32');
const cases = golden.cases.filter(isFloat32);

beforeAll(async () => {
	await requireWebGPU();
});

describe('PyTorch golden cases on WebGPU', () => {
	test('there are float32 cases for every op the fixture covers', () => {
		expect(cases.length).toBeGreaterThanOrEqual(100);
		const ops = new Set(golden.cases.map((c) => c.op));
		expect(new Set(cases.map((c) => c.op))).toEqual(ops);
	});

	test.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
		const args = buildInputs(c.inputs, 'webgpu');
		const out = runOp(c.op, args, structuredClone(c.attrs));
		const tolerance = TOLERANCE.float32;

		expect(out.device).toBe('webgpu');
		expect.soft(out.shape, 'output shape').toEqual(c.output.shape);
		expect.soft(out.dtype, 'output dtype').toBe(c.output.dtype);
		expect
			.soft(
				mismatches(await out.tolistAsync(), c.output.values, 'float32', tolerance),
				'output values'
			)
			.toEqual([]);
		expect.soft(out.gradFn?.name ?? null, 'grad_fn').toBe(c.grad_fn);

		out.backward(torch.tensor(c.upstream, { dtype: 'float32', device: 'webgpu' }));
		for (let i = 0; i < c.inputs.length; i++) {
			const input = c.inputs[i];
			if (!isTensorInput(input)) continue;
			const expected = c.grads[i];
			const grad = (args[i] as Tensor).grad;
			const label = `${input.name}.grad`;
			if (expected === null) {
				expect.soft(grad, label).toBeNull();
				continue;
			}
			expect.soft(grad, label).not.toBeNull();
			if (!grad) continue;
			expect.soft(grad.device, `${label} device`).toBe('webgpu');
			expect.soft(grad.shape, `${label} shape`).toEqual(expected.shape);
			expect
				.soft(
					mismatches(await grad.tolistAsync(), expected.values, 'float32', tolerance),
					`${label} values`
				)
				.toEqual([]);
		}
	});
});
