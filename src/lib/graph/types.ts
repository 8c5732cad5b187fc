/**
 * The graph document: the types every part of the editor shares. A document is plain JSON data,
 * never mutated in place: every edit returns a new document (see `edit.ts`).
 */

/** How a leaf tensor gets its values. */
export type LeafInit = 'values' | 'zeros' | 'ones' | 'full' | 'arange' | 'rand' | 'randn';

/** The op of every leaf tensor node: the one place this string is spelled (see `isLeaf`). */
export const LEAF_OP = 'tensor';

/**
 * The attributes of a leaf tensor (a `LeafNode`). A type, not an interface, so that it is also a
 * `Record<string, unknown>` (attrs are read generically too: `leafKey`, `leafSummary`).
 */
export type LeafAttrs = {
	/** PyTorch's size: a list of positive integers; `[]` is a 0-d tensor. */
	shape: number[];
	init: LeafInit;
	/** Flat, row-major, `numel(shape)` long. Present exactly when `init` is `'values'`. */
	values?: number[];
	/** The value of every element when `init` is `'full'` (0 when absent). */
	fill?: number;
	/** `torch.manual_seed(seed)` before `rand` / `randn` (0 when absent). */
	seed?: number;
	requiresGrad: boolean;
	/** Kept for symmetry with op nodes; a leaf keeps its `.grad` anyway. */
	retainGrad?: boolean;
};

/** What every node has, leaf or op. */
interface NodeBase {
	id: string;
	/** The variable name shown on the node and used by code generation. */
	name: string;
	position: { x: number; y: number };
}

/** A leaf tensor: `torch.zeros(...)`, `torch.randn(...)`, `torch.tensor([...])`, ... */
export interface LeafNode extends NodeBase {
	op: typeof LEAF_OP;
	attrs: LeafAttrs;
}

/** An op applied to its wired inputs. */
export interface OpNode extends NodeBase {
	/** A registry op id (`add`, `mul`, `sum`, ...); never `LEAF_OP`. */
	op: string;
	/**
	 * The op's attributes, named by the registry's `AttrSpec`s, plus `retainGrad` (which calls
	 * `retain_grad()` on the op's output). Absent when there are none.
	 */
	attrs?: Record<string, unknown>;
}

/** A node of the document: tell the two apart with `isLeaf`. */
export type GraphNode = LeafNode | OpNode;

/** Whether `node` is a leaf tensor (else an op node). */
export const isLeaf = (node: GraphNode): node is LeafNode => node.op === LEAF_OP;

/** An op node's attributes (`{}` when it has none, and for a leaf, which has no op attributes). */
export const opAttrs = (node: GraphNode): Readonly<Record<string, unknown>> =>
	isLeaf(node) ? {} : (node.attrs ?? {});

/** A wire from `source`'s output into the input named `targetInput` of `target`. */
export interface GraphEdge {
	id: string;
	source: string;
	target: string;
	/** PyTorch's argument name: `input`, `other`, `target`, `weight`, ... */
	targetInput: string;
}

export const GRAPH_FORMAT = 'autograd-canvas.graph';
export const GRAPH_VERSION = 1;

export interface GraphDocument {
	format: typeof GRAPH_FORMAT;
	version: typeof GRAPH_VERSION;
	nodes: GraphNode[];
	edges: GraphEdge[];
}

/**
 * One thing wrong with a document, at a path such as `nodes[3].attrs.shape` (`''`: the whole):
 * `message` in English (tests, logs, files), `code` and `params` for the UI to say it in its own
 * language (`problem.<code>` in the message catalog; a share link's own, `problems.share.<code>`).
 * Values in `params` that come from the input are excerpts; `params.reason` quotes words that
 * stay as written in every language (PyTorch's, the JSON parser's).
 */
export interface Problem {
	path: string;
	message: string;
	code?: ProblemCode;
	params?: Record<string, string | number>;
}

/** Why a share link itself (not the document in it) cannot be read. */
export const SHARE_PROBLEM_CODES = [
	'notLink',
	'tooLong',
	'damaged',
	'tooBig',
	'unreadable'
] as const;
export type ShareProblemCode = (typeof SHARE_PROBLEM_CODES)[number];

