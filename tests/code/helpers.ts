/** Readable descriptions of graphs, for expectations in the code tests. */
import { getOp } from '$lib/engine';
import { LEAF_OP, type GraphDocument, type LeafAttrs } from '$lib/graph';

/**
 * One line per node, in document order: `x = randn[3, 4] seed 0 grad` for a leaf,
 * `t = add(input=x, other=b)` for an op (its attrs after, as JSON, when it has any).
 */
export function describeGraph(doc: GraphDocument): string[] {
	const names = new Map(doc.nodes.map((n) => [n.id, n.name]));
	return doc.nodes.map((node) => {
		if (node.op === LEAF_OP) {
			const a = node.attrs as unknown as LeafAttrs;
			let text = `${node.name} = ${a.init}[${a.shape.join(', ')}]`;
			if (a.init === 'values') text += ` ${JSON.stringify(a.values)}`;
			if (a.init === 'full') text += ` fill ${a.fill}`;
			if (a.seed !== undefined) text += ` seed ${a.seed}`;
			if (a.requiresGrad) text += ' grad';
			if (a.retainGrad) text += ' retain';
			return text;
		}
		const order = getOp(node.op)?.inputs ?? [];
		const wires = doc.edges
			.filter((e) => e.target === node.id)
			.sort((a, b) => order.indexOf(a.targetInput) - order.indexOf(b.targetInput))
			.map((e) => `${e.targetInput}=${names.get(e.source)}`);
		const attrs =
			node.attrs && Object.keys(node.attrs).length > 0 ? ` ${JSON.stringify(node.attrs)}` : '';
		return `${node.name} = ${node.op}(${wires.join(', ')})${attrs}`;
	});
}

/** The node's name by id. */
export const nameOf = (doc: GraphDocument, id: string | null) =>
	doc.nodes.find((n) => n.id === id)?.name ?? null;
