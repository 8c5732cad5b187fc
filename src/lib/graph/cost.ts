/**
 * Work estimates from shapes alone, before anything runs (issue 10): per node and in total, the
 * floating-point operations (FLOPs) and the bytes of float32 values held by a forward pass, and
 * by a forward plus a backward pass. Nothing is computed: only `inferShapes`'s shapes are read.
 *
 * The model, per node with a known output shape `out` (nodes with an unknown shape cannot run
 * and are left out):
 * - a leaf: 1 FLOP per element to fill it;
 * - an elementwise op (the registry's `binary` and `unary` kinds): 1 FLOP per output element;
 * - sum / mean: 1 per input element; matmul: 2 m k n (2 k per output element);
 *   linear: matmul plus the bias; mse_loss: 3 per element; log_softmax: 4 per element;
 *   transpose / reshape / expand: 1 per output element (the engine copies);
 * - bytes: 4 per output element (float32), every node's output being kept for backward;
 * - backward, on nodes that require grad: twice the forward FLOPs (the vector-Jacobian products)
 *   and 4 bytes per element for the gradient.
 *
 * `WORK_BUDGET` is what the editor agrees to run at all; `HEAVY_WORK` is what it runs off the main
 * thread. `workRefusal` names the node that takes a graph past the budget.
 */
import { getOp, numel, type OpDef } from '$lib/engine/core';
import { indexGraph, type GraphIndex } from './graph-index';
import { inferShapes } from './shapes';
import { isLeaf, type GraphDocument, type NodeInfo } from './types';

export interface Work {
	flops: number;
	/** Bytes of float32 values held. */
	bytes: number;
}

export interface NodeWork extends Work {
	/** This node's forward work plus, when it requires grad, its backward work and gradient. */
	withBackward: Work;
}

export interface GraphWork extends Work {
	/** Per node with a known shape (nodes that cannot run are left out). */
	nodes: Map<string, NodeWork>;
	/** Forward plus backward, in all. */
	withBackward: Work;
}

/**
 * The most work the editor runs: 200 GFLOP and 1 GB. The trace runs in a worker with progress and
 * Cancel, at 10-25 GFLOP/s on one core, so the longest run allowed takes seconds, not minutes. A
 * 4096 x 4096 add (17 MFLOP, 200 MB) and a 3072 x 3072 matmul (58 GFLOP, 170 with backward) run;
 * a matmul of two 8192 x 8192 tensors (1.1 TFLOP) is refused before it starts.
 */
export const WORK_BUDGET: Readonly<Work> = { flops: 200e9, bytes: 1e9 };

/** Work past either of these runs off the main thread (with progress and Cancel). */
export const HEAVY_WORK: Readonly<Work> = { flops: 2e6, bytes: 8e6 };

const BYTES_PER_ELEMENT = 4;
/** Backward FLOPs per forward FLOP (each input's vector-Jacobian product costs about one pass). */
const BACKWARD_FACTOR = 2;

type Shape = readonly number[];
/** Forward FLOPs of an op from its input shapes (registry order, null when not connected). */
type OpFlops = (inputs: readonly (Shape | null)[], out: Shape) => number;

const lastDim = (shape: Shape | null) => (shape === null || shape.length === 0 ? 1 : shape.at(-1)!);
const largest = (inputs: readonly (Shape | null)[], out: Shape) =>
	inputs.reduce((most, s) => Math.max(most, s === null ? 0 : numel(s)), numel(out));

/**
 * FLOPs of the registry's custom ops, by id (the elementwise kinds need no entry). The test
 * tests/graph/cost.test.ts checks that every custom op in the registry has one.
 */
export const CUSTOM_OP_FLOPS: Readonly<Record<string, OpFlops>> = {
	sum: ([input]) => (input === null ? 0 : numel(input)),
	mean: ([input]) => (input === null ? 0 : numel(input) + 1),
	// 2 k per output element: m k n multiply-adds, 1-D operands included.
	matmul: ([input], out) => 2 * numel(out) * lastDim(input),
	linear: ([input, , bias], out) => 2 * numel(out) * lastDim(input) + (bias ? numel(out) : 0),
	transpose: (_, out) => numel(out),
	reshape: (_, out) => numel(out),
	expand: (_, out) => numel(out),
	mse_loss: (inputs, out) => 3 * largest(inputs, out),
	log_softmax: ([input], out) => 4 * (input === null ? numel(out) : numel(input))
};

/** Forward FLOPs of `op`, or null when the registry has an op this module does not know. */
export function opFlops(op: OpDef, inputs: readonly (Shape | null)[], out: Shape): number | null {
	// Elementwise ops, including custom ones that declare their WGSL: one FLOP per output value.
	if (op.kind === 'binary' || op.kind === 'unary' || op.wgsl !== undefined) return numel(out);
	const rule = Object.hasOwn(CUSTOM_OP_FLOPS, op.id) ? CUSTOM_OP_FLOPS[op.id] : undefined;
	return rule === undefined ? null : rule(inputs, out);
}

