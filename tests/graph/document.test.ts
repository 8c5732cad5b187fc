/** The document: schema, graph rules (each with its path), parsing, serialization. */
import { describe, expect, it, vi } from 'vitest';
import { MAX_NUMEL } from '$lib/engine';
import {
	EXAMPLES,
	MAX_FILE_BYTES,
	MAX_NODES,
	emptyDocument,
	parseDocument,
	serializeDocument,
	validateDocument,
	type GraphDocument
} from '$lib/graph';
import { jsonProblem } from '$lib/graph/validate';
import { doc, example, leaf, opNode, problemsOf } from './helpers';

/** The one problem of `value`, as `path: message`. */
function onlyProblem(value: unknown): string {
	const problems = problemsOf(validateDocument(value));
	expect(problems).toHaveLength(1);
	return `${problems[0].path}: ${problems[0].message}`;
}

describe('round trip', () => {
	it.each(EXAMPLES.map((e) => [e.id, e.doc] as const))(
		'%s survives serialize and parse',
		(_, d) => {
			const text = serializeDocument(d);
			const parsed = parseDocument(text);
			expect(parsed).toEqual({ ok: true, doc: d });
			expect(serializeDocument(parsed.ok ? parsed.doc : d)).toBe(text);
		}
	);

	it('writes keys in a stable order, whatever order they came in', () => {
		const d = example('chain-rule');
		const shuffled = {
			edges: d.edges.map((e) => ({
				targetInput: e.targetInput,
				target: e.target,
				source: e.source,
				id: e.id
			})),
			nodes: d.nodes.map((n) => ({
				attrs: n.attrs && Object.fromEntries(Object.entries(n.attrs).reverse()),
				position: { y: n.position.y, x: n.position.x },
				name: n.name,
				op: n.op,
				id: n.id
			})),
			version: 1,
			format: 'autograd-canvas.graph'
		} as GraphDocument;
		expect(serializeDocument(shuffled)).toBe(serializeDocument(d));
		const text = serializeDocument(d);
		expect(text.indexOf('"format"')).toBeLessThan(text.indexOf('"version"'));
		expect(text.indexOf('"shape"')).toBeLessThan(text.indexOf('"init"'));
		expect(text).toContain('"position": { "x": 0, "y": 0 }');
		expect(text).toContain('"shape": [1]');
		expect(text.endsWith('}\n')).toBe(true);
	});

	it('the empty document is valid and round-trips', () => {
		const empty = emptyDocument();
		expect(empty).toEqual({ format: 'autograd-canvas.graph', version: 1, nodes: [], edges: [] });
		expect(parseDocument(serializeDocument(empty))).toEqual({ ok: true, doc: empty });
	});

	it('the validated document is a copy that shares nothing with the input', () => {
		const input = example('linear-regression');
		const result = validateDocument(input);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.doc).toEqual(input);
		expect(result.doc.nodes[0]).not.toBe(input.nodes[0]);
		expect(result.doc.nodes[3].attrs!.values).not.toBe(input.nodes[3].attrs!.values);
	});

	it('reads UTF-8 bytes, with or without a byte order mark', () => {
		const text = serializeDocument(EXAMPLES[0].doc);
		const bytes = new TextEncoder().encode('\uFEFF' + text);
		expect(parseDocument(bytes)).toEqual({ ok: true, doc: EXAMPLES[0].doc });
	});
});

