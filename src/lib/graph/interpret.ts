/**
 * The one interpreter of a graph: every node becomes a tensor, in topological order, each op
 * through the registry. Compiling (`compile.ts`), tracing (`trace.ts`) and training
 * (`training/trainer.ts`) all run a graph with it; they differ only in where a leaf's tensor
 * comes from (`leafFor`) and in what they record of each node (`onNode`).
 *
 * A plan (`planGraph`) is made once per document: each node's op, its input sources in the
 * op's argument order and its effective attributes. The trainer runs the same plan every epoch.
 */
import { apply, TorchError, type OpDef, type Tensor } from '$lib/engine/core';
import type { GraphIndex } from './graph-index';
import { graphOp, unknownOpMessage } from './schema';
import { capturingWarnings, effectiveAttrs, missingInputMessage } from './shapes';
import { isLeaf, type LeafNode, type OpNode } from './types';

/** One node of a plan: a leaf (`op` null) or an op node (`op` undefined when unknown). */
export type PlanStep = StepParts &
	({ node: LeafNode; op: null } | { node: OpNode; op: OpDef | undefined });

interface StepParts {
	id: string;
	/** Each of the op's inputs' source node id, in the op's argument order (null: not wired). */
	sources: (string | null)[];
	/** The attributes the engine sees (defaults filled in, graph-only keys dropped). */
	attrs: Record<string, unknown>;
	/** The required inputs that are not wired. */
	missing: string[];
}

export interface GraphPlan {
	steps: PlanStep[];
}

/** The plan of the nodes `ids` (default: every orderable node), which must be in `index.order`'s order. */
export function planGraph(index: GraphIndex, ids: readonly string[] = index.order): GraphPlan {
	const steps = ids.map((id): PlanStep => {
		const node = index.nodes.get(id)!;
		if (isLeaf(node)) return { id, node, op: null, sources: [], attrs: {}, missing: [] };
		const op = graphOp(node.op);
		if (op === undefined) return { id, node, op, sources: [], attrs: {}, missing: [] };
		const wired = index.inputs.get(id);
		const optional = op.optionalInputs ?? [];
		const missing: string[] = [];
		const sources = op.inputs.map((name) => {
			const source = wired?.get(name);
			if (source !== undefined) return source;
			if (!optional.includes(name)) missing.push(name);
			return null;
		});
		return { id, node, op, sources, attrs: effectiveAttrs(op, node.attrs), missing };
	});
	return { steps };
}

export interface RunHooks {
	/** The tensor of a leaf node. */
	leafFor(node: LeafNode): Tensor;
	/**
	 * After each node's tensor is computed: `inputs` in the op's argument order (null where an
	 * optional input is not wired; empty for a leaf). What it throws fails that node.
	 */
	onNode?(step: PlanStep, tensor: Tensor, inputs: readonly (Tensor | null)[]): void;
	/** Before each node: how many nodes are done, of how many. */
	onProgress?(done: number, total: number): void;
	/** Receives the engine's warnings while the graph runs (default: the engine's handler). */
	onWarning?(message: string): void;
}

export interface GraphRun {
	/** Each computed node's tensor, by node id. */
	tensors: Map<string, Tensor>;
	/** The node that threw and what it threw (its tensor is not in `tensors`); null when all ran. */
	failed: { nodeId: string; error: unknown } | null;
}

const NO_INPUTS: readonly (Tensor | null)[] = [];

/** Run a plan: stops at the first node that throws, and says which (see `GraphRun`). */
export function runPlan(plan: GraphPlan, hooks: RunHooks): GraphRun {
	const { onWarning } = hooks;
	return onWarning === undefined
		? runSteps(plan.steps, hooks)
		: capturingWarnings(onWarning, () => runSteps(plan.steps, hooks));
}

/** Plan and run the nodes of `index` (see `planGraph` and `runPlan`). */
export function runGraph(index: GraphIndex, hooks: RunHooks): GraphRun {
	return runPlan(planGraph(index), hooks);
}

function runSteps(steps: readonly PlanStep[], hooks: RunHooks): GraphRun {
	const tensors = new Map<string, Tensor>();
	const { leafFor, onNode, onProgress } = hooks;
	for (let i = 0; i < steps.length; i++) {
		const step = steps[i];
		onProgress?.(i, steps.length);
		try {
			let tensor: Tensor;
			let inputs = NO_INPUTS;
			if (step.op === null) tensor = leafFor(step.node);
			else if (step.op === undefined) {
				throw new TorchError('RuntimeError', unknownOpMessage(step.node.op));
			} else {
				if (step.missing.length > 0) {
					throw new TorchError('RuntimeError', missingInputMessage(step.missing), 'missingInput');
				}
				inputs = step.sources.map((source) => (source === null ? null : tensors.get(source)!));
				tensor = apply(step.op, inputs, step.attrs);
			}
			onNode?.(step, tensor, inputs);
			tensors.set(step.id, tensor);
		} catch (error) {
			return { tensors, failed: { nodeId: step.id, error } };
		}
	}
	return { tensors, failed: null };
}
