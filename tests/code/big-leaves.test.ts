/**
 * Issue 10, section 6: generated code never writes a big tensor out. A rand / randn leaf that
 * would take the program's literals past MAX_LITERAL_VALUES numbers is written as
 * `torch.manual_seed(s)` and its draw, which imports back to the same leaf; a leaf given by more
 * values than that is written as zeros under a comment that says so.
 */
import { describe, expect, it } from 'vitest';
import { generateCode, generateProgram, importCode } from '$lib/code';
import { MAX_LITERAL_VALUES } from '$lib/code/generate';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	type GraphDocument,
	type GraphEdge,
	type GraphNode,
	type LeafAttrs
} from '$lib/graph';
import { describeGraph } from './helpers';
import { fixtureDoc } from '../graph/helpers';

function leaf(id: string, name: string, attrs: LeafAttrs): GraphNode {
	return { id, op: 'tensor', name, position: { x: 0, y: 0 }, attrs: { ...attrs } };
}

function doc(nodes: GraphNode[], edges: GraphEdge[] = []): GraphDocument {
	return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('a randn 8192 x 8192 leaf (the 317-byte file)', () => {
	it('is written as its seed and draw, in a few lines, and imports back to the same leaf', () => {
		const code = generateCode(fixtureDoc('randn-8192.json'));
		expect(code).toContain(
			'torch.manual_seed(0)\nx = torch.randn(8192, 8192, requires_grad=True)\n'
		);
		expect(code).toContain('67108864 values, too many to write out');
		expect(code.length).toBeLessThan(1000);
		expect(code).not.toContain('Too much for the canvas');
		expect(describeGraph(importCode(code).doc!)).toEqual(['x = randn[8192, 8192] seed 0 grad']);
	});
});

describe('matmul of two 8192 x 8192 leaves (the 629-byte file)', () => {
	it('writes both draws and the product, and explains the backward it does not call', () => {
		const program = generateProgram(fixtureDoc('matmul-8192.json'));
		expect(program.code).toContain(
			'torch.manual_seed(0)\na = torch.randn(8192, 8192, requires_grad=True)'
		);
		expect(program.code).toContain(
			'torch.manual_seed(1)\nb = torch.randn(8192, 8192, requires_grad=True)'
		);
		expect(program.code).toContain('mm1 = a @ b\n');
		expect(program.code).toContain(
			'mm1 has shape [8192, 8192]: backward() needs a one-element output'
		);
		expect(program.output).toBeNull();
		// The canvas's budget refuses it (graph/cost); the program says so, and still runs in PyTorch.
		expect(program.code).toContain(
			'# Too much for the canvas to run (PyTorch may run it):\n' +
				'# mm1: matmul of [8192, 8192] and [8192, 8192] needs about 3.3 TFLOP with backward;\n' +
				'# the limit is 200 GFLOP.\n'
		);
		expect(describeGraph(importCode(program.code).doc!)).toEqual([
			'a = randn[8192, 8192] seed 0 grad',
			'b = randn[8192, 8192] seed 1 grad',
			'mm1 = matmul(input=a, other=b)'
		]);
	});
});

describe('the literal limits', () => {
	it('a randn leaf of MAX_LITERAL_VALUES elements is a literal; one more element is not', () => {
		const at = generateCode(
			doc([
				leaf('n1', 'w', {
					shape: [MAX_LITERAL_VALUES],
					init: 'randn',
					seed: 3,
					requiresGrad: false
				})
			])
		);
		expect(at).toContain(`# torch.randn(${MAX_LITERAL_VALUES}) drawn by the canvas (seed 3)`);
		expect(at).not.toContain('manual_seed');
		expect(describeGraph(importCode(at).doc!)).toEqual([`w = randn[${MAX_LITERAL_VALUES}] seed 3`]);

		const past = generateCode(
			doc([
				leaf('n1', 'w', {
					shape: [MAX_LITERAL_VALUES + 1],
					init: 'randn',
					seed: 3,
					requiresGrad: false
				})
			])
		);
		expect(past).toContain(`torch.manual_seed(3)\nw = torch.randn(${MAX_LITERAL_VALUES + 1})\n`);
		expect(past).not.toContain('drawn by the canvas');
	});

	it('leaves given by too many values are zeros under a comment that says so', () => {
		const shape = [100, 200];
		const values = Array.from({ length: 100 * 200 }, (_, i) => i / 8);
		const code = generateCode(
			doc([leaf('n1', 'big', { shape, init: 'values', values, requiresGrad: true })])
		);
		expect(code).toContain(
			'# The canvas holds 20000 values here, too many to write out: zeros stand in for them.'
		);
		expect(code).toContain('big = torch.zeros(100, 200, requires_grad=True)\n');
		expect(code).not.toContain('2499.875');
		// Valid PyTorch that the importer reads back (as zeros: the comment said so).
		expect(describeGraph(importCode(code).doc!)).toEqual(['big = zeros[100, 200] grad']);
	});

	it('leaves that fit one by one stop being literals when they add up past the limit', () => {
		// 4000 + 4000 fit in 10,000; the third 4000 does not; the last 2000 still does.
		const sizes = [0.4, 0.4, 0.4, 0.2].map((part) => part * MAX_LITERAL_VALUES);
		const nodes = sizes.map((size, i) =>
			leaf(`n${i + 1}`, `w${i + 1}`, { shape: [size], init: 'randn', seed: i, requiresGrad: false })
		);
		const code = generateCode(doc(nodes));
		expect(count(code, 'drawn by the canvas')).toBe(3);
		expect(count(code, 'torch.manual_seed(')).toBe(1);
		expect(code).toContain(`torch.manual_seed(2)\nw3 = torch.randn(${sizes[2]})\n`);
		const imported = describeGraph(importCode(code).doc!);
		expect(imported).toEqual(sizes.map((size, i) => `w${i + 1} = randn[${size}] seed ${i}`));
	});
});

describe('the linear regression pattern with a big weight', () => {
	it('gets the plain program (no manual_seed inside the state dict), which imports back', () => {
		const nodes: GraphNode[] = [
			leaf('x', 'x', { shape: [4, 200], init: 'ones', requiresGrad: false }),
			leaf('y', 'y', { shape: [4, 100], init: 'zeros', requiresGrad: false }),
			leaf('w', 'weight', { shape: [100, 200], init: 'randn', seed: 5, requiresGrad: true }),
			leaf('b', 'bias', { shape: [100], init: 'zeros', requiresGrad: true }),
			{ id: 'l', op: 'linear', name: 'pred', position: { x: 0, y: 0 } },
			{ id: 'm', op: 'mse_loss', name: 'loss', position: { x: 0, y: 0 } }
		];
		const wire = (source: string, target: string, targetInput: string): GraphEdge => ({
			id: `${source}-${target}`,
			source,
			target,
			targetInput
		});
		const edges = [
			wire('x', 'l', 'input'),
			wire('w', 'l', 'weight'),
			wire('b', 'l', 'bias'),
			wire('l', 'm', 'input'),
			wire('y', 'm', 'target')
		];
		const program = generateProgram(doc(nodes, edges));
		expect(program.kind).toBe('autograd');
		expect(program.code).toContain(
			'torch.manual_seed(5)\nweight = torch.randn(100, 200, requires_grad=True)\n'
		);
		expect(program.code).toContain('pred = F.linear(x, weight, bias)');
		expect(describeGraph(importCode(program.code).doc!)).toContain(
			'weight = randn[100, 200] seed 5 grad'
		);

		// The same graph with a small weight still gets the training program.
		const small = nodes.map((n) =>
			n.id === 'w'
				? leaf('w', 'weight', { shape: [100, 2], init: 'randn', seed: 5, requiresGrad: true })
				: n.id === 'x'
					? leaf('x', 'x', { shape: [4, 2], init: 'ones', requiresGrad: false })
					: n
		);
		expect(generateProgram(doc(small, edges)).kind).toBe('training');
	});
});
