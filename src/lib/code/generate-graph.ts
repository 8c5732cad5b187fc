/**
 * What the code generator knows of a graph, and what it makes of it: shared by the autograd
 * program (`generate.ts`), its expressions (`generate-expressions.ts`) and the training program
 * (`generate-training.ts`).
 */
import {
	indexGraph,
	inferShapes,
	isLeaf,
	type GraphDocument,
	type GraphIndex,
	type GraphNode,
	type LeafAttrs,
	type NodeInfo
} from '$lib/graph';

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

/**
 * A valid document, indexed once (the graph module's `indexGraph`: nodes by id, each node's
 * inputs as target -> input name -> source, its consumers, the topological order), with the
 * shape of every node.
 */
export interface Graph extends GraphIndex {
	doc: GraphDocument;
	infos: Map<string, NodeInfo>;
}

export function graphOf(doc: GraphDocument): Graph {
	const index = indexGraph(doc);
	return { ...index, doc, infos: inferShapes(doc, index) };
}

/** How many edges leave a node. */
export const fanOut = (graph: Graph, id: string) => graph.consumers.get(id)?.length ?? 0;

/** The attributes of a node known to be a leaf. */
export function leafAttrs(node: GraphNode): LeafAttrs {
	if (!isLeaf(node)) throw new Error(`${node.name} is not a leaf`);
	return node.attrs;
}

/** Names every program uses, so no variable may take them. */
export const BASE_RESERVED = ['torch', 'F', 'nn', 'print', 'range'];

export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
