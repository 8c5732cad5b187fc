/** importCode: the subset, and what is reported (with positions) outside it. */
import { describe, expect, it } from 'vitest';
import { importCode, MAX_CODE_BYTES, MAX_CODE_LINES, MAX_CODE_PROBLEMS } from '$lib/code';
import { inferShapes, type GraphDocument } from '$lib/graph';
import { translate } from '$lib/i18n';
import { describeGraph, nameOf } from './helpers';

/** Import code that must import without problems; its graph, described. */
function graphOf(code: string): string[] {
	const result = importCode(code);
	expect(result.problems).toEqual([]);
	return describeGraph(result.doc!);
}

const problemsOf = (code: string) =>
	importCode(code).problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`);

const node = (doc: GraphDocument, name: string) => doc.nodes.find((n) => n.name === name)!;

describe('tensor creation', () => {
	it('torch.tensor: numbers and nested lists (tuples too), row-major', () => {
		expect(
			graphOf(
				'a = torch.tensor(2.5)\nb = torch.tensor([1.0, -2.0])\nc = torch.tensor(((1., 2.), (3., 4.)))'
			)
		).toEqual(['a = values[] [2.5]', 'b = values[2] [1,-2]', 'c = values[2, 2] [1,2,3,4]']);
	});

	it('requires_grad=True, dtype=torch.float32 and device= are read; whole numbers become floats', () => {
		expect(
			graphOf(
				'x = torch.tensor([[1.], [2.]], dtype=torch.float32, device="cpu", requires_grad=True)\nn = torch.tensor([1, 2])'
			)
		).toEqual(['x = values[2, 1] [1,2] grad', 'n = values[2] [1,2]']);
	});

	it('zeros, ones, full, rand, randn take sizes as arguments, a tuple, a list or size=', () => {
		expect(
			graphOf(
				'a = torch.zeros(2, 3)\nb = torch.ones((4,), requires_grad=True)\nc = torch.full([2, 2], 1.5)\nd = torch.rand(size=(3,))\ne = torch.randn(())'
			)
		).toEqual([
			'a = zeros[2, 3]',
			'b = ones[4] grad',
			'c = full[2, 2] fill 1.5',
			'd = rand[3] seed 0',
			'e = randn[] seed 1'
		]);
	});

	it('rand / randn seeds count from the last torch.manual_seed', () => {
		expect(
			graphOf(
				'torch.manual_seed(7)\na = torch.randn(2)\nb = torch.rand(2)\ntorch.manual_seed(1)\nc = torch.randn(2)'
			)
		).toEqual(['a = randn[2] seed 7', 'b = rand[2] seed 8', 'c = randn[2] seed 1']);
	});

	it('arange: from 0 by 1 is an arange leaf; a reshape of it stays one leaf, as in PyTorch', () => {
		expect(
			graphOf(
				'a = torch.arange(5.)\nb = torch.arange(12.).reshape(3, -1)\nc = torch.arange(1, 7, 2.0)\nd = torch.arange(6.0).view(2, 3).requires_grad_()'
			)
		).toEqual([
			'a = arange[5]',
			'b = arange[3, 4]',
			'c = values[3] [1,3,5]',
			'd = arange[2, 3] grad'
		]);
	});

	it('a tensor that requires grad and is reshaped is a leaf and a reshape node', () => {
		expect(graphOf('x = torch.ones(6, requires_grad=True).reshape(2, 3)')).toEqual([
			't1 = ones[6] grad',
			'x = reshape(input=t1) {"shape":[2,3]}'
		]);
	});

	it('nn.Parameter and requires_grad_ set the flag; detach clears it on a new tensor', () => {
		expect(
			graphOf(
				'import torch.nn as nn\np = nn.Parameter(torch.zeros(2))\nq = torch.ones(2).requires_grad_()\nr = torch.ones(2, requires_grad=True).detach()'
			)
		).toEqual(['p = zeros[2] grad', 'q = ones[2] grad', 'r = ones[2]']);
	});

	it('reports what PyTorch refuses, with its wording where it has one', () => {
		expect(problemsOf('x = torch.tensor([1, 2], requires_grad=True)')).toEqual([
			'1:5 value: only floating point tensors can require gradients, and whole numbers such as 2 make an integer tensor in PyTorch: write 2.0'
		]);
		expect(problemsOf('x = torch.tensor([[1., 2.], [3.]])')).toEqual([
			'1:18 value: expected sequence of length 2 at dim 1 (got 1)'
		]);
		expect(problemsOf('x = torch.zeros(2.5)')).toEqual([
			'1:17 value: size must be an integer, not a float'
		]);
		expect(problemsOf('x = torch.randn(3, 4, foo=1)')).toEqual([
			"1:23 value: torch.randn() got an unexpected keyword argument 'foo'"
		]);
		expect(problemsOf('x = torch.zeros(3, -1)')).toEqual([
			'1:5 value: Trying to create tensor with negative dimension -1: [3, -1]'
		]);
		expect(problemsOf('x = torch.zeros(2, dtype=torch.float64)')).toEqual([
			'1:20 value: the canvas computes in float32: dtype=torch.float64 is outside the subset'
		]);
		expect(problemsOf('x = torch.arange(4.).reshape(3, 2)')).toEqual([
			"1:5 value: shape '[3, 2]' is invalid for input of size 4"
		]);
	});
});

describe('operators, with Python precedence', () => {
	const leaves = 'w = torch.ones(1)\nx = torch.ones(1)\nb = torch.ones(1)\n';

	it('z = w * x + b: the product is an intermediate node with an automatic name', () => {
		expect(graphOf(`${leaves}z = w * x + b`).slice(3)).toEqual([
			'mul1 = mul(input=w, other=x)',
			'z = add(input=mul1, other=b)'
		]);
	});

	it('parentheses, - and / group as in Python', () => {
		expect(graphOf(`${leaves}z = w - (x - b) / w`).slice(3)).toEqual([
			'sub1 = sub(input=x, other=b)',
			'div1 = div(input=sub1, other=w)',
			'z = sub(input=w, other=div1)'
		]);
	});

	it('** binds tighter than unary minus, and to the right', () => {
		expect(graphOf(`${leaves}z = -x ** 2 ** w`).slice(3)).toEqual([
			't1 = values[] [2]',
			'pow1 = pow(input=t1, exponent=w)',
			'pow2 = pow(input=x, exponent=pow1)',
			'z = neg(input=pow2)'
		]);
	});

	it('numbers become 0-d constant leaves, on the side they are written; numbers alone are folded', () => {
		expect(graphOf(`${leaves}n = 2 * 3 - 1\nz = n * x + 0.5`).slice(3)).toEqual([
			't1 = values[] [5]',
			'mul1 = mul(input=t1, other=x)',
			't2 = values[] [0.5]',
			'z = add(input=mul1, other=t2)'
		]);
		expect(graphOf(`${leaves}z = x ** -1`).slice(3)).toEqual([
			't1 = values[] [-1]',
			'z = pow(input=x, exponent=t1)'
		]);
	});

	it('@ and torch.matmul / mm make matmul nodes', () => {
		const code =
			'a = torch.ones(2, 3)\nb = torch.ones(3, 2)\nc = a @ b\nd = torch.matmul(a, b)\ne = a.mm(b)';
		expect(graphOf(code).slice(2)).toEqual([
			'c = matmul(input=a, other=b)',
			'd = matmul(input=a, other=b)',
			'e = matmul(input=a, other=b)'
		]);
	});
});

describe('methods and functions', () => {
	const x = 'x = torch.ones(2, 3, requires_grad=True)\n';

	it('sum and mean take dim / keepdim by position or keyword', () => {
		expect(
			graphOf(
				`${x}a = x.sum()\nb = x.sum(1)\nc = x.mean(dim=(0, 1), keepdim=True)\nd = x.sum(0, True)\ne = torch.mean(x, dim=-1)`
			).slice(1)
		).toEqual([
			'a = sum(input=x) {"keepdim":false}',
			'b = sum(input=x) {"dim":1,"keepdim":false}',
			'c = mean(input=x) {"dim":[0,1],"keepdim":true}',
			'd = sum(input=x) {"dim":0,"keepdim":true}',
			'e = mean(input=x) {"dim":-1,"keepdim":false}'
		]);
	});

	it('pow, relu, exp, log, neg, sqrt, tanh, sigmoid, log_softmax', () => {
		const code = `${x}a = x.pow(2)\nb = x.relu()\nc = x.exp().log()\nd = torch.sqrt(x)\ne = x.log_softmax(dim=1)`;
		expect(graphOf(code).slice(1)).toEqual([
			't1 = values[] [2]',
			'a = pow(input=x, exponent=t1)',
			'b = relu(input=x)',
			'exp1 = exp(input=x)',
			'c = log(input=exp1)',
			'd = sqrt(input=x)',
			'e = log_softmax(input=x) {"dim":1}'
		]);
	});

	it('.t() and .T transpose a matrix; on a vector they do nothing (transpose 0, 0)', () => {
		const code = `${x}a = x.t()\nb = x.T\nv = torch.ones(3)\nc = v.t()\nd = x.transpose(0, 1)`;
		expect(graphOf(code).slice(1)).toEqual([
			'a = transpose(input=x) {"dim0":0,"dim1":1}',
			'b = transpose(input=x) {"dim0":0,"dim1":1}',
			'v = ones[3]',
			'c = transpose(input=v) {"dim0":0,"dim1":0}',
			'd = transpose(input=x) {"dim0":0,"dim1":1}'
		]);
	});

	it('.t() of a vector keeps what else its node holds (retain_grad)', () => {
		const code = `v = torch.ones(3, requires_grad=True)\nc = v.t()\nc.retain_grad()\nc.sum().backward()`;
		expect(graphOf(code)).toContain('c = transpose(input=v) {"dim0":0,"dim1":0,"retainGrad":true}');
	});

	it('reshape and view take sizes or a tuple; expand takes sizes', () => {
		const code = `${x}a = x.reshape(3, 2)\nb = x.view((-1,))\nc = torch.reshape(x, (6, 1))\nd = torch.ones(1, 3).expand(2, 3)`;
		expect(graphOf(code).slice(1)).toEqual([
			'a = reshape(input=x) {"shape":[3,2]}',
			'b = reshape(input=x) {"shape":[-1]}',
			'c = reshape(input=x) {"shape":[6,1]}',
			't1 = ones[1, 3]',
			'd = expand(input=t1) {"size":[2,3]}'
		]);
	});

	it('torch.nn.functional.mse_loss, F.mse_loss and F.linear (after the import)', () => {
		const code = `import torch.nn.functional as F\n${x}y = torch.zeros(2, 3)\na = torch.nn.functional.mse_loss(x, y)\nb = F.mse_loss(x, y, reduction='sum')\nw = torch.ones(4, 3)\nc = F.linear(x, w)`;
		expect(graphOf(code).slice(2)).toEqual([
			'a = mse_loss(input=x, target=y) {"reduction":"mean"}',
			'b = mse_loss(input=x, target=y) {"reduction":"sum"}',
			'w = ones[4, 3]',
			'c = linear(input=x, weight=w)'
		]);
	});

	it('F.linear wires a bias only when one is given (None is none)', () => {
		const code = `import torch.nn.functional as F\n${x}w = torch.ones(4, 3)\nb = torch.zeros(4)\nc = F.linear(x, w, None)\nd = F.linear(x, w, bias=b)`;
		expect(graphOf(code).slice(3)).toEqual([
			'c = linear(input=x, weight=w)',
			'd = linear(input=x, weight=w, bias=b)'
		]);
	});

	it('F without its import is an undefined name, with a hint', () => {
		expect(problemsOf(`${x}l = F.mse_loss(x, x)`)).toEqual([
			"2:5 undefined-name: name 'F' is not defined: add import torch.nn.functional as F"
		]);
	});
});

describe('nn.Linear and nn.MSELoss', () => {
	it('nn.Linear makes weight and bias leaves; calling it makes a linear node; criterion makes mse_loss', () => {
		const code = `import torch.nn as nn
