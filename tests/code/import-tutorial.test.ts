/** The seed tutorial's code cells import to the graphs they compute. */
import { describe, expect, it } from 'vitest';
import { importCode } from '$lib/code';
import { inferShapes, validateDocument } from '$lib/graph';
import { PY } from '$lib/tutorial/python-sources';
import { describeGraph, nameOf } from './helpers';
import {
	AUTOGRAD_CELLS,
	CHAIN_CELLS,
	REGRESSION_DATA_CELLS,
	REGRESSION_GPU_CELLS
} from './tutorial-cells';

describe('the autograd cells', () => {
	const result = importCode(AUTOGRAD_CELLS);

	it('give x, b = randn(3, 4) -> t = x + b -> y = t.sum(), with backward on y', () => {
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!)).toEqual([
			'x = randn[3, 4] seed 0 grad',
			'b = randn[3, 4] seed 1 grad',
			't = add(input=x, other=b)',
			'y = sum(input=t)'
		]);
		expect(nameOf(result.doc!, result.output)).toBe('y');
	});

	it('is a valid document whose y is a scalar', () => {
		expect(validateDocument(result.doc).ok).toBe(true);
		const y = result.doc!.nodes.find((n) => n.name === 'y')!;
		expect(inferShapes(result.doc!).get(y.id)).toMatchObject({
			shape: [],
			error: null,
			requiresGrad: true
		});
	});

	it('lays the graph out left to right by depth', () => {
		const x = Object.fromEntries(result.doc!.nodes.map((n) => [n.name, n.position.x]));
		expect(x.x).toBe(x.b);
		expect(x.t).toBeGreaterThan(x.x);
		expect(x.y).toBeGreaterThan(x.t);
		for (const node of result.doc!.nodes) {
			expect(Number.isFinite(node.position.x) && Number.isFinite(node.position.y)).toBe(true);
		}
	});
});

describe('the chain-rule cells', () => {
	const result = importCode(CHAIN_CELLS);

	it('give x = rand(1); b, w = rand(1, requires_grad=True); y = w * x; z = y + b', () => {
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!)).toEqual([
			'x = rand[1] seed 0',
			'b = rand[1] seed 1 grad',
			'w = rand[1] seed 2 grad',
			'y = mul(input=w, other=x)',
			'z = add(input=y, other=b)'
		]);
		expect(nameOf(result.doc!, result.output)).toBe('z');
	});

	it('flags match PyTorch: x needs no grad, y and z do', () => {
		const infos = inferShapes(result.doc!);
		const flag = (name: string) =>
			infos.get(result.doc!.nodes.find((n) => n.name === name)!.id)!.requiresGrad;
		expect(['x', 'b', 'w', 'y', 'z'].map(flag)).toEqual([false, true, true, true, true]);
	});
});

describe("the app's own tutorial cards (src/lib/tutorial/python-sources.ts)", () => {
	it('cards 1-2 import as the autograd graph', () => {
		const code = [PY.manualSeed(0), PY.sumX, PY.sumY, PY.sumBackward, PY.flags, PY.tGradFn].join(
			'\n'
		);
		const result = importCode(code);
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!)).toEqual([
			'x = randn[3, 4] seed 0 grad',
			'b = randn[3, 4] seed 1 grad',
			't = add(input=x, other=b)',
			'y = sum(input=t)'
		]);
	});

	it('card 3 imports as the chain-rule graph, backward on z', () => {
		const code = [PY.chainGraph, PY.chainLeaves, PY.chainX, PY.chainBackward, PY.chainBGrad].join(
			'\n'
		);
		const result = importCode(code);
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!).slice(3)).toEqual([
			'y = mul(input=w, other=x)',
			'z = add(input=y, other=b)'
		]);
		expect(nameOf(result.doc!, result.output)).toBe('z');
	});
});

describe('the linear regression cells (outside the subset: numpy, a class, a loop)', () => {
	it('the numpy data cells are listed line by line, with positions', () => {
		const result = importCode(REGRESSION_DATA_CELLS);
		expect(result.doc!.nodes).toEqual([]);
		const lines = result.problems.map((p) => [p.line, p.column, p.kind]);
		expect(lines).toEqual([
			[2, 12, 'unsupported'], // a list comprehension
			[3, 11, 'unsupported'], // np.array
			[4, 11, 'undefined-name'], // x_train has no value
			[5, 1, 'undefined-name'],
			[6, 12, 'unsupported'],
			[7, 11, 'unsupported'],
			[8, 11, 'undefined-name'],
			[9, 1, 'undefined-name']
		]);
		expect(result.problems[0].message).toBe('a list comprehension is outside the subset');
		expect(result.problems[1].message).toMatch(/^np\.array: numpy is outside the subset/);
		expect(result.problems[2].message).toMatch(
			/x_train has no value: x_train = np\.array\(.*\(line 3\)/
		);
	});

	it('the GPU cells: the class and the loop are reported, and every line that reads model', () => {
		const result = importCode(REGRESSION_GPU_CELLS);
		const listed = result.problems.map((p) => `${p.line}:${p.column} ${p.kind}`);
		expect(listed).toEqual([
			'4:1 unsupported', // class LinearRegressionModel
			'16:9 undefined-name', // model = LinearRegressionModel(...)
			'19:1 undefined-name', // model.to(device)
			'25:29 undefined-name', // model.parameters()
			'28:1 unsupported', // for epoch in range(epochs)
			'45:12 undefined-name', // torch.save(model.state_dict(), ...)
			'46:1 undefined-name' // model.load_state_dict(torch.load(...))
		]);
		expect(result.problems[0].message).toMatch(
			/class definitions are outside the subset: use nn\.Linear/
		);
		expect(result.problems[1].message).toBe(
			'LinearRegressionModel has no value: its class statement (line 4) is outside the subset'
		);
		expect(result.doc!.nodes).toEqual([]);
	});
});
