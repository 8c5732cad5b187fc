/**
 * Editing: pure functions from a document to a NEW document. None changes its input; unchanged
 * nodes and edges are shared between the old and the new document (documents are immutable).
 * Each edit checks what it changes, so a valid document stays valid; a refused edit returns
 * `{ ok: false, reason }` and the caller keeps the document it had.
 */
import { getOp, MAX_NUMEL, numel, type OpDef } from '$lib/engine/core';
import type { AttrSpec } from '$lib/engine/registry';
import { excerpt } from '$lib/util/excerpt';
import { freshIds, nameBase, nameProblem, nodeNames, uniqueName } from './names';
import {
	canonicalAttrs,
	canonicalEdge,
	canonicalLeafAttrs,
	canonicalNode,
	check,
	firstIssueRefusal,
	graphOp,
	isPositiveIntegerList,
	leafAttrsSchema,
	MAX_COORDINATE,
	MAX_DIMS,
	MAX_NODES,
	MAX_VALUES,
	opAttrsSchema,
	unknownOpMessage
} from './schema';
import { checkConnection, wireRefusal } from './shapes';
import { isLeaf, LEAF_OP } from './types';
import type {
	Connection,
	Edit,
	GraphDocument,
	GraphEdge,
	GraphNode,
	LeafAttrs,
	Position,
	Refusal,
	RefusalCode
} from './types';
import { validateDocument } from './validate';

const refuse = (
	reason: string,
	code: RefusalCode,
	params?: Refusal['params']
): { ok: false } & Refusal =>
	params ? { ok: false, reason, code, params } : { ok: false, reason, code };

const refuseWith = (refusal: Refusal): { ok: false } & Refusal => ({ ok: false, ...refusal });

/** An op id that no graph may use: unknown, or internal to the engine. */
function unknownOp(id: string): { ok: false } & Refusal {
	const code = getOp(id)?.internal ? 'internalOp' : 'unknownOp';
	return refuse(unknownOpMessage(id), code, { op: excerpt(id) });
}

function withParts(doc: GraphDocument, nodes: GraphNode[], edges: GraphEdge[]): GraphDocument {
	return { format: doc.format, version: doc.version, nodes, edges };
}

// Positions are written `v + 0` below: that turns -0 into 0, as documents store it (JSON has
// no -0), so an edited document equals its own round trip through a file.

function positionProblem(position: unknown): string | null {
	const p = position as Position | null;
	const ok = (v: unknown) =>
		typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE;
	if (typeof p !== 'object' || p === null || !ok(p.x) || !ok(p.y)) {
		return `a position is { x, y } with numbers from ${-MAX_COORDINATE} to ${MAX_COORDINATE}`;
	}
	return null;
}

// ---------------------------------------------------------------------------------------------
// New nodes
// ---------------------------------------------------------------------------------------------

/** The palette's ready-made leaves: `x` (no grad), `w` and `b` (grad), a plain tensor (LEAF_OP). */
export const LEAF_KINDS = ['x', 'w', 'b', LEAF_OP] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

const isLeafKind = (kind: string): kind is LeafKind =>
	(LEAF_KINDS as readonly string[]).includes(kind);

/** The smallest positive seed no leaf of `doc` uses, so new random leaves differ. */
function freshSeed(doc: GraphDocument): number {
	const used = new Set<unknown>();
	for (const node of doc.nodes) if (isLeaf(node)) used.add(node.attrs.seed);
	let seed = 1;
	while (used.has(seed)) seed++;
	return seed;
}

/** A leaf's attributes when added from the palette. */
export function leafPreset(kind: LeafKind, seed: number): LeafAttrs {
	if (kind === LEAF_OP) return { shape: [2, 2], init: 'zeros', requiresGrad: false };
	return { shape: [1], init: 'rand', seed, requiresGrad: kind !== 'x' };
}

/** A value for a required attribute the registry gives no default. */
function startingValue(op: OpDef, spec: AttrSpec): unknown {
	switch (spec.kind) {
		case 'dim': {
			// transpose(0, 1); log_softmax(dim=-1).
			const dims = (op.attrs ?? []).filter((s) => s.kind === 'dim');
			return dims.length === 1 ? -1 : dims.indexOf(spec);
		}
		case 'dims':
			return -1;
		case 'shape':
			return [-1];
		case 'bool':
			return false;
		case 'number':
			return 0;
		case 'reduction':
			return 'mean';
	}
}

