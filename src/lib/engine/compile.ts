/**
 * `torch.compile(fn)`: a compiled training step without a graph per call.
 *
 * The first call of a compiled function runs fn eagerly and records every step the engine takes
 * for it: the forward ops, the backward pass's own work (its seed, each vjp's ops, the sums back
 * to an input's shape, the accumulation into `.grad`) and the optimizer's ops. Later calls with
 * the same tensor arguments (shapes, dtypes, devices, requires_grad) run fn again, but each op it
 * dispatches is checked against the recording and, when it is the same op on the same inputs with
 * the same attributes and grad mode, run straight into the buffer the recording kept for it: no
 * shape rule, no allocation, no graph node. A `backward()` that matches runs the recorded backward
 * as a flat list of kernels.
 *
 * fn itself runs on every call, so JavaScript branches, `item()` and logging behave as in eager
 * mode: only the engine's work is replayed. The first step that differs from the recording
 * (another op or input, a changed shape, grad mode, a saved tensor changed in place, fewer ops)
 * ends the replay: the graph of what already ran is rebuilt as eager mode would have built it,
 * the rest of the call runs eagerly, and the next call records afresh. The kernels are the same,
 * on the same values, in the same order, so results are bit-identical to eager mode.
 *
 * A plan holds only what it can replay exactly: CPU tensors, backward without a gradient argument
 * or an observer, no `retainGrad`. A function that returns a loss for its caller to backward has
 * that graph rebuilt at the end of each replayed call, and replays again only once the caller has
 * backwarded it (until then the graph holds the buffers the next call would write). What no check
 * can see: a tensor made inside fn and kept elsewhere without being returned shares its memory
 * with the next call. Returned tensors, `.grad`s and tensors passed to `numpy()` or `detach()`
 * are fresh.
 */
import { backwardEager, isGradEnabled, topologicalOrder, type BackwardOptions } from './autograd';
import type { GradNode } from './autograd';
import { sumKernel } from './backends/cpu/kernels';
import {
	accumulate,
	binaryEager,
	customEager,
	isWrappedNumber,
	NO_ATTRS,
	onesLikeEager,
	record,
	sumToShapeEager,
	toTensor,
	unaryEager
} from './dispatch';
import type { DType, Storage } from './dtype';
import { allocate } from './dtype';
import { typeError, warningCount } from './errors';
import { interceptor, setInterceptor, type Interceptor } from './intercept';
import type { Attrs, CustomOp, ElementwiseBinaryOp, ElementwiseUnaryOp, OpDef } from './registry';
import { broadcastReduction, sameShape, type Shape } from './shape';
import { filled, Tensor, type Device, type Scalar } from './tensor';

/** How a compiled function has run so far (`compiled.stats`). */
export interface CompileStats {
	/** Calls of the compiled function. */
	calls: number;
	/** Calls run eagerly while recording a plan. */
	recorded: number;
	/** Calls replayed from a plan to the end. */
	replayed: number;
	/** Calls whose replay stopped at a step that differed, then went on eagerly. */
	fellBack: number;
	/** Calls run eagerly because their arguments' plan cannot be compiled. */
	eager: number;
	/** Why the last replay stopped, or why a plan runs eagerly. */
	lastReason: string | null;
}

export type CompiledFunction<F> = F & { readonly stats: CompileStats };

/** Replays in a row that may stop early before a plan's arguments are left to eager mode. */
const FAILURE_LIMIT = 3;
/** Plans kept per compiled function (one per signature of tensor arguments). */
const PLAN_LIMIT = 8;

// Where a step's input comes from.
const SLOT = 0; // made by an earlier step of the same call
const ARG = 1; // a tensor argument of the call, by position
const EXTERNAL = 2; // any other tensor (a parameter, the data), by identity
const GRAD = 3; // the `.grad` of a leaf
const NUMBER = 4; // a number operand
const WRAPPED = 5; // a wrapped number handed on as a tensor
const ABSENT = 6; // an optional input left out

class Ref {
	constructor(
		readonly kind: number,
		readonly index = -1,
		/** EXTERNAL: the tensor; NUMBER and WRAPPED: the 0-d constant the kernel reads. */
		readonly tensor: Tensor | null = null,
		readonly value = 0,
		/** GRAD: the leaf whose `.grad` this is. */
		readonly leaf: Ref | null = null
	) {
		this.requiresGrad = tensor !== null && tensor._requiresGrad;
		this.gradFn = tensor !== null ? tensor.gradFn : null;
		this.fixed = kind === EXTERNAL || kind === NUMBER || kind === WRAPPED ? tensor : null;
	}
	/** The tensor, when it is the same on every call (set for kept slots when the plan is made). */
	fixed: Tensor | null;
	readonly requiresGrad: boolean;
	readonly gradFn: GradNode | null;
}