x = torch.ones(4, 2)
y = torch.zeros(4, 3)
model = nn.Linear(2, 3)
criterion = nn.MSELoss()
pred = model(x)
loss = criterion(pred, y)
loss.backward()`;
		const result = importCode(code);
		expect(result.problems).toEqual([]);
		const lines = describeGraph(result.doc!);
		expect(lines[2]).toMatch(/^weight = values\[3, 2\] \[.*\] grad$/);
		expect(lines[3]).toMatch(/^bias = values\[3\] \[.*\] grad$/);
		expect(lines.slice(4)).toEqual([
			'pred = linear(input=x, weight=weight, bias=bias)',
			'loss = mse_loss(input=pred, target=y) {"reduction":"mean"}'
		]);
		expect(nameOf(result.doc!, result.output)).toBe('loss');
		// nn.Linear's init: U(-1/sqrt(2), 1/sqrt(2)).
		const values = (node(result.doc!, 'weight').attrs!.values as number[]).concat(
			node(result.doc!, 'bias').attrs!.values as number[]
		);
		for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(2));
	});

	it("nn.Linear(bias=False) wires no bias; nn.MSELoss keeps its reduction; size_average= and reduce= are PyTorch's deprecated arguments", () => {
		const code = `import torch.nn as nn
import torch.nn.functional as F
x = torch.ones(4, 2)
y = torch.zeros(4, 3)
model = nn.Linear(2, 3, bias=False)
criterion = nn.MSELoss(reduction='sum')
pred = model(x)
loss = criterion(pred, y)
old = nn.MSELoss(size_average=False)
other = F.mse_loss(pred, y, reduce=True)`;
		const result = importCode(code);
		expect(result.problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([
			'9:18 unsupported: size_average is deprecated in PyTorch: use reduction=',
			'10:29 unsupported: reduce is deprecated in PyTorch: use reduction='
		]);
		expect(describeGraph(result.doc!).slice(3)).toEqual([
			'pred = linear(input=x, weight=weight)',
			'loss = mse_loss(input=pred, target=y) {"reduction":"sum"}'
		]);
	});

	it('load_state_dict and nn.Parameter set the parameters; .weight / .bias are the leaves', () => {
		const code = `import torch.nn as nn
