/**
 * Building the graph of an import: nodes, edges and names, with undo for a statement that fails
 * (its nodes and attribute changes are dropped), automatic names like the editor's, and the
 * seed counter for rand / randn leaves. The only functions that change the state's graph.
 */
import { getOp } from '$lib/engine/core';
import { isLeaf, LEAF_OP, MAX_NODES, opNodeAttrs, type GraphNode } from '$lib/graph';
import { coded, noValueProblem, StopImport } from './args';
import { autoNameBase, isAutoName } from '../names';
import type { ImportState } from './state';
import { describeValue, type Value } from './values';
import { excerpt } from '$lib/util/excerpt';

/** Where the state stood before a statement: `rollback` goes back there. */
export interface Mark {
	nodes: number;
	edges: number;
	/** How many undo steps there were. */
	undo: number;
	problems: number;
	notes: number;
	counters: Map<string, number>;
	seedBase: number;
	draws: number;
	output: string | null;
}

/** One input of an op node: its name, its value (null: left out) and where the code gives it. */
export type OpInput = [name: string, value: Value | null, start: number];

export function mark(state: ImportState): Mark {
	return {
		nodes: state.nodes.length,
		edges: state.edges.length,
		undo: state.undo.length,
		problems: state.problems.length,
		notes: state.notes.length,
		counters: new Map(state.counters),
		seedBase: state.seedBase,
		draws: state.draws,
		output: state.output
	};
}

/** Drop everything done since `mark`. */
export function rollback(state: ImportState, mark: Mark): void {
	while (state.undo.length > mark.undo) state.undo.pop()!();
	for (const node of state.nodes.splice(mark.nodes)) {
		state.byId.delete(node.id);
		state.origin.delete(node.id);
		state.fromT.delete(node.id);
		state.names.delete(node.name);
	}
	state.edges.length = mark.edges;
	state.problems.length = mark.problems;
	state.notes.length = mark.notes;
	state.counters.clear();
	for (const [base, next] of mark.counters) state.counters.set(base, next);
	state.seedBase = mark.seedBase;
	state.draws = mark.draws;
	state.output = mark.output;
}

/** Change a node's attrs (undone by a rollback). */
export function setAttrs(state: ImportState, id: string, attrs: Record<string, unknown>): void {
	const node = getNode(state, id);
	const old = node.attrs;
	state.undo.push(() => (node.attrs = old));
	node.attrs = attrs;
}

/** Rename a node (undone by a rollback). */
export function rename(state: ImportState, id: string, name: string): void {
	const node = getNode(state, id);
	const old = node.name;
	state.undo.push(() => {
		state.names.delete(node.name);
		node.name = old;
		state.names.add(old);
	});
	state.names.delete(old);
	node.name = name;
	state.names.add(name);
	// An automatic name given up is free again (`y = x.sum()` leaves `sum1` for the next sum).
	const base = autoNameBase(node.op);
	if (isAutoName(old, node.op)) {
		const freed = Number(old.slice(base.length));
		state.counters.set(base, Math.min(state.counters.get(base) ?? 1, freed));
	}
}

export function getNode(state: ImportState, id: string): GraphNode {
	return state.byId.get(id)!;
}

export function addNode(
	state: ImportState,
	op: string,
	name: string,
	attrs: Record<string, unknown> | undefined,
	start: number
): string {
	if (state.nodes.length >= MAX_NODES) {
		throw new StopImport(coded(start, 'limit', 'tooManyNodes', { max: MAX_NODES }));
	}
	const id = `n${state.nextNode++}`;
	const node: GraphNode = { id, op, name, position: { x: 0, y: 0 } };
	if (attrs !== undefined) node.attrs = attrs;
	state.nodes.push(node);
	state.byId.set(id, node);
	state.names.add(name);
	state.origin.set(id, start);
	return id;
}

function addEdge(state: ImportState, source: string, target: string, targetInput: string): void {
	state.edges.push({ id: `e${state.nextEdge++}`, source, target, targetInput });
}

