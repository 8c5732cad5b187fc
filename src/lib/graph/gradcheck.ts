/**
 * "Check gradient": the analytic gradient of each leaf a node depends on, against central finite
 * differences, as `torch.autograd.gradcheck` does it (float64, eps 1e-6, atol 1e-5, rtol 1e-3).
 *
 * Everything runs through the engine and the graph interpreter (`interpret.ts`), with every leaf
 * cast to float64: the analytic side is the engine's own backward from the output Backward ran
 * from (so a wrong vector-Jacobian product in the registry shows as a mismatch, and float32
 * rounding is not mistaken for one); the numerical side is the same forward pass, run again with
 * one leaf element moved by ±eps. The `.grad` the app shows (float32, possibly accumulated over
 * several Backward passes) is reported beside them and compared with passes × the float64 grad.
 *
 * Cost is bounded: at most `MAX_ELEMENTS_PER_LEAF` elements per leaf (spread over the tensor,
 * always with the largest |grad|), fewer when two forward passes per element would pass
 * `GRADCHECK_FLOPS`; past even one element per leaf the check is refused with the estimate.
 * An element where the one-sided differences disagree lies on a kink (relu or abs at 0, a clamp
 * bound): it is reported as not differentiable there, not as a wrong formula.
 */
import { errorMessage } from '$lib/util/error-message';
import * as torch from '$lib/engine/core';
import { numel, type Tensor } from '$lib/engine/core';
import { createLeaf } from './compile';
import { estimateWork } from './cost';
import { indexGraph, reaches, type GraphIndex } from './graph-index';
import { planGraph, runPlan, type GraphPlan } from './interpret';
import { unravelIndex } from './tensor-view';
import { isLeaf, type GraphDocument, type LeafNode } from './types';

/** PyTorch gradcheck's step and tolerances. */
export const GRADCHECK_EPS = 1e-6;
export const GRADCHECK_ATOL = 1e-5;
export const GRADCHECK_RTOL = 1e-3;
/** The most elements checked per leaf. */
export const MAX_ELEMENTS_PER_LEAF = 32;
/** The most forward FLOPs the finite differences may spend, all leaves together. */
export const GRADCHECK_FLOPS = 2e9;
/** The denominator's floor in the relative error (float64's smallest normal, torch.finfo.tiny). */
const TINY = 2.2250738585072014e-308;

/**
 * - `ok`: the float64 grad matches the finite differences (and the shown `.grad` is passes × it).
 * - `mismatch`: the float64 grad disagrees with the finite differences: a wrong formula.
 * - `kink`: not differentiable here (the one-sided differences disagree).
 * - `shownDiffers`: the formula checks out but the shown `.grad` is not passes × the float64
 *   grad (its passes ran from another output, or on another graph).
 */
export type ElementStatus = 'ok' | 'mismatch' | 'kink' | 'shownDiffers';

export interface CheckedElement {
	/** Flat (row-major) index. */
	index: number;
	/** The index per dimension. */
	position: number[];
	/** The `.grad` the app shows (float32, accumulated), or null where it is None. */
	shown: number | null;
	/** The engine's float64 grad from one backward pass. */
	analytic: number;
	/** Central difference (f(x + eps) - f(x - eps)) / 2 eps, in float64. */
	numerical: number;
	/** |analytic - numerical| / max(|numerical|, tiny). */
	relativeError: number;
	status: ElementStatus;
}

export interface LeafCheck {
	nodeId: string;
	name: string;
	shape: number[];
	numel: number;
	/** Backward passes accumulated into the shown `.grad` (0: None). */
	passes: number;
	elements: CheckedElement[];
}

export type GradcheckProblem =
	/** No backward output, or the node or output is not in the document. */
	| 'noBackward'
	/** No leaf that requires grad both feeds the node and reaches the output. */
	| 'noLeaves'
	/** Even one element per leaf would pass the budget. */
	| 'tooBig'
	/** The engine threw while re-running the graph (message in `message`). */
	| 'failed';

export type GradcheckReport =
	| {
			ok: true;
			nodeId: string;
			outputId: string;
			leaves: LeafCheck[];
			eps: number;
			atol: number;
			rtol: number;
	  }
	| { ok: false; nodeId: string; problem: GradcheckProblem; message: string; flops?: number };

