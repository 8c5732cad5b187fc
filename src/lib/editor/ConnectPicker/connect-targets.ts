/**
 * The inputs a node's output may be wired to, for connecting from the keyboard: every input of
 * every other node that the graph module accepts (free, no cycle, shapes that fit), in the
 * document's order of nodes and each op's order of inputs.
 */
import { getOp } from '$lib/engine/registry';
import { isLeaf, type Connection, type GraphDocument } from '$lib/graph';

export interface ConnectTarget {
	connection: Connection;
	/** The target node's name. */
	name: string;
}

export function connectTargets(
	doc: GraphDocument,
	source: string,
	check: (connection: Connection) => { ok: boolean }
): ConnectTarget[] {
	const targets: ConnectTarget[] = [];
	for (const node of doc.nodes) {
		if (node.id === source || isLeaf(node)) continue;
		for (const input of getOp(node.op)?.inputs ?? []) {
			const connection = { source, target: node.id, targetInput: input };
			if (check(connection).ok) targets.push({ connection, name: node.name });
		}
	}
	return targets;
}
