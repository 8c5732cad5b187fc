/**
 * The compound statements the tutorial writes, read as what they set up rather than run:
 * - `class Name(nn.Module):` with `def __init__(self, ...)` and `def forward(self, x)`: a class
 *   whose instances run those methods when made and called (`model(x)`); `self.linear =
 *   nn.Linear(...)` names the layer's leaves as PyTorch names its parameters (`linear.weight`).
 * - the training loop, `for epoch in range(epochs):` with zero_grad / forward / loss / backward /
 *   step (and `if epoch % N == 0: print(...)`): its body is ONE forward and backward pass (the
 *   canvas's graph) and the loop gives the Train panel's settings (epochs, lr, log interval).
 *   When the code already made that pass before the loop (as generated code does), the loop's
 *   pass is read for its settings only and adds nothing to the graph.
 * Other `for` / `if` / `class` / `def` statements stay outside the subset.
 */
import type { CompoundHeader, Expr, Stmt } from '../ast';
import { bindArgs, coded, need, pytorchError, type Arg, type Call } from './args';
import { evaluate } from './expressions';
import { claimName, mark, rename, rollback, type Mark } from './graph';
import { isPrint } from './scope';
import { importStatement, execute } from './statements';
import { bind, remark, type ImportState } from './state';
import { describeValue, isOpaque, type FunctionDef, type Value } from './values';
import { excerpt } from '$lib/util/excerpt';

type Header<K extends CompoundHeader['kind']> = Extract<CompoundHeader, { kind: K }>;
type ObjectValue = Extract<Value, { kind: 'object' }>;
type ClassValue = Extract<Value, { kind: 'class' }>;

/** Calls of a class's methods nested deeper than this are refused (`forward` calling itself). */
const MAX_CALL_DEPTH = 16;

/**
 * Read a compound statement the subset knows; false when it is not one of them (the caller
 * reports it as outside the subset).
 */
export function compoundStatement(
	state: ImportState,
	statement: Extract<Stmt, { kind: 'compound' }>
): boolean {
	const header = statement.header;
	if (state.callDepth > 0) {
		throw coded(statement.start, 'unsupported', 'blockInMethod', { keyword: statement.keyword });
	}
	if (header?.kind === 'class') return classStatement(state, statement, header);
	if (header?.kind === 'for') return trainingLoop(state, statement, header);
	return false;
}

// ---- classes --------------------------------------------------------------------------------

function classStatement(
	state: ImportState,
	statement: Extract<Stmt, { kind: 'compound' }>,
	header: Header<'class'>
): boolean {
	if (header.bases.length !== 1) return false;
	const base = evaluate(state, header.bases[0]);
	if (base.kind !== 'module' || base.path !== 'torch.nn.Module') return false;
	const methods = new Map<string, FunctionDef>();
	for (const item of header.body) {
		if (item.kind === 'pass' || (item.kind === 'expr' && item.value.kind === 'string')) continue;
		if (item.kind !== 'compound' || item.header?.kind !== 'def') return false;
		const def = item.header;
		if (def.params.length === 0) return false;
		methods.set(def.name, { params: def.params, body: def.body, start: item.start });
	}
	if (!methods.has('forward')) return false;
	bind(state, header.name, { kind: 'class', name: header.name, methods }, statement.start);
	return true;
}

/** `Name(args)`: a new instance, its `__init__` run. */
export function instantiate(state: ImportState, cls: ClassValue, call: Call): Value {
	const object: ObjectValue = {
		kind: 'object',
		className: cls.name,
		attrs: new Map(),
		methods: cls.methods
	};
	const init = cls.methods.get('__init__');
	if (init !== undefined) runMethod(state, object, init, call);
	else if (call.args.length > 0 || call.keywords.size > 0) {
		throw coded(call.start, 'value', 'takesNoArguments', { name: excerpt(cls.name) });
	}
	return object;
}

/** `model(x)`: its `forward`. */
export function callObject(state: ImportState, object: ObjectValue, call: Call): Value {
	return runMethod(state, object, object.methods.get('forward')!, call);
}

/** `self.name`: an attribute set by `__init__`, else a method. */
export function objectAttribute(object: ObjectValue, name: string): Value {
	return object.attrs.get(name) ?? { kind: 'method', self: object, name };
}

