/**
 * Import Python code as a graph: tokenize, parse, then walk the statements, turning the subset
 * (tensor creation, operators, methods, torch / F / nn calls, `.backward()`) into nodes and
 * edges. Nothing is evaluated: numbers are folded, everything else is read as syntax.
 *
 * Decisions:
 * - A statement with a problem is not imported (the nodes it made are dropped) and its names
 *   have no value; later lines that read them say so. Every other line still imports.
 * - Assigning a name again (`x = x + 1`) is reported (`reassignment`) and imported as a new
 *   node, `x_1`, as Python does: the old value keeps its node, later lines read the new one.
 *   So a reassignment never makes a cycle.
 * - `torch` needs no import (the tutorial's cells use it without one); `nn`, `F`, `np`, ...
 *   must be imported, as in Python.
 * - Numbers in tensor expressions become 0-d constant leaves (`x ** 2`).
 * - rand / randn leaves get seeds in order: the k-th draw after `torch.manual_seed(s)` gets seed
 *   s + k (s = 0 before any), so each leaf draws its own numbers. A literal written by
 *   `generateCode` under a `# torch.randn(...) drawn by the canvas (seed s)` comment, and still
 *   holding those numbers, imports as that randn leaf again.
 * - `nn.Linear(i, o)` makes its weight and bias leaves at once, with the values the canvas's
 *   nn.Linear draws (or those of a following `load_state_dict` / `nn.Parameter` assignment);
 *   calling the module makes a `linear` node.
 */
import type { Expr, Keyword, Stmt } from './ast';
import {
	exprText,
	foldNumbers,
	ImportProblem,
	isTensorValue,
	StopImport,
	unsupported,
	valueProblem,
	bindArgs,
	need,
	type Call
} from './import-args';
import { INFIX_OPS, PREFIX_OPS } from './bindings';
import { CallImporter } from './import-calls';
import type { Mark } from './graph-builder';
import {
	blockTargets,
	collectAssigned,
	firstLineText,
	isPrint,
	readsName,
	statementTargets
} from './import-scope';
import { layoutNodes } from './layout';
import { parse } from './parser';
import {
	LineMap,
	MAX_CODE_PROBLEMS,
	sizeProblem,
	type CodeProblem,
	type CodeProblemKind,
	type RawProblem
} from './source';
import { tokenize } from './tokenizer';
import { describeValue, type Value } from './values';
import { excerpt } from '$lib/util/excerpt';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	inferShapes,
	LEAF_OP,
	validateDocument,
	type GraphDocument
} from '$lib/graph';

export interface ImportResult {
	/** The graph, or null when the input was refused (too big). May be partial: see problems. */
	doc: GraphDocument | null;
	/** Sorted by position; at most MAX_CODE_PROBLEMS, then one line saying how many more. */
	problems: CodeProblem[];
	/** The node the code calls `.backward()` on last, if any. */
	output: string | null;
	/** The line of the code that made each node (for linking the code and the canvas). */
	nodeLines: Record<string, number>;
}

const TENSOR_ATTRIBUTES = new Set([
	'grad',
	'requires_grad',
	'is_leaf',
	'grad_fn',
	'shape',
	'data',
	'dtype',
	'device',
	'ndim',
	'is_cuda',
	'names'
]);
const DTYPES = new Set([
	'float32',
	'float',
	'float64',
	'double',
	'float16',
	'half',
	'bfloat16',
	'int64',
	'long',
	'int32',
	'int',
	'int16',
	'int8',
	'uint8',
	'bool',
	'complex64',
	'cfloat'
]);
/** Python builtins: defined names, but outside the subset (print is accepted and ignored). */
const BUILTINS = new Set([
	'print',
	'range',
	'len',
	'float',
	'int',
	'list',
	'tuple',
	'dict',
	'set',
	'str',
	'bool',
	'sum',
	'max',
	'min',
	'abs',
	'round',
	'super',
	'isinstance',
	'type',
	'zip',
	'enumerate',
	'map',
	'filter',
	'open',
	'input',
	'object',
	'iter',
	'next',
	'sorted',
	'reversed',
	'any',
	'all',
	'repr',
	'format',
	'help',
	'dir',
	'vars',
	'id',
	'hash',
	'getattr',
	'setattr',
	'hasattr',
	'Exception',
	'ValueError',
	'RuntimeError',
	'TypeError'
]);