/** What is wrong with a document (its bytes, its JSON, its schema or its graph). */
export const DOCUMENT_PROBLEM_CODES = [
	// The bytes and the JSON.
	'fileTooBig',
	'notUtf8',
	'modelFile',
	'notText',
	'notJson',
	'notJsonEnd',
	'notJsonAt',
	'readFailed',
	'validateFailed',
	'tooBigToSave',
	// The document as a whole.
	'notObject',
	'notGraph',
	'versionUnsupported',
	'versionExpected',
	'tooManyNodes',
	'tooManyEdges',
	'moreProblems',
	// Any value (zod's own checks).
	'required',
	'wrongType',
	'expectedValue',
	'expectedOneOf',
	'textLength',
	'coordinateRange',
	'unknownField',
	'invalidValue',
	// A node and its attributes.
	'leafAttrsRequired',
	'unknownOp',
	'internalOp',
	'shapeNotPositive',
	'tooManyDims',
	'tooManyElements',
	'tooManyValues',
	'valuesRequired',
	'valuesCount',
	'valuesNotAllowed',
	'notFiniteList',
	'seedRange',
	'notFinite',
	'notInteger',
	'dimsNotIntegers',
	'integerList',
	'badReduction',
	'reductionExpected',
	// Ids and edges.
	'duplicateNodeId',
	'duplicateEdgeId',
	'unknownNode',
	'leafHasNoInputs',
	'unknownInput',
	'inputTaken',
	'selfLoop',
	'cycle'
] as const;
export type DocumentProblemCode = (typeof DOCUMENT_PROBLEM_CODES)[number];

export type ProblemCode = ShareProblemCode | DocumentProblemCode;

/**
 * The kinds of value a `wrongType` problem names (`params.expected`, `params.got`), worded by
 * the catalog (`problem.kind.<kind>`; `boolean` is what is expected, `true` or `false` what is
 * got); any other (`NaN`, a kind zod names that JSON has not) is quoted as it is.
 */
export const VALUE_KINDS = [
	'string',
	'number',
	'boolean',
	'object',
	'array',
	'null',
	'true',
	'false'
] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export type Parsed = { ok: true; doc: GraphDocument } | { ok: false; problems: Problem[] };

/**
 * Why an edit was refused: `reason` in English (for logs, tests and files), `code` and `params`
 * for the UI to say it in its own language (`refusal.<code>` in the message catalog). Values in
 * `params` that come from the user are excerpts.
 */
export interface Refusal {
	reason: string;
	code: RefusalCode;
	params?: Record<string, string | number>;
}

export type RefusalCode =
	// Names (the Inspector's Name field).
	| 'nameEmpty'
	| 'nameTooLong'
	| 'nameNotIdentifier'
	| 'nameKeyword'
	| 'nameReserved'
	| 'nameTaken'
	// A leaf's attributes.
	| 'shapeNotPositive'
	| 'tooManyDims'
	| 'tooManyElements'
	| 'tooManyValues'
	| 'valuesRequired'
	| 'valuesCount'
	| 'valuesNotAllowed'
	| 'notFiniteList'
	| 'seedRange'
	// An op's attributes, and any attribute.
	| 'notFinite'
	| 'notInteger'
	| 'dimsNotIntegers'
	| 'integerList'
	| 'invalidAttr'
	// The graph as a whole.
	| 'nodeLimit'
	| 'tooBigToSave'
	| 'unknownOp'
	| 'internalOp'
	| 'unknownNode'
	| 'wireSelfLoop'
	| 'wireNoInputs'
	| 'wireUnknownInput'
	| 'wireConnected'
	| 'wireCycle'
	| 'wireShape'
	| 'nothingToPaste'
	| 'pasteInvalid'
	| 'invalidEdit';

/** The result of an edit: a new document, or why the edit was refused (the old one is unchanged). */
export type Edit = { ok: true; doc: GraphDocument } | ({ ok: false } & Refusal);

/** What shape inference knows about one node. */
export interface NodeInfo {
	/** The output shape, or null when it is unknown (an error here or upstream, a missing input). */
	shape: number[] | null;
	/** PyTorch's message for this node's error (or `missing input: other`), else null. */
	error: string | null;
	/** Python's exception class for `error` (`RuntimeError`, `IndexError`, ...), when it has one. */
	errorKind?: string;
	/** A warning PyTorch would print for this node (mse_loss with different shapes), if any. */
	warning?: string;
	/** `requires_grad`: set on leaves; true on an op when any connected input requires grad. */
	requiresGrad: boolean;
	/** `is_leaf`: every leaf, and every op output that does not require grad. */
	isLeaf: boolean;
	/** Required inputs with no edge, in the op's argument order. */
	missingInputs: string[];
	/** Set when `error` is only that required inputs are not wired: work in progress, not wrong. */
	incomplete?: true;
}

export type Position = { x: number; y: number };
export type Connection = { source: string; target: string; targetInput: string };
