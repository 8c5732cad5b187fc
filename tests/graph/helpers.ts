/** Shared fixtures for the graph tests. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
	EXAMPLES,
	parseDocument,
	TraceSession,
	type Edit,
	type Example,
	type GraphDocument,
	type GraphNode,
	type Parsed,
	type Problem
} from '$lib/graph';

/** A deep copy of an example's document, safe to change in a test. */
export function example(id: Example['id']): GraphDocument {
	return structuredClone(EXAMPLES.find((e) => e.id === id)!.doc);
}

export function leaf(id: string, name: string, shape: number[], requiresGrad = false): GraphNode {
	return {
		id,
		op: 'tensor',
		name,
		position: { x: 0, y: 0 },
		attrs: { shape, init: 'zeros', requiresGrad }
	};
}

export function opNode(id: string, op: string, name: string, attrs?: Record<string, unknown>) {
	const node: GraphNode = { id, op, name, position: { x: 200, y: 0 } };
	if (attrs !== undefined) node.attrs = attrs;
	return node;
}

export function doc(nodes: GraphNode[], edges: [string, string, string][] = []): GraphDocument {
	return {
		format: 'autograd-canvas.graph',
		version: 1,
		nodes,
		edges: edges.map(([source, target, targetInput], i) => ({
			id: `e${i + 1}`,
			source,
			target,
			targetInput
		}))
	};
}

/** The problems of a result that must have failed. */
export function problemsOf(result: Parsed): Problem[] {
	expect(result.ok).toBe(false);
	return result.ok ? [] : result.problems;
}

/** The document of an edit that must have succeeded. */
export function applied<T extends Edit>(result: T): GraphDocument {
	if (!result.ok) throw new Error(`edit refused: ${result.reason}`);
	return result.doc;
}

/** The reason of an edit that must have been refused. */
export function refusal(result: Edit): string {
	expect(result.ok).toBe(false);
	return result.ok ? '' : result.reason;
}

/** A graph file of the end-to-end fixtures (e2e/fixtures), parsed; throws if it is invalid. */
export function fixtureDoc(name: string): GraphDocument {
	const parsed = parseDocument(
		readFileSync(new URL(`../../e2e/fixtures/${name}`, import.meta.url), 'utf8')
	);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
	return parsed.doc;
}

/** Forward, then Backward from the single output, of `doc`: both must succeed. */
export function traced(doc: GraphDocument) {
	const session = new TraceSession();
	const forward = session.forward(doc);
	expect(forward.error).toBeNull();
	const backward = session.backward(null);
	expect(backward.error).toBeNull();
	return { session, forward: forward.steps, backward: backward.steps };
}
