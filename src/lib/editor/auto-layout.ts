/**
 * "Auto layout": the graph laid out left to right by dagre (a layered layout), using the sizes
 * the canvas rendered. `layoutLeftToRight` returns new top-left positions by node id; `arrange`
 * commits them as one undo step and fits the view.
 */
import type { GraphDocument, Position } from '$lib/graph';
import { dict } from '$lib/util/dict';
import type { CommitOptions, EditorState } from './editor-state.svelte';
import { measuredSizes } from './flow-model';

export interface NodeSize {
	width: number;
	height: number;
}

const DEFAULT_SIZE: NodeSize = { width: 170, height: 90 };

export interface LayoutOptions {
	/**
	 * Presenter mode: the columns further apart (110 rather than 70), so that a value or gradient
	 * chip in its large type rests on the wire between two nodes clear of both nodes' handles;
	 * the nodes of a column a little closer (28 rather than 36), so that the taller nodes still
	 * fit the projector's height at the same zoom.
	 */
	presenter?: boolean;
}

export async function layoutLeftToRight(
	doc: GraphDocument,
	sizes: ReadonlyMap<string, NodeSize>,
	options: LayoutOptions = {}
): Promise<Record<string, Position>> {
	// Loaded on first use: the layout library is not needed to open the editor.
	const { default: dagre } = await import('@dagrejs/dagre');
	const graph = new dagre.graphlib.Graph();
	graph.setGraph({
		rankdir: 'LR',
		nodesep: options.presenter ? 28 : 36,
		ranksep: options.presenter ? 110 : 70,
		marginx: 20,
		marginy: 20
	});
	graph.setDefaultEdgeLabel(() => ({}));
	// dagre keys its nodes in plain objects: give it our own keys, never the user's ids (an id
	// such as `__proto__` would vanish there).
	const keyOf = new Map(doc.nodes.map((node, i) => [node.id, `n${i}`]));
	for (const node of doc.nodes) {
		const size = sizes.get(node.id) ?? DEFAULT_SIZE;
		graph.setNode(keyOf.get(node.id)!, { width: size.width, height: size.height });
	}
	for (const edge of doc.edges) {
		const [source, target] = [keyOf.get(edge.source), keyOf.get(edge.target)];
		if (source !== undefined && target !== undefined) graph.setEdge(source, target);
	}
	dagre.layout(graph);
	const positions = dict<Position>();
	for (const node of doc.nodes) {
		const laid = graph.node(keyOf.get(node.id)!);
		const size = sizes.get(node.id) ?? DEFAULT_SIZE;
		// dagre gives centres; the document stores top-left corners.
		positions[node.id] = {
			x: Math.round(laid.x - size.width / 2),
			y: Math.round(laid.y - size.height / 2)
		};
	}
	return positions;
}

/**
 * The sizes of the nodes as rendered now (Svelte Flow's node elements, unscaled by the zoom),
 * falling back to the sizes Svelte Flow measured. Read from the page so that a change of type
 * (presenter mode) counts before Svelte Flow measures again.
 */
export function renderedSizes(
	editor: EditorState,
	root: ParentNode = document
): Map<string, NodeSize> {
	const sizes = new Map(measuredSizes(editor.flowNodes));
	for (const element of root.querySelectorAll<HTMLElement>('.svelte-flow__node[data-id]')) {
		const id = element.dataset.id;
		if (id && element.offsetWidth > 0 && element.offsetHeight > 0) {
			sizes.set(id, { width: element.offsetWidth, height: element.offsetHeight });
		}
	}
	return sizes;
}

/**
 * Lays the graph out left to right (one undo step, made as `commit` says) and fits the view;
 * false if nothing moved.
 */
export async function arrange(
	editor: EditorState,
	options: LayoutOptions = {},
	commit: CommitOptions = {}
): Promise<boolean> {
	const doc = editor.doc;
	if (doc.nodes.length === 0) return false;
	const positions = await layoutLeftToRight(doc, renderedSizes(editor), options);
	// Only if nothing changed while the layout library loaded.
	if (editor.doc !== doc) return false;
	const moved = editor.moveNodes(positions, commit);
	// Svelte Flow places the moved nodes first; fit them then.
	queueMicrotask(() => editor.fitView());
	return moved;
}

/**
 * Whether any two nodes overlap, at their document positions and these sizes (sweep and prune
 * along x: a large graph costs no more than its sort).
 */
export function anyOverlap(doc: GraphDocument, sizes: ReadonlyMap<string, NodeSize>): boolean {
	const boxes = doc.nodes
		.map((node) => {
			const size = sizes.get(node.id) ?? DEFAULT_SIZE;
			return { x: node.position.x, y: node.position.y, w: size.width, h: size.height };
		})
		.sort((a, b) => a.x - b.x);
	for (let i = 0; i < boxes.length; i++) {
		const a = boxes[i];
		for (let j = i + 1; j < boxes.length && boxes[j].x < a.x + a.w; j++) {
			const b = boxes[j];
			if (a.y < b.y + b.h && b.y < a.y + a.h) return true;
		}
	}
	return false;
}

/**
 * `arrange`, only when nodes overlap as rendered now: for a document laid out for the usual
 * nodes and opened in presenter mode's larger type. A layout that still fits is the user's, kept.
 * Part of opening the document, so the notice that says it was opened stays.
 */
export async function arrangeIfOverlapping(
	editor: EditorState,
	options: LayoutOptions = {}
): Promise<boolean> {
	if (!anyOverlap(editor.doc, renderedSizes(editor))) return false;
	return arrange(editor, options, { keepNotice: true });
}