/** `self.linear = nn.Linear(...)`: kept; the layer's leaves take PyTorch's parameter names. */
export function setObjectAttribute(
	state: ImportState,
	object: ObjectValue,
	name: string,
	value: Value
): void {
	if (value.kind === 'linear') {
		rename(state, value.weight, claimName(state, `${name}.weight`));
		if (value.bias !== null) rename(state, value.bias, claimName(state, `${name}.bias`));
	}
	object.attrs.set(name, value);
}

/**
 * nn.Module's own methods, on any module: moves and modes give the module back, parameter and
 * state-dict reads are opaque, zero_grad is None, and `load` reads load_state_dict's argument.
 * Null for any other name.
 */
export function moduleMethod(
	module: Value,
	name: string,
	call: Call,
	load: (dict: Arg) => void
): Value | null {
	switch (name) {
		case 'to':
		case 'cuda':
		case 'cpu':
		case 'float':
		case 'train':
		case 'eval':
			return module;
		case 'parameters':
		case 'named_parameters':
		case 'state_dict':
			return { kind: 'opaque', what: `${call.callee}()` };
		case 'zero_grad':
			return { kind: 'none' };
		case 'load_state_dict':
			load(need(call, bindArgs(call, ['state_dict', 'strict', 'assign']), 'state_dict'));
			return { kind: 'opaque', what: '<All keys matched successfully>' };
	}
	return null;
}

/** `model.name(...)`: one of its class's methods, or one of nn.Module's. */
export function objectMethod(
	state: ImportState,
	object: ObjectValue,
	name: string,
	call: Call
): Value {
	const own = object.methods.get(name);
	if (own !== undefined) return runMethod(state, object, own, call);
	const inherited = moduleMethod(object, name, call, (dict) => loadFromFile(state, dict, call));
	if (inherited !== null) return inherited;
	throw coded(call.start, 'unknown-function', 'unknownMethod', {
		callee: call.callee,
		owner: excerpt(object.className),
		name: excerpt(name)
	});
}

/** `load_state_dict(torch.load(path))`: accepted, noted (the Train panel's Load model reads it). */
export function loadFromFile(state: ImportState, arg: { value: Value; start: number }, call: Call) {
	if (!isOpaque(arg.value, 'stateDict')) {
		throw coded(arg.start, 'unsupported', 'loadStateDictFile', {
			value: describeValue(arg.value)
		});
	}
	remark(state, call.start, 'load', call.callee);
}

/** Run a method's block with `self` and the call's arguments bound; its `return` value. */
function runMethod(state: ImportState, self: ObjectValue, def: FunctionDef, call: Call): Value {
	if (state.callDepth >= MAX_CALL_DEPTH) {
		throw coded(call.start, 'unsupported', 'callDepth', { max: MAX_CALL_DEPTH });
	}
	const names = def.params.slice(1).map((p) => p.name);
	const args = bindArgs(call, names);
	const saved = new Map(state.env);
	state.callDepth++;
	try {
		bind(state, def.params[0].name, self, def.params[0].start);
		for (const name of names) bind(state, name, need(call, args, name).value, call.start);
		for (const statement of def.body) {
			if (statement.kind === 'keyword' && statement.keyword === 'return') {
				return statement.value === undefined ? { kind: 'none' } : evaluate(state, statement.value);
			}
			if (statement.kind === 'expr' && isSuperInit(statement.value)) continue;
			execute(state, statement, mark(state));
		}
		return { kind: 'none' };
	} finally {
		state.callDepth--;
		state.env.clear();
		for (const [name, binding] of saved) state.env.set(name, binding);
	}
}

/** `super().__init__()` / `super(Name, self).__init__()`. */
function isSuperInit(expr: Expr): boolean {
	return (
		expr.kind === 'call' &&
		expr.func.kind === 'attribute' &&
		expr.func.attr === '__init__' &&
		expr.func.value.kind === 'call' &&
		expr.func.value.func.kind === 'name' &&
		expr.func.value.func.id === 'super'
	);
}

// ---- the training loop ------------------------------------------------------------------------