const ABSENT_REF = new Ref(ABSENT);

// What a step does.
const BINARY = 0;
const UNARY = 1;
const CUSTOM = 2;
const ONES = 3; // backward's seed
const SUM_TO = 4; // a gradient summed back to an input's shape
const FILL = 5; // expand of a single value
const ACCUMULATE = 6; // a gradient added into a leaf's .grad
const BACKWARD = 7; // backward(): the steps up to its END run as one block
const END = 8;
const CREATE = 9; // a creation function's new leaf: fn makes it again on every call

class Step {
	/** Inputs as resolved in the current call (for a step that records a node). */
	readonly inputs: (Tensor | null)[];
	/** The inputs' versions when the step ran in the current call (saved-tensor checks). */
	readonly versions: number[];
	readonly storages: (Storage | null)[];
	readonly shapes: (Shape | null)[];
	out = -1;
	/** The op made a graph node (grad mode on and an input requiring grad). */
	records = false;
	/** Its shape rule warned: it runs again on replay, to warn again. */
	warns = false;
	/** Grad mode when the step ran. */
	grad = false;
	/** FILL: the target shape; SUM_TO: the dims summed over. */
	shape: number[] = [];
	/** The step as one closure over its buffers, made with the plan (null: run it through `run`). */
	exec: (() => void) | null = null;
	/** CREATE: the new leaf's dtype and requires_grad (its shape is in `shape`). */
	dtype: DType = 'float32';
	requiresGrad = false;
	/** BACKWARD: retain_graph, the index of its END, the steps whose saved inputs it checks. */
	retain = false;
	end = -1;
	saved: number[] = [];

	constructor(
		readonly index: number,
		readonly type: number,
		readonly op: OpDef | null,
		readonly refs: Ref[],
		/** The attributes as the caller passed them (for matching). */
		readonly matchAttrs: Attrs = {},
		/** The attributes after the shape rule normalised them (for the kernel and the graph). */
		readonly kernelAttrs: Attrs = {}
	) {
		this.inputs = refs.map(() => null);
		this.versions = refs.map(() => 0);
		this.storages = refs.map(() => null);
		this.shapes = refs.map(() => null);
		this.attrCount = Object.keys(matchAttrs).length;
	}
	readonly attrCount: number;
}

/** What a recording leaves for replay. */
class Plan {
	/** Each slot's tensor; fresh slots get a new tensor on every call. */
	readonly slots: Tensor[];
	/** Slots whose tensors may leave the call (returned, `numpy()`, `detach()`). */
	readonly fresh: number[];
	/** The recording's tensor of each fresh slot: shape, dtype and graph of the new ones. */
	readonly templates: Tensor[];
	/** Slots kept from call to call, by tensor (a kept tensor must never leave a call). */
	readonly kept = new Map<Tensor, number>();
	readonly keptTensors: Tensor[] = [];
	readonly replayer: Replayer;

	/**
	 * The graph nodes of the last call that keep tensors for backward. A plan whose function
	 * returns a graph for its caller to backward replays again only once those are released:
	 * until then they hold the kept tensors the next call would write.
	 */
	lastGraph: GradNode[] = [];

	constructor(
		readonly steps: Step[],
		slots: Tensor[],
		fresh: Set<number>,
		created: Set<number>,
		/** The function returns a tensor whose graph its caller backwards: rebuild it every call. */
		readonly keepsGraph: boolean
	) {
		this.slots = slots;
		this.fresh = [...fresh].sort((a, b) => a - b);
		this.templates = this.fresh.map((slot) => slots[slot]);
		slots.forEach((t, slot) => {
			if (!fresh.has(slot) && !created.has(slot)) this.kept.set(t, slot);
		});
		this.keptTensors = [...this.kept.keys()];
		for (const step of steps) {
			for (const ref of step.refs) {
				if (ref.kind === SLOT && this.kept.has(slots[ref.index])) ref.fixed = slots[ref.index];
			}
		}
		this.replayer = new Replayer(this);
		for (const step of steps) step.exec = this.replayer.closureFor(step);
	}
}

/** The plan for one signature of tensor arguments. */
class Entry {
	readonly shapes: Shape[];
	readonly dtypes: DType[];
	readonly devices: Device[];
	readonly requiresGrad: boolean[];
	readonly alias: number[];
	plan: Plan | null = null;
	/** Set when this signature runs eagerly for good, with the reason. */
	eagerReason: string | null = null;
	failures = 0;

	constructor(tensors: readonly Tensor[]) {
		this.shapes = tensors.map((t) => t.shape.slice());
		this.dtypes = tensors.map((t) => t.dtype);
		this.devices = tensors.map((t) => t.device);
		this.requiresGrad = tensors.map((t) => t._requiresGrad);
		this.alias = tensors.map((t) => tensors.indexOf(t));
	}