const COMPOUND_MESSAGES: Record<string, string> = {
	for: 'a for loop is outside the subset: its body is not imported (the canvas shows one forward and backward pass)',
	while:
		'a while loop is outside the subset: its body is not imported (the canvas shows one forward and backward pass)',
	if: 'if statements are outside the subset: the block is not imported',
	def: 'function definitions are outside the subset: write the computation at the top level',
	class:
		'class definitions are outside the subset: use nn.Linear directly, for example model = nn.Linear(1, 1)',
	with: 'with blocks (torch.no_grad() included) are outside the subset: the block is not imported',
	try: 'try statements are outside the subset: the block is not imported'
};

/**
 * Build a graph from Python source. Never throws, never evaluates: see the module comment for
 * what is imported and what is reported.
 */
export function importCode(source: string): ImportResult {
	if (typeof source !== 'string') {
		return {
			doc: null,
			problems: [{ line: 1, column: 1, message: 'expected Python text', kind: 'limit' }],
			output: null,
			nodeLines: {}
		};
	}
	const refused = sizeProblem(source);
	if (refused !== null) {
		return {
			doc: null,
			problems: [{ line: 1, column: 1, message: refused, kind: 'limit' }],
			output: null,
			nodeLines: {}
		};
	}
	const lines = new LineMap(source);
	try {
		return new Importer(source, lines).run();
	} catch (error) {
		// Not reachable by design; kept so that the editor never sees an exception.
		return {
			doc: null,
			problems: [
				{
					line: 1,
					column: 1,
					message: excerpt(`could not import the code: ${String(error)}`, MAX_MESSAGE_CHARS),
					kind: 'syntax'
				}
			],
			output: null,
			nodeLines: {}
		};
	}
}

/** A problem's message is at most this long (each quote of the code in it is an excerpt). */
const MAX_MESSAGE_CHARS = 200;

class Importer extends CallImporter {
	private readonly env = new Map<string, { value: Value; line: number }>();

	constructor(
		private readonly source: string,
		private readonly lines: LineMap
	) {
		super();
	}

	run(): ImportResult {
		const tokenized = tokenize(this.source);
		const parsed = parse(tokenized);
		for (const problem of [tokenized.problems, parsed.problems].flat()) this.problems.push(problem);
		for (const comment of tokenized.comments) {
			const lineStart = this.lines.lineStart(comment.line);
			if (this.source.slice(lineStart, comment.start).trim() === '') {
				this.comments.set(comment.line, comment);
			}
		}
		collectAssigned(parsed.statements, this.assigned);
		for (const name of BUILTINS)
			this.env.set(name, { value: { kind: 'module', path: `builtins.${name}` }, line: 0 });
		this.env.set('torch', { value: { kind: 'module', path: 'torch' }, line: 0 });

		try {
			for (const statement of parsed.statements) this.statement(statement);
		} catch (error) {
			if (!(error instanceof StopImport)) throw error;
			this.problems.push({ offset: error.offset, message: error.message, kind: 'limit' });
		}
		const doc = this.finish();
		const nodeLines: Record<string, number> = {};
		if (doc !== null) for (const [id, offset] of this.origin) nodeLines[id] = this.lineOf(offset);
		return {
			doc,
			problems: this.report(),
			output: doc === null ? null : this.output,
			nodeLines
		};
	}

	// ---------------------------------------------------------------------------------------
	// Problems
	// ---------------------------------------------------------------------------------------

	private note(offset: number, message: string, kind: CodeProblemKind): void {
		this.problems.push({ offset, message, kind });
	}

	private report(): CodeProblem[] {
		// Limits first (they explain why the rest stops), then by position.
		const rank = (p: RawProblem) => (p.kind === 'limit' ? 0 : 1);
		const sorted = this.problems
			.map((p, i) => ({ p, i }))
			.sort((a, b) => rank(a.p) - rank(b.p) || a.p.offset - b.p.offset || a.i - b.i)
			.map(({ p }) => p);
		const out: CodeProblem[] = sorted.slice(0, MAX_CODE_PROBLEMS).map((p) => ({
			...this.lines.position(p.offset),
			// Quotes are excerpts already; this bounds a message that quotes several.
			message: excerpt(p.message, MAX_MESSAGE_CHARS),
			kind: p.kind
		}));
		if (sorted.length > MAX_CODE_PROBLEMS) {
			const last = out[out.length - 1];
			out.push({
				line: last.line,
				column: last.column,
				message: `and ${sorted.length - MAX_CODE_PROBLEMS} more problems`,
				kind: last.kind
			});
		}
		return out;
	}

