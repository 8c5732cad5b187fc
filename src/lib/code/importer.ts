/**
 * Import Python code as a graph: tokenize, parse, then walk the statements, turning the subset
 * (tensor creation, operators, methods, torch / F / nn calls, `.backward()`) into nodes and
 * edges. Nothing is run: numbers are folded, the tutorial's small constant programs (`range`,
 * `[2*i + 1 for i in xs]`, `np.array`, `.reshape`) are evaluated within the canvas's size
 * limit (`import/constants.ts`), everything else is read as syntax.
 *
 * Decisions:
 * - A statement with a problem is not imported (the nodes it made are dropped) and its names
 *   have no value; later lines that read them say so. Every other line still imports.
 * - Assigning a name again (`x = x + 1`) is ordinary Python: it imports as a new node, `x_1`,
 *   with a note (not a problem) that says so. The old value keeps its node, later lines read
 *   the new one, so a reassignment never makes a cycle.
 * - `torch` needs no import (the tutorial's cells use it without one); `nn`, `F`, `np`, ...
 *   must be imported, as in Python.
 * - Numbers in tensor expressions become 0-d constant leaves (`x ** 2`).
 * - rand / randn leaves get seeds in order: the k-th draw after `torch.manual_seed(s)` gets seed
 *   s + k (s = 0 before any), so each leaf draws its own numbers. A literal written by
 *   `generateCode` under a `# torch.randn(...) drawn by the canvas (seed s)` comment (or that
 *   comment in another language of the UI: `parseDrawnComment`), and still holding those
 *   numbers, imports as that randn leaf again.
 * - `nn.Linear(i, o)` makes its weight and bias leaves at once, with the values the canvas's
 *   nn.Linear draws (or those of a following `load_state_dict` / `nn.Parameter` assignment);
 *   calling the module makes a `linear` node.
 * - The tutorial's `class ...(nn.Module)` and training loop (`import/blocks.ts`): the model's
 *   methods run on the values above (its layers' leaves named `linear.weight`, as PyTorch
 *   names them); the loop's body is one forward and backward pass, and the loop gives
 *   `ImportResult.training` (the Train panel's settings). torch.save / torch.load and a
 *   prediction read into numpy are accepted with a note (`ImportResult.notes`).
 * - `problems` are the lines left out; `notes` are lines imported with a remark. Only problems
 *   ask the user to confirm.
 *
 * The import is one state object (`import/state.ts`) and free functions over it, by concern:
 * `import/statements.ts` (a new statement pattern goes in its `execute`), `expressions.ts`,
 * `calls.ts` (torch / F / nn functions), `methods.ts` (tensor and module methods), `ops.ts`
 * (registry ops by their Python names), `creation.ts` (new tensors), `graph.ts` (nodes, edges,
 * names, rollback of a failed statement), `args.ts` (Python's argument binding).
 */
import { StopImport } from './import/args';
import { getNode } from './import/graph';
import { HEATMAP_ROOM, layoutNodes, ROOM } from './layout';
import { parse } from './parser';
import { collectAssigned } from './import/scope';
import { importStatement } from './import/statements';
import { createImportState, problem, type ImportState, type NoteCode } from './import/state';
import {
	LineMap,
	MAX_CODE_PROBLEMS,
	sizeProblem,
	type CodeProblem,
	type RawProblem
} from './source';
import { tokenize } from './tokenizer';
import { excerpt } from '$lib/util/excerpt';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	inferShapes,
	tensorKind,
	validateDocument,
	type GraphDocument,
	type LeafAttrs
} from '$lib/graph';

export interface ImportResult {
	/** The graph, or null when the input was refused (too big). May be partial: see problems. */
	doc: GraphDocument | null;
	/** The lines left out, sorted by position (limits first); at most MAX_CODE_PROBLEMS. */
	problems: CodeProblem[];
	/** How many more problems there were than `problems` lists (0: it lists them all). */
	moreProblems: number;
	/** The node the code calls `.backward()` on last, if any. */
	output: string | null;
	/** The line of the code that made each node (for linking the code and the canvas). */
	nodeLines: Record<string, number>;
	/**
	 * Lines imported with a remark: accepted without building anything (torch.save, a
	 * prediction), or built as a new node (a name assigned again). Said, not refused.
	 */
	notes: CodeNote[];
	/** The training loop's settings, when the code has the tutorial's loop. */
	training: ImportedTraining | null;
	/**
	 * What the last `backward()` passes as retain_graph (the toolbar's retain_graph takes it);
	 * absent when the code calls no backward().
	 */
	retainGraph?: boolean;
}