/**
 * A new op node's attributes as a document stores them: `given`, with each declared default
 * (`keepdim: false`, `reduction: 'mean'`) filled in where `given` leaves it out, in declaration
 * order; undefined when there are none. The palette's nodes (`opPreset`) and the importer's both
 * take this form, so one graph is one document however it was made.
 */
export function opNodeAttrs(
	op: OpDef,
	given: Readonly<Record<string, unknown>> = {}
): Record<string, unknown> | undefined {
	const attrs: Record<string, unknown> = {};
	for (const spec of op.attrs ?? []) {
		if (spec.default !== undefined) attrs[spec.name] = spec.default;
	}
	const canonical = canonicalAttrs(op.id, { ...attrs, ...given });
	return Object.keys(canonical).length > 0 ? canonical : undefined;
}

/** An op's attributes when added from the palette: the declared defaults, then starting values. */
export function opPreset(op: OpDef): Record<string, unknown> | undefined {
	const starting: Record<string, unknown> = {};
	for (const spec of op.attrs ?? []) {
		if (spec.default === undefined && !spec.optional) {
			starting[spec.name] = startingValue(op, spec);
		}
	}
	return opNodeAttrs(op, starting);
}

/**
 * Add a node: `kind` is a leaf (`x`, `w`, `b`, `tensor`) or a registry op id. It gets a fresh id
 * (`n7`) and a readable unique name (`x`, `w`, `b`, then `x1`...; `t1`, `t2` for tensors;
 * `add1`, `mse_loss1` for ops).
 */
export function addNode(
	doc: GraphDocument,
	kind: string,
	position: Position
): Edit & { id?: string } {
	const problem = positionProblem(position);
	if (problem !== null) return refuse(problem, 'invalidEdit', { reason: problem });
	if (doc.nodes.length >= MAX_NODES) {
		return refuse(`a graph holds at most ${MAX_NODES} nodes`, 'nodeLimit', { max: MAX_NODES });
	}
	const id = freshIds(
		doc.nodes.map((n) => n.id),
		'n'
	)();
	const taken = nodeNames(doc);
	let node: GraphNode;
	if (isLeafKind(kind)) {
		node = {
			id,
			op: LEAF_OP,
			name: kind === LEAF_OP ? uniqueName(taken, 't', true) : uniqueName(taken, kind),
			position: { x: position.x + 0, y: position.y + 0 },
			attrs: canonicalLeafAttrs(leafPreset(kind, freshSeed(doc)))
		};
	} else {
		const op = graphOp(kind);
		if (op === undefined) return unknownOp(kind);
		node = {
			id,
			op: op.id,
			name: uniqueName(taken, op.id, true),
			position: { x: position.x + 0, y: position.y + 0 }
		};
		const attrs = opPreset(op);
		if (attrs !== undefined) node.attrs = attrs;
	}
	return { ok: true, doc: withParts(doc, [...doc.nodes, node], doc.edges), id };
}

// ---------------------------------------------------------------------------------------------
// Wires
// ---------------------------------------------------------------------------------------------

/** Add the wire `c`, if `checkConnection` allows it. */
export function connect(doc: GraphDocument, c: Connection): Edit & { id?: string } {
	const verdict = checkConnection(doc, c);
	if (!verdict.ok) return refuseWith(wireRefusal(verdict));
	const id = freshIds(
		doc.edges.map((e) => e.id),
		'e'
	)();
	const edge: GraphEdge = { id, source: c.source, target: c.target, targetInput: c.targetInput };
	return { ok: true, doc: withParts(doc, doc.nodes, [...doc.edges, edge]), id };
}

export function disconnect(doc: GraphDocument, edgeId: string): Edit {
	const edges = doc.edges.filter((e) => e.id !== edgeId);
	if (edges.length === doc.edges.length) {
		const reason = `no edge with id '${excerpt(edgeId)}'`;
		return refuse(reason, 'invalidEdit', { reason });
	}
	return { ok: true, doc: withParts(doc, doc.nodes, edges) };
}

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

function unknownIds(doc: GraphDocument, ids: Iterable<string>): ({ ok: false } & Refusal) | null {
	const known = new Set(doc.nodes.map((n) => n.id));
	for (const id of ids) if (!known.has(id)) return unknownNode(id);
	return null;
}

const unknownNode = (id: string) =>
	refuse(`no node with id '${excerpt(id)}'`, 'unknownNode', { id: excerpt(id) });

/** Remove nodes and every edge into or out of them. */
export function removeNodes(doc: GraphDocument, ids: string[]): Edit {
	if (!Array.isArray(ids) || ids.length === 0) {
		return refuse('no nodes to remove', 'invalidEdit', { reason: 'no nodes to remove' });
	}
	const missing = unknownIds(doc, ids);
	if (missing !== null) return missing;
	const gone = new Set(ids);
	return {
		ok: true,
		doc: withParts(
			doc,
			doc.nodes.filter((n) => !gone.has(n.id)),
			doc.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target))
		)
	};
}