/** Work of one node, or null when it cannot run (unknown shape). */
function nodeWork(index: GraphIndex, infos: Map<string, NodeInfo>, id: string): NodeWork | null {
	const node = index.nodes.get(id)!;
	const info = infos.get(id);
	if (info === undefined || info.shape === null) return null;
	const outCount = numel(info.shape);
	let flops: number;
	if (isLeaf(node)) flops = outCount;
	else {
		const op = getOp(node.op);
		if (op === undefined) return null;
		const connected = index.inputs.get(id);
		const inputs = op.inputs.map((name) => {
			const source = connected?.get(name);
			return source === undefined ? null : (infos.get(source)?.shape ?? null);
		});
		// An op the table misses still counts: one FLOP per element of its largest operand.
		flops = opFlops(op, inputs, info.shape) ?? largest(inputs, info.shape);
	}
	const bytes = outCount * BYTES_PER_ELEMENT;
	const withBackward = info.requiresGrad
		? { flops: flops + BACKWARD_FACTOR * (isLeaf(node) ? 0 : flops), bytes: 2 * bytes }
		: { flops, bytes };
	return { flops, bytes, withBackward };
}

/**
 * The work of running `doc` (see the module comment). Pass `infos` from `inferShapes(doc)` to
 * reuse them. Never throws; O(nodes + edges).
 */
export function estimateWork(doc: GraphDocument, infos?: Map<string, NodeInfo>): GraphWork {
	const index = safeIndex(doc);
	const shapes = infos ?? inferShapes(doc);
	const total: GraphWork = {
		nodes: new Map(),
		flops: 0,
		bytes: 0,
		withBackward: { flops: 0, bytes: 0 }
	};
	if (index === null) return total;
	for (const id of index.order) {
		const work = nodeWork(index, shapes, id);
		if (work === null) continue;
		total.nodes.set(id, work);
		total.flops += work.flops;
		total.bytes += work.bytes;
		total.withBackward.flops += work.withBackward.flops;
		total.withBackward.bytes += work.withBackward.bytes;
	}
	return total;
}

function safeIndex(doc: GraphDocument): GraphIndex | null {
	try {
		return indexGraph(doc);
	} catch {
		return null;
	}
}

/** Whether `work` should run off the main thread. */
export function isHeavyWork(work: Work): boolean {
	return work.flops > HEAVY_WORK.flops || work.bytes > HEAVY_WORK.bytes;
}

export interface WorkRefusal {
	/** The node that takes the most of the resource over the budget. */
	nodeId: string;
	/** Which limit is passed. */
	resource: keyof Work;
	/** That node's estimate, and the graph's, in FLOPs or bytes. */
	node: number;
	total: number;
	limit: number;
}

export interface RefusalOptions {
	/** Count the backward pass too (default true: a trace runs forward, then backward). */
	backward?: boolean;
	/** Default WORK_BUDGET. */
	budget?: Readonly<Work>;
}

/**
 * Why the editor refuses to run `doc`, or null when it fits the budget: the resource passed
 * (FLOPs first), the node that takes the most of it, and the estimates against the limit. It
 * holds no text: the UI words it from the message catalog (`trace.refused.*` over the canvas,
 * `code.comment.work` in the Code panel), with `formatFlops` / `formatBytes` for the amounts.
 * Pass `infos` from `inferShapes(doc)` to reuse them.
 */
export function workRefusal(
	doc: GraphDocument,
	infos?: Map<string, NodeInfo>,
	options: RefusalOptions = {}
): WorkRefusal | null {
	const shapes = infos ?? inferShapes(doc);
	const work = estimateWork(doc, shapes);
	const budget = options.budget ?? WORK_BUDGET;
	const pick = (w: NodeWork | GraphWork): Work => (options.backward === false ? w : w.withBackward);
	for (const resource of ['flops', 'bytes'] as const) {
		const total = pick(work)[resource];
		if (total <= budget[resource]) continue;
		let heaviest: string | null = null;
		let most = -1;
		for (const [id, w] of work.nodes) {
			if (pick(w)[resource] > most) [heaviest, most] = [id, pick(w)[resource]];
		}
		if (heaviest === null) return null;
		return { nodeId: heaviest, resource, node: most, total, limit: budget[resource] };
	}
	return null;
}

const units = (value: number, names: readonly string[]): string => {
	let scaled = value;
	let i = 0;
	while (Math.abs(scaled) >= 1000 && i < names.length - 1) {
		scaled /= 1000;
		i++;
	}
	const text =
		scaled >= 100 || Number.isInteger(scaled) ? String(Math.round(scaled)) : scaled.toPrecision(2);
	return `${Number(text)} ${names[i]}`;
};

/** `1.1 TFLOP`, `20 GFLOP`, `17 MFLOP`, `12 FLOP` (decimal prefixes, two significant digits). */
export function formatFlops(flops: number): string {
	return units(flops, ['FLOP', 'kFLOP', 'MFLOP', 'GFLOP', 'TFLOP', 'PFLOP']);
}

/** `805 MB`, `1 GB`, `4 kB`, `12 B` (decimal prefixes, two significant digits). */
export function formatBytes(bytes: number): string {
	return units(bytes, ['B', 'kB', 'MB', 'GB', 'TB']);
}