describe('parseDocument refuses bad files', () => {
	it('broken JSON', () => {
		const problems = problemsOf(parseDocument('{"format": "autograd-canvas.graph",'));
		expect(problems[0].path).toBe('');
		expect(problems[0].message).toBe('not valid JSON: the text ends before the JSON does');
		// Where the parser says where: the line and column, counted from 1.
		const at = problemsOf(parseDocument('{\n  "format": "x",\n  "version": 1 "nodes": []}'));
		expect(at[0].message).toBe('not valid JSON at line 3, column 16');
		// Otherwise the parser's own words, cut to an excerpt.
		const token = problemsOf(parseDocument(`{"format": ${'x'.repeat(5000)}}`));
		expect(token[0].message).toMatch(/^not valid JSON: /);
		expect(token[0].message.length).toBeLessThan(130);
	});

	it("broken JSON in other browsers' words: Firefox's and Safari's say where too", () => {
		const text = '{"format": "x",\n "nodes": [';
		expect(
			jsonProblem(text, 'JSON.parse: unexpected end of data at line 2 column 12 of the JSON data')
				.message
		).toBe('not valid JSON: the text ends before the JSON does');
		expect(jsonProblem(text, 'JSON Parse error: Unexpected EOF').message).toBe(
			'not valid JSON: the text ends before the JSON does'
		);
		expect(
			jsonProblem(
				text,
				"JSON.parse: expected ',' or '}' after property value in object at line 1 column 9 of the JSON data"
			)
		).toMatchObject({ code: 'notJsonAt', message: 'not valid JSON at line 1, column 9' });
	});

	it('bytes that are not UTF-8', () => {
		expect(problemsOf(parseDocument(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))[0].message).toBe(
			'the file is not UTF-8 text'
		);
	});

	it("a model file (torch.save's, PyTorch's legacy pickle, safetensors) says where it opens", async () => {
		const { readFileSync } = await import('node:fs');
		const fixture = (name: string) =>
			new Uint8Array(readFileSync(new URL(`../fixtures/torch/${name}`, import.meta.url)));
		const header = new TextEncoder().encode(
			'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
		);
		const safetensors = new Uint8Array(8 + header.length + 4);
		new DataView(safetensors.buffer).setBigUint64(0, BigInt(header.length), true);
		safetensors.set(header, 8);
		for (const bytes of [fixture('parameters.pt'), fixture('model.pkl'), safetensors]) {
			expect(problemsOf(parseDocument(bytes))[0]).toMatchObject({
				code: 'modelFile',
				message: expect.stringContaining('load it with Load model in the Train panel')
			});
		}
		// A graph file is not taken for one.
		expect(parseDocument(new TextEncoder().encode(JSON.stringify(EXAMPLES[0].doc))).ok).toBe(true);
	});

	it('files over 5 MB, before parsing them', () => {
		const big = new Uint8Array(MAX_FILE_BYTES + 1);
		expect(problemsOf(parseDocument(big))[0].message).toBe(
			'files of up to 5 MB can be opened; this one is 5.00 MB'
		);
		const huge = 'x'.repeat(50 * 1024 * 1024);
		const jsonParse = vi.spyOn(JSON, 'parse');
		expect(problemsOf(parseDocument(huge))[0].message).toBe(
			'files of up to 5 MB can be opened; this one is 50 MB'
		);
		expect(jsonParse).not.toHaveBeenCalled();
		jsonParse.mockRestore();
	});

	it('text that is small in characters but over 5 MB in UTF-8', () => {
		const text = '"' + '中'.repeat(2 * 1024 * 1024) + '"';
		expect(problemsOf(parseDocument(text))[0].message).toMatch(/^files of up to 5 MB/);
	});

	it('anything but text or bytes', () => {
		expect(problemsOf(parseDocument(42 as unknown as string))[0].message).toBe(
			'expected JSON text'
		);
	});
});

describe('validateDocument: the wrong kind of file', () => {
	it.each([
		[null, ': expected a graph document (a JSON object)'],
		[[1, 2], ': expected a graph document (a JSON object)'],
		['text', ': expected a graph document (a JSON object)'],
		[
			{ format: 'something.else', version: 1, nodes: [], edges: [] },
			`format: not an Autograd Canvas graph: format must be 'autograd-canvas.graph', got "something.else"`
		],
		[
			{ format: 'autograd-canvas.graph', version: 2, nodes: [], edges: [] },
			'version: version 2 is not supported: this app reads version 1'
		],
		[
			{ format: 'autograd-canvas.graph', version: '1', nodes: [], edges: [] },
			'version: expected version 1'
		]
	])('%j', (value, expected) => {
		expect(onlyProblem(value)).toBe(expected);
	});
});