	matches(tensors: readonly Tensor[]): boolean {
		if (tensors.length !== this.shapes.length) return false;
		for (let i = 0; i < tensors.length; i++) {
			const t = tensors[i];
			if (
				t.dtype !== this.dtypes[i] ||
				t.device !== this.devices[i] ||
				t._requiresGrad !== this.requiresGrad[i] ||
				!sameShape(t.shape, this.shapes[i]) ||
				tensors.indexOf(t) !== this.alias[i]
			) {
				return false;
			}
		}
		return true;
	}
}

/**
 * `torch.compile(fn)`: a function with fn's results that replays the engine's work for fn from
 * a recording of its first call (see the top of this file). `compiled.stats` says how each call
 * ran. A compiled function called while another one runs is part of the outer one's recording.
 */
export function compile<F extends (...args: never[]) => unknown>(fn: F): CompiledFunction<F> {
	if (typeof fn !== 'function') {
		throw typeError(`torch.compile() expects a function, got ${fn === null ? 'null' : typeof fn}`);
	}
	const entries: Entry[] = [];
	const stats: CompileStats = {
		calls: 0,
		recorded: 0,
		replayed: 0,
		fellBack: 0,
		eager: 0,
		lastReason: null
	};
	const compiled = function (this: unknown, ...args: unknown[]): unknown {
		stats.calls++;
		if (interceptor !== null) return Reflect.apply(fn, this, args);
		const tensors = argumentTensors(args);
		let entry: Entry | null = null;
		for (const e of entries) {
			if (e.matches(tensors)) {
				entry = e;
				break;
			}
		}
		if (entry === null) {
			entry = new Entry(tensors);
			entries.push(entry);
			if (entries.length > PLAN_LIMIT) entries.shift();
		}
		if (entry.eagerReason !== null) {
			stats.eager++;
			return Reflect.apply(fn, this, args);
		}
		if (entry.plan === null) return recordCall(entry, stats, fn, this, args, tensors);
		return replayCall(entry, entry.plan, stats, fn, this, args, tensors);
	};
	Object.defineProperty(compiled, 'stats', { value: stats, enumerable: true });
	return compiled as unknown as CompiledFunction<F>;
}

/** The tensor arguments: top-level tensors and the tensors of small arrays, in order. */
function argumentTensors(args: readonly unknown[]): Tensor[] {
	const out: Tensor[] = [];
	for (const arg of args) {
		if (arg instanceof Tensor) out.push(arg);
		else if (Array.isArray(arg) && arg.length <= 64) {
			for (const item of arg) if (item instanceof Tensor) out.push(item);
		}
	}
	return out;
}

/** The tensors of a result: itself, or those of an array or plain object (two levels, bounded). */
function resultTensors(result: unknown, out: Tensor[] = [], depth = 0): Tensor[] {
	if (result instanceof Tensor) out.push(result);
	else if (depth < 2 && result !== null && typeof result === 'object') {
		const items = Array.isArray(result) ? result : Object.values(result);
		if (items.length <= 64) for (const item of items) resultTensors(item, out, depth + 1);
	}
	return out;
}

/** The nodes of the graphs a result hands out that still keep tensors for a backward. */
function liveGraphOf(result: unknown): GradNode[] {
	const nodes: GradNode[] = [];
	for (const t of resultTensors(result)) {
		if (t.gradFn === null) continue;
		for (const node of topologicalOrder(t.gradFn)) {
			if (!node.released && node.savesTensors) nodes.push(node);
		}
	}
	return nodes;
}

function isThenable(value: unknown): boolean {
	return (
		value !== null &&
		(typeof value === 'object' || typeof value === 'function') &&
		typeof (value as { then?: unknown }).then === 'function'
	);
}

type Callable = (...args: never[]) => unknown;

function recordCall(
	entry: Entry,
	stats: CompileStats,
	fn: Callable,
	self: unknown,
	args: unknown[],
	tensors: Tensor[]
) {
	const recorder = new Recorder(tensors);
	setInterceptor(recorder);
	let result: unknown;
	try {
		result = Reflect.apply(fn, self, args);
	} catch (error) {
		// As eager mode would: the error goes to the caller, and the next call records again.
		giveUp(entry, stats, 'the recorded call threw');
		throw error;
	} finally {
		setInterceptor(null);
	}
	stats.recorded++;
	const outcome = recorder.finish(result);
	if (typeof outcome === 'string') {
		entry.eagerReason = outcome;
		stats.lastReason = outcome;
	} else entry.plan = outcome;
	return result;
}

