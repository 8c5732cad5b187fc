/**
 * One graph, one document: a graph built from the palette and the same graph imported from its
 * generated code store the same attributes, the op's declared defaults included
 * (`keepdim: false`, `reduction: 'mean'`), so saving, undo and diffs see no difference.
 * Driven by the palette: every op it offers is checked.
 */
import { describe, expect, it } from 'vitest';
import { getOp } from '$lib/engine';
import { generateProgram, importCode } from '$lib/code';
import {
	addNode,
	connect,
	emptyDocument,
	inferShapes,
	LEAF_KINDS,
	paletteEntries,
	updateAttrs,
	type Edit,
	type GraphDocument
} from '$lib/graph';

const paletteOps = paletteEntries()
	.map((entry) => entry.id)
	.filter((id) => !(LEAF_KINDS as readonly string[]).includes(id));

/** The document an edit gives; a refused edit fails the test with its reason. */
function applied(edit: Edit): GraphDocument {
	if (!edit.ok) throw new Error(`refused: ${edit.reason}`);
	return edit.doc;
}

/**
 * The op as the palette adds it, each input wired to a palette `w` leaf of `shape`; null when
 * the op refuses such an input (transpose(0, 1) of a 1-D tensor, matmul of two 2x3 matrices).
 * An optional input that refuses it stays unwired (linear's bias beside a 2x3 weight).
 */
function paletteGraph(opId: string, shape: number[]): GraphDocument | null {
	const op = getOp(opId)!;
	const added = addNode(emptyDocument(), opId, { x: 200, y: 0 });
	let doc = applied(added);
	// clamp comes without bounds and computes once given one: the inspector's first edit.
	if (opId === 'clamp') doc = applied(updateAttrs(doc, added.id!, { min: 0 }));
	for (const input of op.inputs) {
		const leaf = addNode(doc, 'w', { x: 0, y: 0 });
		const shaped = applied(updateAttrs(applied(leaf), leaf.id!, { shape }));
		const wired = connect(shaped, { source: leaf.id!, target: added.id!, targetInput: input });
		if (wired.ok) doc = wired.doc!;
		else if (!op.optionalInputs?.includes(input)) return null;
	}
	for (const info of inferShapes(doc).values()) if (info.error !== null) return null;
	return doc;
}

/** Each node's name, op and attributes, by name. */
const byName = (doc: GraphDocument) =>
	Object.fromEntries(doc.nodes.map((n) => [n.name, { op: n.op, attrs: n.attrs }]));

describe('a palette-built graph and its imported code are the same document', () => {
	it('the palette offers ops to check', () => {
		expect(paletteOps).toContain('sum');
		expect(paletteOps).toContain('mse_loss');
	});

	it.each(paletteOps)(
		'%s: palette node -> generated code -> import gives the same attrs',
		(opId) => {
			const doc = paletteGraph(opId, [2, 3]) ?? paletteGraph(opId, [3]);
			expect(doc, 'no input shape the palette node computes with').not.toBeNull();
			const program = generateProgram(doc!, { randomLeaves: 'seed' });
			const back = importCode(program.code);
			expect(back.problems).toEqual([]);
			// Strict: an attribute left out is not the same as its default written down.
			expect(byName(back.doc!)).toStrictEqual(byName(doc!));
		}
	);
});