	protected lineOf(offset: number): number {
		return this.lines.line(offset);
	}

	// ---------------------------------------------------------------------------------------
	// Statements
	// ---------------------------------------------------------------------------------------

	private statement(statement: Stmt): void {
		const mark = this.mark();
		this.unnamed.clear();
		this.sideEffect = false;
		try {
			this.execute(statement, mark);
		} catch (error) {
			if (!(error instanceof ImportProblem)) throw error;
			this.rollback(mark);
			this.note(error.offset, error.message, error.kind);
			const reason = `${firstLineText(this.source, this.lines, statement.start)} (line ${this.lineOf(statement.start)}) was not imported`;
			for (const name of statementTargets(statement)) {
				this.env.set(name, {
					value: {
						kind: 'failed',
						line: this.lineOf(statement.start),
						reason: `${excerpt(name)} has no value: ${reason}`
					},
					line: this.lineOf(statement.start)
				});
			}
		}
	}

	private execute(statement: Stmt, mark: Mark): void {
		switch (statement.kind) {
			case 'pass':
				return;
			case 'import':
				for (const item of statement.names) {
					if (item.asname !== null)
						this.bind(item.asname, { kind: 'module', path: item.name }, item.start);
					else {
						const root = item.name.split('.')[0];
						this.bind(root, { kind: 'module', path: root }, item.start);
					}
				}
				return;
			case 'from':
				if (statement.level > 0) {
					throw unsupported(statement.start, 'relative imports are outside the subset');
				}
				for (const item of statement.names) {
					if (item.name === '*') {
						throw unsupported(
							item.start,
							`from ${excerpt(statement.module)} import * is outside the subset: import the names you use`
						);
					}
					this.bind(
						item.asname ?? item.name,
						{ kind: 'module', path: `${statement.module}.${item.name}` },
						item.start
					);
				}
				return;
			case 'assign': {
				let value = this.evaluate(statement.value);
				for (const target of statement.targets) value = this.assign(target, value, statement.value);
				return;
			}
			case 'annassign':
				if (statement.value !== null) {
					this.assign(statement.target, this.evaluate(statement.value), statement.value);
				}
				return;
			case 'augassign': {
				const name = statement.target.kind === 'name' ? excerpt(statement.target.id) : 'x';
				const op = statement.op.slice(0, -1);
				throw unsupported(
					statement.start,
					`in-place update '${name} ${statement.op} ...' is outside the subset: write ${name} = ${name} ${op} ...`
				);
			}
			case 'expr':
				return this.expressionStatement(statement.value, mark);
			case 'keyword':
				throw unsupported(
					statement.start,
					`'${statement.keyword}' statements are outside the subset`
				);
			case 'compound': {
				const message =
					COMPOUND_MESSAGES[statement.keyword] ??
					`'${statement.keyword}' blocks are outside the subset`;
				this.note(statement.start, message, 'unsupported');
				const line = this.lineOf(statement.start);
				if (statement.keyword === 'def' || statement.keyword === 'class') {
					const name = /^(?:async\s+)?(?:def|class)\s+([\p{XID_Start}_][\p{XID_Continue}]*)/u.exec(
						this.source.slice(statement.start, statement.end)
					)?.[1];
					if (name !== undefined) {
						this.env.set(name, {
							value: {
								kind: 'failed',
								line,
								reason: `${excerpt(name)} has no value: its ${statement.keyword} statement (line ${line}) is outside the subset`
							},
							line
						});
					}
					return;
				}
				// Names the block assigns have no known value after it.
				for (const name of blockTargets(statement.body)) {
					this.env.set(name, {
						value: {
							kind: 'failed',
							line,
							reason: `${excerpt(name)} has no value: it is assigned in the ${statement.keyword} block on line ${line}, which is not imported`
						},
						line
					});
				}
				return;
			}
		}
	}

	private bind(name: string, value: Value, start: number): void {
		this.env.set(name, { value, line: this.lineOf(start) });
	}

	/** An expression statement: calls with effects (`y.backward()`) count; the rest is dropped. */
	private expressionStatement(expr: Expr, mark: Mark): void {
		if (expr.kind === 'call' && isPrint(expr, this.env)) return;
		if (expr.kind === 'string') return;
		this.evaluate(expr);
		// A value shown and dropped (`y`, `x.grad`, `x + 1`): nothing goes on the canvas.
		if (!this.sideEffect) this.rollback(mark);
	}

