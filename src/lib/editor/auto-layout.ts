/**
 * "Auto layout": the graph laid out left to right by dagre (a layered layout), using the sizes
 * the canvas measured. Returns new top-left positions by node id; the caller commits them as one
 * undo step.
 */
import type { GraphDocument, Position } from '$lib/graph';

export interface NodeSize {
	width: number;
	height: number;
}

const DEFAULT_SIZE: NodeSize = { width: 170, height: 90 };

export async function layoutLeftToRight(
	doc: GraphDocument,
	sizes: ReadonlyMap<string, NodeSize>
): Promise<Record<string, Position>> {
	// Loaded on first use: the layout library is not needed to open the editor.
	const { default: dagre } = await import('@dagrejs/dagre');
	const graph = new dagre.graphlib.Graph();
	graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
	graph.setDefaultEdgeLabel(() => ({}));
	for (const node of doc.nodes) {
		const size = sizes.get(node.id) ?? DEFAULT_SIZE;
		graph.setNode(node.id, { width: size.width, height: size.height });
	}
	for (const edge of doc.edges) graph.setEdge(edge.source, edge.target);
	dagre.layout(graph);
	const positions: Record<string, Position> = {};
	for (const node of doc.nodes) {
		const laid = graph.node(node.id);
		const size = sizes.get(node.id) ?? DEFAULT_SIZE;
		// dagre gives centres; the document stores top-left corners.
		positions[node.id] = {
			x: Math.round(laid.x - size.width / 2),
			y: Math.round(laid.y - size.height / 2)
		};
	}
	return positions;
}