function trainingLoop(
	state: ImportState,
	statement: Extract<Stmt, { kind: 'compound' }>,
	header: Header<'for'>
): boolean {
	const iterable = header.iterable;
	if (
		header.target.kind !== 'name' ||
		header.orelse.length > 0 ||
		iterable.kind !== 'call' ||
		iterable.func.kind !== 'name' ||
		iterable.func.id !== 'range' ||
		state.loop !== null
	) {
		return false;
	}
	const range = evaluate(state, iterable);
	if (range.kind !== 'sequence' || range.items.length === 0) return false;
	const epoch = header.target.id;
	const hadPass = state.output !== null;
	const outputBefore = state.output;
	const envBefore = new Map(state.env);
	const before = mark(state);
	let logEvery: number | null = null;
	state.loop = { stepped: false, optimizer: null };
	const loop = state.loop;
	try {
		bind(state, epoch, { kind: 'opaque', what: { phrase: 'epoch' } }, statement.start);
		for (const item of header.body) {
			if (item.kind === 'augassign' && item.target.kind === 'name' && item.target.id === epoch)
				continue;
			const every = logInterval(state, item, epoch);
			if (every !== null) {
				logEvery = every;
				continue;
			}
			importStatement(state, item);
		}
	} finally {
		state.loop = null;
	}
	const restoreEnv = () => {
		state.env.clear();
		for (const [name, binding] of envBefore) state.env.set(name, binding);
	};
	if (!loop.stepped || loop.optimizer === null || state.output === outputBefore) {
		// Not a training loop, or one whose lines failed: nothing of it is kept (but, for a loop
		// that trains, the problems that say why); the caller reports the loop.
		const trains = loop.stepped || state.output !== outputBefore;
		rollbackLoop(state, before, trains);
		restoreEnv();
		return false;
	}
	if (hadPass && sharesInputs(state, outputBefore!, state.output!)) {
		// The pass before the loop is the canvas's: this one only says how to train. (A pass of
		// another graph before it, such as the chain rule's z.backward(), keeps the loop's.)
		rollbackLoop(state, before, true);
		restoreEnv();
	}
	state.training = {
		lr: loop.optimizer.lr,
		momentum: loop.optimizer.momentum,
		epochs: range.items.length,
		logEvery,
		start: statement.start
	};
	return true;
}

/** Whether the graphs of two outputs read a node in common (the same model's passes). */
function sharesInputs(state: ImportState, a: string, b: string): boolean {
	const read = (id: string) => {
		const seen = new Set([id]);
		const queue = [id];
		while (queue.length > 0) {
			const target = queue.pop()!;
			for (const edge of state.edges) {
				if (edge.target === target && !seen.has(edge.source)) {
					seen.add(edge.source);
					queue.push(edge.source);
				}
			}
		}
		return seen;
	};
	const first = read(a);
	for (const id of read(b)) if (first.has(id)) return true;
	return false;
}

/**
 * Drop what the loop's body built; keep its problems and notes when `keep` (they say why it
 * does not train, or what its lines do), but not the notes on names it assigned again: those
 * nodes are gone.
 */
function rollbackLoop(state: ImportState, before: Mark, keep: boolean): void {
	const problems = keep ? state.problems.slice(before.problems) : [];
	const notes = keep
		? state.notes
				.slice(before.notes)
				.filter((n) => n.code !== 'reassigned' && n.code !== 'reassignedReads')
		: [];
	rollback(state, before);
	for (const problem of problems) state.problems.push(problem);
	for (const note of notes) state.notes.push(note);
}

/** `if epoch % N == 0: print(...)`: N; null for any other statement. */
function logInterval(state: ImportState, statement: Stmt, epoch: string): number | null {
	if (statement.kind !== 'compound' || statement.header?.kind !== 'if') return null;
	const { test, body, orelse } = statement.header;
	if (orelse.length > 0 || test.kind !== 'binary' || test.op !== '==') return null;
	const { left, right } = test;
	if (right.kind !== 'number' || right.value !== 0 || left.kind !== 'binary' || left.op !== '%')
		return null;
	if (left.left.kind !== 'name' || left.left.id !== epoch) return null;
	const every = left.right;
	if (every.kind !== 'number' || !every.integer || every.value < 1) return null;
	const prints = body.every(
		(s) => s.kind === 'expr' && s.value.kind === 'call' && isPrint(s.value, state.env)
	);
	return prints ? every.value : null;
}