/** `base1`, `base2`, ...: like the editor's names, avoiding every name the code assigns. */
export function autoName(state: ImportState, base: string): string {
	let i = state.counters.get(base) ?? 1;
	while (state.names.has(`${base}${i}`) || state.assigned.has(`${base}${i}`)) i++;
	state.counters.set(base, i + 1);
	return `${base}${i}`;
}

/** A name for a node the code names `name`: itself, or `name_1`, ... when it is taken. */
export function claimName(state: ImportState, name: string): string {
	if (!state.names.has(name)) return name;
	let i = state.versions.get(name) ?? 1;
	while (state.names.has(`${name}_${i}`) || state.assigned.has(`${name}_${i}`)) i++;
	state.versions.set(name, i + 1);
	return `${name}_${i}`;
}

/** A name for a parameter leaf of a module (`weight`, `bias`), numbered when taken. */
export function paramName(state: ImportState, base: string): string {
	if (!state.names.has(base) && !state.assigned.has(base)) return base;
	return autoName(state, base);
}

/** `torch.manual_seed(seed)`: the draws after it get seeds seed, seed + 1, ... */
export function manualSeed(state: ImportState, seed: number): void {
	state.seedBase = ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32;
	state.draws = 0;
}

/** The seed of the next rand / randn leaf (or nn.Linear's initial values). */
export function nextSeed(state: ImportState): number {
	const seed = (state.seedBase + state.draws) % 2 ** 32;
	state.draws++;
	return seed;
}

/** The node a value stands for, adding a leaf for a new tensor or a number. */
export function materialize(state: ImportState, value: Value, start: number, what: string): string {
	switch (value.kind) {
		case 'tensor':
			return value.node;
		case 'fresh':
			return addNode(state, LEAF_OP, autoName(state, 't'), { ...value.attrs }, value.start);
		case 'number': {
			if (!Number.isFinite(value.value)) {
				throw coded(start, 'value', 'notFinite', { value: value.value });
			}
			return addNode(
				state,
				LEAF_OP,
				autoName(state, 't'),
				{ shape: [], init: 'values', values: [value.value], requiresGrad: false },
				start
			);
		}
		case 'failed':
			throw noValueProblem(start, value);
		default:
			throw coded(start, 'value', 'notTensorOrNumber', { what, value: describeValue(value) });
	}
}

/** Add an op node with its inputs wired; `attrs` are those the code gives. */
export function addOp(
	state: ImportState,
	opId: string,
	start: number,
	inputs: OpInput[],
	attrs: Record<string, unknown> = {}
): Value {
	const sources = inputs.map(
		([name, value, at]) =>
			[name, value === null ? null : materialize(state, value, at, `'${excerpt(name)}'`)] as const
	);
	// The op's declared defaults are stored, as the palette stores them (`keepdim: false`).
	const id = addNode(state, opId, autoName(state, opId), opNodeAttrs(getOp(opId)!, attrs), start);
	for (const [name, source] of sources) if (source !== null) addEdge(state, source, id, name);
	state.unnamed.add(id);
	return { kind: 'tensor', node: id };
}

/** `x.t()`, `x.T`: transpose(0, 1), or transpose(0, 0) for a 1-D input (see `finish`). */
export function transposeT(state: ImportState, owner: Value, start: number): Value {
	const result = addOp(state, 'transpose', start, [['input', owner, start]], { dim0: 0, dim1: 1 });
	if (result.kind === 'tensor') state.fromT.add(result.node);
	return result;
}

export function setRequiresGrad(
	state: ImportState,
	id: string,
	flag: boolean,
	start: number
): void {
	const node = getNode(state, id);
	if (!isLeaf(node)) {
		throw coded(start, 'unsupported', 'leafRequiresGrad', {
			error: 'you can only change requires_grad flags of leaf variables',
			name: excerpt(node.name)
		});
	}
	setAttrs(state, id, { ...(node.attrs ?? {}), requiresGrad: flag });
}
