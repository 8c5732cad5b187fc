/**
 * The generated code means what the canvas shows: the programs generateCode writes for the
 * examples and for random graphs were run in real PyTorch (scripts/pytorch-check/run.py, which
 * wrote fixtures/pytorch-programs.json); here the engine computes the same graphs (compileGraph,
 * backward) and must print the same values and grads. For the linear regression program, the
 * engine also runs the tutorial's training loop and must print the same losses every 50 epochs.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import type { Tensor } from '$lib/engine';
import { generateProgram, type PrintedItem } from '$lib/code';
import { compileGraph, type GraphDocument, type LeafAttrs } from '$lib/graph';
import fixture from './fixtures/pytorch-programs.json';

interface Recorded {
	type: string;
	shape?: number[];
	/** Non-finite values are written "nan", "inf", "-inf" (JSON has none). */
	values?: (number | string)[];
	text?: string;
	requires_grad?: boolean;
	grad_fn?: string | null;
}

interface Case {
	id: string;
	kind: string;
	output: string | null;
	doc: GraphDocument;
	code: string;
	printedItems: PrintedItem[];
	printed: Recorded[][];
	values: Record<string, Recorded>;
	error: unknown;
}

const cases = fixture.cases as unknown as Case[];

/** float32 results of the same math in a different order: a few units in the last place. */
function expectClose(
	actual: Tensor | null,
	expected: Recorded,
	what: string,
	rtol = 1e-5,
	atol = 1e-6
) {
	if (expected.type === 'none') {
		expect(actual, `${what} is None in PyTorch`).toBeNull();
		return;
	}
	expect(expected.type, what).toBe('tensor');
	expect(actual, `${what} exists`).not.toBeNull();
	expect(actual!.shape, `${what} shape`).toEqual(expected.shape);
	const values = Array.from(actual!.data);
	expected.values!.forEach((written, i) => {
		const want = typeof written === 'string' ? Number(written.replace('inf', 'Infinity')) : written;
		const got = values[i];
		if (Number.isNaN(want)) expect(got, `${what}[${i}]`).toBeNaN();
		else if (!Number.isFinite(want)) expect(got, `${what}[${i}]`).toBe(want);
		else
			expect(Math.abs(got - want), `${what}[${i}]: ${got} vs PyTorch ${want}`).toBeLessThanOrEqual(
				atol + rtol * Math.abs(want)
			);
	});
}

describe('the fixture', () => {
	it('was made by real PyTorch, and says which and how', () => {
		expect(fixture.generatedBy.torch).toMatch(/^2\.\d+/);
		expect(fixture.generatedBy.command).toMatch(/scripts\/pytorch-check\/run\.py/);
		expect(cases.length).toBeGreaterThanOrEqual(10);
		expect(cases.map((c) => c.id)).toEqual(
			expect.arrayContaining(['autograd-basics', 'chain-rule', 'linear-regression'])
		);
	});
});

describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
	it('is what generateCode writes today (else rerun scripts/pytorch-check/run.py)', () => {
		const program = generateProgram(c.doc);
		expect(program.code).toBe(c.code);
		expect(program.printed).toEqual(c.printedItems);
		expect(program.output).toBe(c.output);
	});

	it('ran in PyTorch without an error', () => {
		expect(c.error).toBeNull();
	});

	it("the engine's values and grads match PyTorch's", () => {
		const { tensors } = compileGraph(c.doc);
		for (const [node, recorded] of Object.entries(c.values)) {
			expectClose(tensors.get(node)!, recorded, `value of ${node}`);
		}
		if (c.output !== null) tensors.get(c.output)!.backward();
		c.printedItems.forEach((item, i) => {
			if (item.what === 'epochs') return;
			const printed = c.printed[i][0];
			const tensor = tensors.get(item.node)!;
			if (item.what === 'value') {
				expectClose(tensor, printed, `printed value of ${item.node}`);
				expect(tensor.requiresGrad).toBe(printed.requires_grad);
				if (printed.grad_fn) expect(tensor.gradFn?.name).toBe(printed.grad_fn);
			} else {
				expectClose(tensor.grad, printed, `printed grad of ${item.node}`);
			}
		});
	});

	if (c.kind === 'training') {
		it("the engine's training loop prints PyTorch's losses every 50 epochs", () => {
			const losses = c.printed
				.map((args) => /^epoch (\d+), loss (\S+)$/.exec(args[0]?.text ?? ''))
				.filter((m) => m !== null)
				.map((m) => [Number(m[1]), Number(m[2])] as const);
			expect(losses.map(([epoch]) => epoch)).toEqual(
				Array.from({ length: 20 }, (_, i) => 50 * (i + 1))
			);

			const { tensors } = compileGraph(c.doc);
			const byName = (name: string) => c.doc.nodes.find((n) => n.name === name)!;
			const weight = byName('weight');
			const [outFeatures, inFeatures] = (weight.attrs as unknown as LeafAttrs).shape;
			const model = new torch.nn.Linear(inFeatures, outFeatures);
			torch.noGrad(() => {
				model.weight.data.set(tensors.get(weight.id)!.data);
				model.bias!.data.set(tensors.get(byName('bias').id)!.data);
			});
			const x = tensors.get(byName('x').id)!;
			const y = tensors.get(byName('y').id)!;
			const criterion = new torch.nn.MSELoss();
			const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
			const engineLosses: [number, number][] = [];
			for (let epoch = 1; epoch <= 1000; epoch++) {
				optimizer.zeroGrad();
				const loss = criterion.forward(model.forward(x), y);
				loss.backward();
				optimizer.step();
				if (epoch % 50 === 0) engineLosses.push([epoch, loss.item()]);
			}
			engineLosses.forEach(([epoch, got], i) => {
				const want = losses[i][1];
				// 1000 float32 steps in another order: the smallest losses keep fewer digits.
				expect(
					Math.abs(got - want),
					`epoch ${epoch}: ${got} vs PyTorch ${want}`
				).toBeLessThanOrEqual(2e-3 * want + 2e-6);
			});
		});
	}
});