function replayCall(
	entry: Entry,
	plan: Plan,
	stats: CompileStats,
	fn: Callable,
	self: unknown,
	args: unknown[],
	tensors: Tensor[]
) {
	const replayer = plan.replayer;
	if (!replayer.begin(tensors)) {
		stats.fellBack++;
		entry.plan = null;
		giveUp(entry, stats, replayer.reason!);
		return Reflect.apply(fn, self, args);
	}
	setInterceptor(replayer);
	let result: unknown;
	try {
		result = Reflect.apply(fn, self, args);
	} catch (error) {
		replayer.stop('the function threw');
		throw error;
	} finally {
		setInterceptor(null);
		if (replayer.reason === null) replayer.end();
		if (replayer.reason === null) replayer.checkResult(result);
		replayer.keepGraph(result);
		if (replayer.reason === null) {
			stats.replayed++;
			entry.failures = 0;
		} else {
			stats.fellBack++;
			entry.plan = null;
			giveUp(entry, stats, replayer.reason);
		}
	}
	return result;
}

function giveUp(entry: Entry, stats: CompileStats, reason: string): void {
	stats.lastReason = reason;
	if (++entry.failures >= FAILURE_LIMIT) {
		entry.eagerReason = `stopped compiling after ${FAILURE_LIMIT} calls in a row that did not replay (the last: ${reason})`;
	}
}

function copyAttrs(attrs: Attrs): Attrs {
	const out: Attrs = {};
	for (const [key, value] of Object.entries(attrs)) {
		out[key] = Array.isArray(value) ? value.slice() : value;
	}
	return out;
}

function sameValue(a: unknown, b: unknown): boolean {
	if (Object.is(a, b)) return true;
	if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
	return true;
}

function sameAttrs(recorded: Attrs, attrs: Attrs, keys: number): boolean {
	if (attrs === NO_ATTRS) return keys === 0;
	let count = keys;
	for (const key in attrs) {
		if (!Object.hasOwn(recorded, key) || !sameValue(attrs[key], recorded[key])) return false;
		count--;
	}
	return count === 0;
}

/** Runs fn eagerly and writes down each step, with where each of its inputs comes from. */
class Recorder implements Interceptor {
	readonly steps: Step[] = [];
	private readonly slots: Tensor[] = [];
	private readonly slotOf = new Map<Tensor, number>();
	private readonly fresh = new Set<number>();
	private readonly createdSlots = new Set<number>();
	/** The step that made each graph node. */
	private readonly nodeStep = new Map<GradNode, number>();
	/** Leaves that require grad, met as inputs (their `.grad` is a GRAD input). */
	private readonly leaves: Ref[] = [];
	private readonly leafTensors = new Set<Tensor>();
	private inBackward = false;
	reason: string | null = null;

	constructor(private readonly args: readonly Tensor[]) {}

	unsupported(reason: string): void {
		this.reason ??= reason;
	}

	escape(t: Tensor): void {
		const slot = this.slotOf.get(t);
		if (slot !== undefined) this.fresh.add(slot);
	}

	created(t: Tensor): void {
		if (this.reason !== null || this.slotOf.has(t)) return;
		const step = new Step(this.steps.length, CREATE, null, []);
		step.shape = t.shape.slice();
		step.dtype = t.dtype;
		step.requiresGrad = t._requiresGrad;
		this.add(step, t);
		this.createdSlots.add(step.out);
	}

	private ref(t: Tensor | null): Ref {
		if (t === null || t === undefined) return ABSENT_REF;
		const slot = this.slotOf.get(t);
		if (slot !== undefined) return new Ref(SLOT, slot);
		for (const leaf of this.leaves) {
			if (t === this.tensorOf(leaf).gradSilently) return new Ref(GRAD, -1, null, 0, leaf);
		}
		const arg = this.args.indexOf(t);
		if (isWrappedNumber(t)) return new Ref(WRAPPED, -1, t, t.data[0]);
		const ref = arg >= 0 ? new Ref(ARG, arg) : new Ref(EXTERNAL, -1, t);
		if (t._requiresGrad && t.gradFn === null && !this.leafTensors.has(t)) {
			this.leafTensors.add(t);
			this.leaves.push(ref);
		}
		return ref;
	}

	private tensorOf(ref: Ref): Tensor {
		return ref.kind === ARG ? this.args[ref.index] : ref.tensor!;
	}

	/** Run an eager step; an error caught inside fn leaves the plan to eager mode. */
	private eager<T>(run: () => T): T {
		try {
			return run();
		} catch (error) {
			this.unsupported('an engine error was caught inside the function');
			throw error;
		}
	}

	private add(step: Step, out: Tensor | null): void {
		if (out !== null) {
			if (out.device !== 'cpu') this.unsupported('a tensor on a device');
			step.out = this.slots.length;
			this.slots.push(out);
			this.slotOf.set(out, step.out);
			if (out.gradFn !== null && !this.inBackward) {
				step.records = true;
				this.nodeStep.set(out.gradFn, step.index);
			}
		}
		this.steps.push(step);
	}

