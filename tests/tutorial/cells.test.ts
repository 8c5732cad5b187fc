/** The tutorial cells the first page runs live (src/lib/tutorial/cells.ts). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { numpyFloat32Array } from '$lib/training/format';
import {
	ChainExample,
	LinearRegressionExample,
	MODEL_FILE,
	pyTuple,
	runChainCell,
	runSumCell,
	type ModelFile
} from '$lib/tutorial/cells';
import { tokenizePython } from '$lib/tutorial/python-tokens';
import { floatRepr } from '$lib/util/float-repr';
import { localizeComments, PY } from '$lib/tutorial/python-sources';
import { translate } from '$lib/i18n';

describe('floatRepr prints floats as Python does', () => {
	it.each([
		[2, '2.0'],
		[0, '0.0'],
		[-0, '-0.0'],
		[0.1, '0.1'],
		[1.5e-3, '0.0015'],
		[1e-4, '0.0001'],
		[1.8667e-6, '1.8667e-06'],
		[-2.5e-5, '-2.5e-05'],
		[1e-5, '1e-05'],
		[123456.789, '123456.789'],
		[1e16, '1e+16'],
		[Math.fround(0.30398696660995483), '0.30398696660995483'],
		[Infinity, 'inf'],
		[NaN, 'nan']
	])('%s -> %s', (value, text) => {
		expect(floatRepr(value)).toBe(text);
	});

	it('pyTuple writes one-element tuples with a trailing comma', () => {
		expect(pyTuple(['11', '1'])).toBe('(11, 1)');
		expect(pyTuple(['1'])).toBe('(1,)');
	});
});

describe('cards 1-2: t = x + b; y = t.sum(); y.backward()', () => {
	const cell = runSumCell(0);

	it('b.grad is all ones, shape [3, 4], printed as PyTorch does', () => {
		expect(cell.bGradShape).toEqual([3, 4]);
		expect(cell.bGradValues).toEqual(new Array(12).fill(1));
		expect(cell.bGrad).toBe(
			'tensor([[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]])'
		);
	});

	it('x and y print with requires_grad / grad_fn', () => {
		expect(cell.x).toMatch(/^tensor\(\[\[.*\]\], requires_grad=True\)$/s);
		expect(cell.x.split('\n')).toHaveLength(3);
		expect(cell.y).toMatch(/^tensor\(-?\d+\.\d{4}, grad_fn=<SumBackward0>\)$/);
	});

	it('requires_grad spreads to t: (True, True, True)', () => {
		expect(cell.requiresGrad).toEqual([true, true, true]);
		expect(cell.requiresGradText).toBe('(True, True, True)');
		expect(cell.tGradFn).toBe("'AddBackward0'");
	});

	it('a seed gives the same run, another seed other numbers', () => {
		expect(runSumCell(0)).toEqual(cell);
		expect(runSumCell(1).x).not.toBe(cell.x);
		expect(runSumCell(1).bGradValues).toEqual(cell.bGradValues);
	});
});

describe('card 3: y = w * x; z = y + b; z.backward(retain_graph=True)', () => {
	it('flags and is_leaf values match PyTorch', () => {
		const { snapshot } = runChainCell(0);
		expect(snapshot.requiresGrad).toEqual([false, true, true, true]);
		expect(snapshot.requiresGradText).toBe('(False, True, True, True)');
		expect(snapshot.isLeaf).toEqual([true, true, true, false, false]);
		expect(snapshot.isLeafText).toBe('(True, True, True, False, False)');
	});

	it('after one backward w.grad equals x and b.grad is 1', () => {
		const { snapshot } = runChainCell(0);
		expect(snapshot.backwardCalls).toBe(1);
		expect(snapshot.wGradValue).toBe(snapshot.xValue);
		expect(snapshot.wGrad).toBe(snapshot.x);
		expect(snapshot.bGradValue).toBe(1);
		expect(snapshot.bGrad).toBe('tensor([1.])');
		expect(snapshot.x).toMatch(/^tensor\(\[0\.\d{4}\]\)$/);
	});

	it('a second backward with retain_graph accumulates: w.grad = 2x, b.grad = 2', () => {
		const { example, snapshot: first } = runChainCell(0);
		const second = example.backward();
		expect(second.backwardCalls).toBe(2);
		expect(second.wGradValue).toBeCloseTo(2 * first.xValue, 6);
		expect(second.bGradValue).toBe(2);
		expect(second.bGrad).toBe('tensor([2.])');
		const third = example.backward();
		expect(third.wGradValue).toBeCloseTo(3 * first.xValue, 6);
		expect(third.bGradValue).toBe(3);
	});

	it('zeroing the grads leaves zero tensors, and the next backward starts over', () => {
		const { example, snapshot: first } = runChainCell(0);
		example.backward();
		const zeroed = example.zeroGrad();
		expect(zeroed.backwardCalls).toBe(0);
		expect([zeroed.wGradValue, zeroed.bGradValue]).toEqual([0, 0]);
		expect(zeroed.bGrad).toBe('tensor([0.])');
		const again = example.backward();
		expect(again.wGradValue).toBe(first.xValue);
		expect(again.bGradValue).toBe(1);
	});

	it('the cell w.grad.zero_(); b.grad.zero_() prints what its last expression returns: tensor([0.])', () => {
		const { example } = runChainCell(0);
		example.backward();
		const cell = example.zeroGradCell();
		// IPython shows the value of the cell's last expression, b.grad.zero_(), which is b.grad.
		expect(cell.printed).toBe('tensor([0.])');
		expect([cell.snapshot.wGradValue, cell.snapshot.bGradValue]).toEqual([0, 0]);
		expect(cell.snapshot.wGrad).toBe('tensor([0.])');
	});

	it('zeroing before any backward raises as Python does, and changes nothing', () => {
		const example = new ChainExample(0);
		const cell = example.zeroGradCell();
		expect(cell.printed).toBe("AttributeError: 'NoneType' object has no attribute 'zero_'");
		expect([cell.snapshot.wGrad, cell.snapshot.bGrad]).toEqual(['None', 'None']);
	});

	it('before any backward the grads are None', () => {
		const snapshot = new ChainExample(0).snapshot();
		expect([snapshot.wGrad, snapshot.bGrad]).toEqual(['None', 'None']);
		expect([snapshot.wGradValue, snapshot.bGradValue]).toEqual([null, null]);
	});
});

describe('card 4: linear regression with nn.Linear, nn.MSELoss, optim.SGD(lr=0.01)', () => {
	it('shows the data shapes and the model repr before training', () => {
		const snapshot = new LinearRegressionExample(0).snapshot();
		expect(snapshot.xShape).toBe('(11, 1)');
		expect(snapshot.yShape).toBe('(11, 1)');
		expect(snapshot.model).toBe(
			'LinearRegressionModel(\n  (linear): Linear(in_features=1, out_features=1, bias=True)\n)'
		);
		expect(snapshot.log).toEqual([]);
		expect(snapshot.epochsTrained).toBe(0);
	});

	it('1000 epochs print 20 falling log lines and reach w ~ 2, b ~ 1', () => {
		const example = new LinearRegressionExample(0);
		const snapshot = example.train();
		expect(snapshot.log).toHaveLength(20);
		snapshot.log.forEach((line, i) => {
			expect(line).toMatch(new RegExp(`^epoch ${50 * (i + 1)}, loss \\d\\.\\d+(e-\\d\\d)?$`));
		});
		for (let i = 1; i < snapshot.losses.length; i++) {
			expect(snapshot.losses[i]).toBeLessThan(snapshot.losses[i - 1]);
		}
		expect(Math.abs(snapshot.weight - 2)).toBeLessThan(0.05);
		expect(Math.abs(snapshot.bias - 1)).toBeLessThan(0.1);
		expect(snapshot.parametersText).toBe(
			`(${floatRepr(snapshot.weight)}, ${floatRepr(snapshot.bias)})`
		);
		expect(snapshot.epochsTrained).toBe(1000);
	});

	it('training again continues from the trained model', () => {
		const example = new LinearRegressionExample(0);
		const first = example.train();
		const second = example.train();
		expect(second.epochsTrained).toBe(2000);
		expect(second.log).toHaveLength(20);
		expect(second.losses[19]).toBeLessThan(first.losses[19]);
		expect(Math.abs(second.weight - 2)).toBeLessThan(Math.abs(first.weight - 2));
	});

	it('is fast: 1000 epochs well under the page budget of 50 ms', () => {
		new LinearRegressionExample(0).train(); // warm up the JIT
		const snapshot = new LinearRegressionExample(1).train();
		// Generous here so a loaded CI machine does not flake; typically a few ms.
		expect(snapshot.elapsedMs).toBeLessThan(250);
	});
});

describe('card 4: predicted, torch.save and load_state_dict', () => {
	const TORCH_FIXTURES = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));
	/** A file PyTorch 2.13 wrote (scripts/torch-fixtures.py), as the load cell's model.pkl. */
	const pytorchFile = (name: string): ModelFile => ({
		bytes: new Uint8Array(readFileSync(TORCH_FIXTURES + name)),
		source: 'chosen',
		name
	});

	it("predicted is NumPy's repr of the 11x1 float32 predictions of the model now", () => {
		const example = new LinearRegressionExample(0);
		const untrained = example.snapshot();
		expect(untrained.predicted).toMatch(/^array\(\[\[.*\],\n/);
		const trained = example.train();
		const lines = trained.predicted.split('\n');
		expect(lines).toHaveLength(11);
		expect(lines[0]).toMatch(/^array\(\[\[ 0\.\d+ *\],$/);
		expect(lines[10]).toMatch(/^ {7}\[21\.\d+ *\]\], dtype=float32\)$/);
		const rows = lines.map((line) => Number(/\[\s*(-?[\d.]+)\s*\]/.exec(line)![1]));
		// w * x + b in float32 (the last digit may differ from a float64 sum rounded once).
		rows.forEach((value, i) =>
			expect(Math.abs(value - (i * trained.weight + trained.bias))).toBeLessThan(4e-6)
		);
	});

	it('NumPy aligns the points and pads the fractions, as NumPy prints them', () => {
		expect(numpyFloat32Array([1, 3], [2, 1])).toBe('array([[1.],\n       [3.]], dtype=float32)');
		expect(numpyFloat32Array([0.5, 20.25], [2, 1])).toBe(
			'array([[ 0.5 ],\n       [20.25]], dtype=float32)'
		);
		expect(numpyFloat32Array([-0.5, 0.25, 3], [3, 1])).toBe(
			'array([[-0.5 ],\n       [ 0.25],\n       [ 3.  ]], dtype=float32)'
		);
	});

	it("save writes torch.save's ZIP archive; load prints <All keys matched successfully>", () => {
		const trained = new LinearRegressionExample(0);
		trained.train();
		const file = trained.save();
		expect(file.name).toBe(MODEL_FILE);
		expect(String.fromCharCode(file.bytes[0], file.bytes[1])).toBe('PK');
		const other = new LinearRegressionExample(7);
		expect(other.snapshot().weight).not.toBe(trained.snapshot().weight);
		expect(other.load(file)).toBe('<All keys matched successfully>');
		expect(other.snapshot().parametersText).toBe(trained.snapshot().parametersText);
		expect(other.snapshot().predicted).toBe(trained.snapshot().predicted);
	});

	it('loads the model.pkl PyTorch saved, to the bit', () => {
		const expected = JSON.parse(readFileSync(TORCH_FIXTURES + 'expected.json', 'utf8'))[
			'model.pkl'
		];
		const example = new LinearRegressionExample(0);
		expect(example.load(pytorchFile('model.pkl'))).toBe('<All keys matched successfully>');
		const snapshot = example.snapshot();
		expect(snapshot.weight).toBe(expected['linear.weight'].data[0]);
		expect(snapshot.bias).toBe(expected['linear.bias'].data[0]);
		// What PyTorch prints for model.linear.weight.item(), model.linear.bias.item().
		expect(snapshot.parametersText).toBe('(2.000089645385742, 0.9993773102760315)');
	});

	it("load without a model.pkl, or with another model's file, prints the exception and loads nothing", () => {
		const example = new LinearRegressionExample(0);
		const before = example.snapshot().parametersText;
		expect(example.load(null)).toBe(
			"FileNotFoundError: [Errno 2] No such file or directory: 'model.pkl'"
		);
		expect(example.load(pytorchFile('two-layer.pt'))).toBe(
			'RuntimeError: Error(s) in loading state_dict for LinearRegressionModel:\n\tMissing key(s) in state_dict: "linear.weight", "linear.bias". \n\tUnexpected key(s) in state_dict: "0.weight", "0.bias", "2.weight", "2.bias". '
		);
		expect(example.snapshot().parametersText).toBe(before);
	});
});

