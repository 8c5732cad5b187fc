/**
 * Statements as the importer reads them: imports, assignments (to names, tuples, attributes),
 * expression statements, and the blocks outside the subset (reported, their names marked as
 * having no value). Each statement either imports whole or not at all (see `importStatement`).
 */
import { LEAF_OP } from '$lib/graph';
import type { Expr, Stmt } from '../ast';
import { coded, ImportProblem } from './args';
import type { ProblemCode } from '../problem-codes';
import { evaluate } from './expressions';
import {
	addNode,
	claimName,
	getNode,
	mark,
	rename,
	rollback,
	setAttrs,
	setRequiresGrad,
	type Mark
} from './graph';
import { blockTargets, firstLineText, isPrint, readsName, statementTargets } from './scope';
import { bind, bindFailed, lineOf, problem, remark, type ImportState } from './state';
import { describeValue, type Value } from './values';
import { compoundStatement, setObjectAttribute } from './blocks';
import { excerpt } from '$lib/util/excerpt';

/** The blocks with a problem of their own; other blocks get `block`. */
const COMPOUND_CODES = new Set<ProblemCode>(['for', 'while', 'if', 'def', 'class', 'with', 'try']);

/**
 * Import one statement. A statement with a problem is not imported: what it made is rolled
 * back, the problem is noted, and the names it assigns have no value.
 */
export function importStatement(state: ImportState, statement: Stmt): void {
	const before = mark(state);
	state.unnamed.clear();
	state.sideEffect = false;
	try {
		execute(state, statement, before);
	} catch (error) {
		if (!(error instanceof ImportProblem)) throw error;
		rollback(state, before);
		problem(state, error.offset, error.message, error.kind, error.wording);
		const line = lineOf(state, statement.start);
		const text = firstLineText(state.source, state.lines, statement.start);
		const reason = { code: 'notImported' as const, params: { statement: text, line } };
		for (const name of statementTargets(statement)) bindFailed(state, name, line, reason);
	}
}

/** What each kind of statement does; a new statement pattern goes here. */
export function execute(state: ImportState, statement: Stmt, before: Mark): void {
	switch (statement.kind) {
		case 'pass':
			return;
		case 'import':
			for (const item of statement.names) {
				if (item.asname !== null)
					bind(state, item.asname, { kind: 'module', path: item.name }, item.start);
				else {
					const root = item.name.split('.')[0];
					bind(state, root, { kind: 'module', path: root }, item.start);
				}
			}
			return;
		case 'from':
			if (statement.level > 0) {
				throw coded(statement.start, 'unsupported', 'relativeImport');
			}
			for (const item of statement.names) {
				if (item.name === '*') {
					throw coded(item.start, 'unsupported', 'starImport', {
						module: excerpt(statement.module)
					});
				}
				bind(
					state,
					item.asname ?? item.name,
					{ kind: 'module', path: `${statement.module}.${item.name}` },
					item.start
				);
			}
			return;
		case 'assign': {
			if (isNumpyResult(statement.value)) {
				// `predicted = model(x).data.numpy()`: what the Train panel shows after training.
				remark(
					state,
					statement.start,
					'prediction',
					firstLineText(state.source, state.lines, statement.start)
				);
				for (const name of statementTargets(statement)) {
					bind(state, name, { kind: 'opaque', what: { phrase: 'array' } }, statement.start);
				}
				return;
			}
			let value = evaluate(state, statement.value);
			for (const target of statement.targets) value = assign(state, target, value, statement.value);
			return;
		}
		case 'annassign':
			if (statement.value !== null) {
				assign(state, statement.target, evaluate(state, statement.value), statement.value);
			}
			return;
		case 'augassign': {
			const name = statement.target.kind === 'name' ? excerpt(statement.target.id) : 'x';
			const op = statement.op.slice(0, -1);
			throw coded(statement.start, 'unsupported', 'augAssign', {
				name,
				op: statement.op,
				binary: op
			});
		}
		case 'expr':
			return expressionStatement(state, statement.value, before);
		case 'keyword':
			throw coded(statement.start, 'unsupported', 'keywordStatement', {
				keyword: statement.keyword
			});
		case 'compound': {
			if (compoundStatement(state, statement)) return;
			const found = COMPOUND_CODES.has(statement.keyword as ProblemCode)
				? coded(statement.start, 'unsupported', statement.keyword as ProblemCode)
				: coded(statement.start, 'unsupported', 'block', { keyword: statement.keyword });
			problem(state, found.offset, found.message, found.kind, found.wording);
			const line = lineOf(state, statement.start);
			if (statement.keyword === 'def' || statement.keyword === 'class') {
				const name = /^(?:async\s+)?(?:def|class)\s+([\p{XID_Start}_][\p{XID_Continue}]*)/u.exec(
					state.source.slice(statement.start, statement.end)
				)?.[1];
				if (name !== undefined) {
					const params = { keyword: statement.keyword, line };
					bindFailed(state, name, line, { code: 'blockStatement', params });
				}
				return;
			}
			// Names the block assigns have no known value after it.
			const reason = {
				code: 'assignedInBlock' as const,
				params: { keyword: statement.keyword, line }
			};
			for (const name of blockTargets(statement.body)) {
				bindFailed(state, name, line, reason);
			}
			return;
		}
	}
}

