/** The seed tutorial's code cells import to the graphs they compute. */
import { describe, expect, it } from 'vitest';
import { generateCode, importCode, type ImportResult } from '$lib/code';
import { translate } from '$lib/i18n';
import { inferShapes, MAX_VALUES, validateDocument } from '$lib/graph';
import { PY } from '$lib/tutorial/python-sources';
import { describeGraph, nameOf, roundTrip } from './helpers';
import { AUTOGRAD_CELLS, CHAIN_CELLS } from './tutorial-cells';
import { CELLS, GPU, PROGRAM } from '../fixtures/tutorial-linreg';

describe('the autograd cells', () => {
	const result = importCode(AUTOGRAD_CELLS);

	it('give x, b = randn(3, 4) -> t = x + b -> y = t.sum(), with backward on y', () => {
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!)).toEqual([
			'x = randn[3, 4] seed 0 grad',
			'b = randn[3, 4] seed 1 grad',
			't = add(input=x, other=b)',
			'y = sum(input=t) {"keepdim":false}'
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

	it("keeps z.backward(retain_graph=True)'s flag, which the Code panel writes back", () => {
		expect(result.retainGraph).toBe(true);
		const code = generateCode(result.doc!, { retainGraph: true });
		expect(code).toContain('\nz.backward(retain_graph=True)\n');
		expect(importCode(code).retainGraph).toBe(true);
		expect(generateCode(result.doc!)).toContain('\nz.backward()\n');
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
			'y = sum(input=t) {"keepdim":false}'
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

describe("the linear regression program (tests/fixtures/tutorial-linreg.ts, the seed's cells)", () => {
	/** The graph the tutorial's program builds: one forward and backward pass of its loop. */
	const PASS = [
		'linear.weight = values[1, 1] grad',
		'linear.bias = values[1] grad',
		'inputs = values[11, 1] [0,1,2,3,4,5,6,7,8,9,10]',
		'labels = values[11, 1] [1,3,5,7,9,11,13,15,17,19,21]',
		'outputs = linear(input=inputs, weight=linear.weight, bias=linear.bias)',
		'loss = mse_loss(input=outputs, target=labels) {"reduction":"mean"}'
	];
	/** describeGraph without the parameters' random initial values. */
	const shapeOf = (result: ImportResult) =>
		describeGraph(result.doc!).map((line) =>
			line.startsWith('linear.') ? line.replace(/ \[[^\]]*\] grad$/, ' grad') : line
		);

	it('pasted whole: the model, the data, the loss and backward, with no problem', () => {
		const result = importCode(PROGRAM);
		expect(result.problems).toEqual([]);
		expect(shapeOf(result)).toEqual(PASS);
		expect(nameOf(result.doc!, result.output)).toBe('loss');
		expect(validateDocument(result.doc).ok).toBe(true);
		const infos = inferShapes(result.doc!);
		expect(result.doc!.nodes.map((n) => infos.get(n.id)?.shape)).toEqual([
			[1, 1],
			[1],
			[11, 1],
			[11, 1],
			[11, 1],
			[]
		]);
	});

	it("after the chain-rule cells (their z.backward() first), the loop's pass is still built", () => {
		const result = importCode(`${CHAIN_CELLS}\n${PROGRAM}`);
		expect(result.problems).toEqual([]);
		// Both graphs: the chain rule's, then one pass of the loop, which Backward and Train use.
		expect(shapeOf(result).slice(-PASS.length)).toEqual(PASS);
		expect(nameOf(result.doc!, result.output)).toBe('loss');
		expect(result.training).toMatchObject({ lr: 0.01, epochs: 1000 });
	});

	it("its graph's Code panel program imports back to the same graph and settings", () => {
		const code = roundTrip(importCode(PROGRAM).doc!);
		expect(code).toContain('for epoch in range(epochs):');
	});

	it('the loop gives the Train panel its settings and data', () => {
		const result = importCode(PROGRAM);
		expect(result.training).toEqual({
			lr: 0.01,
			momentum: 0,
			epochs: 1000,
			logEvery: 50,
			device: null,
			loss: result.output,
			x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
			y: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
		});
	});

	it('the prediction, torch.save and load_state_dict(torch.load(...)) are accepted with a note', () => {
		const result = importCode(PROGRAM);
		const lines = PROGRAM.split('\n');
		const lineOf = (text: string) => lines.findIndex((l) => l.startsWith(text)) + 1;
		expect(result.notes.map((n) => [n.line, n.column])).toEqual([
			[lineOf('predicted = '), 1],
			[lineOf('torch.save('), 1],
			[lineOf('model.load_state_dict('), 1]
		]);
		expect(result.notes[1].message).toMatch(/Save model/);
		expect(result.notes[2].message).toMatch(/Load model/);
		expect(result.notes.map((n) => n.code)).toEqual(['prediction', 'save', 'load']);
	});

	it('the notes read the same from the catalog in English, and in Chinese around the code', () => {
		for (const note of importCode(PROGRAM).notes) {
			const key = `importCode.note.${note.code}` as const;
			expect(translate('en', key, { subject: note.subject })).toBe(note.message);
			const zh = translate('zh', key, { subject: note.subject });
			expect(zh).toContain(note.subject);
			// No English left once the quoted code (and torch.load, numpy) is taken out.
			const words = zh.replace(note.subject, '').replace(/torch\.load|numpy/g, '');
			expect(words).not.toMatch(/[A-Za-z]{2,}/);
		}
	});

	it('each cell pasted alone: its only problems are names an earlier cell defines', () => {
		const defined = new Set<string>();
		for (const [cell, code] of Object.entries(CELLS)) {
			const result = importCode(code);
			for (const problem of result.problems) {
				// NameError for an earlier cell's name, or a line of this cell that reads a name whose
				// line had one ("y_train has no value: ... was not imported").
				const name = /^name '([^']+)' is not defined/.exec(problem.message)?.[1];
				const consequence = /^\w+ has no value: .* was not imported$/.test(problem.message);
				expect(problem.kind, `${cell}: ${problem.message}`).toBe(
					consequence ? 'no-value' : 'undefined-name'
				);
				expect(
					(name !== undefined && defined.has(name)) || consequence,
					`${cell}: ${problem.message}`
				).toBe(true);
			}
			for (const line of code.split('\n')) {
				const assigned = /^(?:class |import \S+ as |import )?([A-Za-z_]\w*)/.exec(line)?.[1];
				if (assigned !== undefined) defined.add(assigned);
			}
		}
		// The cells that stand alone.
		expect(importCode(CELLS.DATA_X).problems).toEqual([]);
		expect(importCode(CELLS.MODEL_CLASS).problems).toEqual([]);
		expect(importCode(CELLS.DATA_X + CELLS.DATA_Y).problems).toEqual([]);
	});

	it('each cell pasted after the ones before it imports with no problem', () => {
		const cells = Object.values(CELLS);
		for (let i = 1; i <= cells.length; i++) {
			expect(importCode(cells.slice(0, i).join('\n')).problems).toEqual([]);
		}
	});

	it('the GPU version (after the data and import cells): the same graph, device auto', () => {
		const result = importCode(
			CELLS.DATA_X + CELLS.DATA_Y + 'import torch\nimport torch.nn as nn\n' + GPU
		);
		expect(result.problems).toEqual([]);
		expect(shapeOf(result)).toEqual(PASS);
		expect(result.training).toMatchObject({ lr: 0.01, epochs: 1000, logEvery: 50, device: 'auto' });
	});

	it('the data: a list comprehension of range, np.array, reshape(-1, 1), from_numpy', () => {
		const result = importCode(`import numpy as np
xs = [i for i in range(2, 8, 2)]
ys = [i * i - 0.5 for i in xs]
a = np.array(ys, dtype=np.float32).reshape(-1, 1)
x = torch.from_numpy(a)
`);
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!)).toEqual(['x = values[3, 1] [3.5,15.5,35.5]']);
	});

	it('refuses what it cannot evaluate, with line:column and a reason', () => {
		const problems = (code: string) =>
			importCode(code).problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`);
		expect(problems('xs = [i for i in range(100000000)]\n')).toEqual([
			`1:18 value: range(...) has 100000000 items: more than the ${MAX_VALUES} values a tensor on the canvas holds`
		]);
		expect(problems('import numpy as np\na = np.array([[1, 2], [3]], dtype=np.float32)\n')).toEqual(
			['2:14 value: np.array of lists of different lengths is outside the subset']
		);
		expect(problems('import numpy as np\na = np.array([1, 2, 3]).reshape(2, 2)\n')).toEqual([
			'2:5 value: cannot reshape array of size 3 into shape (2, 2)'
		]);
		// A loop that does not train stays outside the subset.
		expect(problems('for i in range(3):\n    print(i)\n')).toEqual([
			'1:1 unsupported: a for loop is outside the subset: its body is not imported (the canvas shows one forward and backward pass)'
		]);
		// A training loop with a failing line: the loop is not imported, and that line says why.
		const broken = PROGRAM.replace('loss.backward()', 'loss.backward(torch.ones(1))');
		expect(importCode(broken).problems.map((p) => p.kind)).toEqual(['unsupported', 'unsupported']);
		expect(importCode(broken).problems[0].message).toMatch(/^a for loop is outside the subset/);
		expect(importCode(broken).problems[1].message).toMatch(/^backward\(gradient\) is outside/);
		expect(importCode(broken).training).toBeNull();
		// A class that is not an nn.Module with forward.
		expect(problems('class A:\n    pass\n')[0]).toMatch(/^1:1 unsupported: class definitions/);
	});
});
