/**
 * Reading documents: the size limit, JSON, the schema (zod), then the graph rules (unknown op,
 * dangling edge, two edges into one input, unknown input name, duplicate ids, cycle, leaf size,
 * values length). Every problem carries its path. Nothing here throws or changes its input.
 *
 * Names read from files may be any non-empty string of up to 100 characters (files come from
 * anywhere; the editor renders names as text). `renameNode` is stricter: it wants a Python
 * identifier, so that generated code runs.
 *
 * Shape errors and missing inputs are NOT problems here: a document with them opens, like any
 * work in progress, and `inferShapes` reports them per node.
 */
import { errorMessage } from '$lib/util/error-message';
import {
	addZodIssues,
	canonicalEdge,
	canonicalNode,
	check,
	documentSchema,
	graphNodeSchema,
	graphOp,
	MAX_EDGES,
	MAX_FILE_BYTES,
	MAX_NODES,
	ProblemList,
	problemText,
	type ProblemText,
	type RawNode
} from './schema';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	isLeaf,
	type GraphEdge,
	type GraphNode,
	type Parsed,
	type Problem,
	type Refusal
} from './types';
import { excerpt, excerptValue } from '$lib/util/excerpt';
import { utf8Length } from '$lib/util/utf8';
import { documentBytes } from './serialize';

const fail = (problems: Problem[]): Parsed => ({ ok: false, problems });
const failWith = (path: string, problem: ProblemText): Parsed => fail([{ path, ...problem }]);

function megabytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return `${Number.isInteger(mb) ? mb : mb.toFixed(mb < 10 ? 2 : 1)} MB`;
}

function tooBig(bytes: number): Parsed {
	const max = megabytes(MAX_FILE_BYTES);
	const size = megabytes(bytes);
	return failWith(
		'',
		problemText('fileTooBig', `files of up to ${max} can be opened; this one is ${size}`, {
			max,
			size
		})
	);
}

/**
 * A model's weights rather than a graph: what torch.save writes (a zip archive, or a pickle in
 * the legacy format) or a safetensors file (an 8-byte header length, then its JSON header).
 */
function isModelFile(bytes: Uint8Array): boolean {
	const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
	const pickle = bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
	if (zip || pickle) return true;
	if (bytes.byteLength < 10 || bytes[8] !== 0x7b) return false;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const headerLength = Number(view.getBigUint64(0, true));
	return headerLength >= 2 && 8 + headerLength <= bytes.byteLength;
}

/**
 * Why JSON.parse refused `text`, in our words where its message says where: the text ends too
 * soon (a file cut short), or a line and column. Otherwise the parser's own words, as written.
 */
export function jsonProblem(text: string, message: string): ProblemText {
	// V8's words ("at position 69", "Unexpected end of JSON input"), Firefox's ("at line 1
	// column 70", "unexpected end of data") and Safari's ("Unexpected EOF").
	const at = /at position (\d+)/.exec(message);
	const position = at === null ? null : Number(at[1]);
	if (
		/unexpected end of (json )?input|unexpected end of data|unexpected eof/i.test(message) ||
		(position !== null && position >= text.trimEnd().length)
	) {
		return problemText('notJsonEnd', 'not valid JSON: the text ends before the JSON does');
	}
	const where = position === null ? lineColumnIn(message) : lineColumnAt(text, position);
	if (where !== null) {
		const { line, column } = where;
		return problemText('notJsonAt', `not valid JSON at line ${line}, column ${column}`, where);
	}
	const reason = excerpt(message, 100);
	return problemText('notJson', `not valid JSON: ${reason}`, { reason });
}

/** The 1-based line and column of a UTF-16 offset in `text`. */
function lineColumnAt(text: string, position: number): { line: number; column: number } {
	const before = text.slice(0, position);
	return { line: before.split('\n').length, column: position - before.lastIndexOf('\n') };
}