describe('validateDocument: schema problems carry their path', () => {
	const base = () => example('chain-rule') as unknown as Record<string, unknown> & GraphDocument;

	it('a missing field', () => {
		const d = base();
		delete (d.nodes[1] as Partial<(typeof d.nodes)[1]>).name;
		expect(onlyProblem(d)).toBe('nodes[1].name: required');
	});

	it('a wrong type', () => {
		const d = base();
		(d.nodes[0].position as Record<string, unknown>).x = 'left';
		expect(onlyProblem(d)).toBe('nodes[0].position.x: expected a number, got a string');
	});

	it('an unknown field, at any level', () => {
		const d = base();
		(d.nodes[2] as unknown as Record<string, unknown>).color = 'red';
		(d as Record<string, unknown>).extra = true;
		const problems = problemsOf(validateDocument(d)).map((p) => `${p.path}: ${p.message}`);
		expect(problems).toEqual(['nodes[2].color: unknown field', 'extra: unknown field']);
	});

	it('nodes and edges must be lists', () => {
		const d = base();
		(d as Record<string, unknown>).edges = {};
		expect(onlyProblem(d)).toBe('edges: expected a list, got an object');
	});

	it('an empty id or name, or one over 100 characters', () => {
		const d = base();
		d.nodes[0].id = '';
		d.nodes[1].name = 'n'.repeat(101);
		expect(problemsOf(validateDocument(d))).toMatchObject([
			{ path: 'nodes[0].id', message: 'expected a non-empty string of at most 100 characters' },
			{ path: 'nodes[1].name', message: 'expected a non-empty string of at most 100 characters' }
		]);
	});

	it('positions are finite and bounded', () => {
		const d = base();
		d.nodes[0].position.y = 1e300;
		expect(onlyProblem(d)).toBe('nodes[0].position.y: expected a number from -1000000 to 1000000');
	});

	it('a leaf shape that is not a list of positive integers', () => {
		for (const shape of [[3, 0], [2.5], [-1], 'big', [3, '4']]) {
			const d = base();
			d.nodes[3 - 3].attrs!.shape = shape;
			expect(onlyProblem(d)).toBe('nodes[0].attrs.shape: expected a list of positive integers');
		}
	});

	it('a leaf shape over the engine size limit (a billion elements)', () => {
		const d = base();
		d.nodes[1].attrs!.shape = [1000, 1000, 1000];
		expect(onlyProblem(d)).toBe(
			`nodes[1].attrs.shape: a tensor of 1000000000 elements exceeds Autograd Canvas's limit of ${MAX_NUMEL} elements`
		);
	});

	it('values whose length does not match the shape', () => {
		const d = example('linear-regression');
		d.nodes[3].attrs!.values = [1, 2, 3];
		expect(onlyProblem(d)).toBe(
			'nodes[3].attrs.values: expected 11 values for shape [11, 1], got 3'
		);
	});

	it('at most 100000 listed values (bigger tensors use another init)', () => {
		const d = doc([
			{
				...leaf('n1', 'big', [100_001]),
				attrs: {
					shape: [100_001],
					init: 'values',
					values: new Array(100_001).fill(1),
					requiresGrad: false
				}
			}
		]);
		expect(onlyProblem(d)).toBe(
			'nodes[0].attrs.shape: a tensor given by its values holds at most 100000 numbers; use zeros, ones, full, arange, rand or randn for a bigger one'
		);
	});

	it("values are required with init 'values', and only then", () => {
		const d = example('linear-regression');
		delete d.nodes[3].attrs!.values;
		expect(onlyProblem(d)).toBe("nodes[3].attrs.values: required when init is 'values'");
		const e = example('chain-rule');
		e.nodes[0].attrs!.values = [1];
		expect(onlyProblem(e)).toBe("nodes[0].attrs.values: only allowed when init is 'values'");
	});

	it('a leaf init, seed and flag of the wrong kind', () => {
		const d = example('chain-rule');
		d.nodes[0].attrs!.init = 'uniform';
		d.nodes[1].attrs!.seed = -1;
		d.nodes[2].attrs!.requiresGrad = 'yes';
		expect(problemsOf(validateDocument(d)).map((p) => `${p.path}: ${p.message}`)).toEqual([
			"nodes[0].attrs.init: expected one of 'values', 'zeros', 'ones', 'full', 'arange', 'rand', 'randn'",
			'nodes[1].attrs.seed: expected an integer from 0 to 4294967295',
			'nodes[2].attrs.requiresGrad: expected true or false, got a string'
		]);
	});

	it('a leaf without attrs', () => {
		const d = example('chain-rule');
		delete d.nodes[0].attrs;
		expect(onlyProblem(d)).toBe(
			'nodes[0].attrs: required for a tensor (shape, init, requiresGrad)'
		);
	});
});