	binary(op: ElementwiseBinaryOp, a: Tensor, other: Tensor | Scalar, attrs: Attrs): Tensor {
		if (this.reason !== null) return binaryEager(op, a, other, attrs);
		const grad = isGradEnabled();
		const matchAttrs = copyAttrs(attrs);
		const out = this.eager(() => binaryEager(op, a, other, attrs));
		const b =
			typeof other === 'number'
				? new Ref(NUMBER, -1, toTensor(other, a), other)
				: this.ref(other as Tensor);
		const step = new Step(this.steps.length, BINARY, op, [this.ref(a), b], matchAttrs, attrs);
		step.grad = grad;
		this.add(step, out);
		return out;
	}

	unary(op: ElementwiseUnaryOp, a: Tensor): Tensor {
		if (this.reason !== null) return unaryEager(op, a);
		const grad = isGradEnabled();
		const out = this.eager(() => unaryEager(op, a));
		const step = new Step(this.steps.length, UNARY, op, [this.ref(a)]);
		step.grad = grad;
		this.add(step, out);
		return out;
	}

	custom(op: CustomOp, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
		if (this.reason !== null) return customEager(op, inputs, attrs);
		const grad = isGradEnabled();
		const matchAttrs = copyAttrs(attrs);
		const warnings = warningCount();
		const out = this.eager(() => customEager(op, inputs, attrs));
		const refs = inputs.map((t) => this.ref(t));
		const step = new Step(this.steps.length, CUSTOM, op, refs, matchAttrs, attrs);
		step.grad = grad;
		step.warns = warningCount() !== warnings;
		this.add(step, out);
		return out;
	}

	fill(source: Tensor, shape: number[]): Tensor {
		const out = filled(source, shape);
		if (this.reason !== null) return out;
		const step = new Step(this.steps.length, FILL, null, [this.ref(source)]);
		step.grad = isGradEnabled();
		step.shape = shape.slice();
		this.add(step, out);
		return out;
	}

	onesLike(t: Tensor): Tensor {
		const out = onesLikeEager(t);
		if (this.reason === null) this.add(new Step(this.steps.length, ONES, null, []), out);
		return out;
	}

	sumToShape(grad: Tensor, shape: Shape): Tensor {
		const out = sumToShapeEager(grad, shape);
		if (this.reason !== null || out === grad) return out;
		const step = new Step(this.steps.length, SUM_TO, null, [this.ref(grad)]);
		step.shape = broadcastReduction(shape, grad.shape).dims;
		this.add(step, out);
		return out;
	}

	accumulate(tensor: Tensor, grad: Tensor): void {
		if (this.reason !== null) return accumulate(tensor, grad);
		const leaf = this.ref(tensor);
		if (leaf.kind !== EXTERNAL && leaf.kind !== ARG) {
			this.unsupported('a gradient kept on a tensor made inside the function (retainGrad)');
		}
		const source = this.ref(grad);
		this.eager(() => accumulate(tensor, grad));
		this.add(new Step(this.steps.length, ACCUMULATE, null, [leaf, source]), null);
	}

	backward(root: Tensor, gradient: Tensor | null, options: BackwardOptions): void {
		if (this.reason === null && (gradient !== null || options.onStep !== undefined)) {
			this.unsupported('backward with a gradient argument or an observer');
		}
		if (this.reason === null && this.inBackward) this.unsupported('backward inside backward');
		if (this.reason !== null || !root._requiresGrad) {
			this.eager(() => backwardEager(root, gradient, options));
			return;
		}
		const saved: number[] = [];
		if (root.gradFn !== null) {
			for (const node of topologicalOrder(root.gradFn)) {
				const index = this.nodeStep.get(node);
				if (index === undefined) {
					this.unsupported('backward reaches a graph made outside the function');
				} else if (node.op.saves === 'inputs') saved.push(index);
				if (node.retained !== null) this.unsupported('retainGrad inside the function');
			}
		}
		const begin = new Step(this.steps.length, BACKWARD, null, [this.ref(root)]);
		begin.retain = Boolean(options.retainGraph);
		begin.saved = saved;
		this.add(begin, null);
		this.inBackward = true;
		try {
			this.eager(() => backwardEager(root, null, options));
		} finally {
			this.inBackward = false;
		}
		begin.end = this.steps.length;
		this.add(new Step(this.steps.length, END, null, []), null);
	}

	/** The plan, or why the function must run eagerly. */
	finish(result: unknown): Plan | string {
		if (isThenable(result)) return 'the function returns a promise: compile runs it eagerly';
		if (this.reason !== null) return this.reason;
		let keepsGraph = false;
		for (const t of resultTensors(result)) {
			const slot = this.slotOf.get(t);
			if (slot === undefined) continue;
			this.fresh.add(slot);
			if (t.gradFn !== null && topologicalOrder(t.gradFn).some((node) => !node.released)) {
				keepsGraph = true;
			}
		}
		const plan = new Plan(this.steps, this.slots, this.fresh, this.createdSlots, keepsGraph);
		plan.lastGraph = liveGraphOf(result);
		return plan;
	}
}