/** The line and column a parser's message names ("line 1 column 9"), or null. */
function lineColumnIn(message: string): { line: number; column: number } | null {
	const found = /line (\d+) column (\d+)/.exec(message);
	return found === null ? null : { line: Number(found[1]), column: Number(found[2]) };
}

/**
 * A document from JSON text or bytes (UTF-8). Refuses more than MAX_FILE_BYTES before parsing
 * anything, then reports broken JSON, schema errors and graph rule violations. Never throws.
 */
export function parseDocument(input: string | Uint8Array): Parsed {
	try {
		let text: string;
		if (typeof input === 'string') {
			// A UTF-16 code unit takes at least one byte in UTF-8.
			if (input.length > MAX_FILE_BYTES) return tooBig(input.length);
			const bytes = utf8Length(input);
			if (bytes > MAX_FILE_BYTES) return tooBig(bytes);
			text = input;
		} else if (input instanceof Uint8Array) {
			if (input.byteLength > MAX_FILE_BYTES) return tooBig(input.byteLength);
			if (isModelFile(input)) {
				return failWith(
					'',
					problemText(
						'modelFile',
						'this is a model file (PyTorch or safetensors), not a graph: load it with Load model in the Train panel'
					)
				);
			}
			try {
				text = new TextDecoder('utf-8', { fatal: true }).decode(input);
			} catch {
				return failWith('', problemText('notUtf8', 'the file is not UTF-8 text'));
			}
		} else {
			return failWith('', problemText('notText', 'expected JSON text'));
		}
		if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch (error) {
			return failWith('', jsonProblem(text, errorMessage(error)));
		}
		return withinSizeLimit(validateDocument(value));
	} catch (error) {
		const reason = excerptValue(error, 100);
		return failWith(
			'',
			problemText('readFailed', `could not read the document: ${reason}`, { reason })
		);
	}
}

/** A value from the file as a message quotes it: at most 80 characters of it. */
function quote(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (typeof value === 'string') return JSON.stringify(excerpt(value));
	try {
		return excerptValue(JSON.stringify(value));
	} catch {
		return typeof value;
	}
}

/**
 * What is read must fit what is written: a compact file under the limit can grow when saved
 * (Save writes one entry a line), and the editor never holds what it could not save and open.
 */
function withinSizeLimit(parsed: Parsed): Parsed {
	if (!parsed.ok) return parsed;
	const bytes = documentBytes(parsed.doc);
	if (bytes <= MAX_FILE_BYTES) return parsed;
	return failWith('', tooBigToSaveProblem(bytes));
}

/** Why a graph of `bytes` (as saved) is refused, as a problem's words. */
function tooBigToSaveProblem(bytes: number): ProblemText {
	return problemText('tooBigToSave', tooBigToSave(bytes), tooBigToSaveParams(bytes));
}

const tooBigToSaveParams = (bytes: number) => ({
	size: megabytes(bytes),
	max: megabytes(MAX_FILE_BYTES)
});

/** Why a graph of `bytes` (as saved) is refused: the one size limit, for edits, Save and Open. */
export function tooBigToSave(bytes: number): string {
	return `saved, this graph would be ${megabytes(bytes)}; graphs of up to ${megabytes(MAX_FILE_BYTES)} can be saved and opened`;
}