/** A line imported with a remark. */
export interface CodeNote {
	line: number;
	column: number;
	/** Why (the UI words it in its language from `code` and `subject`). */
	code: NoteCode;
	/** The code the note is about, as an excerpt. */
	subject: string;
	/** The other parameters of the note's message (`importCode.note.<code>`), by code. */
	params: Record<string, string | number>;
	/** The note in English. */
	message: string;
}

/** What the tutorial's training loop sets up: the Train panel's settings and data. */
export interface ImportedTraining {
	lr: number;
	momentum: number;
	epochs: number;
	/** Print the loss every N epochs (null: the loop prints nothing). */
	logEvery: number | null;
	/** `.to(device)`: 'auto' for `"cuda:0" if torch.cuda.is_available() else "cpu"`. */
	device: 'auto' | 'cpu' | 'webgpu' | null;
	/** The loss node (the one backward is called on). */
	loss: string | null;
	/** The data: the values of the model's input and target leaves (null: not constants). */
	x: number[] | null;
	y: number[] | null;
}

/** Python builtins: defined names, but outside the subset (print is accepted and ignored). */
const BUILTINS = new Set([
	'print',
	'range',
	'len',
	'float',
	'int',
	'list',
	'tuple',
	'dict',
	'set',
	'str',
	'bool',
	'sum',
	'max',
	'min',
	'abs',
	'round',
	'super',
	'isinstance',
	'type',
	'zip',
	'enumerate',
	'map',
	'filter',
	'open',
	'input',
	'object',
	'iter',
	'next',
	'sorted',
	'reversed',
	'any',
	'all',
	'repr',
	'format',
	'help',
	'dir',
	'vars',
	'id',
	'hash',
	'getattr',
	'setattr',
	'hasattr',
	'Exception',
	'ValueError',
	'RuntimeError',
	'TypeError'
]);

/**
 * Build a graph from Python source. Never throws, never evaluates: see the module comment for
 * what is imported and what is reported.
 */
export function importCode(source: string): ImportResult {
	if (typeof source !== 'string') {
		return {
			doc: null,
			problems: [{ line: 1, column: 1, message: 'expected Python text', kind: 'limit' }],
			moreProblems: 0,
			output: null,
			nodeLines: {},
			notes: [],
			training: null
		};
	}
	const refused = sizeProblem(source);
	if (refused !== null) {
		return {
			doc: null,
			problems: [{ line: 1, column: 1, message: refused, kind: 'limit' }],
			moreProblems: 0,
			output: null,
			nodeLines: {},
			notes: [],
			training: null
		};
	}
	const lines = new LineMap(source);
	try {
		return importStatements(createImportState(source, lines));
	} catch (error) {
		// Not reachable by design; kept so that the editor never sees an exception.
		return {
			doc: null,
			problems: [
				{
					line: 1,
					column: 1,
					message: excerpt(`could not import the code: ${String(error)}`, MAX_MESSAGE_CHARS),
					kind: 'syntax'
				}
			],
			moreProblems: 0,
			output: null,
			nodeLines: {},
			notes: [],
			training: null
		};
	}
}

/** A problem's message is at most this long (each quote of the code in it is an excerpt). */
const MAX_MESSAGE_CHARS = 200;

/** Read the whole source into `state`'s graph; the result `importCode` returns. */
function importStatements(state: ImportState): ImportResult {
	const tokenized = tokenize(state.source);
	const parsed = parse(tokenized);
	for (const found of [tokenized.problems, parsed.problems].flat()) state.problems.push(found);
	for (const comment of tokenized.comments) {
		const lineStart = state.lines.lineStart(comment.line);
		if (state.source.slice(lineStart, comment.start).trim() === '') {
			state.comments.set(comment.line, comment);
		}
	}
	collectAssigned(parsed.statements, state.assigned);
	for (const name of BUILTINS)
		state.env.set(name, { value: { kind: 'module', path: `builtins.${name}` }, line: 0 });
	state.env.set('torch', { value: { kind: 'module', path: 'torch' }, line: 0 });

	try {
		for (const statement of parsed.statements) importStatement(state, statement);
	} catch (error) {
		if (!(error instanceof StopImport)) throw error;
		const stop = error.problem;
		problem(state, stop.offset, stop.message, stop.kind, stop.wording);
	}
	const doc = finish(state);
	const nodeLines: Record<string, number> = {};
	if (doc !== null)
		for (const [id, offset] of state.origin) nodeLines[id] = state.lines.line(offset);
	const output = doc === null ? null : state.output;
	const problems = report(state);
	return {
		doc,
		problems,
		moreProblems: state.problems.length - problems.length,
		output,
		nodeLines,
		notes: state.notes.map((n) => ({
			...state.lines.position(n.offset),
			code: n.code,
			subject: n.subject,
			params: n.params,
			message: excerpt(n.message, MAX_MESSAGE_CHARS)
		})),
		training: state.training === null ? null : importedTraining(state, doc, output),
		...(state.retainGraph === null ? {} : { retainGraph: state.retainGraph })
	};
}