const RETURNED_KEPT = 'the function returned a tensor it did not return when recorded';

/** Runs fn again, each step checked against the plan and run into its kept buffer. */
class Replayer implements Interceptor {
	private pc = 0;
	private readonly steps: Step[];
	private readonly slots: Tensor[];
	private args: readonly Tensor[] = [];
	/** Steps that made a graph node in this call, and backward blocks run (to rebuild on a stop). */
	private readonly recorded: number[] = [];
	private readonly backwards: number[] = [];
	private recordedCount = 0;
	private backwardCount = 0;
	reason: string | null = null;

	constructor(private readonly plan: Plan) {
		this.steps = plan.steps;
		this.slots = plan.slots;
	}

	/** Ready for a call: kept tensors back at version 0, new tensors for the fresh slots. */
	begin(args: readonly Tensor[]): boolean {
		const plan = this.plan;
		this.args = args;
		this.pc = 0;
		this.recordedCount = 0;
		this.backwardCount = 0;
		if (plan.lastGraph.some((node) => !node.released)) {
			this.reason =
				"the last call's graph has not been backwarded yet: its tensors are still needed";
			return false;
		}
		this.reason = null;
		const kept = plan.keptTensors;
		for (let i = 0; i < kept.length; i++) kept[i]._version = 0;
		for (let i = 0; i < plan.fresh.length; i++) {
			const template = plan.templates[i];
			const t = new Tensor(
				allocate(template.dtype, template.data.length),
				template.shape,
				template.dtype
			);
			t._requiresGrad = template._requiresGrad;
			t.gradFn = template.gradFn;
			this.slots[plan.fresh[i]] = t;
		}
		return true;
	}

	/**
	 * Leave the plan: rebuild the graph of what ran in this call as eager mode would have built
	 * it, and let the rest of the call run eagerly. The plan is dropped, so none of its tensors
	 * is written again.
	 */
	stop(reason: string): void {
		if (this.reason !== null) return;
		this.reason = reason;
		setInterceptor(null);
		this.rebuildGraph();
	}

	/**
	 * The graph eager mode would have built for the steps run so far in this call, with the
	 * versions their saved inputs had, and the parts a backward of this call consumed released.
	 */
	private rebuildGraph(): void {
		for (let i = 0; i < this.recordedCount; i++) {
			const index = this.recorded[i];
			const step = this.steps[index];
			const versions = step.op!.saves === 'inputs' ? step.versions.slice() : undefined;
			record(step.op!, step.inputs.slice(), this.slots[step.out], step.kernelAttrs, versions);
		}
		for (let i = 0; i < this.backwardCount; i++) {
			const index = this.backwards[i];
			const step = this.steps[index];
			const root = this.resolve(step.refs[0]);
			if (step.retain || root.gradFn === null) continue;
			for (const node of topologicalOrder(root.gradFn)) node.release();
		}
	}

	/** At the end of a call whose function returns a graph: build it for the caller's backward. */
	keepGraph(result: unknown): void {
		if (this.reason !== null || !this.plan.keepsGraph) return;
		this.rebuildGraph();
		this.plan.lastGraph = liveGraphOf(result);
	}

	/** At the end of the call: every step of the plan must have run. */
	end(): void {
		if (this.pc !== this.steps.length) this.stop('the function ran fewer steps than recorded');
	}

	/** A returned tensor must be one the plan makes fresh on every call. */
	checkResult(result: unknown): void {
		if (result instanceof Tensor) {
			if (this.plan.kept.has(result)) this.stop(RETURNED_KEPT);
			return;
		}
		if (isThenable(result)) return this.stop('the function returned a promise');
		for (const t of resultTensors(result)) {
			if (this.plan.kept.has(t)) return this.stop(RETURNED_KEPT);
		}
	}

	private resolve(ref: Ref): Tensor {
		const fixed = ref.fixed;
		if (fixed !== null) return fixed;
		switch (ref.kind) {
			case SLOT:
				return this.slots[ref.index];
			case ARG:
				return this.args[ref.index];
			case GRAD:
				return this.resolve(ref.leaf!).gradSilently!;
			default:
				return ref.tensor!;
		}
	}

	private matches(ref: Ref, t: unknown): boolean {
		switch (ref.kind) {
			case SLOT:
				return t === this.slots[ref.index];
			case ARG:
				return t === this.args[ref.index];
			case EXTERNAL:
				return (
					t === ref.tensor &&
					ref.tensor!._requiresGrad === ref.requiresGrad &&
					ref.tensor!.gradFn === ref.gradFn
				);
			case GRAD:
				return t !== null && t === this.resolve(ref.leaf!).gradSilently;
			case WRAPPED:
				return (
					t instanceof Tensor &&
					isWrappedNumber(t) &&
					t.dtype === ref.tensor!.dtype &&
					Object.is(t.data[0], ref.value)
				);
			case ABSENT:
				return t === null || t === undefined;
			default:
				return false;
		}
	}