/** The same, as an edit's refusal (the UI words it in its own language). */
export function tooBigToSaveRefusal(bytes: number): Refusal {
	return {
		reason: tooBigToSave(bytes),
		code: 'tooBigToSave',
		params: tooBigToSaveParams(bytes)
	};
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Check any value against the schema and the graph rules. On success, `doc` is a fresh copy in
 * canonical key order (it shares nothing with `value`). Never throws, never changes `value`.
 */
export function validateDocument(value: unknown): Parsed {
	try {
		return validate(value);
	} catch (error) {
		const reason = excerptValue(error, 100);
		return failWith(
			'',
			problemText('validateFailed', `could not validate the document: ${reason}`, { reason })
		);
	}
}

function validate(value: unknown): Parsed {
	if (!isRecord(value)) {
		return failWith('', problemText('notObject', 'expected a graph document (a JSON object)'));
	}
	// The wrong kind of file gets one clear message rather than a list of schema errors.
	if (value.format !== GRAPH_FORMAT) {
		const got = quote(value.format);
		return failWith(
			'format',
			problemText(
				'notGraph',
				`not an Autograd Canvas graph: format must be '${GRAPH_FORMAT}', got ${got}`,
				{ format: GRAPH_FORMAT, got }
			)
		);
	}
	if (value.version !== GRAPH_VERSION) {
		const version = value.version;
		return failWith(
			'version',
			typeof version === 'number'
				? problemText(
						'versionUnsupported',
						`version ${version} is not supported: this app reads version ${GRAPH_VERSION}`,
						{ version, supported: GRAPH_VERSION }
					)
				: problemText('versionExpected', `expected version ${GRAPH_VERSION}`, {
						supported: GRAPH_VERSION
					})
		);
	}
	// Limits first, so that a hostile file is not walked element by element.
	if (Array.isArray(value.nodes) && value.nodes.length > MAX_NODES) {
		const count = value.nodes.length;
		return failWith(
			'nodes',
			problemText('tooManyNodes', `at most ${MAX_NODES} nodes, got ${count}`, {
				max: MAX_NODES,
				count
			})
		);
	}
	if (Array.isArray(value.edges) && value.edges.length > MAX_EDGES) {
		const count = value.edges.length;
		return failWith(
			'edges',
			problemText('tooManyEdges', `at most ${MAX_EDGES} edges, got ${count}`, {
				max: MAX_EDGES,
				count
			})
		);
	}
	const problems = new ProblemList();
	const parsed = check(documentSchema, value);
	if (!parsed.success) {
		addZodIssues(problems, parsed.error);
		return fail(problems.result());
	}
	const { nodes, edges } = parsed.data;
	const graphNodes = checkNodes(nodes, problems);
	checkEdges(nodes, edges, problems);
	if (problems.size > 0) return fail(problems.result());
	return {
		ok: true,
		doc: {
			format: GRAPH_FORMAT,
			version: GRAPH_VERSION,
			nodes: graphNodes.map(canonicalNode),
			edges: edges.map(canonicalEdge)
		}
	};
}

/** Duplicate ids, and each node against its op; the nodes that pass, as `GraphNode`s. */
function checkNodes(nodes: RawNode[], problems: ProblemList): GraphNode[] {
	const seen = new Map<string, number>();
	const graphNodes: GraphNode[] = [];
	nodes.forEach((node, i) => {
		const first = seen.get(node.id);
		if (first !== undefined) {
			const id = excerpt(node.id);
			problems.add(
				['nodes', i, 'id'],
				problemText('duplicateNodeId', `duplicate node id '${id}' (also nodes[${first}])`, {
					id,
					first
				})
			);
		} else seen.set(node.id, i);
		const result = check(graphNodeSchema, node);
		if (result.success) graphNodes.push(result.data);
		else addZodIssues(problems, result.error, ['nodes', i]);
	});
	return graphNodes;
}

function checkEdges(rawNodes: RawNode[], rawEdges: GraphEdge[], problems: ProblemList): void {
	const nodes = new Map<string, RawNode>();
	for (const node of rawNodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
	const edgeIds = new Map<string, number>();
	const intoInput = new Map<string, number>();
	/** Edges that pass every other rule, for the cycle check. */
	const wired: { edge: GraphEdge; index: number }[] = [];
	rawEdges.forEach((edge, i) => {
		const firstId = edgeIds.get(edge.id);
		if (firstId !== undefined) {
			const id = excerpt(edge.id);
			problems.add(
				['edges', i, 'id'],
				problemText('duplicateEdgeId', `duplicate edge id '${id}' (also edges[${firstId}])`, {
					id,
					first: firstId
				})
			);
		} else edgeIds.set(edge.id, i);
		const source = nodes.get(edge.source);
		const target = nodes.get(edge.target);
		if (source === undefined) {
			problems.add(['edges', i, 'source'], unknownNode(edge.source));
		}
		if (target === undefined) {
			problems.add(['edges', i, 'target'], unknownNode(edge.target));
			return;
		}
		if (isLeaf(target)) {
			const name = excerpt(target.name);
			problems.add(
				['edges', i, 'target'],
				problemText('leafHasNoInputs', `${name} is a tensor leaf: it has no inputs`, { name })
			);
			return;
		}
		const op = graphOp(target.op);
		if (op === undefined) return; // reported on the node
		if (!op.inputs.includes(edge.targetInput)) {
			const input = excerpt(edge.targetInput);
			const inputs = op.inputs.join(', ');
			problems.add(
				['edges', i, 'targetInput'],
				problemText('unknownInput', `${op.id} has no input '${input}' (its inputs: ${inputs})`, {
					op: op.id,
					input,
					inputs
				})
			);
			return;
		}
		const key = `${edge.target}\u0000${edge.targetInput}`;
		const firstInto = intoInput.get(key);
		if (firstInto !== undefined) {
			const input = edge.targetInput;
			const name = excerpt(target.name);
			problems.add(
				['edges', i, 'targetInput'],
				problemText(
					'inputTaken',
					`input '${input}' of ${name} already has an edge (edges[${firstInto}])`,
					{ input, name, first: firstInto }
				)
			);
			return;
		}
		intoInput.set(key, i);
		if (source !== undefined) wired.push({ edge, index: i });
	});
	checkCycles(nodes, wired, problems);
}

/** An edge's end that names no node. */
function unknownNode(id: string): ProblemText {
	const shown = excerpt(id);
	return problemText('unknownNode', `no node with id '${shown}'`, { id: shown });
}

/** The cycle's names back to the first, at most 10 of them (a message stays short). */
function cycleText(names: string[]): string {
	const shown = names.length > 10 ? [...names.slice(0, 10), '…'] : names;
	return [...shown, names[0]].join(' → ');
}

/** Each back edge found by a depth-first walk closes a cycle: report it with the cycle's names. */
function checkCycles(
	nodes: Map<string, RawNode>,
	wired: { edge: GraphEdge; index: number }[],
	problems: ProblemList
): void {
	const out = new Map<string, { edge: GraphEdge; index: number }[]>();
	for (const item of wired) {
		const list = out.get(item.edge.source);
		if (list === undefined) out.set(item.edge.source, [item]);
		else list.push(item);
	}
	const state = new Map<string, 'open' | 'done'>();
	for (const start of nodes.keys()) {
		if (state.has(start)) continue;
		const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
		state.set(start, 'open');
		while (stack.length > 0) {
			const frame = stack[stack.length - 1];
			const edges = out.get(frame.id) ?? [];
			if (frame.next >= edges.length) {
				state.set(frame.id, 'done');
				stack.pop();
				continue;
			}
			const { edge, index } = edges[frame.next++];
			const seen = state.get(edge.target);
			if (seen === undefined) {
				state.set(edge.target, 'open');
				stack.push({ id: edge.target, next: 0 });
			} else if (seen === 'open') {
				const from = stack.findIndex((f) => f.id === edge.target);
				const names = stack.slice(from).map((f) => excerpt(nodes.get(f.id)!.name));
				const cycle = cycleText(names);
				problems.add(
					['edges', index],
					edge.source === edge.target
						? problemText('selfLoop', `connects ${names[0]} to itself`, { name: names[0] })
						: problemText('cycle', `makes a cycle: ${cycle}`, { cycle })
				);
			}
		}
	}
}
