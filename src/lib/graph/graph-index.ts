/**
 * Lookup tables over a document (nodes by id, each node's connected inputs, each node's
 * consumers) and its topological order. Built in O(nodes + edges); tolerant of invalid documents
 * (duplicate ids: the first wins; dangling edges: ignored; cycles: their nodes are left out of
 * the order and listed in `blocked`).
 */
import { getOp } from '$lib/engine/core';
import type { GraphDocument, GraphNode } from './types';

export interface GraphIndex {
	nodes: Map<string, GraphNode>;
	/** target id -> input name -> source id (the first edge into an input wins). */
	inputs: Map<string, Map<string, string>>;
	/** source id -> target ids, one per edge. */
	consumers: Map<string, string[]>;
	/** Node ids, every node after the nodes it reads; nodes in or after a cycle are left out. */
	order: string[];
	/** Nodes in a cycle, or downstream of one. */
	blocked: Set<string>;
}

const EMPTY_INPUTS: ReadonlyMap<string, string> = new Map();

/** A node's input sources, in its op's argument order (then any unknown input names). */
export function inputSources(index: GraphIndex, node: GraphNode): string[] {
	const inputs = index.inputs.get(node.id) ?? EMPTY_INPUTS;
	if (inputs.size === 0) return [];
	const declared = getOp(node.op)?.inputs ?? [];
	const sources: string[] = [];
	for (const name of declared) {
		const source = inputs.get(name);
		if (source !== undefined) sources.push(source);
	}
	if (sources.length < inputs.size) {
		for (const [name, source] of inputs) if (!declared.includes(name)) sources.push(source);
	}
	return sources;
}

export function indexGraph(doc: GraphDocument): GraphIndex {
	const nodeList = Array.isArray(doc?.nodes) ? doc.nodes : [];
	const edgeList = Array.isArray(doc?.edges) ? doc.edges : [];
	const nodes = new Map<string, GraphNode>();
	for (const node of nodeList) {
		if (node && typeof node.id === 'string' && !nodes.has(node.id)) nodes.set(node.id, node);
	}
	const inputs = new Map<string, Map<string, string>>();
	const consumers = new Map<string, string[]>();
	for (const edge of edgeList) {
		if (!edge || !nodes.has(edge.source) || !nodes.has(edge.target)) continue;
		let into = inputs.get(edge.target);
		if (into === undefined) inputs.set(edge.target, (into = new Map()));
		if (into.has(edge.targetInput)) continue;
		into.set(edge.targetInput, edge.source);
		const out = consumers.get(edge.source);
		if (out === undefined) consumers.set(edge.source, [edge.target]);
		else out.push(edge.target);
	}
	const index: GraphIndex = { nodes, inputs, consumers, order: [], blocked: new Set() };
	orderNodes(index);
	return index;
}

/**
 * Kahn's algorithm finds the nodes that can be ordered (the rest are in or after a cycle); a
 * depth-first pass over them then orders each node right after its inputs, in document order,
 * which reads well (x, w, b, y = w * x, z = y + b).
 */
function orderNodes(index: GraphIndex): void {
	const pending = new Map<string, number>();
	for (const id of index.nodes.keys()) pending.set(id, index.inputs.get(id)?.size ?? 0);
	const ready: string[] = [];
	for (const [id, count] of pending) if (count === 0) ready.push(id);
	const orderable = new Set<string>();
	while (ready.length > 0) {
		const id = ready.pop()!;
		orderable.add(id);
		for (const next of index.consumers.get(id) ?? []) {
			const left = pending.get(next)! - 1;
			pending.set(next, left);
			if (left === 0) ready.push(next);
		}
	}
	for (const id of index.nodes.keys()) if (!orderable.has(id)) index.blocked.add(id);

	const done = new Set<string>();
	const stack: { id: string; sources: string[]; next: number }[] = [];
	for (const [id, node] of index.nodes) {
		if (done.has(id) || !orderable.has(id)) continue;
		stack.push({ id, sources: inputSources(index, node), next: 0 });
		done.add(id);
		while (stack.length > 0) {
			const frame = stack[stack.length - 1];
			if (frame.next < frame.sources.length) {
				const source = frame.sources[frame.next++];
				if (!done.has(source)) {
					done.add(source);
					stack.push({
						id: source,
						sources: inputSources(index, index.nodes.get(source)!),
						next: 0
					});
				}
			} else {
				index.order.push(frame.id);
				stack.pop();
			}
		}
	}
}

/** Whether `to` can be reached from `from` along edges (consumers). */
export function reaches(index: GraphIndex, from: string, to: string): boolean {
	if (from === to) return true;
	const seen = new Set<string>([from]);
	const queue = [from];
	while (queue.length > 0) {
		const id = queue.pop()!;
		for (const next of index.consumers.get(id) ?? []) {
			if (next === to) return true;
			if (!seen.has(next)) {
				seen.add(next);
				queue.push(next);
			}
		}
	}
	return false;
}
