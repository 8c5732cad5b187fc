/**
 * Graph -> PyTorch program. Every node is one assignment named after the node, in topological
 * order (leaves first), except two kinds of nodes written inline in their one consumer, so that
 * code reads naturally (`z = w * x + b`, `y = x ** 2`):
 * - an op node with an automatic name (`mul1`, see names.ts) and exactly one consumer, as long
 *   as the expression it makes stays small (MAX_INLINED_OPS);
 * - a 0-d constant leaf (`t1`: values, no grad) feeding +, -, *, / or **.
 * `importCode` reads the program back to the same graph (round trip).
 *
 * Leaves drawn by rand / randn: the canvas's generator is not PyTorch's, so by default the
 * program holds the canvas's numbers as a literal, under a comment that names the draw
 * (`# torch.randn(3, 4) drawn by the canvas (seed 1); ...`); PyTorch then computes exactly what
 * the canvas shows, and importing the program gives the randn leaf back. With
 * `randomLeaves: 'seed'` the program calls `torch.manual_seed(s)` and `torch.randn(...)` instead
 * (PyTorch's numbers then differ from the canvas's).
 *
 * Big leaves are never written out (a randn 8192 x 8192 holds 67 million numbers): a program
 * writes at most MAX_LITERAL_VALUES numbers as literals, leaf by leaf in order, so that it stays
 * short enough to read and to import back (see MAX_CODE_BYTES, MAX_CODE_LINES). Past that, a rand / randn leaf is written as
 * `torch.manual_seed(s)` and its draw (as with `randomLeaves: 'seed'`, which imports back to the
 * same leaf), and a leaf given by its values as `torch.zeros(...)` under a comment saying that
 * the canvas's values are not written (save the graph file to keep them).
 *
 * The linear regression pattern (leaf x -> linear(weight, bias) -> mse_loss with a leaf target)
 * gives the tutorial's training program instead: nn.Linear with the graph's weight and bias
 * loaded, nn.MSELoss, optim.SGD(lr=0.01), the device line, one forward and backward pass, the
 * epoch loop printing every 50 epochs, and torch.save of the state dict.
 */
import { getOp } from '$lib/engine';
import {
	inferShapes,
	isLeaf,
	LEAF_OP,
	opAttrs,
	sinks,
	topologicalOrder,
	validateDocument,
	workRefusal,
	type GraphDocument,
	type GraphNode,
	type LeafAttrs,
	type NodeInfo
} from '$lib/graph';
import { dict } from '$lib/util/dict';
import { drawnComment, leafValues } from './leaves';
import { isAutoName } from './names';
import {
	pyFloat,
	pyFloat32,
	pyNumber,
	pyString,
	pyTuple,
	sizeArgs,
	toIdentifier,
	versioned
} from './python';

export interface GenerateOptions {
	/** The node to call `backward()` on; default: the graph's single result (sink). */
	output?: string;
	/** How rand / randn leaves are written (see the module comment). Default `'values'`. */
	randomLeaves?: 'values' | 'seed';
}

/** What the program prints, in order (for checking it against PyTorch). */
export type PrintedItem =
	| { what: 'value'; node: string }
	| { what: 'grad'; node: string }
	/** The training loop's `epoch {}, loss {}` lines. */
	| { what: 'epochs' };

export interface GeneratedProgram {
	code: string;
	/** `training`: the tutorial's linear regression program. */
	kind: 'autograd' | 'training' | 'empty';
	/** The node backward() is called on, or null when the program calls none. */
	output: string | null;
	/**
	 * Python expressions for node values that still hold after the program ran (every variable
	 * of an autograd program; the data and the prediction of a training program).
	 */
	variables: Record<string, string>;
	printed: PrintedItem[];
}

/** The PyTorch program for a graph (see the module comment). Never throws. */
export function generateCode(doc: GraphDocument, options: GenerateOptions = {}): string {
	return generateProgram(doc, options).code;
}

const MAX_LINE = 100;
/**
 * The most numbers one program writes as literals (all its leaves together): 10,000 numbers
 * stay well under the importer's MAX_CODE_LINES even at two numbers a line.
 */
