/**
 * Connecting from the keyboard offers exactly the inputs a drawn wire could reach: other nodes'
 * free inputs that the graph module accepts (no self-loop, no cycle, no leaf, no taken input).
 */
import { describe, expect, it } from 'vitest';
import { addNode, checkConnection, connect, emptyDocument, type GraphDocument } from '$lib/graph';
import { connectTargets } from '$lib/editor/ConnectPicker/connect-targets';

function build() {
	let doc: GraphDocument = emptyDocument();
	const ids: Record<string, string> = {};
	for (const kind of ['x', 'w', 'mul', 'sum']) {
		const edit = addNode(doc, kind, { x: 0, y: 0 });
		if (!edit.ok || !edit.id) throw new Error(`could not add ${kind}`);
		doc = edit.doc;
		ids[kind] = edit.id;
	}
	return { doc, ids };
}

const offered = (doc: GraphDocument, source: string) =>
	connectTargets(doc, source, (c) => checkConnection(doc, c)).map(
		(t) => `${t.name}.${t.connection.targetInput}`
	);

describe('connectTargets', () => {
	it('offers every input of every op node, never the node itself or a leaf', () => {
		const { doc, ids } = build();
		expect(offered(doc, ids.x)).toEqual(['mul1.input', 'mul1.other', 'sum1.input']);
		expect(offered(doc, ids.mul)).toEqual(['sum1.input']);
	});

	it('leaves out taken inputs and wires that would close a cycle', () => {
		const { doc: start, ids } = build();
		let doc = start;
		for (const c of [
			{ source: ids.x, target: ids.mul, targetInput: 'input' },
			{ source: ids.mul, target: ids.sum, targetInput: 'input' }
		]) {
			const edit = connect(doc, c);
			if (!edit.ok) throw new Error(edit.reason);
			doc = edit.doc;
		}
		expect(offered(doc, ids.w)).toEqual(['mul1.other']);
		// sum1 feeds from mul1: wiring sum1 into mul1 would be a cycle.
		expect(offered(doc, ids.sum)).toEqual([]);
		// Every offer is a connection the edit accepts.
		for (const target of connectTargets(doc, ids.w, (c) => checkConnection(doc, c))) {
			expect(connect(doc, target.connection).ok).toBe(true);
		}
	});
});
