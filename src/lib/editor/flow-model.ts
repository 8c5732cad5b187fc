/**
 * The Svelte Flow view of a document: nodes and edges DERIVED from the document. The document is
 * the source of truth; these arrays are rebuilt from it on every change. To keep Svelte Flow fast
 * on large graphs, a flow node whose document node and selection did not change is reused as it
 * was (with the size Svelte Flow measured), and an unchanged list is returned as the same array.
 * Shapes are NOT part of the flow nodes: each canvas node reads its own from the editor state, so
 * a wire that changes 150 shapes changes no flow node at all.
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { GraphDocument, GraphEdge, GraphNode, NodeInfo } from '$lib/graph';

/** What a canvas node renders: the document node (its shape info comes from the editor). */
export type CanvasNodeData = {
	node: GraphNode;
};

export type FlowNode = Node<CanvasNodeData, 'graph'>;
export type FlowEdge = Edge & { data: { edge: GraphEdge } };

/** A wire's accessible name, from the names of the nodes it joins. */
export type EdgeLabel = (source: string, target: string) => string;
/** A node's accessible name, from its name and op (`x, tensor`). */
export type NodeLabel = (name: string, op: string) => string;

/** The id of every node's one output handle. */
export const OUTPUT_HANDLE = 'output';

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
	return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Builds flow nodes and edges from documents, reusing what did not change. */
export class FlowModel {
	/** The latest flow node per id: built here, or written back by Svelte Flow (measured, dragged). */
	#nodes = new Map<string, FlowNode>();
	#edges = new Map<string, FlowEdge>();
	#nodeList: FlowNode[] = [];
	#edgeList: FlowEdge[] = [];

	nodes(doc: GraphDocument, selected: ReadonlySet<string>, label?: NodeLabel): FlowNode[] {
		const next = new Map<string, FlowNode>();
		const list = doc.nodes.map((node) => {
			const isSelected = selected.has(node.id);
			const ariaLabel = label?.(node.name, node.op);
			const last = this.#nodes.get(node.id);
			let flowNode: FlowNode;
			if (last !== undefined && last.data.node === node) {
				// The document node did not change: keep Svelte Flow's position (a drag may be under
				// way) and its measured size.
				flowNode =
					Boolean(last.selected) === isSelected && last.ariaLabel === ariaLabel
						? last
						: { ...last, selected: isSelected, ariaLabel };
			} else {
				flowNode = {
					id: node.id,
					type: 'graph',
					position: { x: node.position.x, y: node.position.y },
					data: { node },
					selected: isSelected,
					ariaLabel,
					...(last?.measured ? { measured: last.measured } : {})
				};
			}
			next.set(node.id, flowNode);
			return flowNode;
		});
		this.#nodes = next;
		this.#nodeList = sameItems(this.#nodeList, list) ? this.#nodeList : list;
		return this.#nodeList;
	}

	edges(
		doc: GraphDocument,
		infos: ReadonlyMap<string, NodeInfo>,
		selected: ReadonlySet<string>,
		label?: EdgeLabel
	): FlowEdge[] {
		const next = new Map<string, FlowEdge>();
		const names = label ? new Map(doc.nodes.map((node) => [node.id, node.name])) : undefined;
		const list = doc.edges.map((edge) => {
			const isSelected = selected.has(edge.id);
			const ariaLabel = label?.(
				names!.get(edge.source) ?? edge.source,
				names!.get(edge.target) ?? edge.target
			);
			const last = this.#edges.get(edge.id);
			const broken = infos.get(edge.target)?.error != null;
			const className = broken ? 'graph-edge broken' : 'graph-edge';
			const flowEdge: FlowEdge =
				last !== undefined &&
				last.data.edge === edge &&
				Boolean(last.selected) === isSelected &&
				last.class === className &&
				last.ariaLabel === ariaLabel
					? last
					: {
							id: edge.id,
							source: edge.source,
							sourceHandle: OUTPUT_HANDLE,
							target: edge.target,
							targetHandle: edge.targetInput,
							selected: isSelected,
							class: className,
							ariaLabel,
							data: { edge }
						};
			next.set(edge.id, flowEdge);
			return flowEdge;
		});
		this.#edges = next;
		this.#edgeList = sameItems(this.#edgeList, list) ? this.#edgeList : list;
		return this.#edgeList;
	}

	/** Remembers what Svelte Flow wrote back (sizes it measured, positions while dragging). */
	rememberNodes(nodes: FlowNode[]): void {
		for (const node of nodes) this.#nodes.set(node.id, node);
		this.#nodeList = nodes;
	}

	rememberEdges(edges: FlowEdge[]): void {
		for (const edge of edges) this.#edges.set(edge.id, edge);
		this.#edgeList = edges;
	}
}

/** An immutable set of ids (selections are replaced, never changed in place). */
export function idSet(ids: Iterable<string>): ReadonlySet<string> {
	return new Set(ids);
}

/** The sizes Svelte Flow measured, by node id. */
export function measuredSizes(
	nodes: readonly FlowNode[]
): Map<string, { width: number; height: number }> {
	const sizes = new Map<string, { width: number; height: number }>();
	for (const node of nodes) {
		if (node.measured?.width && node.measured.height) {
			sizes.set(node.id, { width: node.measured.width, height: node.measured.height });
		}
	}
	return sizes;
}

/** The name of the node wired into each input of `nodeId`. */
export function inputSourceNames(doc: GraphDocument, nodeId: string): Map<string, string> {
	const byId = new Map(doc.nodes.map((node) => [node.id, node.name]));
	const names = new Map<string, string>();
	for (const edge of doc.edges) {
		if (edge.target !== nodeId) continue;
		const name = byId.get(edge.source);
		if (name !== undefined) names.set(edge.targetInput, name);
	}
	return names;
}