	/** Bind an assignment target; returns the value for the next target of `a = b = ...`. */
	private assign(target: Expr, value: Value, valueExpr: Expr): Value {
		switch (target.kind) {
			case 'name':
				return this.assignName(target.id, target.start, value, valueExpr);
			case 'tuple':
			case 'list': {
				if (value.kind !== 'sequence' || value.items.length !== target.items.length) {
					throw unsupported(
						target.start,
						value.kind === 'sequence'
							? `cannot unpack ${value.items.length} values into ${target.items.length} names`
							: `unpacking ${describeValue(value)} is outside the subset`
					);
				}
				const items = target.items.map((item, i) => {
					const itemExpr =
						(valueExpr.kind === 'tuple' || valueExpr.kind === 'list') && valueExpr.items[i]
							? valueExpr.items[i]
							: valueExpr;
					return this.assign(item, value.items[i], itemExpr);
				});
				return { ...value, items };
			}
			case 'attribute':
				this.assignAttribute(target, value);
				return value;
			case 'subscript':
				throw unsupported(
					target.start,
					'assigning to part of a tensor (x[...] = ...) is outside the subset'
				);
			default:
				throw unsupported(target.start, 'this assignment target is outside the subset');
		}
	}

	private assignName(name: string, start: number, value: Value, valueExpr: Expr): Value {
		const previous = this.env.get(name);
		let result = value;
		if (value.kind === 'fresh') {
			const id = this.addNode(LEAF_OP, this.claimName(name), { ...value.attrs }, value.start);
			result = { kind: 'tensor', node: id };
		} else if (value.kind === 'tensor' && this.unnamed.has(value.node)) {
			this.rename(value.node, this.claimName(name));
			this.unnamed.delete(value.node);
		}
		if (
			result.kind === 'tensor' &&
			previous?.value.kind === 'tensor' &&
			previous.value.node !== result.node
		) {
			const nodeName = excerpt(this.node(result.node).name);
			const shown = excerpt(name);
			const first = previous.line > 0 ? ` (it was assigned on line ${previous.line})` : '';
			this.note(
				start,
				readsName(valueExpr, name)
					? `${shown} = ... reads the old ${shown}${first}: a node cannot feed itself, so the new value is a new node, ${nodeName}`
					: `${shown} is assigned again${first}: the canvas keeps both values; the new one is the node ${nodeName}`,
				'reassignment'
			);
		}
		this.env.set(name, { value: result, line: this.lineOf(start) });
		return result;
	}

	private assignAttribute(target: Extract<Expr, { kind: 'attribute' }>, value: Value): void {
		const owner = this.evaluate(target.value);
		if (owner.kind === 'tensor' && target.attr === 'requires_grad') {
			if (value.kind !== 'bool')
				throw valueProblem(target.start, 'requires_grad must be True or False');
			this.setRequiresGrad(owner.node, value.value, target.start);
			this.sideEffect = true;
			return;
		}
		if (owner.kind === 'linear' && (target.attr === 'weight' || target.attr === 'bias')) {
			if (value.kind !== 'fresh' || !value.attrs.requiresGrad) {
				throw unsupported(
					target.start,
					`assign ${target.attr} as nn.Parameter(torch.tensor(...)): PyTorch expects an nn.Parameter here`
				);
			}
			const id = target.attr === 'weight' ? owner.weight : owner.bias;
			if (id === null) throw unsupported(target.start, 'this nn.Linear has no bias');
			this.setAttrs(id, { ...value.attrs, requiresGrad: true });
			return;
		}
		throw unsupported(target.start, `assigning to .${excerpt(target.attr)} is outside the subset`);
	}

	// ---------------------------------------------------------------------------------------
	// Expressions
	// ---------------------------------------------------------------------------------------