export const MAX_LITERAL_VALUES = 10_000;
const INDENT = '    ';
/** Python precedences, loosest first: + -, * / @, unary -, **, and atoms (names, calls). */
const ARITH = 4;
const TERM = 5;
const UNARY = 6;
const POWER = 7;
const ATOM = 9;
/** The precedence of each level of Python's grammar a registry op's infix operator sits at. */
const INFIX_LEVELS = { arith: ARITH, term: TERM, power: POWER } as const;
/**
 * At most this many ops go into one inlined expression, so that a long chain of automatically
 * named nodes stays a readable list of assignments rather than one deeply nested line.
 */
const MAX_INLINED_OPS = 3;
const BASE_RESERVED = ['torch', 'F', 'nn', 'print', 'range'];
const TRAINING_RESERVED = [
	'device',
	'model',
	'criterion',
	'learning_rate',
	'optimizer',
	'epochs',
	'epoch',
	'outputs'
];

interface Py {
	text: string;
	prec: number;
}

interface Graph {
	doc: GraphDocument;
	nodes: Map<string, GraphNode>;
	/** target -> input name -> source */
	inputs: Map<string, Map<string, string>>;
	/** source -> number of edges out of it */
	fanOut: Map<string, number>;
	infos: Map<string, NodeInfo>;
	order: string[];
}

export function generateProgram(
	doc: GraphDocument,
	options: GenerateOptions = {}
): GeneratedProgram {
	try {
		return generate(doc, options);
	} catch (error) {
		// Not reachable by design: the code panel must always show something.
		return emptyProgram(`# This graph could not be written as PyTorch: ${oneLine(String(error))}`);
	}
}