/** Move nodes to new positions (`{ n1: { x, y } }`). */
export function moveNodes(doc: GraphDocument, moves: Record<string, Position>): Edit {
	if (typeof moves !== 'object' || moves === null) {
		const reason = 'expected positions by node id';
		return refuse(reason, 'invalidEdit', { reason });
	}
	const ids = Object.keys(moves);
	const missing = unknownIds(doc, ids);
	if (missing !== null) return missing;
	for (const id of ids) {
		const problem = positionProblem(moves[id]);
		if (problem !== null) return refuse(problem, 'invalidEdit', { reason: problem });
	}
	const nodes = doc.nodes.map((node) =>
		Object.hasOwn(moves, node.id)
			? { ...node, position: { x: moves[node.id].x + 0, y: moves[node.id].y + 0 } }
			: node
	);
	return { ok: true, doc: withParts(doc, nodes, doc.edges) };
}

/**
 * Rename a node. Stricter than files: a name is a Python identifier of up to 40 characters, not
 * a keyword, and unique (as Python sees names, after NFKC normalisation).
 */
export function renameNode(doc: GraphDocument, id: string, name: string): Edit {
	const index = doc.nodes.findIndex((n) => n.id === id);
	if (index < 0) return unknownNode(id);
	const problem = nameProblem(name);
	if (problem !== null) return refuseWith(problem);
	const normalized = name.normalize('NFKC');
	const clash = doc.nodes.some((n) => n.id !== id && n.name.normalize('NFKC') === normalized);
	if (clash) {
		return refuse(`another node is already named ${excerpt(name)}`, 'nameTaken', {
			name: excerpt(name)
		});
	}
	const nodes = doc.nodes.slice();
	nodes[index] = { ...nodes[index], name };
	return { ok: true, doc: withParts(doc, nodes, doc.edges) };
}

/**
 * A leaf whose values are listed keeps them through a change of shape: they are cut or padded
 * with zeros, unless the patch gives new values. Switching init away from 'values' drops them.
 */
function normalizeLeaf(attrs: Record<string, unknown>, patch: Record<string, unknown>): void {
	if (attrs.init !== 'values') {
		if (!Object.hasOwn(patch, 'values')) delete attrs.values;
		return;
	}
	if (Object.hasOwn(patch, 'values') || !isPositiveIntegerList(attrs.shape)) return;
	if (attrs.shape.length > MAX_DIMS) return;
	const n = numel(attrs.shape);
	if (n > MAX_VALUES || n > MAX_NUMEL) return;
	const old = Array.isArray(attrs.values) ? (attrs.values as unknown[]) : [];
	if (old.length === n) return;
	const values = new Array<unknown>(n).fill(0);
	for (let i = 0; i < Math.min(n, old.length); i++) values[i] = old[i];
	attrs.values = values;
}

/**
 * Change some attributes of a node: `patch` is merged into its attrs (`null` or `undefined`
 * removes a key). The result is checked against the leaf schema or the op's AttrSpecs; a leaf
 * over the engine's size limit is refused. Shape errors the change causes are not refused: they
 * show on the nodes (see `inferShapes`).
 */
export function updateAttrs(doc: GraphDocument, id: string, patch: Record<string, unknown>): Edit {
	const index = doc.nodes.findIndex((n) => n.id === id);
	if (index < 0) return unknownNode(id);
	if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
		const reason = 'expected attributes by name';
		return refuse(reason, 'invalidEdit', { reason });
	}
	const node = doc.nodes[index];
	const attrs: Record<string, unknown> = { ...(node.attrs ?? {}) };
	for (const key of Object.keys(patch)) {
		const value = patch[key];
		if (value === undefined || value === null) delete attrs[key];
		else attrs[key] = Array.isArray(value) ? value.slice() : value;
	}
	let updated: GraphNode;
	if (isLeaf(node)) {
		normalizeLeaf(attrs, patch);
		const result = check(leafAttrsSchema, attrs);
		if (!result.success) return refuseWith(firstIssueRefusal(result.error));
		updated = { ...node, attrs: canonicalLeafAttrs(result.data) };
	} else {
		const op = graphOp(node.op);
		if (op === undefined) return unknownOp(node.op);
		const result = check(opAttrsSchema(op), attrs);
		if (!result.success) return refuseWith(firstIssueRefusal(result.error));
		const canonical = canonicalAttrs(op.id, attrs);
		updated = { ...node };
		if (Object.keys(canonical).length > 0) updated.attrs = canonical;
		else delete updated.attrs;
	}
	const nodes = doc.nodes.slice();
	nodes[index] = updated;
	return { ok: true, doc: withParts(doc, nodes, doc.edges) };
}