describe('validateDocument: graph rules carry their path', () => {
	it('an unknown op', () => {
		const d = example('chain-rule');
		d.nodes[3].op = 'conv9';
		expect(onlyProblem(d)).toBe("nodes[3].op: unknown op 'conv9'");
	});

	it("an op internal to the engine's gradients", () => {
		const d = example('chain-rule');
		d.nodes[3].op = 'threshold_backward';
		expect(onlyProblem(d)).toBe(
			"nodes[3].op: op 'threshold_backward' is internal to the engine and cannot be used in a graph"
		);
	});

	it("op attributes are checked against the registry's AttrSpecs", () => {
		const d = example('autograd-basics');
		d.nodes[3].attrs = { dim: 'rows', keepdim: 1, view: 'SqueezeBackward0' };
		expect(problemsOf(validateDocument(d)).map((p) => `${p.path}: ${p.message}`)).toEqual([
			'nodes[3].attrs.dim: expected an integer or a list of integers',
			'nodes[3].attrs.keepdim: expected true or false, got a number',
			'nodes[3].attrs.view: unknown field'
		]);
	});

	it("a bad reduction gets PyTorch's message", () => {
		const d = example('linear-regression');
		d.nodes[5].attrs = { reduction: 'average' };
		expect(onlyProblem(d)).toBe(
			'nodes[5].attrs.reduction: average is not a valid value for reduction'
		);
	});

	it('a required op attribute', () => {
		const d = doc(
			[leaf('n1', 'x', [2, 3]), opNode('n2', 'transpose', 't', { dim0: 0 })],
			[['n1', 'n2', 'input']]
		);
		expect(onlyProblem(d)).toBe('nodes[1].attrs.dim1: required');
	});

	it('duplicate node ids', () => {
		const d = example('chain-rule');
		d.nodes[2].id = 'n1';
		const problems = problemsOf(validateDocument(d));
		expect(problems[0]).toEqual({
			path: 'nodes[2].id',
			message: "duplicate node id 'n1' (also nodes[0])",
			code: 'duplicateNodeId',
			params: { id: 'n1', first: 0 }
		});
	});

	it('duplicate edge ids', () => {
		const d = example('chain-rule');
		d.edges[3].id = 'e1';
		expect(onlyProblem(d)).toBe("edges[3].id: duplicate edge id 'e1' (also edges[0])");
	});

	it('dangling edges', () => {
		const d = example('chain-rule');
		d.edges[0].source = 'ghost';
		d.edges[3].target = 'nowhere';
		expect(problemsOf(validateDocument(d))).toMatchObject([
			{ path: 'edges[0].source', message: "no node with id 'ghost'" },
			{ path: 'edges[3].target', message: "no node with id 'nowhere'" }
		]);
	});

	it('an unknown input name', () => {
		const d = example('chain-rule');
		d.edges[1].targetInput = 'exponent';
		expect(onlyProblem(d)).toBe(
			"edges[1].targetInput: mul has no input 'exponent' (its inputs: input, other)"
		);
	});

	it('an edge into a leaf', () => {
		const d = example('chain-rule');
		d.edges[0].target = 'n1';
		d.edges[0].targetInput = 'input';
		expect(onlyProblem(d)).toBe('edges[0].target: x is a tensor leaf: it has no inputs');
	});

	it('two edges into one input', () => {
		const d = example('chain-rule');
		d.edges.push({ id: 'e9', source: 'n3', target: 'n4', targetInput: 'other' });
		expect(onlyProblem(d)).toBe(
			"edges[4].targetInput: input 'other' of y already has an edge (edges[1])"
		);
	});

	it('a cycle, named node by node', () => {
		const d = doc(
			[leaf('n1', 'x', [1]), opNode('n2', 'add', 'y'), opNode('n3', 'exp', 'z')],
			[
				['n1', 'n2', 'input'],
				['n3', 'n2', 'other'],
				['n2', 'n3', 'input']
			]
		);
		expect(onlyProblem(d)).toBe('edges[1]: makes a cycle: y → z → y');
	});

	it('a self loop', () => {
		const d = doc(
			[leaf('n1', 'x', [1]), opNode('n2', 'add', 'y')],
			[
				['n1', 'n2', 'input'],
				['n2', 'n2', 'other']
			]
		);
		expect(onlyProblem(d)).toBe('edges[1]: connects y to itself');
	});

	it('too many nodes, refused before looking at them', () => {
		const nodes = Array.from({ length: MAX_NODES + 1 }, () => 0);
		expect(onlyProblem({ format: 'autograd-canvas.graph', version: 1, nodes, edges: [] })).toBe(
			`nodes: at most ${MAX_NODES} nodes, got ${MAX_NODES + 1}`
		);
	});

	it('stops listing problems after 100', () => {
		const nodes = Array.from({ length: 500 }, (_, i) => ({
			id: `n${i}`,
			op: 'nope',
			name: 'x',
			position: { x: 0, y: 0 }
		}));
		const problems = problemsOf(
			validateDocument({ format: 'autograd-canvas.graph', version: 1, nodes, edges: [] })
		);
		expect(problems).toHaveLength(101);
		expect(problems[100]).toEqual({
			path: '',
			message: 'and 400 more problems',
			code: 'moreProblems',
			params: { count: 400 }
		});
	});
});