model = nn.Linear(1, 1)
model.load_state_dict({"weight": torch.tensor([[2.0]]), "bias": torch.zeros(1)})
w = model.weight
model.bias = nn.Parameter(torch.tensor([0.5]))
y = w * model.bias`;
		expect(graphOf(code)).toEqual([
			'weight = values[1, 1] [2] grad',
			'bias = values[1] [0.5] grad',
			'y = mul(input=weight, other=bias)'
		]);
	});

	it('load_state_dict errors read as PyTorch writes them', () => {
		expect(
			problemsOf(
				'import torch.nn as nn\nm = nn.Linear(1, 1)\nm.load_state_dict({"weight": torch.zeros(1, 1)})'
			)
		).toEqual([
			'3:19 value: Error(s) in loading state_dict for Linear: Missing key(s) in state_dict: "bias".'
		]);
		expect(
			problemsOf(
				'import torch.nn as nn\nm = nn.Linear(1, 1, bias=False)\nm.load_state_dict({"weight": torch.zeros(2, 1)})'
			)
		).toEqual([
			'3:30 value: size mismatch for weight: copying a param with shape torch.Size([2, 1]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		]);
	});
});

describe('backward, retain_grad, requires_grad and statements that are ignored', () => {
	it('the last backward() chooses the output, also on an expression', () => {
		const result = importCode(
			'x = torch.ones(2, requires_grad=True)\ny = x.sum()\ny.backward()\n(x * 2).sum().backward(retain_graph=True)'
		);
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!).slice(2)).toEqual([
			't1 = values[] [2]',
			'mul1 = mul(input=x, other=t1)',
			'sum1 = sum(input=mul1) {"keepdim":false}'
		]);
		expect(nameOf(result.doc!, result.output)).toBe('sum1');
		// The last backward's retain_graph; none without a backward().
		expect(result.retainGraph).toBe(true);
		expect(
			importCode('x = torch.ones(2, requires_grad=True)\nx.sum().backward()').retainGraph
		).toBe(false);
		expect(
			importCode('x = torch.ones(2, requires_grad=True)\nx.sum().backward(retain_graph=False)')
				.retainGraph
		).toBe(false);
		expect(importCode('x = torch.ones(2)').retainGraph).toBeUndefined();
	});

	it('retain_grad() and requires_grad = True are recorded on the node', () => {
		const result = importCode(
			'x = torch.ones(2)\nx.requires_grad = True\ny = x * x\ny.retain_grad()'
		);
		expect(describeGraph(result.doc!)).toEqual([
			'x = ones[2] grad',
			'y = mul(input=x, other=x) {"retainGrad":true}'
		]);
	});

	it('imports, comments, blank lines, prints, docstrings and shown values add nothing', () => {
		const code = `"""A docstring."""