// ---------------------------------------------------------------------------------------------
// Copy, paste, duplicate
// ---------------------------------------------------------------------------------------------

/** Nodes and the edges among them: what the clipboard holds. */
export interface Fragment {
	nodes: GraphNode[];
	edges: GraphEdge[];
}

/** Copies of the nodes `ids` (unknown ids are skipped) and of the edges among them. */
export function extractFragment(doc: GraphDocument, ids: string[]): Fragment {
	const chosen = new Set(ids);
	return {
		nodes: doc.nodes.filter((n) => chosen.has(n.id)).map(canonicalNode),
		edges: doc.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)).map(canonicalEdge)
	};
}

/**
 * Paste a fragment: its nodes get fresh ids and unique names (`x` -> `x1`, `add1` -> `add2`) and
 * move by `offset`; its edges among them come along. The result is validated as a whole (the
 * clipboard may hold anything). `ids` are the new nodes' ids, in the fragment's order.
 */
export function insertFragment(
	doc: GraphDocument,
	fragment: Fragment,
	offset: Position = { x: 40, y: 40 }
): Edit & { ids?: string[] } {
	if (positionProblem(offset) !== null) {
		const reason = 'the offset must be { x, y } numbers';
		return refuse(reason, 'invalidEdit', { reason });
	}
	if (
		!fragment ||
		!Array.isArray(fragment.nodes) ||
		!Array.isArray(fragment.edges) ||
		fragment.nodes.length === 0
	) {
		return refuse('nothing to paste', 'nothingToPaste');
	}
	if (doc.nodes.length + fragment.nodes.length > MAX_NODES) {
		return refuse(`a graph holds at most ${MAX_NODES} nodes`, 'nodeLimit', { max: MAX_NODES });
	}
	const nextNode = freshIds(
		doc.nodes.map((n) => n.id),
		'n'
	);
	const nextEdge = freshIds(
		doc.edges.map((e) => e.id),
		'e'
	);
	const taken = nodeNames(doc);
	const newIds = new Map<string, string>();
	const nodes: GraphNode[] = [];
	for (const node of fragment.nodes) {
		if (typeof node !== 'object' || node === null || newIds.has(node.id)) {
			return refuse('the pasted nodes are not valid', 'pasteInvalid', {
				reason: 'the pasted nodes are not valid'
			});
		}
		const id = nextNode();
		newIds.set(node.id, id);
		const name = uniqueName(taken, nameBase(String(node.name)), true);
		taken.add(name);
		const position = node.position ?? { x: 0, y: 0 };
		nodes.push({
			...node,
			id,
			name,
			position: { x: position.x + offset.x + 0, y: position.y + offset.y + 0 }
		});
	}
	const edges: GraphEdge[] = [];
	for (const edge of fragment.edges) {
		const source = newIds.get(edge?.source);
		const target = newIds.get(edge?.target);
		if (source === undefined || target === undefined) continue;
		edges.push({ id: nextEdge(), source, target, targetInput: edge.targetInput });
	}
	const result = validateDocument(
		withParts(doc, [...doc.nodes, ...nodes], [...doc.edges, ...edges])
	);
	if (!result.ok) {
		const first = result.problems[0];
		const problem = `${first.path ? `${first.path}: ` : ''}${first.message}`;
		return refuse(`cannot paste: ${problem}`, 'pasteInvalid', { reason: problem });
	}
	return { ok: true, doc: result.doc, ids: [...newIds.values()] };
}

/** Copy nodes and the edges among them, moved by `offset` (default 40, 40). */
export function duplicateNodes(
	doc: GraphDocument,
	ids: string[],
	offset: Position = { x: 40, y: 40 }
): Edit & { ids?: string[] } {
	if (!Array.isArray(ids) || ids.length === 0) {
		return refuse('no nodes to duplicate', 'invalidEdit', { reason: 'no nodes to duplicate' });
	}
	const missing = unknownIds(doc, ids);
	if (missing !== null) return missing;
	const order = new Map(ids.map((id, i) => [id, i]));
	const fragment = extractFragment(doc, ids);
	// New ids in the order `ids` lists the originals.
	fragment.nodes.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
	return insertFragment(doc, fragment, offset);
}