describe('python-tokens', () => {
	it.each(Object.entries(PY).filter(([, source]) => typeof source === 'string'))(
		'joins back to the source: %s',
		(_, source) => {
			const tokens = tokenizePython(source as string);
			expect(tokens.map((t) => t.text).join('')).toBe(source);
		}
	);

	it('tints keywords, constants, strings, numbers and comments', () => {
		const tokens = tokenizePython("for i in range(11):  # loop\n    print('x', True)").filter(
			(t) => t.kind !== 'plain'
		);
		expect(tokens).toEqual([
			{ kind: 'keyword', text: 'for' },
			{ kind: 'keyword', text: 'in' },
			{ kind: 'builtin', text: 'range' },
			{ kind: 'number', text: '11' },
			{ kind: 'comment', text: '# loop' },
			{ kind: 'builtin', text: 'print' },
			{ kind: 'string', text: "'x'" },
			{ kind: 'constant', text: 'True' }
		]);
	});
});

describe("the cards' comments in the page's language", () => {
	const sources = Object.values(PY).filter((code) => typeof code === 'string');
	const comments = (code: string) => [...code.matchAll(/# ([^\n]+)/g)].map((m) => m[1].trimEnd());

	it('English: the code as written; each comment in words is one of the catalog', () => {
		for (const code of sources)
			expect(localizeComments(code, (key) => translate('en', key))).toBe(code);
		const shown = localizeComments(sources.join('\n'), () => 'LOCALIZED');
		for (const comment of comments(shown)) {
			if (/[=]/.test(comment)) continue; // formulas: dz/dw = x, y = 2x + 1
			expect(comment, comment).toBe('LOCALIZED');
		}
	});

	it('Chinese: every comment in words is Chinese, the code and the formulas unchanged', () => {
		const all = sources.join('\n');
		const zh = localizeComments(all, (key) => translate('zh', key));
		for (const comment of comments(zh)) {
			// Formulas (dz/dw = x, y = 2x + 1) stay; any English word would be one of ours left over.
			if (/^[\w/ =+*]+$/.test(comment) && /[=]/.test(comment)) continue;
			expect(comment, comment).toMatch(/[\u4e00-\u9fff]/);
		}
		expect(zh.replace(/#[^\n]*/g, '')).toBe(all.replace(/#[^\n]*/g, ''));
		expect(comments(all)).toHaveLength(comments(zh).length);
	});
});