	private evaluate(expr: Expr): Value {
		switch (expr.kind) {
			case 'name':
				return this.lookup(expr.id, expr.start);
			case 'number':
				if (expr.imaginary) throw unsupported(expr.start, 'complex numbers are outside the subset');
				return { kind: 'number', value: expr.value, integer: expr.integer };
			case 'string':
				return { kind: 'string', value: expr.value };
			case 'constant':
				return expr.value === null ? { kind: 'none' } : { kind: 'bool', value: expr.value };
			case 'unary':
				return this.unary(expr);
			case 'binary':
				return this.binary(expr);
			case 'ifexp': {
				const parts = [
					this.evaluate(expr.test),
					this.evaluate(expr.body),
					this.evaluate(expr.orelse)
				];
				if (parts.some((p) => p.kind === 'tensor' || p.kind === 'fresh')) {
					throw unsupported(
						expr.start,
						'conditional expressions on tensors are outside the subset'
					);
				}
				return { kind: 'opaque', what: 'a conditional value' };
			}
			case 'call':
				return this.call(expr);
			case 'attribute':
				return this.attribute(expr);
			case 'subscript':
				this.evaluate(expr.value);
				throw unsupported(expr.start, 'indexing (x[...]) is outside the subset');
			case 'tuple':
			case 'list':
				return {
					kind: 'sequence',
					items: expr.items.map((item) => this.evaluate(item)),
					tuple: expr.kind === 'tuple'
				};
			case 'dict': {
				const entries = new Map<string, { value: Value; start: number }>();
				expr.keys.forEach((key, i) => {
					if (key === null || key.kind !== 'string') {
						throw unsupported(
							key?.start ?? expr.start,
							'dict keys other than strings are outside the subset'
						);
					}
					entries.set(key.value, {
						value: this.evaluate(expr.values[i]),
						start: expr.values[i].start
					});
				});
				return { kind: 'dict', entries };
			}
			case 'starred':
				throw unsupported(expr.start, 'unpacking with * is outside the subset');
			case 'other':
				throw unsupported(expr.start, `${expr.what} is outside the subset`);
		}
	}

	private lookup(name: string, start: number): Value {
		const binding = this.env.get(name);
		if (binding === undefined) {
			const hint =
				name === 'nn'
					? ': add import torch.nn as nn'
					: name === 'F'
						? ': add import torch.nn.functional as F'
						: name === 'np'
							? ' (numpy is outside the subset anyway)'
							: '';
			throw new ImportProblem(
				start,
				`name '${excerpt(name)}' is not defined${hint}`,
				'undefined-name'
			);
		}
		if (binding.value.kind === 'failed') {
			throw new ImportProblem(start, binding.value.reason, 'undefined-name');
		}
		return binding.value;
	}

	private unary(expr: Extract<Expr, { kind: 'unary' }>): Value {
		const operand = this.evaluate(expr.operand);
		if (expr.op === '+' && (operand.kind === 'number' || isTensorValue(operand))) return operand;
		if (expr.op === '-' && operand.kind === 'number') return { ...operand, value: -operand.value };
		const op = PREFIX_OPS.get(expr.op);
		if (op !== undefined && isTensorValue(operand))
			return this.op(op.id, expr.start, [[op.inputs[0], operand, expr.operand.start]]);
		const what = expr.op === 'not' ? "'not'" : `unary '${expr.op}'`;
		throw unsupported(expr.start, `${what} on ${describeValue(operand)} is outside the subset`);
	}

	private binary(expr: Extract<Expr, { kind: 'binary' }>): Value {
		const op = INFIX_OPS.get(expr.op);
		if (op === undefined) {
			const what = ['and', 'or'].includes(expr.op)
				? `'${expr.op}'`
				: ['<', '>', '==', '>=', '<=', '!=', 'in', 'not in', 'is', 'is not'].includes(expr.op)
					? `the comparison '${expr.op}'`
					: `the operator '${expr.op}'`;
			this.evaluate(expr.left);
			this.evaluate(expr.right);
			throw unsupported(expr.opStart, `${what} is outside the subset`);
		}
		const left = this.evaluate(expr.left);
		const right = this.evaluate(expr.right);
		if (left.kind === 'number' && right.kind === 'number') return foldNumbers(expr, left, right);
		if (!isTensorValue(left) && !isTensorValue(right)) {
			throw unsupported(
				expr.opStart,
				`'${expr.op}' between ${describeValue(left)} and ${describeValue(right)} is outside the subset`
			);
		}
		if (!op.python?.numberOperand && (left.kind === 'number' || right.kind === 'number')) {
			throw valueProblem(
				expr.opStart,
				`'${expr.op}' needs two tensors (${op.id} of a number is not defined)`
			);
		}
		return this.op(op.id, expr.opStart, [
			[op.inputs[0], left, expr.left.start],
			[op.inputs[1], right, expr.right.start]
		]);
	}