import torch
import numpy as np  # imported, unused: fine
from torch import nn

x = torch.ones(2, requires_grad=True)  # a leaf
x
x + 1
x.grad, x.requires_grad, x.is_leaf
print(x, x.grad, undefined_name)
pass; y = x.exp()
`;
		expect(graphOf(code)).toEqual(['x = ones[2] grad', 'y = exp(input=x)']);
	});

	it('the training helpers import as nothing: device, optimizer, zero_grad, save', () => {
		const code = `import torch.nn as nn
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model = nn.Linear(1, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
optimizer.zero_grad()
torch.save(model.state_dict(), 'model.pkl')`;
		const result = importCode(code);
		expect(result.problems).toEqual([]);
		expect(describeGraph(result.doc!).map((line) => line.split(' = ')[0])).toEqual([
			'weight',
			'bias'
		]);
	});
});

describe('reassignment', () => {
	const notesOf = (code: string) =>
		importCode(code).notes.map((n) => `${n.line}:${n.column} ${n.code}: ${n.message}`);

	it('x = x + 1 makes a new node x_1: imported, with a note (not a problem) where x is assigned again', () => {
		const result = importCode('x = torch.ones(2, requires_grad=True)\nx = x + 1\ny = x * 2');
		expect(describeGraph(result.doc!)).toEqual([
			'x = ones[2] grad',
			't1 = values[] [1]',
			'x_1 = add(input=x, other=t1)',
			't2 = values[] [2]',
			'y = mul(input=x_1, other=t2)'
		]);
		expect(result.problems).toEqual([]);
		expect(result.moreProblems).toBe(0);
		expect(result.notes).toEqual([
			{
				line: 2,
				column: 1,
				code: 'reassignedReads',
				subject: 'x',
				params: { previous: 1, node: 'x_1' },
				message:
					'x = ... reads the old x (it was assigned on line 1): a node cannot feed itself, so the new value is a new node, x_1'
			}
		]);
	});

	it('the QA program (x = x * 2 after torch.rand) has no problem to confirm, one note', () => {
		const result = importCode(
			'import torch\nx = torch.rand(3, requires_grad=True)\nx = x * 2\ny = x.sum()'
		);
		expect(result.problems).toEqual([]);
		expect(result.doc!.nodes).toHaveLength(4);
		expect(
			notesOf('import torch\nx = torch.rand(3, requires_grad=True)\nx = x * 2\ny = x.sum()')
		).toEqual([
			'3:1 reassignedReads: x = ... reads the old x (it was assigned on line 2): a node cannot feed itself, so the new value is a new node, x_1'
		]);
	});

	it('a plain second assignment is noted too; aliases are not', () => {
		expect(problemsOf('a = torch.ones(1)\nb = a\na = torch.zeros(1)')).toEqual([]);
		expect(notesOf('a = torch.ones(1)\nb = a\na = torch.zeros(1)')).toEqual([
			'3:1 reassigned: a is assigned again (it was assigned on line 1): the canvas keeps both values; the new one is the node a_1'
		]);
	});

	it('a statement that is not imported leaves no note, only its problem', () => {
		const code = 'x = torch.ones(1)\nx = x.foo = x * 2';
		expect(notesOf(code)).toEqual([]);
		expect(problemsOf(code)).toEqual(['2:5 unsupported: assigning to .foo is outside the subset']);
	});

	it('the notes read the same from the catalog in English, and in Chinese around the names', () => {
		const result = importCode('x = torch.ones(1)\nx = x * 2\ny = x\ny = torch.zeros(1)');
		expect(result.notes.map((n) => n.code)).toEqual(['reassignedReads', 'reassigned']);
		for (const note of result.notes) {
			const key = `importCode.note.${note.code}` as const;
			const params = { ...note.params, subject: note.subject };
			expect(translate('en', key, params)).toBe(note.message);
			const zh = translate('zh', key, params);
			expect(zh).toContain(`${note.params.node}`);
			expect(zh).toContain(`第 ${note.params.previous} 行`);
			expect(zh.replace(/\b[xy](_1)?\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
		}
	});

	it('in-place updates are outside the subset', () => {
		expect(problemsOf('x = torch.ones(1)\nx += 1')).toEqual([
			"2:1 unsupported: in-place update 'x += ...' is outside the subset: write x = x + ..."
		]);
		expect(problemsOf('x = torch.ones(1)\nx.zero_()')).toEqual([
			'2:1 unsupported: in-place operations (x.zero_()) are outside the subset'
		]);
	});
});

describe('problems: each with its position, and the rest still imports', () => {
	it('undefined names, unknown functions and methods, outside-the-subset constructs', () => {
		const code = `x = torch.ones(2)
y = x * q
z = torch.foo(x)
w = x.cumsum(0)
v = x[0]
u = [t for t in x]
s = x if x else x
ok = x.exp()`;
		expect(problemsOf(code)).toEqual([
			"2:9 undefined-name: name 'q' is not defined",
			'3:5 unknown-function: torch.foo is not one of the functions the canvas imports',
			'4:5 unknown-function: x.cumsum(): Tensor.cumsum is not one of the methods the canvas imports',
			'5:5 unsupported: indexing (x[...]) is outside the subset',
			'6:17 unsupported: a list comprehension over a tensor is outside the subset: loop over range(n) or a list of numbers',
			'7:5 unsupported: conditional expressions on tensors are outside the subset'
		]);
		expect(describeGraph(importCode(code).doc!)).toEqual(['x = ones[2]', 'ok = exp(input=x)']);
	});

	it('a statement with a problem adds nothing (not half its nodes), and its names have no value', () => {
		const result = importCode('x = torch.ones(2)\ny = (x * 2 + 1).foo()\nz = y + 1');
		expect(describeGraph(result.doc!)).toEqual(['x = ones[2]']);
		expect(result.problems.map((p) => `${p.line}:${p.column} ${p.kind}`)).toEqual([
			'2:6 unknown-function',
			'3:5 no-value'
		]);
		expect(result.problems[1].message).toBe(
			'y has no value: y = (x * 2 + 1).foo() (line 2) was not imported'
		);
	});

	it('syntax errors: Python-like messages at the right place, the next lines still import', () => {
		const code = `a = torch.ones(1)
c = a * 2 $ 3
d = torch.randn(3))
e = 'oops
  f = a
