/**
 * A layered layout for imported graphs, left to right: an op sits one column right of its
 * furthest input, a leaf one column left of its nearest consumer. Within a column, nodes are
 * ordered by the rows of their consumers, then of their inputs, to keep wires short.
 */
import type { GraphEdge, GraphNode } from '$lib/graph';

/** The spacing the examples use. */
export const COLUMN_WIDTH = 280;
export const ROW_HEIGHT = 270;
/** The room a node takes: the width of its column, its height in the column. */
export interface Room {
	width: number;
	height: number;
}

/** The room of the examples' nodes. */
export const ROOM: Room = { width: COLUMN_WIDTH, height: ROW_HEIGHT };

/**
 * The room of a node drawn with heatmaps (a tensor larger than 4x4). Taller: its value and .grad
 * areas hold a heatmap (up to 80 px) and a legend line each, about 45 px more each than the three
 * lines of a small tensor's, and a margin. Wider: the wire out of it carries a chip with the shape,
 * such as `[1024×1024]` (about 93 px in the chip's 12 px type), wider than the 60 px between two
 * columns of the usual nodes; 120 px hold a chip of 13 characters, with a gap at each end.
 */
export const HEATMAP_ROOM: Room = { width: COLUMN_WIDTH + 60, height: ROW_HEIGHT + 100 };

/**
 * Set every node's position. `nodes` must list each node after its inputs. Each node takes
 * `roomOf(node)` (ROOM unless told): its column is as wide as the widest room in it, and as tall
 * as its nodes' rooms, centred on the tallest column.
 */
export function layoutNodes(
	nodes: GraphNode[],
	edges: GraphEdge[],
	roomOf: (node: GraphNode) => Room = () => ROOM
): void {
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

	const room = new Map(nodes.map((node) => [node.id, roomOf(node)]));
	const heightOf = (list: string[] | undefined) =>
		(list ?? []).reduce((sum, id) => sum + room.get(id)!.height, 0);
	const tallest = columns.reduce((most, list) => Math.max(most, heightOf(list)), ROW_HEIGHT);
	const byId = new Map(nodes.map((node) => [node.id, node]));
	let x = 0;
	for (let c = 0; c < columns.length; c++) {
		const list = columns[c] ?? [];
		let y = (tallest - heightOf(list)) / 2;
		for (const id of [...list].sort((a, b) => row.get(a)! - row.get(b)!)) {
			byId.get(id)!.position = { x, y };
			y += room.get(id)!.height;
		}
		x += list.reduce((most, id) => Math.max(most, room.get(id)!.width), COLUMN_WIDTH);
	}
}