/** `torch.optim.SGD(params, lr=..., momentum=...)`. */
export function sgd(call: Call): Value {
	const args = bindArgs(call, [
		'params',
		'lr',
		'momentum',
		'dampening',
		'weight_decay',
		'nesterov'
	]);
	need(call, args, 'params');
	const number = (name: string, fallback: number) => {
		const arg = args.get(name);
		if (arg === undefined) return fallback;
		if (arg.value.kind !== 'number') {
			throw coded(arg.start, 'value', 'notNumberValue', {
				what: name,
				value: describeValue(arg.value)
			});
		}
		return arg.value.value;
	};
	const lr = number('lr', 0.001);
	const momentum = number('momentum', 0);
	if (lr < 0) throw pytorchError(call.start, `Invalid learning rate: ${lr}`);
	// PyTorch takes lr=0 (nothing changes); the Train panel's lr is above 0.
	if (lr === 0) throw coded(call.start, 'value', 'lrZero');
	if (!(momentum >= 0 && momentum < 1)) {
		throw coded(call.start, 'value', 'momentumRange', { value: momentum });
	}
	for (const name of ['dampening', 'weight_decay']) {
		if (number(name, 0) !== 0) {
			throw coded(args.get(name)!.start, 'unsupported', 'sgdOption', { name });
		}
	}
	const nesterov = args.get('nesterov');
	if (nesterov !== undefined && !(nesterov.value.kind === 'bool' && !nesterov.value.value)) {
		throw coded(nesterov.start, 'unsupported', 'sgdOption', { name: 'nesterov' });
	}
	return { kind: 'optimizer', lr, momentum };
}

/** `optimizer.zero_grad()`, `optimizer.step()`: inside the training loop only. */
export function optimizerMethod(
	state: ImportState,
	optimizer: Extract<Value, { kind: 'optimizer' }>,
	name: string,
	call: Call
): Value {
	if (name === 'zero_grad') return { kind: 'none' };
	if (name === 'step') {
		if (state.loop === null) {
			throw coded(call.start, 'unsupported', 'optimizerStepOutsideLoop');
		}
		state.loop.stepped = true;
		state.loop.optimizer = optimizer;
		return { kind: 'none' };
	}
	throw coded(call.start, 'unknown-function', 'unknownMethod', {
		callee: call.callee,
		owner: 'SGD',
		name: excerpt(name)
	});
}

/** `torch.device(...)`: the Train panel's device choice. */
export function torchDevice(call: Call): Value {
	const args = bindArgs(call, ['type', 'index']);
	const type = need(call, args, 'type').value;
	if (type.kind === 'device') return type;
	if (type.kind === 'string') {
		if (type.value === 'cpu') return { kind: 'device', choice: 'cpu' };
		if (/^(cuda|mps)(:\d+)?$/.test(type.value)) return { kind: 'device', choice: 'webgpu' };
	}
	return { kind: 'opaque', what: { phrase: 'device' } };
}

/** `"cuda:0" if torch.cuda.is_available() else "cpu"`: the 'auto' device, else null. */
export function deviceChoice(test: Value, body: Value, orelse: Value): Value | null {
	if (test.kind !== 'opaque' || test.what !== 'torch.cuda.is_available()') return null;
	if (body.kind !== 'string' || orelse.kind !== 'string') return null;
	return /^cuda(:\d+)?$/.test(body.value) && orelse.value === 'cpu'
		? { kind: 'device', choice: 'auto' }
		: null;
}

/** `.to(device)` on a model or a tensor: the device the code trains on. */
export function recordDevice(state: ImportState, call: Call): void {
	const target = call.args[0]?.value ?? call.keywords.get('device')?.value;
	if (target?.kind === 'device') state.device = target.choice;
	else if (target?.kind === 'string') {
		const device = torchDevice({
			...call,
			args: [{ value: target, start: call.start }],
			keywords: new Map()
		});
		if (device.kind === 'device') state.device = device.choice;
	}
}