	private next(type: number, op: OpDef | null): Step | null {
		const step = this.steps[this.pc];
		if (step === undefined || step.type !== type || step.op !== op) return null;
		return step;
	}

	binary(op: ElementwiseBinaryOp, a: Tensor, other: Tensor | Scalar, attrs: Attrs): Tensor {
		const step = this.next(BINARY, op);
		if (
			step === null ||
			step.grad !== isGradEnabled() ||
			!this.matches(step.refs[0], a) ||
			!(typeof other === 'number'
				? step.refs[1].kind === NUMBER && Object.is(other, step.refs[1].value)
				: this.matches(step.refs[1], other)) ||
			!sameAttrs(step.matchAttrs, attrs, step.attrCount)
		) {
			this.stop(`${op.id} differs from the recording`);
			return binaryEager(op, a, other, attrs);
		}
		this.pc++;
		if (step.exec !== null) step.exec();
		else this.run(step);
		return this.slots[step.out];
	}

	unary(op: ElementwiseUnaryOp, a: Tensor): Tensor {
		const step = this.next(UNARY, op);
		if (step === null || step.grad !== isGradEnabled() || !this.matches(step.refs[0], a)) {
			this.stop(`${op.id} differs from the recording`);
			return unaryEager(op, a);
		}
		this.pc++;
		if (step.exec !== null) step.exec();
		else this.run(step);
		return this.slots[step.out];
	}

	custom(op: CustomOp, inputs: readonly (Tensor | null)[], attrs: Attrs): Tensor {
		const step = this.next(CUSTOM, op);
		let same =
			step !== null &&
			step.grad === isGradEnabled() &&
			inputs.length === step.refs.length &&
			sameAttrs(step.matchAttrs, attrs, step.attrCount);
		for (let i = 0; same && i < inputs.length; i++) same = this.matches(step!.refs[i], inputs[i]);
		if (!same) {
			this.stop(`${op.id} differs from the recording`);
			return customEager(op, inputs, attrs);
		}
		this.pc++;
		if (step!.warns)
			op.shape(
				inputs.map((t) => t?.shape ?? null),
				copyAttrs(attrs)
			);
		this.run(step!);
		return this.slots[step!.out];
	}

	fill(source: Tensor, shape: number[]): Tensor {
		const step = this.next(FILL, null);
		if (
			step === null ||
			step.grad !== isGradEnabled() ||
			!this.matches(step.refs[0], source) ||
			!sameShape(step.shape, shape)
		) {
			this.stop('expand differs from the recording');
			return filled(source, shape);
		}
		this.pc++;
		if (step.exec !== null) step.exec();
		else this.run(step);
		return this.slots[step.out];
	}

	backward(root: Tensor, gradient: Tensor | null, options: BackwardOptions): void {
		const step = this.next(BACKWARD, null);
		if (
			step === null ||
			gradient !== null ||
			options.onStep !== undefined ||
			Boolean(options.retainGraph) !== step.retain ||
			!this.matches(step.refs[0], root) ||
			!this.savedIntact(step)
		) {
			this.stop('backward differs from the recording');
			backwardEager(root, gradient, options);
			return;
		}
		this.backwards[this.backwardCount++] = this.pc;
		const steps = this.steps;
		for (let i = this.pc + 1; i < step.end; i++) {
			const exec = steps[i].exec;
			if (exec !== null) exec();
			else this.run(steps[i]);
		}
		this.pc = step.end + 1;
	}

	/** Eager backward refuses a saved tensor changed in place since its op ran: so must replay. */
	private savedIntact(step: Step): boolean {
		for (const index of step.saved) {
			const saved = this.steps[index];
			for (let i = 0; i < saved.inputs.length; i++) {
				const t = saved.inputs[i];
				if (t !== null && t._version !== saved.versions[i]) return false;
			}
		}
		return true;
	}

	// Backward's own steps only run inside a replayed backward block, never through here.
	onesLike(t: Tensor): Tensor {
		this.stop('backward differs from the recording');
		return onesLikeEager(t);
	}

	sumToShape(grad: Tensor, shape: Shape): Tensor {
		this.stop('backward differs from the recording');
		return sumToShapeEager(grad, shape);
	}

	accumulate(tensor: Tensor, grad: Tensor): void {
		this.stop('backward differs from the recording');
		accumulate(tensor, grad);
	}

	escape(t: Tensor): void {
		if (this.plan.kept.has(t)) this.stop('a tensor kept between calls was handed out');
	}