function emptyProgram(comment: string): GeneratedProgram {
	return {
		code: `import torch\n\n${comment}\n`,
		kind: 'empty',
		output: null,
		variables: {},
		printed: []
	};
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function generate(doc: GraphDocument, options: GenerateOptions): GeneratedProgram {
	const parsed = validateDocument(doc);
	if (!parsed.ok) {
		const first = parsed.problems[0];
		const where = first.path === '' ? '' : `${first.path}: `;
		return emptyProgram(
			`# This graph is not valid, so it has no PyTorch program: ${oneLine(where + first.message)}`
		);
	}
	// The caller's document, now known to be valid (validateDocument's copy turns -0 into 0).
	const valid = doc;
	if (valid.nodes.length === 0) {
		return emptyProgram(
			'# The canvas is empty: add tensors and ops, and their PyTorch code appears here.'
		);
	}
	const graph: Graph = {
		doc: valid,
		nodes: new Map(valid.nodes.map((n) => [n.id, n])),
		inputs: new Map(),
		fanOut: new Map(),
		infos: inferShapes(valid),
		order: topologicalOrder(valid)
	};
	for (const edge of valid.edges) {
		let into = graph.inputs.get(edge.target);
		if (into === undefined) graph.inputs.set(edge.target, (into = new Map()));
		into.set(edge.targetInput, edge.source);
		graph.fanOut.set(edge.source, (graph.fanOut.get(edge.source) ?? 0) + 1);
	}
	const output = chooseOutput(valid, graph, options.output);
	const pattern = output === null ? null : trainingPattern(graph, output);
	if (pattern !== null) return trainingProgram(graph, pattern);
	return autogradProgram(graph, output, options.randomLeaves ?? 'values');
}

function chooseOutput(
	doc: GraphDocument,
	graph: Graph,
	requested: string | undefined
): string | null {
	if (requested !== undefined && graph.nodes.has(requested)) return requested;
	const ends = sinks(doc);
	const opEnds = ends.filter((id) => graph.nodes.get(id)!.op !== LEAF_OP);
	const candidates = opEnds.length > 0 ? opEnds : ends;
	return candidates.length === 1 ? candidates[0] : null;
}

/** The attributes of a node known to be a leaf. */
function leafAttrs(node: GraphNode): LeafAttrs {
	if (!isLeaf(node)) throw new Error(`${node.name} is not a leaf`);
	return node.attrs;
}
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const wrap = (py: Py, min: number) => (py.prec >= min ? py.text : `(${py.text})`);

// -------------------------------------------------------------------------------------------
// Leaves
// -------------------------------------------------------------------------------------------

/** How a leaf is created: optional comment / seed lines, then the expression. */
interface LeafCode {
	before: string[];
	/** The expression, as lines (a long literal spans several). */
	lines: string[];
}

/** How many more numbers the program may write as literals (see MAX_LITERAL_VALUES). */
interface LiteralBudget {
	left: number;
}

const newBudget = (): LiteralBudget => ({ left: MAX_LITERAL_VALUES });

/** Whether a leaf of `count` elements is written as a literal; takes them from the budget if so. */
function takeLiteral(budget: LiteralBudget, count: number): boolean {
	if (count > budget.left) return false;
	budget.left -= count;
	return true;
}

/** Whether a leaf would be written as a seed and its draw (a statement before the expression). */
function drawsWithSeed(attrs: LeafAttrs, budget: LiteralBudget): boolean {
	if (attrs.init !== 'rand' && attrs.init !== 'randn') return false;
	return numel(attrs.shape) > budget.left;
}

/** Takes a leaf's literal from the budget as `leafCode` will (zeros, ones, full, arange take none). */
function planLiteral(attrs: LeafAttrs, budget: LiteralBudget): void {
	if (attrs.init === 'values' || attrs.init === 'rand' || attrs.init === 'randn') {
		takeLiteral(budget, numel(attrs.shape));
	}
}

/** Appends `items` one by one (never `push(...items)`: a literal may have thousands of lines). */
function append(target: string[], items: readonly string[]): void {
	for (const item of items) target.push(item);
}

/** The lines that assign a leaf's code to `name`. */
function assignment(name: string, code: LeafCode): string[] {
	const lines = code.before.slice();
	lines.push(`${name} = ${code.lines[0]}`);
	append(lines, code.lines.slice(1));
	return lines;
}

/**
 * A nested list literal, on one line when `head + literal + tail` fits, else one item a line
 * (a 1-D list wraps its numbers) indented under `indent`.
 */
function listLiteral(
	shape: readonly number[],
	texts: string[],
	indent: string,
	headLength: number,
	tailLength: number
): string[] {
	const nest = (dim: number, offset: number): string => {
		if (dim === shape.length) return texts[offset];
		const step = numel(shape.slice(dim + 1));
		const items = Array.from({ length: shape[dim] }, (_, i) => nest(dim + 1, offset + i * step));
		return `[${items.join(', ')}]`;
	};
	const flat = nest(0, 0);
	if (shape.length === 0 || headLength + flat.length + tailLength <= MAX_LINE) return [flat];
	const inner = indent + INDENT;
	const lines = ['['];
	const step = numel(shape.slice(1));
	const items =
		shape.length === 1 ? texts : Array.from({ length: shape[0] }, (_, i) => nest(1, i * step));
	// Numbers and short rows share lines; longer rows get one line each.
	const pack = shape.length === 1 || items.every((item) => item.length <= 24);
	let line = '';
	for (const item of items) {
		const piece = `${item},`;
		if (line !== '' && (!pack || inner.length + line.length + 1 + piece.length > MAX_LINE)) {
			lines.push(inner + line);
			line = piece;
		} else line = line === '' ? piece : `${line} ${piece}`;
	}
	if (line !== '') lines.push(inner + line);
	lines.push(`${indent}]`);
	return lines;
}

/**
 * The code that creates a leaf. `head` is what precedes the expression on its line (for line
 * lengths), `grad` whether to pass requires_grad=True.
 */
function leafCode(
	attrs: LeafAttrs,
	grad: boolean,
	random: 'values' | 'seed',
	budget: LiteralBudget,
	indent: string,
	head: string,
	tail: string
): LeafCode {
	const gradArg = grad ? ', requires_grad=True' : '';
	const shape = attrs.shape;
	const count = numel(shape);
	const literal = (texts: string[]): string[] => {
		const lines = listLiteral(
			shape,
			texts,
			indent,
			head.length + 'torch.tensor('.length,
			gradArg.length + 1 + tail.length
		);
		lines[0] = `torch.tensor(${lines[0]}`;
		lines[lines.length - 1] += `${gradArg})`;
		return lines;
	};
	switch (attrs.init) {
		case 'values':
			if (takeLiteral(budget, count)) {
				return { before: [], lines: literal((attrs.values ?? []).map(pyFloat)) };
			}
			return {
				before: [
					`# The canvas holds ${count} values here, too many to write out: zeros stand in for them.`,
					'# (Save the graph as a file to keep the values.)'
				],
				lines: [`torch.zeros(${sizeArgs(shape)}${gradArg})`]
			};
		case 'zeros':
		case 'ones':
			return { before: [], lines: [`torch.${attrs.init}(${sizeArgs(shape)}${gradArg})`] };
		case 'full':
			return {
				before: [],
				lines: [`torch.full(${pyTuple(shape)}, ${pyFloat(attrs.fill ?? 0)}${gradArg})`]
			};
		case 'arange': {
			const count = pyFloat(numel(shape));
			if (shape.length === 1) return { before: [], lines: [`torch.arange(${count}${gradArg})`] };
			const reshaped = `torch.arange(${count}).reshape(${sizeArgs(shape)})`;
			return { before: [], lines: [grad ? `${reshaped}.requires_grad_()` : reshaped] };
		}
		case 'rand':
		case 'randn': {
			const seed = attrs.seed ?? 0;
			const draw = [`torch.${attrs.init}(${sizeArgs(shape)}${gradArg})`];
			if (random === 'seed') {
				return {
					before: [
						`# The canvas draws these with its own generator: PyTorch's numbers differ.`,
						`torch.manual_seed(${seed})`
					],
					lines: draw
				};
			}
			if (!takeLiteral(budget, count)) {
				return {
					before: [
						`# ${count} values, too many to write out: PyTorch's generator draws other numbers`,
						`# than the canvas's.`,
						`torch.manual_seed(${seed})`
					],
					lines: draw
				};
			}
			const values = Array.from(leafValues(attrs), pyFloat32);
			return { before: [drawnComment(attrs.init, shape, seed)], lines: literal(values) };
		}
	}
}

// -------------------------------------------------------------------------------------------
// The autograd program
// -------------------------------------------------------------------------------------------

function autogradProgram(
	graph: Graph,
	output: string | null,
	random: 'values' | 'seed'
): GeneratedProgram {
	const inlined = inlinedNodes(graph, output);
	const reserved = new Set(BASE_RESERVED);
	const taken = new Set(reserved);
	const names = new Map<string, string>();
	const leaves = graph.order.filter(
		(id) => graph.nodes.get(id)!.op === LEAF_OP && !inlined.has(id)
	);
	const ops = graph.order.filter((id) => graph.nodes.get(id)!.op !== LEAF_OP && !inlined.has(id));
	for (const id of [...leaves, ...ops]) {
		const name = versioned(toIdentifier(graph.nodes.get(id)!.name, reserved), taken);
		taken.add(name);
		names.set(id, name);
	}

	const body: string[] = [];
	let usesF = false;
	const budget = newBudget();
	for (const id of leaves) {
		const node = graph.nodes.get(id)!;
		const attrs = leafAttrs(node);
		const name = names.get(id)!;
		const code = leafCode(attrs, attrs.requiresGrad, random, budget, '', `${name} = `, '');
		append(body, assignment(name, code));
		if (attrs.retainGrad === true) body.push(`${name}.retain_grad()`);
	}
	if (leaves.length > 0 && ops.length > 0) body.push('');

	const skipped = new Map<string, string>();
	for (const id of ops) {
		const node = graph.nodes.get(id)!;
		const name = names.get(id)!;
		const info = graph.infos.get(id);
		const reads = new Set<string>();
		const expr = opExpression(graph, id, inlined, names, reads);
		usesF ||= expr.usesF;
		const missing = info?.missingInputs ?? [];
		if (missing.length > 0) {
			skipped.set(id, name);
			body.push(
				`# ${name} = ${node.op}(...) is not computed yet: missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`
			);
			continue;
		}
		const blocked = [...reads].find((source) => skipped.has(source));
		if (blocked !== undefined) {
			skipped.set(id, name);
			body.push(`# ${name} is not computed yet: it reads ${skipped.get(blocked)}`);
			continue;
		}
		if (info?.error != null) {
			body.push(
				`# PyTorch raises here, as the canvas shows: ${info.errorKind ?? 'RuntimeError'}: ${oneLine(info.error)}`
			);
		}
		body.push(`${name} = ${expr.text}`);
		if (node.attrs?.retainGrad === true) body.push(`${name}.retain_grad()`);
	}

	const printed: PrintedItem[] = [];
	const tail: string[] = [];
	let backward: string | null = null;
	if (output === null) {
		const ends = ops.filter((id) => !graph.fanOut.has(id)).map((id) => names.get(id)!);
		if (ends.length > 1) {
			tail.push(
				`# Several results (${ends.join(', ')}): choose one as the output to call backward() on.`
			);
		}
	} else if (skipped.has(output)) {
		tail.push(`# ${names.get(output)} is not computed yet, so backward() cannot run.`);
	} else {
		const name = names.get(output)!;
		const info = graph.infos.get(output);
		tail.push(`print(${name})`);
		printed.push({ what: 'value', node: output });
		if (info?.shape == null) {
			tail.push(
				`# ${name} has no value on the canvas (see the error above), so backward() cannot run.`
			);
		} else if (numel(info.shape) !== 1) {
			tail.push(
				`# ${name} has shape [${info.shape.join(', ')}]: backward() needs a one-element output`,
				`# (PyTorch: grad can be implicitly created only for scalar outputs). Try ${name}.sum().`
			);
		} else if (!info.requiresGrad) {
			tail.push(
				`# Nothing ${name} reads requires grad, so ${name}.backward() would raise:`,
				'# element 0 of tensors does not require grad and does not have a grad_fn'
			);
		} else {
			backward = output;
			tail.push(`${name}.backward()`);
			for (const id of [...leaves, ...ops]) {
				const node = graph.nodes.get(id)!;
				const wantsGrad =
					node.op === LEAF_OP ? leafAttrs(node).requiresGrad : node.attrs?.retainGrad === true;
				if (wantsGrad && !skipped.has(id)) {
					tail.push(`print(${names.get(id)}.grad)`);
					printed.push({ what: 'grad', node: id });
				}
			}
		}
	}

	const head = ['import torch'];
	if (usesF) head.push('import torch.nn.functional as F');
	// The canvas refuses to run work past its budget; PyTorch may well run it.
	const refusal = workRefusal(graph.doc, graph.infos);
	if (refusal !== null) {
		head.push('', '# Too much for the canvas to run (PyTorch may run it):');
		for (const part of oneLine(refusal.message).split('; ')) head.push(`# ${part};`);
		head[head.length - 1] = head[head.length - 1].replace(/;$/, '.');
	}
	const sections = [head, body, tail].filter((s) => s.length > 0);
	const code = sections.map((s) => s.join('\n')).join('\n\n') + '\n';
	const variables = dict<string>(); // by node id, which may be `__proto__`
	for (const [id, name] of names) if (!skipped.has(id)) variables[id] = name;
	return { code, kind: 'autograd', output: backward, variables, printed };
}

/** Nodes written inline in their consumer's expression (see the module comment). */
function inlinedNodes(graph: Graph, output: string | null): Set<string> {
	const inlined = new Set<string>();
	const consumerOf = new Map<string, { target: string; input: string }>();
	for (const [target, inputs] of graph.inputs) {
		for (const [input, source] of inputs) consumerOf.set(source, { target, input });
	}
	const healthy = (id: string) => {
		const info = graph.infos.get(id);
		return info !== undefined && info.error === null && info.shape !== null;
	};
	const isConstant = (id: string) => {
		const node = graph.nodes.get(id)!;
		if (node.op !== LEAF_OP || id === output || graph.fanOut.get(id) !== 1) return false;
		const attrs = leafAttrs(node);
		return (
			isAutoName(node.name, node.op) &&
			attrs.init === 'values' &&
			attrs.shape.length === 0 &&
			!attrs.requiresGrad &&
			attrs.retainGrad !== true &&
			getOp(graph.nodes.get(consumerOf.get(id)!.target)!.op)?.python?.numberOperand === true
		);
	};
	for (const id of graph.order) {
		const node = graph.nodes.get(id)!;
		if (id === output || graph.fanOut.get(id) !== 1) continue;
		const consumer = consumerOf.get(id)!;
		if (!healthy(consumer.target)) continue;
		if (node.op === LEAF_OP) {
			if (!isConstant(id)) continue;
			// Of two constant operands, only the second is written as a number (a tensor must remain).
			const sibling = [...graph.inputs.get(consumer.target)!].find(
				([input]) => input !== consumer.input
			);
			if (consumer.input === 'input' && sibling !== undefined && isConstant(sibling[1])) continue;
			inlined.add(id);
		} else if (
			isAutoName(node.name, node.op) &&
			node.attrs?.retainGrad !== true &&
			healthy(id) &&
			getOp(node.op) !== undefined &&
			opsWritten(id) <= MAX_INLINED_OPS
		) {
			inlined.add(id);
		}
	}
	return inlined;

	/** How many ops a node's expression writes, counting the inlined ones it reads. */
	function opsWritten(id: string): number {
		let count = 1;
		for (const source of graph.inputs.get(id)?.values() ?? []) {
			if (inlined.has(source) && graph.nodes.get(source)!.op !== LEAF_OP)
				count += opsWritten(source);
		}
		return count;
	}
}

/** An op node's expression over its inputs; `reads` collects the variables it reads. */
function opExpression(
	graph: Graph,
	id: string,
	inlined: Set<string>,
	names: Map<string, string>,
	reads: Set<string>
): Py & { usesF: boolean } {
	let usesF = false;
	const operand = (source: string): Py => {
		if (!inlined.has(source)) {
			reads.add(source);
			return { text: names.get(source) ?? '?', prec: ATOM };
		}
		const node = graph.nodes.get(source)!;
		if (node.op === LEAF_OP) {
			const value = leafAttrs(node).values![0];
			const text = pyNumber(value);
			return { text, prec: text.startsWith('-') ? UNARY : ATOM };
		}
		const inner = opExpression(graph, source, inlined, names, reads);
		usesF ||= inner.usesF;
		return inner;
	};
	const node = graph.nodes.get(id)!;
	const inputs = graph.inputs.get(id) ?? new Map<string, string>();
	const input = (name: string): Py =>
		inputs.has(name) ? operand(inputs.get(name)!) : { text: '?', prec: ATOM };
	const attrs = opAttrs(node);
	const method = (call: string): Py => ({
		text: `${wrap(input('input'), ATOM)}.${call}`,
		prec: ATOM
	});
	const op = getOp(node.op);
	const python = op?.python ?? {};
	const inputNames = op?.inputs ?? [];
	const attrArgs = (): string[] => {
		const specs = op?.attrs ?? [];
		switch (python.attrs) {
			case 'keywords':
				return specs
					.filter((spec) => attrs[spec.name] !== undefined && attrs[spec.name] !== spec.default)
					.map((spec) => `${spec.name}=${pyValue(attrs[spec.name])}`);
			case 'positional':
				return specs.map((spec) => pyValue(attrs[spec.name]));
			case 'size':
				return specs.map((spec) => sizeArgs(attrs[spec.name] as number[]));
			default:
				return [];
		}
	};
	let py: Py;
	if (python.infix !== undefined) {
		// Python's grammar: + - * / @ are left-associative; ** binds its left operand tighter
		// than itself and its right operand as a unary expression (`x ** -y`).
		const { symbol, level } = python.infix;
		const prec = INFIX_LEVELS[level];
		const [left, right] = level === 'power' ? [ATOM - 1, UNARY] : [prec, prec + 1];
		py = {
			text: `${wrap(input(inputNames[0]), left)} ${symbol} ${wrap(input(inputNames[1]), right)}`,
			prec
		};
	} else if (python.prefix !== undefined) {
		py = { text: `${python.prefix}${wrap(input(inputNames[0]), UNARY)}`, prec: UNARY };
	} else if (python.methods !== undefined) {
		const shape = inputs.has('input') ? graph.infos.get(inputs.get('input')!)?.shape : null;
		// `x.t()`: PyTorch's short form of transpose(0, 1) for a matrix.
		const isT =
			node.op === 'transpose' && attrs.dim0 === 0 && attrs.dim1 === 1 && shape?.length === 2;
		const args = [...inputNames.slice(1).map((name) => input(name).text), ...attrArgs()];
		py = method(isT ? 't()' : `${python.methods[0]}(${args.join(', ')})`);
	} else if (python.functional !== undefined) {
		usesF = true;
		// Optional inputs are left out when unwired; a missing required one shows as `?`.
		const args = inputNames
			.filter((name) => inputs.has(name) || !op?.optionalInputs?.includes(name))
			.map((name) => input(name).text);
		py = { text: `F.${python.functional[0]}(${[...args, ...attrArgs()].join(', ')})`, prec: ATOM };
	} else {
		// An op with no declared form: PyTorch's function of the same name.
		const args = inputNames.filter((name) => inputs.has(name)).map((name) => input(name).text);
		for (const spec of op?.attrs ?? []) {
			const value = attrs[spec.name];
			if (value !== undefined) args.push(`${spec.name}=${pyValue(value)}`);
		}
		py = { text: `torch.${node.op}(${args.join(', ')})`, prec: ATOM };
	}
	return { ...py, usesF };
}

function pyValue(value: unknown): string {
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	if (typeof value === 'number') return pyNumber(value);
	if (typeof value === 'string') return pyString(value);
	if (Array.isArray(value)) return pyTuple(value.map(pyValue));
	return 'None';
}

// -------------------------------------------------------------------------------------------
// The training program (linear regression)
// -------------------------------------------------------------------------------------------

interface TrainingPattern {
	x: string;
	y: string;
	weight: string;
	bias: string | null;
	linear: string;
	loss: string;
}

function trainingPattern(graph: Graph, output: string): TrainingPattern | null {
	const loss = graph.nodes.get(output)!;
	if (loss.op !== 'mse_loss' || loss.attrs?.retainGrad === true) return null;
	const lossInputs = graph.inputs.get(output);
	const linearId = lossInputs?.get('input');
	const y = lossInputs?.get('target');
	if (linearId === undefined || y === undefined) return null;
	const linear = graph.nodes.get(linearId)!;
	if (
		linear.op !== 'linear' ||
		linear.attrs?.retainGrad === true ||
		graph.fanOut.get(linearId) !== 1
	) {
		return null;
	}
	const linearInputs = graph.inputs.get(linearId)!;
	const x = linearInputs.get('input');
	const weight = linearInputs.get('weight');
	const bias = linearInputs.get('bias') ?? null;
	if (x === undefined || weight === undefined) return null;
	const ids = [x, y, weight, bias, linearId, output].filter((id): id is string => id !== null);
	if (new Set(ids).size !== ids.length || graph.nodes.size !== ids.length) return null;
	const leaf = (id: string) => {
		const node = graph.nodes.get(id)!;
		return node.op === LEAF_OP ? leafAttrs(node) : null;
	};
	const [xa, ya, wa] = [leaf(x), leaf(y), leaf(weight)];
	const ba = bias === null ? null : leaf(bias);
	if (xa === null || ya === null || wa === null || (bias !== null && ba === null)) return null;
	if (xa.requiresGrad || ya.requiresGrad || !wa.requiresGrad || (ba !== null && !ba.requiresGrad))
		return null;
	if (
		wa.shape.length !== 2 ||
		(ba !== null && (ba.shape.length !== 1 || ba.shape[0] !== wa.shape[0]))
	) {
		return null;
	}
	if (
		[x, y, weight, bias].some(
			(id) => id !== null && graph.nodes.get(id)!.attrs?.retainGrad === true
		)
	) {
		return null;
	}
	for (const id of [linearId, output]) {
		const info = graph.infos.get(id);
		if (info === undefined || info.error !== null || info.shape === null) return null;
	}
	// A weight or bias too big for a literal would need torch.manual_seed inside the state dict:
	// such a graph gets the plain program instead. (Same order as trainingProgram: x, y, weight.)
	const plan = newBudget();
	planLiteral(xa, plan);
	planLiteral(ya, plan);
	if (drawsWithSeed(wa, plan)) return null;
	planLiteral(wa, plan);
	if (ba !== null && drawsWithSeed(ba, plan)) return null;
	return { x, y, weight, bias, linear: linearId, loss: output };
}

function trainingProgram(graph: Graph, p: TrainingPattern): GeneratedProgram {
	const reserved = new Set([...BASE_RESERVED, ...TRAINING_RESERVED]);
	const taken = new Set(reserved);
	const name = (id: string, extra: string[] = []) => {
		const chosen = versioned(
			toIdentifier(graph.nodes.get(id)!.name, new Set([...reserved, ...extra])),
			taken
		);
		taken.add(chosen);
		return chosen;
	};
	// The loop reuses the loss's name; the data and the prediction must not take it.
	const lossName = name(p.loss);
	const x = name(p.x, [lossName]);
	const y = name(p.y, [lossName]);
	const pred = name(p.linear, [lossName]);
	const attrs = (id: string) => leafAttrs(graph.nodes.get(id)!);
	const weight = attrs(p.weight);
	const bias = p.bias === null ? null : attrs(p.bias);
	const [outFeatures, inFeatures] = weight.shape;
	const reduction = opAttrs(graph.nodes.get(p.loss)!).reduction;
	const budget = newBudget();

	const lines: string[] = [
		'import torch',
		'import torch.nn as nn',
		'',
		`# The tutorial's linear regression for this graph: ${pred} = model(${x}), ${lossName} = MSE(${pred}, ${y})`,
		'device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")',
		''
	];
	for (const [id, variable] of [
		[p.x, x],
		[p.y, y]
	] as const) {
		const code = leafCode(attrs(id), false, 'values', budget, '', `${variable} = `, '.to(device)');
		const last = code.lines.length - 1;
		code.lines[last] += '.to(device)';
		append(lines, assignment(variable, code));
	}
	lines.push(
		'',
		`model = nn.Linear(${inFeatures}, ${outFeatures}${bias === null ? ', bias=False' : ''})`
	);
	const entries: { key: string; code: LeafCode }[] = [
		{
			key: 'weight',
			code: leafCode(weight, false, 'values', budget, INDENT, `${INDENT}'weight': `, ',')
		}
	];
	if (bias !== null)
		entries.push({
			key: 'bias',
			code: leafCode(bias, false, 'values', budget, INDENT, `${INDENT}'bias': `, ',')
		});
	const oneLineDict = `model.load_state_dict({${entries.map((e) => `'${e.key}': ${e.code.lines.join('')}`).join(', ')}})`;
	if (
		entries.every((e) => e.code.before.length === 0 && e.code.lines.length === 1) &&
		oneLineDict.length <= MAX_LINE
	) {
		lines.push(oneLineDict);
	} else {
		lines.push('model.load_state_dict({');
		for (const { key, code } of entries) {
			for (const comment of code.before) lines.push(INDENT + comment);
			lines.push(`${INDENT}'${key}': ${code.lines[0]}`);
			append(lines, code.lines.slice(1));
			lines[lines.length - 1] += ',';
		}
		lines.push('})');
	}
	lines.push(
		'model.to(device)',
		'',
		`criterion = nn.MSELoss(${reduction !== undefined && reduction !== 'mean' ? `reduction=${pyString(String(reduction))}` : ''})`,
		'learning_rate = 0.01',
		'optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)',
		'',
		'# One forward and backward pass: the graph on the canvas',
		`${pred} = model(${x})`,
		`${lossName} = criterion(${pred}, ${y})`,
		`print(${lossName})`,
		`${lossName}.backward()`,
		'print(model.weight.grad)'
	);
	const printed: PrintedItem[] = [
		{ what: 'value', node: p.loss },
		{ what: 'grad', node: p.weight }
	];
	if (p.bias !== null) {
		lines.push('print(model.bias.grad)');
		printed.push({ what: 'grad', node: p.bias });
	}
	lines.push(
		'',
		'# Training, as in the tutorial',
		'epochs = 1000',
		'for epoch in range(epochs):',
		`${INDENT}epoch += 1`,
		`${INDENT}optimizer.zero_grad()`,
		`${INDENT}outputs = model(${x})`,
		`${INDENT}${lossName} = criterion(outputs, ${y})`,
		`${INDENT}${lossName}.backward()`,
		`${INDENT}optimizer.step()`,
		`${INDENT}if epoch % 50 == 0:`,
		`${INDENT}${INDENT}print('epoch {}, loss {}'.format(epoch, ${lossName}.item()))`,
		'',
		"torch.save(model.state_dict(), 'model.pkl')"
	);
	printed.push({ what: 'epochs' });
	return {
		code: lines.join('\n') + '\n',
		kind: 'training',
		output: p.loss,
		variables: { [p.x]: x, [p.y]: y, [p.linear]: pred },
		printed
	};
}
