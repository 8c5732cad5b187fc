/**
 * The element the reader has picked, per node: hovering (or moving with the arrow keys over) an
 * entry of a tensor in the panel picks its index. For elementwise ops the same element is then
 * picked in the op's output and its other inputs (through broadcasting), so one element can be
 * followed through every formula. The default is [0, ..., 0].
 */
import { numel } from '$lib/engine/core';
import { getOp } from '$lib/engine/registry';
import { ravelIndex, type TensorView, type TraceStep } from '$lib/graph';

/** The picked index of each node (by node id). */
export type Selection = ReadonlyMap<string, readonly number[]>;

/**
 * A tensor shown at a step: the output (`o`) and inputs (`i0`, ...) forward; the gradient from
 * above (`u`) and to each input (`g0`, ...) backward, and where gradients are summed, the parts
 * of the upstream (`up0`, ...) and of each leaf completed here (`a0`, its parts `a0p0`, ...).
 */
export interface Slot {
	key: string;
	nodeId: string;
	view: TensorView;
}

export function slotsOf(step: TraceStep): Slot[] {
	if (step.kind === 'forward') {
		return [
			{ key: 'o', nodeId: step.nodeId, view: step.output },
			...step.inputs.map((input, k) => ({ key: `i${k}`, nodeId: input.nodeId, view: input.value }))
		];
	}
	const slots: Slot[] = [{ key: 'u', nodeId: step.nodeId, view: step.upstream }];
	step.upstreamSum?.parts.forEach((part, n) =>
		slots.push({ key: `up${n}`, nodeId: step.nodeId, view: part.grad })
	);
	step.inputs.forEach((input, k) => {
		if (input.grad) slots.push({ key: `g${k}`, nodeId: input.nodeId, view: input.grad });
	});
	step.accumulated.forEach((acc, j) => {
		if (!acc.sum) return;
		slots.push({ key: `a${j}`, nodeId: acc.nodeId, view: acc.sum.total });
		acc.sum.parts.forEach((part, n) =>
			slots.push({ key: `a${j}p${n}`, nodeId: acc.nodeId, view: part.grad })
		);
	});
	return slots;
}

/** Whether the step's op works element by element (its inputs broadcast to its output). */
export function isElementwise(op: string): boolean {
	const kind = getOp(op)?.kind;
	return kind === 'unary' || kind === 'binary';
}

/** The picked index of `nodeId` in `shape`: the stored one when it fits, else [0, ..., 0]. */
export function indexIn(
	selection: Selection,
	nodeId: string,
	shape: readonly number[]
): readonly number[] {
	const index = selection.get(nodeId);
	return index && ravelIndex(shape, index) >= 0 ? index : shape.map(() => 0);
}

/** The element of an input that feeds output element `outIndex` under broadcasting. */
export function broadcastSource(outIndex: readonly number[], inShape: readonly number[]): number[] {
	const offset = outIndex.length - inShape.length;
	return inShape.map((size, d) => (size === 1 ? 0 : (outIndex[d + offset] ?? 0)));
}

/** The output dims an input's gradient is summed over: where the input was broadcast. */
export function broadcastDims(inShape: readonly number[], outShape: readonly number[]): number[] {
	const offset = outShape.length - inShape.length;
	const dims: number[] = [];
	outShape.forEach((size, d) => {
		const own = d < offset ? undefined : inShape[d - offset];
		if (own === undefined || (own === 1 && size !== 1)) dims.push(d);
	});
	return dims;
}

/** Whether `inShape` was broadcast to `outShape` (it fits and grew: not a reshape). */
export function wasBroadcast(inShape: readonly number[], outShape: readonly number[]): boolean {
	const offset = outShape.length - inShape.length;
	if (offset < 0 || numel(inShape) >= numel(outShape)) return false;
	return inShape.every((size, d) => size === 1 || size === outShape[d + offset]);
}

/** The step's output shape and, per input slot, its shape in the forward pass. */
function shapesOf(step: TraceStep): { out: readonly number[]; inputs: readonly number[][] } {
	if (step.kind === 'forward') {
		return { out: step.output.shape, inputs: step.inputs.map((i) => i.value.shape.slice()) };
	}
	return { out: step.upstream.shape, inputs: step.inputs.map((i) => i.shape.slice()) };
}

/** `selection` with `index` picked in slot `key` of `step` (and, elementwise, in its relatives). */
export function pick(
	selection: Selection,
	step: TraceStep,
	key: string,
	index: readonly number[]
): Selection {
	const slot = slotsOf(step).find((s) => s.key === key);
	if (!slot || ravelIndex(slot.view.shape, index) < 0) return selection;
	const next = new Map(selection);
	next.set(slot.nodeId, index.slice());
	if (!isElementwise(step.op)) return next;
	const shapes = shapesOf(step);
	// The input the slot shows (a sum's slots: the node's, or the step's own when it is the output).
	const k = /^[ig]\d+$/.test(key)
		? Number(key.slice(1))
		: slot.nodeId === step.nodeId
			? -1
			: step.inputs.findIndex((input) => input.nodeId === slot.nodeId);
	if (k < 0 && slot.nodeId !== step.nodeId) return next;
	let outIndex: number[];
	if (k < 0) outIndex = index.slice();
	else {
		// An input element names the output element at the same place; broadcast dims keep theirs.
		const previous = indexIn(selection, step.nodeId, shapes.out);
		const offset = shapes.out.length - index.length;
		outIndex = shapes.out.map((size, d) => {
			const own = d < offset ? undefined : shapes.inputs[k][d - offset];
			return own === undefined || (own === 1 && size !== 1) ? previous[d] : index[d - offset];
		});
	}
	next.set(step.nodeId, outIndex);
	step.inputs.forEach((input, j) => {
		if (j !== k) next.set(input.nodeId, broadcastSource(outIndex, shapes.inputs[j]));
	});
	return next;
}

/** The index one arrow-key press away: along the last dim (left/right) or the one before (up/down). */
export function stepIndex(
	shape: readonly number[],
	index: readonly number[],
	key: string
): number[] | null {
	const rank = shape.length;
	if (rank === 0) return null;
	const moves: Record<string, [number, number]> = {
		ArrowLeft: [rank - 1, -1],
		ArrowRight: [rank - 1, 1],
		ArrowUp: [Math.max(0, rank - 2), -1],
		ArrowDown: [Math.max(0, rank - 2), 1]
	};
	const move = moves[key];
	if (!move) return null;
	const [dim, delta] = move;
	const next = index.slice();
	next[dim] = Math.min(shape[dim] - 1, Math.max(0, next[dim] + delta));
	return next;
}