	/** fn makes its new leaves itself on every call: the step takes this call's tensor. */
	created(t: Tensor): void {
		if (this.plan.kept.has(t)) return;
		const step = this.next(CREATE, null);
		if (
			step === null ||
			t.device !== 'cpu' ||
			t.dtype !== step.dtype ||
			t._requiresGrad !== step.requiresGrad ||
			!sameShape(t.shape, step.shape)
		) {
			this.stop('a new tensor differs from the recording');
			return;
		}
		this.pc++;
		this.slots[step.out] = t;
	}

	unsupported(reason: string): void {
		this.stop(reason);
	}

	/**
	 * A step as a closure over the tensors it reads and writes, when they are the same on every
	 * call (kept slots, parameters, constants): no lookups, and a binary op's contiguous loop
	 * called directly, as its kernel would. Other steps run through `run`.
	 */
	closureFor(step: Step): (() => void) | null {
		const slots = this.slots;
		const out = step.out >= 0 && this.plan.kept.has(slots[step.out]) ? slots[step.out] : null;
		const [ra, rb] = step.refs;
		const a = ra?.fixed ?? null;
		const b = rb?.fixed ?? null;
		switch (step.type) {
			case BINARY: {
				if (a === null || b === null || out === null) return null;
				const op = step.op as ElementwiseBinaryOp;
				const n = out.data.length;
				const stride =
					a.data.length === n && b.data.length === n
						? 1
						: a.data.length === n && b.data.length === 1
							? 0
							: -1;
				if (step.records) {
					return () => {
						if (stride >= 0) op.loop(a.data, b.data, out.data, n, stride);
						else op.kernel(a.data, a.shape, b.data, b.shape, out.data, out.shape);
						this.note(step, a, b);
					};
				}
				if (stride < 0)
					return () => op.kernel(a.data, a.shape, b.data, b.shape, out.data, out.shape);
				const loop = op.loop;
				return () => loop(a.data, b.data, out.data, n, stride);
			}
			case UNARY: {
				if (a === null || out === null) return null;
				const kernel = (step.op as ElementwiseUnaryOp).kernel;
				if (step.records) {
					return () => {
						kernel(a.data, out.data);
						this.note(step, a, null);
					};
				}
				return () => kernel(a.data, out.data);
			}
			case ONES:
				return out === null ? null : () => out.data.fill(1);
			case SUM_TO: {
				if (a === null || out === null) return null;
				const dims = step.shape;
				return () => sumKernel(a.data, a.shape, dims, out.data);
			}
			case FILL:
				return a === null || out === null ? null : () => out.data.fill(a.data[0]);
			case ACCUMULATE:
				return a === null || b === null ? null : () => accumulate(a, b);
			default:
				return null;
		}
	}

	/** One step, into its slot. */
	private run(step: Step): void {
		const out = step.out >= 0 ? this.slots[step.out] : null;
		switch (step.type) {
			case BINARY: {
				const a = this.resolve(step.refs[0]);
				const b = this.resolve(step.refs[1]);
				(step.op as ElementwiseBinaryOp).kernel(
					a.data,
					a.shape,
					b.data,
					b.shape,
					out!.data,
					out!.shape
				);
				if (step.records) this.note(step, a, b);
				return;
			}
			case UNARY: {
				const a = this.resolve(step.refs[0]);
				(step.op as ElementwiseUnaryOp).kernel(a.data, out!.data);
				if (step.records) this.note(step, a, null);
				return;
			}
			case CUSTOM: {
				const { refs, inputs, storages, shapes } = step;
				for (let i = 0; i < refs.length; i++) {
					const t = refs[i].kind === ABSENT ? null : this.resolve(refs[i]);
					inputs[i] = t;
					storages[i] = t === null ? null : t.data;
					shapes[i] = t === null ? null : t.shape;
					if (t !== null) step.versions[i] = t._version;
				}
				out!.data.fill(0);
				(step.op as CustomOp).cpu(storages, out!.data, shapes, out!.shape, step.kernelAttrs);
				if (step.records) this.recorded[this.recordedCount++] = step.index;
				return;
			}
			case ONES:
				out!.data.fill(1);
				return;
			case SUM_TO: {
				const source = this.resolve(step.refs[0]);
				sumKernel(source.data, source.shape, step.shape, out!.data);
				return;
			}
			case FILL:
				out!.data.fill(this.resolve(step.refs[0]).data[0]);
				return;
			case ACCUMULATE:
				accumulate(this.resolve(step.refs[0]), this.resolve(step.refs[1]));
				return;
		}
	}

	private note(step: Step, a: Tensor, b: Tensor | null): void {
		step.inputs[0] = a;
		step.versions[0] = a._version;
		if (b !== null) {
			step.inputs[1] = b;
			step.versions[1] = b._version;
		}
		this.recorded[this.recordedCount++] = step.index;
	}
}