	private attribute(expr: Extract<Expr, { kind: 'attribute' }>): Value {
		const owner = this.evaluate(expr.value);
		const name = expr.attr;
		switch (owner.kind) {
			case 'module': {
				const path = `${owner.path}.${name}`;
				if (owner.path === 'torch' && DTYPES.has(name)) return { kind: 'dtype', name };
				return { kind: 'module', path };
			}
			case 'tensor':
			case 'fresh':
				if (name === 'T') return this.transposeT(owner, expr.start);
				if (TENSOR_ATTRIBUTES.has(name)) return { kind: 'opaque', what: `${exprText(expr)}` };
				return { kind: 'method', self: owner, name };
			case 'linear':
				if (name === 'weight') return { kind: 'tensor', node: owner.weight };
				if (name === 'bias')
					return owner.bias === null ? { kind: 'none' } : { kind: 'tensor', node: owner.bias };
				if (name === 'in_features')
					return { kind: 'number', value: owner.inFeatures, integer: true };
				if (name === 'out_features')
					return { kind: 'number', value: owner.outFeatures, integer: true };
				return { kind: 'method', self: owner, name };
			case 'failed':
				throw new ImportProblem(expr.start, owner.reason, 'undefined-name');
			default:
				return { kind: 'method', self: owner, name };
		}
	}

	// ---------------------------------------------------------------------------------------
	// Calls
	// ---------------------------------------------------------------------------------------

	private call(expr: Extract<Expr, { kind: 'call' }>): Value {
		const callee = this.evaluate(expr.func);
		if (callee.kind === 'module' && callee.path === 'builtins.print') return { kind: 'none' };
		if (callee.kind === 'module' && !callee.path.startsWith('torch.')) {
			// numpy, range, ...: say so before reading the arguments.
			return this.callFunction(callee.path, {
				callee: exprText(expr.func),
				start: expr.start,
				args: [],
				keywords: new Map()
			});
		}
		const call: Call = {
			callee: exprText(expr.func),
			start: expr.start,
			args: expr.args.map((arg) => {
				if (arg.kind === 'starred')
					throw unsupported(arg.start, 'unpacking arguments with * is outside the subset');
				return { value: this.evaluate(arg), start: arg.start };
			}),
			keywords: new Map()
		};
		for (const keyword of expr.keywords) this.keyword(call, keyword);
		switch (callee.kind) {
			case 'module':
				return this.callFunction(callee.path, call);
			case 'method':
				return this.callMethod(callee.self, callee.name, call);
			case 'linear':
				return this.linearForward(callee, call);
			case 'mse': {
				const args = bindArgs(call, ['input', 'target']);
				return this.mseLoss(
					call,
					need(call, args, 'input'),
					need(call, args, 'target'),
					callee.reduction
				);
			}
			default:
				throw valueProblem(expr.start, `${describeValue(callee)} is not callable`);
		}
	}

	private keyword(call: Call, keyword: Keyword): void {
		if (keyword.name === null)
			throw unsupported(keyword.start, 'unpacking arguments with ** is outside the subset');
		call.keywords.set(keyword.name, { value: this.evaluate(keyword.value), start: keyword.start });
	}

	// ---------------------------------------------------------------------------------------
	// Tensor creation
	// ---------------------------------------------------------------------------------------

	// ---------------------------------------------------------------------------------------
	// The document
	// ---------------------------------------------------------------------------------------

	private finish(): GraphDocument | null {
		const doc: GraphDocument = {
			format: GRAPH_FORMAT,
			version: GRAPH_VERSION,
			nodes: this.nodes,
			edges: this.edges
		};
		// `.t()` of a 1-D or 0-d tensor returns it unchanged: transpose(0, 0) on the canvas.
		if (this.fromT.size > 0) {
			const infos = inferShapes(doc);
			for (const id of this.fromT) {
				const edge = this.edges.find((e) => e.target === id && e.targetInput === 'input');
				const shape = edge === undefined ? null : infos.get(edge.source)?.shape;
				if (shape != null && shape.length < 2) this.node(id).attrs = { dim0: 0, dim1: 0 };
			}
		}
		layoutNodes(this.nodes, this.edges);
		const checked = validateDocument(doc);
		// Our own objects, not the checked copy: that copy turns -0 into 0.
		if (checked.ok) return doc;
		for (const problem of checked.problems) {
			const match = /^nodes\[(\d+)\]/.exec(problem.path);
			const node = match === null ? undefined : this.nodes[Number(match[1])];
			const offset = node === undefined ? 0 : (this.origin.get(node.id) ?? 0);
			this.note(
				offset,
				`the imported graph is not valid: ${problem.path}: ${problem.message}`,
				'value'
			);
		}
		return null;
	}
}