describe('what does NOT block opening a document', () => {
	it('shape errors and missing inputs (work in progress)', () => {
		const d = doc(
			[
				leaf('n1', 'a', [3]),
				leaf('n2', 'b', [4]),
				opNode('n3', 'add', 'c'),
				opNode('n4', 'matmul', 'd')
			],
			[
				['n1', 'n3', 'input'],
				['n2', 'n3', 'other'],
				['n3', 'n4', 'input']
			]
		);
		expect(validateDocument(d).ok).toBe(true);
	});

	it('hostile names are just text (the UI renders them as text)', () => {
		const d = example('chain-rule');
		d.nodes[0].name = '<img src=x onerror=alert(1)>';
		d.nodes[1].name = '"; DROP TABLE nodes; --';
		d.nodes[2].name = '__proto__';
		const result = parseDocument(serializeDocument(d));
		expect(result.ok && result.doc.nodes.map((n) => n.name)).toEqual([
			'<img src=x onerror=alert(1)>',
			'"; DROP TABLE nodes; --',
			'__proto__',
			'y',
			'z'
		]);
	});

	it('duplicate names (files may come from elsewhere; renameNode keeps names unique)', () => {
		const d = example('chain-rule');
		d.nodes[1].name = 'x';
		expect(validateDocument(d).ok).toBe(true);
	});
});