/** The loop's settings, and the data its loss reads (through the linear node) when constant. */
function importedTraining(
	state: ImportState,
	doc: GraphDocument | null,
	output: string | null
): ImportedTraining {
	const setup = state.training!;
	const source = (target: string | null | undefined, input: string) =>
		target == null
			? undefined
			: doc?.edges.find((e) => e.target === target && e.targetInput === input)?.source;
	const values = (id: string | undefined) => {
		const attrs = doc?.nodes.find((n) => n.id === id)?.attrs as Partial<LeafAttrs> | undefined;
		return attrs?.init === 'values' && Array.isArray(attrs.values) ? [...attrs.values] : null;
	};
	const prediction = source(output, 'input');
	return {
		lr: setup.lr,
		momentum: setup.momentum,
		epochs: setup.epochs,
		logEvery: setup.logEvery,
		device: state.device,
		loss: output,
		x: values(source(prediction, 'input')),
		y: values(source(output, 'target'))
	};
}

/**
 * The first MAX_CODE_PROBLEMS problems, limits first (they explain why the rest stops), then by
 * position.
 */
function report(state: ImportState): CodeProblem[] {
	const rank = (p: RawProblem) => (p.kind === 'limit' ? 0 : 1);
	const sorted = state.problems
		.map((p, i) => ({ p, i }))
		.sort((a, b) => rank(a.p) - rank(b.p) || a.p.offset - b.p.offset || a.i - b.i)
		.map(({ p }) => p);
	return sorted.slice(0, MAX_CODE_PROBLEMS).map((p) => ({
		...state.lines.position(p.offset),
		// Quotes are excerpts already; this bounds a message that quotes several.
		message: excerpt(p.message, MAX_MESSAGE_CHARS),
		kind: p.kind,
		...(p.code === undefined ? {} : { code: p.code, params: p.params ?? {} }),
		...(p.reason === undefined ? {} : { reason: p.reason })
	}));
}

/** The document of the graph built, laid out and validated (null, and a problem, if invalid). */
function finish(state: ImportState): GraphDocument | null {
	const { nodes, edges } = state;
	const doc: GraphDocument = { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
	// `.t()` of a 1-D or 0-d tensor returns it unchanged: transpose(0, 0) on the canvas.
	if (state.fromT.size > 0) {
		const infos = inferShapes(doc);
		for (const id of state.fromT) {
			const edge = edges.find((e) => e.target === id && e.targetInput === 'input');
			const shape = edge === undefined ? null : infos.get(edge.source)?.shape;
			if (shape != null && shape.length < 2) {
				const node = getNode(state, id);
				node.attrs = { ...node.attrs, dim0: 0, dim1: 0 };
			}
		}
	}
	// A node whose value shows as a heatmap takes more room (see HEATMAP_ROOM).
	const shapes = inferShapes(doc);
	layoutNodes(nodes, edges, (node) => {
		const shape = shapes.get(node.id)?.shape;
		return shape != null && tensorKind(shape) === 'heatmap' ? HEATMAP_ROOM : ROOM;
	});
	const checked = validateDocument(doc);
	// Our own objects, not the checked copy: that copy turns -0 into 0.
	if (checked.ok) return doc;
	for (const invalid of checked.problems) {
		const match = /^nodes\[(\d+)\]/.exec(invalid.path);
		const node = match === null ? undefined : nodes[Number(match[1])];
		const offset = node === undefined ? 0 : (state.origin.get(node.id) ?? 0);
		problem(
			state,
			offset,
			`the imported graph is not valid: ${invalid.path}: ${invalid.message}`,
			'value'
		);
	}
	return null;
}