export interface GradcheckInput {
	/** The document the last Forward ran. */
	doc: GraphDocument;
	/** The node the user asks about. */
	nodeId: string;
	/** The node Backward ran from (a one-element tensor). */
	outputId: string | null;
	/** A leaf's shown `.grad` (row-major, null: None) and its accumulation count. */
	shown(leafId: string): { grad: ArrayLike<number> | null; passes: number };
	/** Overrides of the bounds, for tests. */
	maxElements?: number;
	flopBudget?: number;
}

/** The leaves (requiring grad) that `nodeId` depends on, in document order. */
function leavesOf(index: GraphIndex, nodeId: string): LeafNode[] {
	const seen = new Set<string>([nodeId]);
	const stack = [nodeId];
	while (stack.length > 0) {
		const id = stack.pop()!;
		for (const source of index.inputs.get(id)?.values() ?? []) {
			if (!seen.has(source)) {
				seen.add(source);
				stack.push(source);
			}
		}
	}
	return index.order
		.filter((id) => seen.has(id))
		.map((id) => index.nodes.get(id)!)
		.filter((node): node is LeafNode => isLeaf(node) && node.attrs.requiresGrad === true);
}

/** Every node `outputId` depends on, in topological order. */
function planFor(index: GraphIndex, outputId: string): GraphPlan {
	return planGraph(
		index,
		index.order.filter((id) => reaches(index, id, outputId))
	);
}

/** A float64 copy of a leaf's value (the same numbers as the trace's float32 leaf). */
function float64Leaf(node: LeafNode, requiresGrad: boolean): Tensor {
	const value = createLeaf({ ...node.attrs, requiresGrad: false });
	return torch.tensor(Float64Array.from(value.data), {
		shape: value.shape,
		dtype: 'float64',
		device: 'cpu',
		requiresGrad
	});
}

/** The scalar the output holds after running `plan` on `leaves`. */
function runOutput(plan: GraphPlan, leaves: Map<string, Tensor>, outputId: string): Tensor {
	const run = runPlan(plan, {
		leafFor: (node) => leaves.get(node.id)!,
		onWarning: () => undefined
	});
	if (run.failed !== null) throw run.failed.error;
	return run.tensors.get(outputId)!;
}

/**
 * Which elements of an `n`-element leaf to check: all of them up to `max`, else the largest
 * |grad| and `max - 1` others spread evenly from the first to the last. Sorted.
 */
export function pickElements(grad: ArrayLike<number>, max: number): number[] {
	const n = grad.length;
	if (n <= max) return Array.from({ length: n }, (_, i) => i);
	let largest = 0;
	for (let i = 1; i < n; i++) if (Math.abs(grad[i]) > Math.abs(grad[largest])) largest = i;
	const picked = new Set<number>([largest]);
	const spread = max - 1;
	for (let k = 0; k < spread && picked.size < max; k++) {
		let i = spread === 1 ? 0 : Math.round((k * (n - 1)) / (spread - 1));
		while (picked.has(i)) i = (i + 1) % n;
		picked.add(i);
	}
	return [...picked].sort((a, b) => a - b);
}

/** torch.autograd.gradcheck's test: |a - n| <= atol + rtol |n|. */
const close = (a: number, n: number) =>
	Math.abs(a - n) <= GRADCHECK_ATOL + GRADCHECK_RTOL * Math.abs(n);

/** Check the gradient of every leaf `nodeId` depends on (see the module comment). Never throws. */
export function checkGradients(input: GradcheckInput): GradcheckReport {
	const { doc, nodeId, outputId } = input;
	const refuse = (problem: GradcheckProblem, message = '', flops?: number): GradcheckReport => ({
		ok: false,
		nodeId,
		problem,
		message,
		...(flops === undefined ? {} : { flops })
	});
	const index = indexGraph(doc);
	if (outputId === null || !index.nodes.has(outputId) || !index.nodes.has(nodeId)) {
		return refuse('noBackward');
	}
	const targets = leavesOf(index, nodeId).filter((leaf) => reaches(index, leaf.id, outputId));
	if (targets.length === 0) return refuse('noLeaves');

	const plan = planFor(index, outputId);
	const work = estimateWork(doc);
	let forwardFlops = 1;
	for (const step of plan.steps) forwardFlops += work.nodes.get(step.id)?.flops ?? 0;
	const budget = input.flopBudget ?? GRADCHECK_FLOPS;
	const perLeaf = Math.min(
		input.maxElements ?? MAX_ELEMENTS_PER_LEAF,
		Math.floor(budget / (2 * forwardFlops * targets.length))
	);
	if (perLeaf < 1) return refuse('tooBig', '', 2 * forwardFlops * targets.length);

	try {
		return {
			ok: true,
			nodeId,
			outputId,
			leaves: checkLeaves(plan, outputId, targets, perLeaf, input.shown),
			eps: GRADCHECK_EPS,
			atol: GRADCHECK_ATOL,
			rtol: GRADCHECK_RTOL
		};
	} catch (error) {
		return refuse('failed', errorMessage(error));
	}
}

