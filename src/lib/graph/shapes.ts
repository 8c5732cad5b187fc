/**
 * Shape inference and wire checks, from the registry's shape rules: every node's output shape,
 * or PyTorch's message for why it has none. Never throws; shape errors and missing inputs are
 * reported per node and never stop a document from opening.
 */
import { errorMessage } from '$lib/util/error-message';
import { setWarningHandler, TorchError, type OpDef } from '$lib/engine/core';
import { broadcastShapes } from '$lib/engine/shape';
import { indexGraph, reaches, type GraphIndex } from './graph-index';
import {
	attrIsOptional,
	check,
	graphOp,
	isPositiveIntegerList,
	MAX_DIMS,
	opAttrsSchema,
	RETAIN_GRAD,
	sizeLimitMessage,
	unknownOpMessage,
	firstIssueText
} from './schema';
import {
	isLeaf,
	type Connection,
	type GraphDocument,
	type GraphNode,
	type LeafAttrs,
	type LeafNode,
	type NodeInfo,
	type OpNode,
	type Refusal
} from './types';
import { excerpt } from '$lib/util/excerpt';

/** The attributes a shape rule or the engine sees: declared defaults filled in, graph-only keys dropped. */
export function effectiveAttrs(op: OpDef, attrs: Record<string, unknown> | undefined) {
	const out: Record<string, unknown> = {};
	for (const spec of op.attrs ?? []) {
		const value =
			attrs !== undefined && Object.hasOwn(attrs, spec.name) ? attrs[spec.name] : undefined;
		if (value !== undefined) out[spec.name] = Array.isArray(value) ? value.slice() : value;
		else if (spec.default !== undefined) out[spec.name] = spec.default;
	}
	return out;
}

/** The first problem with an op node's attributes, as `dim: expected an integer`, or null. */
function attrsProblem(op: OpDef, attrs: Record<string, unknown> | undefined): string | null {
	if (attrs === undefined && (op.attrs ?? []).every(attrIsOptional)) return null;
	const result = check(opAttrsSchema(op), attrs ?? {});
	return result.success ? null : firstIssueText(result.error);
}

/** The output shape by the op's rule, or PyTorch's error (thrown). */
function runShapeRule(
	op: OpDef,
	shapes: (number[] | null)[],
	attrs: Record<string, unknown>
): number[] {
	let shape: readonly number[];
	if (op.kind === 'binary') shape = broadcastShapes(shapes[0]!, shapes[1]!);
	else if (op.kind === 'unary') shape = shapes[0]!;
	else shape = op.shape(shapes, attrs);
	const limit = sizeLimitMessage(shape);
	if (limit !== null) throw new TorchError('RuntimeError', limit);
	return shape.slice();
}

function leafInfo(node: LeafNode): NodeInfo {
	// Checked again: the analyses also run on documents that were never validated.
	const attrs: Partial<LeafAttrs> = node.attrs ?? {};
	const shape = attrs.shape;
	const requiresGrad = attrs.requiresGrad === true;
	const info: NodeInfo = {
		shape: null,
		error: null,
		requiresGrad,
		isLeaf: true,
		missingInputs: []
	};
	if (!isPositiveIntegerList(shape) || shape.length > MAX_DIMS) {
		info.error = 'shape: expected a list of positive integers';
	} else {
		const limit = sizeLimitMessage(shape);
		if (limit !== null) {
			info.error = limit;
			info.errorKind = 'RuntimeError';
		} else info.shape = shape.slice();
	}
	if (info.error === null) checkRetainGrad(node, info);
	return info;
}

/** PyTorch refuses `retain_grad()` on a tensor that does not require grad. */
function checkRetainGrad(node: GraphNode, info: NodeInfo): void {
	if (node.attrs?.[RETAIN_GRAD] === true && !info.requiresGrad) {
		info.error = "can't retain_grad on Tensor that has requires_grad=False";
		info.errorKind = 'RuntimeError';
	}
}

function errorInfo(error: string, requiresGrad = false, missingInputs: string[] = []): NodeInfo {
	return { shape: null, error, requiresGrad, isLeaf: !requiresGrad, missingInputs };
}

/** The message of an op node whose required inputs are not wired: `missing input: other`. */
export const missingInputMessage = (names: readonly string[]) =>
	`missing input${names.length > 1 ? 's' : ''}: ${names.join(', ')}`;

