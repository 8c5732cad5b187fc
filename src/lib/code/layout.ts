/**
 * A layered layout for imported graphs, left to right: an op sits one column right of its
 * furthest input, a leaf one column left of its nearest consumer. Within a column, nodes are
 * ordered by the rows of their consumers, then of their inputs, to keep wires short.
 */
import type { GraphEdge, GraphNode } from '$lib/graph';

/** The spacing the examples use. */
export const COLUMN_WIDTH = 280;
export const ROW_HEIGHT = 270;

/** Set every node's position. `nodes` must list each node after its inputs. */
export function layoutNodes(nodes: GraphNode[], edges: GraphEdge[]): void {
	const inputs = new Map<string, string[]>();
	const consumers = new Map<string, string[]>();
	for (const edge of edges) {
		(inputs.get(edge.target) ?? inputs.set(edge.target, []).get(edge.target)!).push(edge.source);
		(consumers.get(edge.source) ?? consumers.set(edge.source, []).get(edge.source)!).push(
			edge.target
		);
	}
	const column = new Map<string, number>();
	for (const node of nodes) {
		let depth = 0;
		for (const source of inputs.get(node.id) ?? []) {
			depth = Math.max(depth, (column.get(source) ?? 0) + 1);
		}
		column.set(node.id, depth);
	}
	// Leaves move right, next to their nearest consumer.
	for (const node of nodes) {
		if ((inputs.get(node.id) ?? []).length > 0) continue;
		const after = (consumers.get(node.id) ?? []).map((id) => column.get(id) ?? 0);
		if (after.length > 0) {
			const nearest = after.reduce((a, b) => Math.min(a, b));
			column.set(node.id, Math.max(0, nearest - 1));
		}
	}

	const columns: string[][] = [];
	for (const node of nodes) {
		const c = column.get(node.id)!;
		(columns[c] ??= []).push(node.id);
	}
	const row = new Map<string, number>();
	const place = (list: string[]) => list.forEach((id, i) => row.set(id, i));
	for (const list of columns) if (list) place(list);

	const mean = (ids: string[], fallback: number) =>
		ids.length === 0 ? fallback : ids.reduce((sum, id) => sum + (row.get(id) ?? 0), 0) / ids.length;
	const sortBy = (list: string[], key: (id: string) => number) => {
		const keys = new Map(list.map((id) => [id, key(id)]));
		list.sort((a, b) => keys.get(a)! - keys.get(b)! || row.get(a)! - row.get(b)!);
		place(list);
	};
	for (let c = columns.length - 1; c >= 0; c--) {
		if (columns[c]) sortBy(columns[c], (id) => mean(consumers.get(id) ?? [], row.get(id)!));
	}
	for (let c = 1; c < columns.length; c++) {
		if (columns[c]) sortBy(columns[c], (id) => mean(inputs.get(id) ?? [], row.get(id)!));
	}

	const tallest = columns.reduce((most, list) => Math.max(most, list?.length ?? 0), 1);
	for (const node of nodes) {
		const c = column.get(node.id)!;
		const offset = ((tallest - columns[c].length) * ROW_HEIGHT) / 2;
		node.position = { x: c * COLUMN_WIDTH, y: row.get(node.id)! * ROW_HEIGHT + offset };
	}
}