function checkLeaves(
	plan: GraphPlan,
	outputId: string,
	targets: LeafNode[],
	perLeaf: number,
	shownOf: GradcheckInput['shown']
): LeafCheck[] {
	const targetIds = new Set(targets.map((leaf) => leaf.id));
	// Analytic: the engine's backward, in float64, from the same output.
	const leaves = new Map<string, Tensor>();
	for (const step of plan.steps) {
		if (step.op === null) leaves.set(step.id, float64Leaf(step.node, targetIds.has(step.id)));
	}
	const output = runOutput(plan, leaves, outputId);
	if (output.requiresGrad) output.backward();
	const center = output.item();

	return torch.noGrad(() =>
		targets.map((leaf): LeafCheck => {
			const tensor = leaves.get(leaf.id)!;
			const size = numel(tensor.shape);
			const analytic = tensor.grad?.data ?? new Float64Array(size);
			const { grad: shown, passes } = shownOf(leaf.id);
			const data = tensor.data;
			// The shown grad's float32 rounding, relative to the leaf's largest grad.
			let scale = 0;
			for (let i = 0; i < size; i++) scale = Math.max(scale, Math.abs(analytic[i]));
			const elements = pickElements(analytic, perLeaf).map((i): CheckedElement => {
				const x = data[i];
				data[i] = x + GRADCHECK_EPS;
				const plus = runOutput(plan, leaves, outputId).item();
				data[i] = x - GRADCHECK_EPS;
				const minus = runOutput(plan, leaves, outputId).item();
				data[i] = x;
				const numerical = (plus - minus) / (2 * GRADCHECK_EPS);
				const a = analytic[i];
				const status = statusOf(
					a,
					numerical,
					plus,
					center,
					minus,
					shown?.[i] ?? null,
					passes,
					scale
				);
				return {
					index: i,
					position: unravelIndex(tensor.shape, i),
					shown: shown ? shown[i] : null,
					analytic: a,
					numerical,
					relativeError: Math.abs(a - numerical) / Math.max(Math.abs(numerical), TINY),
					status
				};
			});
			return {
				nodeId: leaf.id,
				name: leaf.name,
				shape: tensor.shape.slice(),
				numel: size,
				passes,
				elements
			};
		})
	);
}

function statusOf(
	analytic: number,
	numerical: number,
	plus: number,
	center: number,
	minus: number,
	shown: number | null,
	passes: number,
	scale: number
): ElementStatus {
	const right = (plus - center) / GRADCHECK_EPS;
	const left = (center - minus) / GRADCHECK_EPS;
	// Each one-sided difference carries the output's float64 rounding, magnified by 1 / eps.
	const rounding = (8 * Number.EPSILON * Math.max(Math.abs(center), 1)) / GRADCHECK_EPS;
	const kinkTolerance =
		10 * (GRADCHECK_ATOL + GRADCHECK_RTOL * Math.max(Math.abs(left), Math.abs(right))) + rounding;
	if (Math.abs(right - left) > kinkTolerance) return 'kink';
	if (!close(analytic, numerical)) return 'mismatch';
	if (shown !== null && passes > 0) {
		const expected = passes * analytic;
		const float32 = 1e-6 * passes * scale;
		if (
			!(
				Math.abs(shown - expected) <=
				passes * GRADCHECK_ATOL + GRADCHECK_RTOL * Math.abs(expected) + float32
			)
		) {
			return 'shownDiffers';
		}
	}
	return 'ok';
}
