/** generateCode: the PyTorch program of a graph. */
import { describe, expect, it } from 'vitest';
import { generateCode, generateProgram, importCode } from '$lib/code';
import { pyFloat, pyFloat32, pyNumber, toIdentifier } from '$lib/code/python';
import { EXAMPLES, GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '$lib/graph';
import { describeGraph, graph } from './helpers';

const example = (id: string) => EXAMPLES.find((e) => e.id === id)!.doc;

const constant = (name: string, value: number) => ({
	name,
	leaf: { shape: [], init: 'values' as const, values: [value] }
});

describe('the examples', () => {
	it('autograd basics: the randn leaves as the canvas drew them, t = x + b, y = t.sum(), grads', () => {
		const code = generateCode(example('autograd-basics'));
		expect(code).toBe(`import torch

# torch.randn(3, 4) drawn by the canvas (seed 1); PyTorch's generator would draw other numbers
x = torch.tensor([
    [0.96597403, 0.016605806, 1.1231042, -0.13435254],
    [-0.049227864, 0.24868126, -0.1808915, -0.9729259],
    [1.3060548, -0.042498853, -1.2513703, 0.08829899],
], requires_grad=True)
# torch.randn(3, 4) drawn by the canvas (seed 2); PyTorch's generator would draw other numbers
b = torch.tensor([
    [-0.35683334, 0.70034194, -1.538986, -0.374136],
    [-0.35135004, -0.3780977, -0.73553824, 0.92112654],
    [0.52941877, 0.46105152, 0.2081037, 0.6622902],
], requires_grad=True)

t = x + b
y = t.sum()

print(y)
y.backward()
print(x.grad)
print(b.grad)
`);
	});

	it('chain rule: y = w * x, z = y + b, backward from z', () => {
		expect(generateCode(example('chain-rule'))).toBe(`import torch

# torch.rand(1) drawn by the canvas (seed 1); PyTorch's generator would draw other numbers
x = torch.tensor([0.62707394])
# torch.rand(1) drawn by the canvas (seed 2); PyTorch's generator would draw other numbers
w = torch.tensor([0.73425096], requires_grad=True)
# torch.rand(1) drawn by the canvas (seed 3); PyTorch's generator would draw other numbers
b = torch.tensor([0.72022676], requires_grad=True)

y = w * x
z = y + b

print(z)
z.backward()
print(w.grad)
print(b.grad)
`);
	});

	it("linear regression: the tutorial's training program", () => {
		const program = generateProgram(example('linear-regression'));
		expect(program.kind).toBe('training');
		const code = program.code;
		for (const line of [
			'import torch.nn as nn',
			'device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")',
			'x = torch.arange(11.0).reshape(11, 1).to(device)',
			'model = nn.Linear(1, 1)',
			"model.load_state_dict({'weight': torch.zeros(1, 1), 'bias': torch.zeros(1)})",
			'model.to(device)',
			'criterion = nn.MSELoss()',
			'learning_rate = 0.01',
			'optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)',
			'pred = model(x)',
			'loss = criterion(pred, y)',
			'loss.backward()',
			'print(model.weight.grad)',
			'epochs = 1000',
			'for epoch in range(epochs):',
			'    optimizer.zero_grad()',
			'    outputs = model(x)',
			'    loss = criterion(outputs, y)',
			'    optimizer.step()',
			'    if epoch % 50 == 0:',
			"        print('epoch {}, loss {}'.format(epoch, loss.item()))",
			"torch.save(model.state_dict(), 'model.pkl')"
		]) {
			expect(code.split('\n')).toContain(line);
		}
		expect(code).toContain(
			'y = torch.tensor([\n    [1.0], [3.0], [5.0], [7.0], [9.0], [11.0], [13.0], [15.0], [17.0], [19.0], [21.0],\n]).to(device)'
		);
	});

	it('a graph that only looks like the pattern gets the plain program', () => {
		const doc = example('linear-regression');
		const extra: GraphDocument = {
			...doc,
			nodes: [
				...doc.nodes,
				{
					id: 'n9',
					op: 'tensor',
					name: 'c',
					position: { x: 0, y: 0 },
					attrs: { shape: [1], init: 'ones', requiresGrad: false }
				}
			]
		};
		const program = generateProgram(extra, { output: 'n6' });
		expect(program.kind).toBe('autograd');
		expect(program.code).toContain('pred = F.linear(x, weight, bias)');
		expect(program.code).toContain('loss = F.mse_loss(pred, y)');
		expect(program.code).toContain('import torch.nn.functional as F');
	});
});

describe('expressions read naturally, with Python precedence', () => {
	it('z = w * x + b when the product has an automatic name', () => {
		const doc = graph([
			{ name: 'w', leaf: { requiresGrad: true } },
			{ name: 'x', leaf: {} },
			{ name: 'b', leaf: { requiresGrad: true } },
			{ name: 'mul1', op: 'mul', inputs: { input: 'w', other: 'x' } },
			{ name: 'z', op: 'add', inputs: { input: 'mul1', other: 'b' } }
		]);
		expect(generateCode(doc)).toContain('\nz = w * x + b\n');
	});

	it('constants are numbers: y = x ** 2, 2 * x, x / -0.5', () => {
		const doc = graph([
			{ name: 'x', leaf: { requiresGrad: true } },
			constant('t1', 2),
			{ name: 'y', op: 'pow', inputs: { input: 'x', exponent: 't1' } },
			constant('t2', 2),
			{ name: 'a', op: 'mul', inputs: { input: 't2', other: 'x' } },
			constant('t3', -0.5),
			{ name: 'c', op: 'div', inputs: { input: 'x', other: 't3' } }
		]);
		const code = generateCode(doc);
		expect(code).toContain('y = x ** 2\na = 2 * x\nc = x / -0.5\n');
	});

	it('parentheses exactly where Python needs them', () => {
		const doc = graph([
			{ name: 'a', leaf: {} },
			{ name: 'b', leaf: {} },
			{ name: 'add1', op: 'add', inputs: { input: 'a', other: 'b' } },
			{ name: 'p', op: 'mul', inputs: { input: 'add1', other: 'a' } },
			{ name: 'sub1', op: 'sub', inputs: { input: 'b', other: 'a' } },
			{ name: 'q', op: 'sub', inputs: { input: 'a', other: 'sub1' } },
			{ name: 'neg1', op: 'neg', inputs: { input: 'a' } },
			constant('t1', 2),
			{ name: 'r', op: 'pow', inputs: { input: 'neg1', exponent: 't1' } },
			constant('t2', 2),
			{ name: 'pow1', op: 'pow', inputs: { input: 'a', exponent: 't2' } },
			{ name: 's', op: 'neg', inputs: { input: 'pow1' } },
			{ name: 'add2', op: 'add', inputs: { input: 'a', other: 'b' } },
			{ name: 'u', op: 'sum', inputs: { input: 'add2' }, attrs: { dim: 0, keepdim: true } },
			constant('t3', -2),
			{ name: 'v', op: 'pow', inputs: { input: 't3', exponent: 'a' } },
			{ name: 'sub2', op: 'sub', inputs: { input: 'a', other: 'b' } },
			{ name: 'w', op: 'sub', inputs: { input: 'sub2', other: 'a' } }
		]);
		const lines = generateCode(doc).split('\n');
		for (const line of [
			'p = (a + b) * a',
			'q = a - (b - a)',
			'r = (-a) ** 2',
			's = -a ** 2',
			'u = (a + b).sum(dim=0, keepdim=True)',
			'v = (-2) ** a',
			'w = a - b - a'
		]) {
			expect(lines).toContain(line);
		}
		// And it reads back as the same graph.
		const back = importCode(generateCode(doc));
		expect(back.problems).toEqual([]);
		expect(generateCode(back.doc!)).toBe(generateCode(doc));
	});

	it('ops with their PyTorch forms', () => {
		const doc = graph([
			{ name: 'x', leaf: { shape: [2, 3], requiresGrad: true } },
			{ name: 'm', leaf: { shape: [3, 2] } },
			{ name: 'a', op: 'matmul', inputs: { input: 'x', other: 'm' } },
			{ name: 'b', op: 'transpose', inputs: { input: 'x' }, attrs: { dim0: 0, dim1: 1 } },
			{ name: 'c', op: 'transpose', inputs: { input: 'x' }, attrs: { dim0: -1, dim1: 0 } },
			{ name: 'd', op: 'reshape', inputs: { input: 'x' }, attrs: { shape: [-1] } },
			{ name: 'e', op: 'mean', inputs: { input: 'x' }, attrs: { dim: [0, 1] } },
			{ name: 'f', op: 'log_softmax', inputs: { input: 'x' }, attrs: { dim: 1 } },
			{ name: 'g', op: 'relu', inputs: { input: 'x' } },
			{
				name: 'h',
				op: 'mse_loss',
				inputs: { input: 'x', target: 'x' },
				attrs: { reduction: 'sum' }
			},
			{ name: 'k', op: 'expand', inputs: { input: 'e' }, attrs: { size: [2, 2] } }
		]);
		const lines = generateCode(doc).split('\n');
		for (const line of [
			'a = x @ m',
			'b = x.t()',
			'c = x.transpose(-1, 0)',
			'd = x.reshape(-1)',
			'e = x.mean(dim=(0, 1))',
			'f = x.log_softmax(dim=1)',
			'g = x.relu()',
			"h = F.mse_loss(x, x, reduction='sum')",
			'k = e.expand(2, 2)'
		]) {
			expect(lines).toContain(line);
		}
	});
});

describe('leaves', () => {
	it('each init as PyTorch writes it', () => {
		const doc = graph([
			{ name: 'a', leaf: { shape: [2, 3], init: 'zeros' } },
			{ name: 'b', leaf: { shape: [], init: 'ones', requiresGrad: true } },
			{ name: 'c', leaf: { shape: [3], init: 'full', fill: 2 } },
			{ name: 'd', leaf: { shape: [4], init: 'arange', requiresGrad: true } },
			{ name: 'e', leaf: { shape: [2, 2], init: 'arange', requiresGrad: true } },
			{ name: 'f', leaf: { shape: [2], init: 'values', values: [0.1, -1e-7] } },
			{ name: 'g', leaf: { shape: [1], init: 'values', values: [3], retainGrad: true } }
		]);
		expect(generateCode(doc).split('\n').slice(2, 10)).toEqual([
			'a = torch.zeros(2, 3)',
			'b = torch.ones((), requires_grad=True)',
			'c = torch.full((3,), 2.0)',
			'd = torch.arange(4.0, requires_grad=True)',
			'e = torch.arange(4.0).reshape(2, 2).requires_grad_()',
			'f = torch.tensor([0.1, -1e-07])',
			'g = torch.tensor([3.0])',
			'g.retain_grad()'
		]);
	});

	it("randomLeaves: 'seed' writes manual_seed and the draw, and still imports the same leaf", () => {
		const doc = example('chain-rule');
		const code = generateCode(doc, { randomLeaves: 'seed' });
		expect(code).toContain('torch.manual_seed(2)\nw = torch.rand(1, requires_grad=True)\n');
		expect(describeGraph(importCode(code).doc!).slice(0, 3)).toEqual([
			'x = rand[1] seed 1',
			'w = rand[1] seed 2 grad',
			'b = rand[1] seed 3 grad'
		]);
	});

	it('a literal edited after generation imports as values, not as the draw', () => {
		const code = generateCode(example('chain-rule')).replace('0.73425096', '0.5');
		expect(describeGraph(importCode(code).doc!)[1]).toBe('w = values[1] [0.5] grad');
	});
});

describe('backward and prints', () => {
	it('calls backward on the chosen output and prints every leaf that requires grad', () => {
		const doc = graph([
			{ name: 'x', leaf: { requiresGrad: true } },
			{ name: 'a', op: 'exp', inputs: { input: 'x' } },
			{ name: 'b', op: 'relu', inputs: { input: 'x' }, attrs: { retainGrad: true } },
			{ name: 'c', op: 'mul', inputs: { input: 'a', other: 'b' } }
		]);
		const program = generateProgram(doc, { output: 'n3' });
		expect(program.code).toContain('\nb = x.relu()\nb.retain_grad()\n');
		expect(program.code.endsWith('print(b)\nb.backward()\nprint(x.grad)\nprint(b.grad)\n')).toBe(
			true
		);
		expect(program.printed).toEqual([
			{ what: 'value', node: 'n3' },
			{ what: 'grad', node: 'n1' },
			{ what: 'grad', node: 'n3' }
		]);
	});

	it('explains, instead of calling, a backward that PyTorch would refuse', () => {
		const matrix = graph([
			{ name: 'x', leaf: { shape: [2, 2], requiresGrad: true } },
			{ name: 'y', op: 'exp', inputs: { input: 'x' } }
		]);
		expect(generateCode(matrix)).toContain(
			'# y has shape [2, 2]: backward() needs a one-element output\n# (PyTorch: grad can be implicitly created only for scalar outputs). Try y.sum().'
		);
		const noGrad = graph([
			{ name: 'x', leaf: {} },
			{ name: 'y', op: 'exp', inputs: { input: 'x' } }
		]);
		expect(generateCode(noGrad)).toContain(
			'element 0 of tensors does not require grad and does not have a grad_fn'
		);
		const two = graph([
			{ name: 'x', leaf: {} },
			{ name: 'y', op: 'exp', inputs: { input: 'x' } },
			{ name: 'z', op: 'log', inputs: { input: 'x' } }
		]);
		expect(generateCode(two)).toContain(
			'# Several results (y, z): choose one as the output to call backward() on.'
		);
	});

	it('a missing input or a shape error is said in a comment', () => {
		const doc = graph([
			{ name: 'x', leaf: { shape: [2] } },
			{ name: 'y', leaf: { shape: [3] } },
			{ name: 'a', op: 'add', inputs: { input: 'x', other: 'y' } },
			{ name: 'b', op: 'mul', inputs: { input: 'x' } },
			{ name: 'c', op: 'exp', inputs: { input: 'b' } }
		]);
		const code = generateCode(doc);
		expect(code).toContain(
			'# PyTorch raises here, as the canvas shows: RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0\na = x + y\n'
		);
		expect(code).toContain(
			'# b = mul(...) is not computed yet: missing input other\n# c is not computed yet: it reads b\n'
		);
	});
});

describe('names', () => {
	it('become Python variables: keywords, reserved names, other characters, duplicates', () => {
		const doc = graph([
			{ name: 'for', leaf: {} },
			{ name: 'F', leaf: {} },
			{ name: 'a b', leaf: {} },
			{ name: '1x', leaf: {} },
			{ name: 'x', leaf: {} },
			{ name: 'x', leaf: {} },
			{ name: 'torch', leaf: {} }
		]);
		const vars = generateCode(doc)
			.split('\n')
			.filter((line) => line.includes(' = torch.ones'))
			.map((line) => line.split(' = ')[0]);
		expect(vars).toEqual(['for_', 'F_', 'a_b', '_1x', 'x', 'x_1', 'torch_']);
	});

	it('toIdentifier normalizes as Python reads identifiers (NFKC)', () => {
		expect(toIdentifier('ﬁt', new Set())).toBe('fit');
		expect(toIdentifier('', new Set())).toBe('_');
		expect(toIdentifier('权重', new Set())).toBe('权重');
	});
});

describe('numbers', () => {
	it.each([
		[2, '2.0'],
		[-0, '-0.0'],
		[0.1, '0.1'],
		[1e-4, '0.0001'],
		[1e-5, '1e-05'],
		[123456.789, '123456.789'],
		[1e16, '1e+16'],
		[1.5e300, '1.5e+300'],
		[5e-324, '5e-324']
	])('pyFloat(%s) = %s, as Python prints it', (value, text) => {
		expect(pyFloat(value)).toBe(text);
		expect(Number(text)).toBe(value);
	});

	it('pyFloat32 gives the shortest literal that rounds to the same float32', () => {
		const value = Math.fround(0.6270739);
		expect(pyFloat32(value)).toBe('0.6270739');
		expect(Math.fround(Number(pyFloat32(value)))).toBe(value);
	});

	it('pyNumber writes whole numbers as ints', () => {
		expect([2, -3, 0.5, -0, 1e20].map(pyNumber)).toEqual(['2', '-3', '0.5', '-0.0', '1e+20']);
	});
});

describe('never throws', () => {
	it('an empty canvas, an invalid document', () => {
		expect(
			generateCode({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] })
		).toBe(
			'import torch\n\n# The canvas is empty: add tensors and ops, and their PyTorch code appears here.\n'
		);
		expect(generateCode({ nodes: 3 } as unknown as GraphDocument)).toMatch(
			/^import torch\n\n# This graph is not valid/
		);
	});
});
