/** What statements assign and read, found in the syntax tree. */
import type { Expr, Stmt } from '../ast';
import type { LineMap } from '../source';
import type { Value } from './values';
import { excerpt } from '$lib/util/excerpt';

export function isPrint(
	expr: Extract<Expr, { kind: 'call' }>,
	env: Map<string, { value: Value }>
): boolean {
	if (expr.func.kind !== 'name') return false;
	const value = env.get(expr.func.id)?.value;
	return value?.kind === 'module' && value.path === 'builtins.print';
}

export function readsName(expr: Expr, name: string): boolean {
	switch (expr.kind) {
		case 'name':
			return expr.id === name;
		case 'unary':
			return readsName(expr.operand, name);
		case 'binary':
			return readsName(expr.left, name) || readsName(expr.right, name);
		case 'ifexp':
			return (
				readsName(expr.test, name) || readsName(expr.body, name) || readsName(expr.orelse, name)
			);
		case 'call':
			return (
				readsName(expr.func, name) ||
				expr.args.some((a) => readsName(a, name)) ||
				expr.keywords.some((k) => readsName(k.value, name))
			);
		case 'attribute':
			return readsName(expr.value, name);
		case 'subscript':
			return readsName(expr.value, name) || readsName(expr.index, name);
		case 'tuple':
		case 'list':
			return expr.items.some((item) => readsName(item, name));
		case 'dict':
			return expr.values.some((v) => readsName(v, name));
		case 'starred':
			return readsName(expr.value, name);
		default:
			return false;
	}
}

export function targetNames(target: Expr, out: Set<string>): void {
	if (target.kind === 'name') out.add(target.id);
	else if (target.kind === 'tuple' || target.kind === 'list')
		for (const item of target.items) targetNames(item, out);
	else if (target.kind === 'starred') targetNames(target.value, out);
}

/**
 * The names a statement binds to a new value. Not `x += ...`: on a tensor that updates x in
 * place (x is still the same tensor, as in an SGD step under no_grad).
 */
export function statementTargets(statement: Stmt): Set<string> {
	const out = new Set<string>();
	if (statement.kind === 'assign') for (const target of statement.targets) targetNames(target, out);
	else if (statement.kind === 'annassign') targetNames(statement.target, out);
	return out;
}

/** The names a block assigns at its own level (not inside def / class). */
export function blockTargets(body: Stmt[]): Set<string> {
	const out = new Set<string>();
	for (const statement of body) {
		for (const name of statementTargets(statement)) out.add(name);
		if (
			statement.kind === 'compound' &&
			statement.keyword !== 'def' &&
			statement.keyword !== 'class'
		) {
			for (const name of blockTargets(statement.body)) out.add(name);
		}
	}
	return out;
}

/** Every name assigned anywhere in the code (automatic names avoid them). */
export function collectAssigned(body: Stmt[], out: Set<string>): void {
	for (const statement of body) {
		for (const name of statementTargets(statement)) out.add(name);
		if (statement.kind === 'compound') collectAssigned(statement.body, out);
	}
}

/** The first line of a statement, shortened, for messages. */
export function firstLineText(source: string, lines: LineMap, start: number): string {
	const line = lines.line(start);
	const from = lines.lineStart(line);
	let end = source.indexOf('\n', from);
	if (end < 0) end = source.length;
	// Read no more than the excerpt can show: a 1 MB line is not copied for each statement.
	const text = source
		.slice(start, Math.min(end, start + 200))
		.replace(/\r$/, '')
		.trim();
	return excerpt(text, 40);
}
