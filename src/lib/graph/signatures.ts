/**
 * What each node computes, as a short fingerprint: its op, its attributes and the fingerprints
 * of its inputs (so a node's fingerprint covers everything upstream of it). Names and positions
 * are not part of it: renaming or moving a node changes no value. A trace recorded for one
 * document is still true of a node in an edited document exactly when its fingerprint is the
 * same; everything that depends on an edit, and nothing else, changes fingerprint.
 */
import { indexGraph } from './graph-index';
import type { GraphDocument, GraphNode } from './types';

/** cyrb53: a fast 53-bit string hash (public domain), as 14 hex digits. */
export function hash(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** A node's own part (op and attributes), cached per node object: documents are immutable. */
const ownParts = new WeakMap<GraphNode, string>();

function ownPart(node: GraphNode): string {
	let part = ownParts.get(node);
	if (part === undefined) {
		part = hash(`${node.op}\u0000${JSON.stringify(node.attrs ?? {})}`);
		ownParts.set(node, part);
	}
	return part;
}

/**
 * Every orderable node's fingerprint (nodes in or after a cycle have none). O(nodes + edges),
 * iterative; each node's attributes are serialised once per node object.
 */
export function nodeSignatures(doc: GraphDocument): Map<string, string> {
	const index = indexGraph(doc);
	const out = new Map<string, string>();
	for (const id of index.order) {
		const node = index.nodes.get(id)!;
		let text = `${node.id}\u0000${ownPart(node)}`;
		const inputs = index.inputs.get(id);
		if (inputs) {
			for (const arg of [...inputs.keys()].sort()) {
				text += `\u0000${arg}=${out.get(inputs.get(arg)!) ?? '?'}`;
			}
		}
		out.set(id, hash(text));
	}
	return out;
}