function opInfo(index: GraphIndex, infos: Map<string, NodeInfo>, node: OpNode): NodeInfo {
	const op = graphOp(node.op);
	if (op === undefined) return errorInfo(unknownOpMessage(node.op));
	const connected = index.inputs.get(node.id);
	const optional = op.optionalInputs ?? [];
	const shapes: (number[] | null)[] = [];
	const missing: string[] = [];
	let requiresGrad = false;
	let unknown = false;
	for (const name of op.inputs) {
		const source = connected?.get(name);
		const sourceInfo = source === undefined ? undefined : infos.get(source);
		if (sourceInfo === undefined) {
			if (!optional.includes(name)) missing.push(name);
			shapes.push(null);
			continue;
		}
		requiresGrad ||= sourceInfo.requiresGrad;
		if (sourceInfo.shape === null) unknown = true;
		shapes.push(sourceInfo.shape);
	}
	const info: NodeInfo = {
		shape: null,
		error: null,
		requiresGrad,
		isLeaf: !requiresGrad,
		missingInputs: missing
	};
	const attrsError = attrsProblem(op, node.attrs);
	if (attrsError !== null) info.error = attrsError;
	else if (missing.length > 0) {
		info.error = missingInputMessage(missing);
		info.incomplete = true;
	} else if (!unknown) {
		try {
			info.shape = runShapeRule(op, shapes, effectiveAttrs(op, node.attrs));
		} catch (error) {
			info.error = errorMessage(error);
			if (error instanceof TorchError) info.errorKind = error.kind;
		}
	}
	if (info.error === null) checkRetainGrad(node, info);
	return info;
}

/** Run `body` with the engine's warnings (PyTorch's UserWarnings) sent to `sink`, not the console. */
export function capturingWarnings<T>(sink: (message: string) => void, body: () => T): T {
	const previous = setWarningHandler(sink);
	try {
		return body();
	} finally {
		setWarningHandler(previous);
	}
}

/**
 * Each node's output shape, or its error: PyTorch's message from the registry's shape rule,
 * `missing input: other`, or the reason the node cannot be computed. A node whose input has an
 * error (or an unknown shape) gets `shape: null` and `error: null`: the error shows upstream.
 * Warnings PyTorch would print (mse_loss with different shapes) go to `warning`, not the console.
 * Never throws.
 */
export function inferShapes(
	doc: GraphDocument,
	index: GraphIndex = safeIndex(doc)
): Map<string, NodeInfo> {
	const infos = new Map<string, NodeInfo>();
	const warnings: string[] = [];
	try {
		capturingWarnings(
			(message) => warnings.push(message),
			() => {
				for (const id of index.order) {
					const node = index.nodes.get(id)!;
					warnings.length = 0;
					let info: NodeInfo;
					try {
						info = isLeaf(node) ? leafInfo(node) : opInfo(index, infos, node);
					} catch (error) {
						info = errorInfo(`could not infer the shape: ${String(error)}`);
					}
					if (warnings.length > 0) info.warning = warnings[0];
					infos.set(id, info);
				}
			}
		);
	} catch {
		// Only reachable on a malformed document; the nodes handled so far keep their info.
	}
	for (const id of index.blocked) {
		infos.set(id, errorInfo('this node is in a cycle, or reads from one'));
	}
	for (const id of index.nodes.keys()) {
		if (!infos.has(id)) infos.set(id, errorInfo('could not infer the shape'));
	}
	return infos;
}

function safeIndex(doc: GraphDocument): GraphIndex {
	try {
		return indexGraph(doc);
	} catch {
		return {
			nodes: new Map(),
			inputs: new Map(),
			consumers: new Map(),
			order: [],
			blocked: new Set()
		};
	}
}

/** Node ids, every node after the nodes it reads. Nodes in or after a cycle are left out. */
export function topologicalOrder(doc: GraphDocument): string[] {
	return safeIndex(doc).order;
}

/** Nodes with no outgoing edge (the graph's results), in document order. */
export function sinks(doc: GraphDocument): string[] {
	const index = safeIndex(doc);
	return [...index.nodes.keys()].filter((id) => !index.consumers.has(id));
}

/** Why a wire is refused, for messages and translations. */
export type ConnectionRefusal =
	| 'unknown-node'
	| 'self-loop'
	| 'no-inputs'
	| 'unknown-op'
	| 'unknown-input'
	| 'connected'
	| 'cycle'
	| 'shape';

export type ConnectionCheck =
	| { ok: true }
	| { ok: false; reason: string; code: ConnectionRefusal; params: Record<string, string> };

