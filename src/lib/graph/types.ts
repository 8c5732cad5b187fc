/**
 * The graph document: the types every part of the editor shares. A document is plain JSON data,
 * never mutated in place: every edit returns a new document (see `edit.ts`).
 */

/** How a leaf tensor gets its values. */
export type LeafInit = 'values' | 'zeros' | 'ones' | 'full' | 'arange' | 'rand' | 'randn';

/** The attributes of a leaf tensor (a node whose op is `'tensor'`). */
export interface LeafAttrs {
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
}

export interface GraphNode {
	id: string;
	/** `'tensor'` for a leaf, or a registry op id (`add`, `mul`, `sum`, ...). */
	op: string;
	/** The variable name shown on the node and used by code generation. */
	name: string;
	position: { x: number; y: number };
	/**
	 * A leaf's `LeafAttrs`, or an op's attributes (named by the registry's `AttrSpec`s, plus
	 * `retainGrad`, which calls `retain_grad()` on the op's output).
	 */
	attrs?: Record<string, unknown>;
}

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

/** One thing wrong with a document, at a path such as `nodes[3].attrs.shape` (`''`: the whole). */
export interface Problem {
	path: string;
	message: string;
}

export type Parsed = { ok: true; doc: GraphDocument } | { ok: false; problems: Problem[] };

/** The result of an edit: a new document, or why the edit was refused (the old one is unchanged). */
export type Edit = { ok: true; doc: GraphDocument } | { ok: false; reason: string };

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
}

export type Position = { x: number; y: number };
export type Connection = { source: string; target: string; targetInput: string };
