/** Readable descriptions of graphs, and a small graph builder, for the code tests. */
import { expect } from 'vitest';
import { getOp } from '$lib/engine';
import { generateCode, generateProgram, importCode, type GenerateOptions } from '$lib/code';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	LEAF_OP,
	validateDocument,
	type GraphDocument,
	type GraphEdge,
	type GraphNode,
	type LeafAttrs
} from '$lib/graph';
import { graphSignature, nodeSignatures } from './random-graphs';

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

/**
 * Graph -> code -> graph gives the same graph (ops, wiring, attributes, leaf values; not ids or
 * positions) and the same output, and code -> graph -> code gives the same code.
 */
export function roundTrip(doc: GraphDocument, options: GenerateOptions = {}): string {
	const program = generateProgram(doc, options);
	const back = importCode(program.code);
	expect(back.doc).not.toBeNull();
	expect(validateDocument(back.doc).ok).toBe(true);
	expect(back.problems).toEqual([]);
	// The training program's loop gives the Train panel's settings back (its pass adds nothing).
	if (program.kind === 'training') {
		expect(back.training).toMatchObject({ lr: 0.01, momentum: 0, epochs: 1000, logEvery: 50 });
		expect(back.training!.device).toBe('auto');
		expect(back.training!.loss).toBe(back.output);
	} else expect(back.training).toBeNull();
	expect(graphSignature(back.doc!)).toEqual(graphSignature(doc));
	if (program.output === null) expect(back.output).toBeNull();
	else {
		expect(nodeSignatures(back.doc!).get(back.output!)).toBe(
			nodeSignatures(doc).get(program.output)
		);
	}
	expect(generateCode(back.doc!, { ...options, output: back.output ?? undefined })).toBe(
		program.code
	);
	return program.code;
}

/** A small document builder: leaves and ops by name, wired by name. */
export function graph(
	spec: (
		| { name: string; leaf: Partial<LeafAttrs> }
		| { name: string; op: string; inputs: Record<string, string>; attrs?: Record<string, unknown> }
	)[]
): GraphDocument {
	const nodes: GraphNode[] = [];
	const edges: GraphEdge[] = [];
	const ids = new Map<string, string>();
	spec.forEach((item, i) => {
		const id = `n${i + 1}`;
		ids.set(item.name, id);
		if ('leaf' in item) {
			const attrs = { shape: [1], init: 'ones', requiresGrad: false, ...item.leaf };
			nodes.push({ id, op: 'tensor', name: item.name, position: { x: 0, y: 0 }, attrs });
		} else {
			nodes.push({
				id,
				op: item.op,
				name: item.name,
				position: { x: 0, y: 0 },
				...(item.attrs ? { attrs: item.attrs } : {})
			});
			for (const [input, source] of Object.entries(item.inputs)) {
				edges.push({
					id: `e${edges.length + 1}`,
					source: ids.get(source)!,
					target: id,
					targetInput: input
				});
			}
		}
	});
	return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
}