const refuse = (
	code: ConnectionRefusal,
	reason: string,
	params: Record<string, string> = {}
): ConnectionCheck => ({ ok: false, code, reason, params });

const WIRE_REFUSALS = {
	'unknown-node': 'unknownNode',
	'self-loop': 'wireSelfLoop',
	'no-inputs': 'wireNoInputs',
	'unknown-op': 'unknownOp',
	'unknown-input': 'wireUnknownInput',
	connected: 'wireConnected',
	cycle: 'wireCycle',
	shape: 'wireShape'
} as const satisfies Record<ConnectionRefusal, Refusal['code']>;

/** A refused wire as a `Refusal`, for the UI to say in its own language. */
export function wireRefusal(check: ConnectionCheck & { ok: false }): Refusal {
	return { reason: check.reason, code: WIRE_REFUSALS[check.code], params: check.params };
}

/**
 * Whether the wire `c` may be added: refuses a self loop, a cycle, an input that is already
 * connected, an unknown input, and a shape error at the target (PyTorch's message, computed as
 * if connected). Errors that the wire would cause further downstream are not refused: they show
 * on those nodes, like any work in progress. Pass `infos` (from `inferShapes`) to reuse them.
 */
export function checkConnection(
	doc: GraphDocument,
	c: Connection,
	infos?: Map<string, NodeInfo>
): ConnectionCheck {
	try {
		const index = indexGraph(doc);
		const source = index.nodes.get(c.source);
		const target = index.nodes.get(c.target);
		if (source === undefined) {
			return refuse('unknown-node', `no node with id '${excerpt(c.source)}'`, {
				id: excerpt(c.source)
			});
		}
		if (target === undefined) {
			return refuse('unknown-node', `no node with id '${excerpt(c.target)}'`, {
				id: excerpt(c.target)
			});
		}
		if (c.source === c.target) return refuse('self-loop', 'a node cannot feed itself');
		if (isLeaf(target)) return refuse('no-inputs', 'a tensor leaf has no inputs');
		const op = graphOp(target.op);
		if (op === undefined) {
			return refuse('unknown-op', unknownOpMessage(target.op), { op: excerpt(target.op) });
		}
		if (!op.inputs.includes(c.targetInput)) {
			const input = excerpt(c.targetInput);
			const inputs = op.inputs.join(', ');
			return refuse('unknown-input', `${op.id} has no input '${input}' (its inputs: ${inputs})`, {
				op: op.id,
				input,
				inputs
			});
		}
		const taken = (doc.edges ?? []).some(
			(e) => e.target === c.target && e.targetInput === c.targetInput
		);
		if (taken) {
			return refuse(
				'connected',
				`input '${c.targetInput}' of ${target.name} is already connected`,
				{ input: c.targetInput, name: target.name }
			);
		}
		if (reaches(index, c.target, c.source)) {
			return refuse(
				'cycle',
				`this wire would make a cycle (${target.name} already feeds ${source.name})`,
				{ target: target.name, source: source.name }
			);
		}
		return checkShapeAsConnected(index, infos ?? inferShapes(doc, index), op, target, c);
	} catch (error) {
		const reason = `could not check this wire: ${excerpt(errorMessage(error))}`;
		return refuse('shape', reason, { reason });
	}
}

function checkShapeAsConnected(
	index: GraphIndex,
	infos: Map<string, NodeInfo>,
	op: OpDef,
	target: OpNode,
	c: Connection
): ConnectionCheck {
	const connected = index.inputs.get(target.id);
	const optional = op.optionalInputs ?? [];
	const shapes: (number[] | null)[] = [];
	for (const name of op.inputs) {
		const source = name === c.targetInput ? c.source : connected?.get(name);
		const shape = source === undefined ? null : (infos.get(source)?.shape ?? null);
		// A missing input or an unknown shape: nothing to check yet.
		if (shape === null && (source !== undefined || !optional.includes(name))) return { ok: true };
		shapes.push(shape);
	}
	if (attrsProblem(op, target.attrs) !== null) return { ok: true };
	try {
		capturingWarnings(
			() => {},
			() => runShapeRule(op, shapes, effectiveAttrs(op, target.attrs))
		);
		return { ok: true };
	} catch (error) {
		// PyTorch's message, verbatim in every language.
		const reason = errorMessage(error);
		return refuse('shape', reason, { reason });
	}
}