g = a.exp()
b = (a +
h = a.relu()`;
		expect(problemsOf(code)).toEqual([
			"2:11 syntax: invalid syntax: '$' is not Python",
			"3:19 syntax: unmatched ')'",
			'4:5 syntax: unterminated string literal (detected at line 4)',
			'5:3 syntax: unexpected indent',
			"7:5 syntax: '(' was never closed"
		]);
		// f = a (indented) is read anyway: an alias, no node. The line after the never-closed
		// bracket is read again.
		expect(describeGraph(importCode(code).doc!)).toEqual([
			'a = ones[1]',
			'g = exp(input=a)',
			'h = relu(input=a)'
		]);
	});

	it('an unterminated string inside a bracket is the error, as Python says, not the bracket', () => {
		// Python 3.11: SyntaxError: unterminated string literal (detected at line 3), at the quote.
		expect(problemsOf("import torch\n\nprint('hello)")).toEqual([
			'3:7 syntax: unterminated string literal (detected at line 3)'
		]);
		const code = 'a = torch.ones(1)\nb = torch.exp(a, "oops\nc = a.relu()';
		expect(problemsOf(code)).toEqual([
			'2:18 syntax: unterminated string literal (detected at line 2)'
		]);
		// The lines after it still import.
		expect(describeGraph(importCode(code).doc!)).toEqual(['a = ones[1]', 'c = relu(input=a)']);
		// A bracket with no other error on its line is still the one reported.
		expect(problemsOf("a = torch.ones(1)\nb = (a +\nprint('x')")).toEqual([
			"2:5 syntax: '(' was never closed"
		]);
	});

	it('a compound statement with a broken header takes its block with it', () => {
		expect(problemsOf('for i in range(3)\n    x = torch.ones(1)\ny = torch.ones(1)')).toEqual([
			"1:18 syntax: expected ':' at the end of the 'for' line"
		]);
	});

	it('columns count characters: a Chinese comment before the error does not shift it', () => {
		expect(problemsOf('x = 1 # 注意\ny = 中文 + 1')).toEqual([
			"2:5 undefined-name: name '中文' is not defined"
		]);
		expect(problemsOf('s = "😀😀"; y = q')).toEqual([
			"1:15 undefined-name: name 'q' is not defined"
		]);
	});

	it('compound statements are listed once, and what they assign has no value after them', () => {
		expect(problemsOf('x = torch.ones(1)\nfor i in range(3):\n    x = x * 2\ny = x + 1')).toEqual([
			'2:1 unsupported: a for loop is outside the subset: its body is not imported (the canvas shows one forward and backward pass)',
			'4:5 no-value: x has no value: it is assigned in the for block on line 2, which is not imported'
		]);
		expect(problemsOf('with torch.no_grad():\n    pass')).toEqual([
			'1:1 unsupported: with blocks (torch.no_grad() included) are outside the subset: the block is not imported'
		]);
	});

	it('nothing is evaluated: builtins that would run code are only reported', () => {
		expect(problemsOf("__import__('os').system('rm -rf /')")).toEqual([
			"1:1 undefined-name: name '__import__' is not defined"
		]);
		expect(problemsOf("eval('1 + 1')\nexec('x = 1')\nopen('f').read()")).toEqual([
			"1:1 undefined-name: name 'eval' is not defined",
			"2:1 undefined-name: name 'exec' is not defined",
			'3:1 unsupported: open() is outside the subset'
		]);
	});

	it(`lists at most ${MAX_CODE_PROBLEMS} problems, and counts the rest`, () => {
		const result = importCode('q\n'.repeat(150));
		expect(result.problems).toHaveLength(MAX_CODE_PROBLEMS);
		expect(result.problems.at(-1)).toMatchObject({ line: 100, column: 1, kind: 'undefined-name' });
		expect(result.moreProblems).toBe(50);
	});

	it('a long program: every problem is counted, none of the listed ones is a count', () => {
		// 5,000 lines that are each left out (in-place updates), after two that import.
		const lines = ['import torch', 'x = torch.rand(3)'];
		for (let i = 0; i < 5000; i++) lines.push(i % 2 === 0 ? 'x *= 1.0001' : 'x += 0.5');
		const result = importCode(lines.join('\n'));
		expect(result.problems.length + result.moreProblems).toBe(5000);
		expect(result.problems).toHaveLength(MAX_CODE_PROBLEMS);
		for (const problem of result.problems) expect(problem.message).toMatch(/^in-place update/);
		expect(result.problems.at(-1)!.line).toBe(MAX_CODE_PROBLEMS + 2);
		expect(result.doc!.nodes).toHaveLength(1);
	});

	it('5,000 reassignments: only the node limit is a problem; the lines built are notes', () => {
		const lines = ['import torch', 'x = torch.rand(3)'];
		for (let i = 0; i < 5000; i++) lines.push(i % 2 === 0 ? 'x = x * 1.0001' : 'x = x + 0.5');
		const result = importCode(lines.join('\n'));
		expect(result.problems.map((p) => `${p.line} ${p.kind}`)).toEqual(['1002 limit']);
		expect(result.moreProblems).toBe(0);
		// Each line makes two nodes (the constant and the op): 999 lines fit under the limit.
		expect(result.notes).toHaveLength(999);
		expect(result.notes.at(-1)!.message).toMatch(/new node, x_999$/);
	});
});

describe('limits', () => {
	it(`refuses ${MAX_CODE_BYTES} bytes or more with a message, and no graph`, () => {
		const big = '#'.repeat(MAX_CODE_BYTES);
		const result = importCode(big);
		expect(result.doc).toBeNull();
		expect(result.problems).toEqual([
			{
				line: 1,
				column: 1,
				kind: 'limit',
				message: 'the code is too long to import: 1.0 MB; the limit is under 1 MB'
			}
		]);
		// Multi-byte characters count as bytes, as in a file.
		expect(importCode('中'.repeat(Math.ceil(MAX_CODE_BYTES / 3))).doc).toBeNull();
		expect(importCode('#'.repeat(MAX_CODE_BYTES - 1)).doc).not.toBeNull();
	});

	it(`refuses ${MAX_CODE_LINES} lines or more`, () => {
		const result = importCode('\n'.repeat(MAX_CODE_LINES));
		expect(result.doc).toBeNull();
		expect(result.problems[0].message).toBe(
			`the code is too long to import: ${MAX_CODE_LINES} lines; the limit is under ${MAX_CODE_LINES} lines`
		);
		expect(importCode('x = 1\n'.repeat(MAX_CODE_LINES - 1)).doc).not.toBeNull();
		expect(importCode('x = 1\n'.repeat(MAX_CODE_LINES)).doc).toBeNull();
	});

	it('stops at the graph limit with a message', () => {
		const result = importCode('x = torch.ones(1)\n' + 'x = x + x\n'.repeat(2100));
		expect(result.doc!.nodes).toHaveLength(2000);
		expect(
			result.problems.some((p) => p.kind === 'limit' && /more than 2000 nodes/.test(p.message))
		).toBe(true);
	});

	it('deep nesting and long operator chains are refused, not a stack overflow', () => {
		const nested = problemsOf('x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000));
		expect(nested).toHaveLength(1);
		expect(nested[0]).toMatch(/^1:\d+ syntax: too deeply nested: more than 100 levels/);
		expect(problemsOf('x = ' + '('.repeat(90) + '1' + ')'.repeat(90))).toEqual([]);
		expect(problemsOf('x = 1' + ' + 1'.repeat(5000))[0]).toMatch(/expression too long/);
	});

	it('the result is a valid document that the graph module accepts', () => {
		const result = importCode(
			'x = torch.randn(2, 3, requires_grad=True)\ny = (x @ x.t()).relu().mean()'
		);
		const infos = inferShapes(result.doc!);
		for (const info of infos.values()) expect(info.error).toBeNull();
	});
});

describe('text as it arrives from a page or a file', () => {
	it('Windows line ends, a byte order mark, tabs, and a snippet indented as a whole', () => {
		const expected = ['x = ones[2] grad', 'y = sum(input=x) {"keepdim":false}'];
		const code = 'x = torch.ones(2, requires_grad=True)\ny = x.sum()\n';
		expect(graphOf(code.replace(/\n/g, '\r\n'))).toEqual(expected);
		expect(graphOf('\ufeff' + code)).toEqual(expected);
		expect(graphOf(code.replace(/^/gm, '\t'))).toEqual(expected);
		expect(graphOf(code.replace(/^/gm, '    '))).toEqual(expected);
	});

	it('a problem on a CRLF line has the right line and column', () => {
		expect(problemsOf('x = 1\r\ny = q\r\n')).toEqual([
			"2:5 undefined-name: name 'q' is not defined"
		]);
	});

	it('says which line made each node', () => {
		const result = importCode('x = torch.ones(2)\n\ny = x.exp()\nz = y * 2');
		const lines = Object.fromEntries(
			result.doc!.nodes.map((n) => [n.name, result.nodeLines[n.id]])
		);
		expect(lines).toEqual({ x: 1, y: 3, t1: 4, z: 4 });
	});
});

describe('a hand-written training step', () => {
	it('the update under no_grad is listed once; w and b keep their nodes', () => {
		const code = `x = torch.arange(11.).reshape(-1, 1)
y = 2 * x + 1
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
loss = ((x * w + b - y) ** 2).mean()
loss.backward()
with torch.no_grad():
    w -= 0.01 * w.grad
    b -= 0.01 * b.grad
pred = x * w + b`;
		const result = importCode(code);
		expect(result.problems.map((p) => `${p.line}:${p.column} ${p.kind}`)).toEqual([
			'7:1 unsupported'
		]);
		expect(describeGraph(result.doc!).slice(-3)).toEqual([
			'loss = mean(input=pow1) {"keepdim":false}',
			'mul3 = mul(input=x, other=w)',
			'pred = add(input=mul3, other=b)'
		]);
		expect(nameOf(result.doc!, result.output)).toBe('loss');
	});
});

describe("the dialog's messages with a number", () => {
	it('say 1 node, 1 epoch: the number is {count}, so the plural form applies', () => {
		expect(translate('en', 'notice.imported', { count: 1 })).toBe('Imported 1 node from the code.');
		expect(translate('en', 'notice.imported', { count: 5 })).toBe(
			'Imported 5 nodes from the code.'
		);
		expect(translate('zh', 'notice.imported', { count: 1 })).toBe('已从代码导入 1 个节点。');
		expect(translate('en', 'notice.importedWithErrors', { count: 1, name: 'c' })).toBe(
			'Imported 1 node from the code, but c cannot run: its red node says why.'
		);
		expect(translate('en', 'importCode.training', { lr: 0.1, count: 1 })).toBe(
			'Train settings: lr 0.1, 1 epoch.'
		);
		expect(translate('en', 'importCode.training', { lr: 0.1, count: 300 })).toBe(
			'Train settings: lr 0.1, 300 epochs.'
		);
	});
});