/** An expression statement: calls with effects (`y.backward()`) count; the rest is dropped. */
function expressionStatement(state: ImportState, expr: Expr, before: Mark): void {
	if (expr.kind === 'call' && isPrint(expr, state.env)) return;
	if (expr.kind === 'string') return;
	evaluate(state, expr);
	// A value shown and dropped (`y`, `x.grad`, `x + 1`): nothing goes on the canvas, but a
	// note stays (`torch.save(...)` is accepted, and said).
	if (!state.sideEffect) {
		const notes = state.notes.slice(before.notes);
		rollback(state, before);
		for (const note of notes) state.notes.push(note);
	}
}

/** Bind an assignment target; returns the value for the next target of `a = b = ...`. */
function assign(state: ImportState, target: Expr, value: Value, valueExpr: Expr): Value {
	switch (target.kind) {
		case 'name':
			return assignName(state, target.id, target.start, value, valueExpr);
		case 'tuple':
		case 'list': {
			if (value.kind !== 'sequence' || value.items.length !== target.items.length) {
				throw value.kind === 'sequence'
					? coded(target.start, 'unsupported', 'unpackCount', {
							count: value.items.length,
							names: target.items.length
						})
					: coded(target.start, 'unsupported', 'unpackValue', { value: describeValue(value) });
			}
			const items = target.items.map((item, i) => {
				const itemExpr =
					(valueExpr.kind === 'tuple' || valueExpr.kind === 'list') && valueExpr.items[i]
						? valueExpr.items[i]
						: valueExpr;
				return assign(state, item, value.items[i], itemExpr);
			});
			return { ...value, items };
		}
		case 'attribute':
			assignAttribute(state, target, value);
			return value;
		case 'subscript':
			throw coded(target.start, 'unsupported', 'assignSubscript');
		default:
			throw coded(target.start, 'unsupported', 'assignTarget');
	}
}

function assignName(
	state: ImportState,
	name: string,
	start: number,
	value: Value,
	valueExpr: Expr
): Value {
	const previous = state.env.get(name);
	let result = value;
	// Inside a method (`out = self.linear(x)`), the caller's assignment names the node.
	if (state.callDepth > 0 && value.kind !== 'fresh') {
		bind(state, name, value, start);
		return value;
	}
	if (value.kind === 'fresh') {
		const id = addNode(state, LEAF_OP, claimName(state, name), { ...value.attrs }, value.start);
		result = { kind: 'tensor', node: id };
	} else if (value.kind === 'tensor' && state.unnamed.has(value.node)) {
		rename(state, value.node, claimName(state, name));
		state.unnamed.delete(value.node);
	}
	if (
		result.kind === 'tensor' &&
		previous?.value.kind === 'tensor' &&
		previous.value.node !== result.node
	) {
		// Ordinary Python, imported: said, so that the node's name (`x_1`) is no surprise.
		remark(state, start, readsName(valueExpr, name) ? 'reassignedReads' : 'reassigned', name, {
			previous: previous.line,
			node: excerpt(getNode(state, result.node).name)
		});
	}
	bind(state, name, result, start);
	return result;
}

function assignAttribute(
	state: ImportState,
	target: Extract<Expr, { kind: 'attribute' }>,
	value: Value
): void {
	const owner = evaluate(state, target.value);
	if (owner.kind === 'tensor' && target.attr === 'requires_grad') {
		if (value.kind !== 'bool')
			throw coded(target.start, 'value', 'notBool', { what: 'requires_grad' });
		setRequiresGrad(state, owner.node, value.value, target.start);
		state.sideEffect = true;
		return;
	}
	if (owner.kind === 'object') {
		setObjectAttribute(state, owner, target.attr, value);
		return;
	}
	if (owner.kind === 'linear' && (target.attr === 'weight' || target.attr === 'bias')) {
		if (value.kind !== 'fresh' || !value.attrs.requiresGrad) {
			throw coded(target.start, 'unsupported', 'assignParameter', { attr: target.attr });
		}
		const id = target.attr === 'weight' ? owner.weight : owner.bias;
		if (id === null) throw coded(target.start, 'unsupported', 'noBias');
		setAttrs(state, id, { ...value.attrs, requiresGrad: true });
		return;
	}
	throw coded(target.start, 'unsupported', 'assignAttribute', { attr: excerpt(target.attr) });
}

/** `... .numpy()`, `... .data.numpy()`: a value read out into numpy. */
function isNumpyResult(expr: Expr): boolean {
	return expr.kind === 'call' && expr.func.kind === 'attribute' && expr.func.attr === 'numpy';
}
