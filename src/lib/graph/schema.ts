/**
 * The declared, versioned schema of a graph file (zod), its limits, and the problem list it
 * produces: every problem carries the path of the offending value (`nodes[3].attrs.shape`).
 *
 * zod runs `jitless`: it never builds code from strings (the house rule: no `new Function`).
 */
import * as z from 'zod/mini';
import { getOp, MAX_NUMEL, numel, TorchError, type OpDef } from '$lib/engine/core';
import type { AttrSpec } from '$lib/engine/registry';
import { checkShape } from '$lib/engine/shape';
import { excerpt } from '$lib/util/excerpt';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	isLeaf,
	LEAF_OP,
	type GraphEdge,
	type GraphNode,
	type LeafAttrs,
	type LeafInit,
	VALUE_KINDS,
	type DocumentProblemCode,
	type Problem,
	type Refusal,
	type RefusalCode,
	type ValueKind
} from './types';

z.config({ jitless: true });

/** Files bigger than this are refused before parsing. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** The most nodes a document may hold (a 300-node graph is the editor's benchmark). */
export const MAX_NODES = 2000;
/** The most edges a document may hold (no op takes more than three inputs). */
export const MAX_EDGES = 3 * MAX_NODES;
/** Ids and names read from files: non-empty, at most this long. */
export const MAX_TEXT_LENGTH = 100;
/** The most dimensions a leaf shape (or a shape attribute) may have. */
export const MAX_DIMS = 8;
/**
 * The most numbers a leaf with `init: 'values'` may list, so that any document still fits in a
 * file under MAX_FILE_BYTES. Bigger tensors use zeros, ones, full, arange, rand or randn.
 */
export const MAX_VALUES = 100_000;
/** Node positions lie within ±MAX_COORDINATE. */
export const MAX_COORDINATE = 1_000_000;
/** Problem lists stop after this many (a hostile file could otherwise produce millions). */
export const MAX_PROBLEMS = 100;
/** The largest seed (seeds are 32-bit, like the engine's generator). */
export const MAX_SEED = 2 ** 32 - 1;

export const LEAF_INITS = [
	'values',
	'zeros',
	'ones',
	'full',
	'arange',
	'rand',
	'randn'
] as const satisfies readonly LeafInit[];
export const REDUCTIONS = ['mean', 'sum', 'none'] as const;
/** The attribute every op node may carry besides its registry attributes. */
export const RETAIN_GRAD = 'retainGrad';

// ---------------------------------------------------------------------------------------------
// Paths and problems
// ---------------------------------------------------------------------------------------------

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/** `['nodes', 3, 'attrs', 'shape']` as `nodes[3].attrs.shape`. */
export function formatPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else if (typeof segment === 'string' && segment.length <= 40 && PLAIN_KEY.test(segment))
			out += out === '' ? segment : `.${segment}`;
		else out += `[${JSON.stringify(excerpt(String(segment), 40))}]`;
	}
	return out;
}

/** A problem's words: English, and the code and values the UI words it with (see `Problem`). */
export type ProblemText = Omit<Problem, 'path'>;

/** A problem's words from its code, its values and its English. */
export const problemText = (
	code: DocumentProblemCode,
	message: string,
	params?: Record<string, string | number>
): ProblemText => (params === undefined ? { message, code } : { message, code, params });

/** Collects problems up to MAX_PROBLEMS, then one line saying how many more there were. */
export class ProblemList {
	readonly items: Problem[] = [];
	private dropped = 0;

	add(path: readonly PropertyKey[] | string, problem: ProblemText): void {
		if (this.items.length < MAX_PROBLEMS) {
			this.items.push({ path: typeof path === 'string' ? path : formatPath(path), ...problem });
		} else this.dropped++;
	}

	get size(): number {
		return this.items.length + this.dropped;
	}

	get full(): boolean {
		return this.items.length >= MAX_PROBLEMS;
	}

	result(): Problem[] {
		if (this.dropped === 0) return this.items;
		const count = this.dropped;
		const message = `and ${count} more ${count === 1 ? 'problem' : 'problems'}`;
		return [...this.items, { path: '', ...problemText('moreProblems', message, { count }) }];
	}
}

/** What a value is, as a `wrongType` problem names it: a `ValueKind`, or the value itself. */
function kindOf(value: unknown): ValueKind | string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	switch (typeof value) {
		case 'object':
		case 'string':
			return typeof value;
		case 'number':
			return Number.isFinite(value) ? 'number' : String(value);
		case 'boolean':
			return value ? 'true' : 'false';
		default:
			return typeof value;
	}
}

/** A kind in English (`expected` says `true or false` for a boolean; a value is said as it is). */
const KIND_TEXT: Record<ValueKind, string> = {
	string: 'a string',
	number: 'a number',
	boolean: 'true or false',
	object: 'an object',
	array: 'a list',
	null: 'null',
	true: 'true',
	false: 'false'
};
const kindText = (kind: string) =>
	(VALUE_KINDS as readonly string[]).includes(kind) ? KIND_TEXT[kind as ValueKind] : kind;

/** zod's issue, as the error map and (with its input, see `check`) a parse's error hold it. */
type RawIssue = z.core.$ZodRawIssue | z.core.$ZodIssue;

const sameList = (a: readonly unknown[], b: readonly unknown[]) =>
	a.length === b.length && a.every((value, i) => value === b[i]);

const quoted = (values: readonly unknown[]) => values.map((v) => `'${String(v)}'`).join(', ');

/**
 * An issue's words: the code and values that the UI words it with, and the English. Custom
 * issues carry theirs in their params (see `codes`); zod's own are worded here, from the issue.
 */
function issueText(issue: RawIssue): ProblemText {
	switch (issue.code) {
		case 'invalid_type': {
			if (issue.input === undefined) return problemText('required', 'required');
			const expected = issue.expected;
			const got = kindOf(issue.input);
			return problemText('wrongType', `expected ${kindText(expected)}, got ${kindText(got)}`, {
				expected,
				got
			});
		}
		case 'invalid_value': {
			const values = issue.values;
			if (sameList(values, REDUCTIONS)) {
				// PyTorch's own message for a bad reduction.
				if (typeof issue.input === 'string') {
					const reason = `${excerpt(issue.input)} is not a valid value for reduction`;
					return problemText('badReduction', reason, { reason });
				}
				return problemText('reductionExpected', "expected 'mean', 'sum' or 'none'");
			}
			if (values.length === 1) {
				const value = JSON.stringify(values[0]);
				return problemText('expectedValue', `expected ${value}`, { value });
			}
			const list = sameList(values, LEAF_INITS)
				? quoted(values)
				: values.map((v) => JSON.stringify(v)).join(', ');
			return problemText('expectedOneOf', `expected one of ${list}`, { values: list });
		}
		case 'too_small':
		case 'too_big':
			return issue.origin === 'string'
				? problemText(
						'textLength',
						`expected a non-empty string of at most ${MAX_TEXT_LENGTH} characters`,
						{ max: MAX_TEXT_LENGTH }
					)
				: problemText(
						'coordinateRange',
						`expected a number from ${-MAX_COORDINATE} to ${MAX_COORDINATE}`,
						{ min: -MAX_COORDINATE, max: MAX_COORDINATE }
					);
		case 'unrecognized_keys':
			return UNKNOWN_FIELD;
		case 'custom': {
			const params = issue.params as IssueParams | undefined;
			if (params?.problem === undefined) return problemText('invalidValue', 'invalid value');
			const message = issue.message ?? '';
			if (params.orRequired === true && issue.input === undefined)
				return problemText('required', message);
			return problemText(params.problem, message, params.values);
		}
		default:
			return problemText('invalidValue', 'invalid value');
	}
}

const UNKNOWN_FIELD = problemText('unknownField', 'unknown field');

/** Our wording for zod's issues (schema-level messages, set with `error`, take precedence). */
const message = (issue: z.core.$ZodRawIssue): string => issueText(issue).message;

/** Add a zod error's issues to `problems`, under `prefix`. Unknown keys get one problem each. */
export function addZodIssues(
	problems: ProblemList,
	error: z.core.$ZodError,
	prefix: readonly PathSegment[] = []
): void {
	for (const issue of error.issues) {
		const path = [...prefix, ...issue.path];
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) problems.add([...path, key], UNKNOWN_FIELD);
		} else problems.add(path, { ...issueText(issue), message: issue.message });
	}
}

/**
 * Parse with our messages. Issues keep their input (`reportInput`), which says what their code
 * and values are (`issueText`): `required` or a wrong type, a bad reduction.
 */
export function check<T>(schema: z.ZodMiniType<T>, value: unknown) {
	return schema.safeParse(value, { error: message, reportInput: true });
}

/** An error's first issue as one line: `shape: expected a list of positive integers`. */
export function firstIssueText(error: z.core.$ZodError): string {
	const issue = error.issues[0];
	const path =
		issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : [...issue.path];
	const text = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
	return path.length === 0 ? text : `${formatPath(path)}: ${text}`;
}

/**
 * An error's first issue as an edit's refusal: the English line of `firstIssueText`, with the
 * code and values its issue carries (`refusal` in the issue's params), so the UI can word it.
 * An issue without one (a wrong type, an unknown field) is `invalidAttr`, naming the field.
 */
export function firstIssueRefusal(error: z.core.$ZodError): Refusal {
	const issue = error.issues[0];
	const path =
		issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : [...issue.path];
	const field = path.length === 0 ? '' : excerpt(formatPath(path));
	const reason = firstIssueText(error);
	const params = issue.code === 'custom' ? (issue.params as IssueParams | undefined) : undefined;
	if (params?.refusal === undefined) return { reason, code: 'invalidAttr', params: { field } };
	return { reason, code: params.refusal, params: { field, ...params.values } };
}

/**
 * What a custom issue carries: its problem code (`issueText`), its refusal code for an edit
 * (`firstIssueRefusal`), whether a missing value is `required` instead, and the values its
 * message names.
 */
interface IssueParams {
	problem: DocumentProblemCode;
	refusal?: RefusalCode;
	orRequired?: true;
	values?: Record<string, string | number>;
}

/** A problem that an edit can meet too: its code is both a problem's and a refusal's. */
type SharedCode = DocumentProblemCode & RefusalCode;

/** A custom issue's params: its codes and the values its message names. */
const codes = (
	code: SharedCode,
	values?: Record<string, string | number>,
	orRequired = false
): IssueParams => ({
	problem: code,
	refusal: code,
	...(orRequired ? { orRequired } : {}),
	...(values === undefined ? {} : { values })
});

// ---------------------------------------------------------------------------------------------
// Value predicates
// ---------------------------------------------------------------------------------------------

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);

export function isPositiveIntegerList(v: unknown): v is number[] {
	if (!Array.isArray(v)) return false;
	for (const d of v) if (!isInteger(d) || d < 1) return false;
	return true;
}

export function isFiniteNumberList(v: unknown): v is number[] {
	if (!Array.isArray(v)) return false;
	for (const d of v) if (!isFiniteNumber(d)) return false;
	return true;
}

function isIntegerList(v: unknown): v is number[] {
	if (!Array.isArray(v)) return false;
	for (const d of v) if (!isInteger(d)) return false;
	return true;
}

/** The engine's message when `shape` is over its size limit, else null. */
export function sizeLimitMessage(shape: readonly number[]): string | null {
	if (numel(shape) <= MAX_NUMEL) return null;
	try {
		checkShape(shape);
	} catch (error) {
		if (error instanceof TorchError) return error.message;
	}
	return `a tensor of ${numel(shape)} elements is over the limit of ${MAX_NUMEL} elements`;
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/** A custom check's message and codes, which still says `required` for a missing value. */
const requiredOr = (
	message: string,
	code: SharedCode,
	values?: Record<string, string | number>
) => ({
	error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : message),
	params: codes(code, values, true)
});

const text = z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH));
const coordinate = z.number().check(z.gte(-MAX_COORDINATE), z.lte(MAX_COORDINATE));
const finiteNumber = z.custom<number>(
	isFiniteNumber,
	requiredOr('expected a finite number', 'notFinite')
);

/** A node's structure; its attrs are checked against its op afterwards (`graphNodeSchema`). */
const nodeSchema = z.strictObject({
	id: text,
	op: text,
	name: text,
	position: z.strictObject({ x: coordinate, y: coordinate }),
	attrs: z.optional(z.record(z.string(), z.unknown()))
});

/** A node as `documentSchema` reads it (its attrs not yet checked against its op). */
export type RawNode = z.infer<typeof nodeSchema>;

const edgeSchema = z.strictObject({
	id: text,
	source: text,
	target: text,
	targetInput: text
});

/** The document's structure; attrs are checked per op afterwards (see `attrsSchemaFor`). */
export const documentSchema = z.strictObject({
	format: z.literal(GRAPH_FORMAT),
	version: z.literal(GRAPH_VERSION),
	nodes: z.array(nodeSchema),
	edges: z.array(edgeSchema)
});

export const leafAttrsSchema = z
	.strictObject({
		shape: z
			.custom<number[]>(
				isPositiveIntegerList,
				requiredOr('expected a list of positive integers', 'shapeNotPositive')
			)
			.check(
				z.refine((shape) => shape.length <= MAX_DIMS, {
					error: `a tensor has at most ${MAX_DIMS} dimensions`,
					params: codes('tooManyDims', { max: MAX_DIMS })
				})
			),
		init: z.enum(LEAF_INITS),
		values: z.optional(
			z.custom<number[]>(
				isFiniteNumberList,
				requiredOr('expected a list of finite numbers', 'notFiniteList')
			)
		),
		fill: z.optional(finiteNumber),
		seed: z.optional(
			z.custom<number>((v) => isInteger(v) && v >= 0 && v <= MAX_SEED, {
				error: `expected an integer from 0 to ${MAX_SEED}`,
				params: codes('seedRange', { max: MAX_SEED })
			})
		),
		requiresGrad: z.boolean(),
		retainGrad: z.optional(z.boolean())
	})
	.check(
		z.superRefine((attrs, ctx) => {
			const limit = sizeLimitMessage(attrs.shape);
			if (limit !== null) {
				ctx.addIssue({
					code: 'custom',
					path: ['shape'],
					message: limit,
					input: attrs.shape,
					params: codes('tooManyElements', {
						count: numel(attrs.shape),
						max: MAX_NUMEL,
						reason: limit
					})
				});
				return;
			}
			const n = numel(attrs.shape);
			if (attrs.init === 'values') {
				// Too many to list comes first: a leaf switched to 'values' past the limit is given
				// no values to list (see edit.ts), and "values: required" would not say why.
				if (n > MAX_VALUES) {
					ctx.addIssue({
						code: 'custom',
						path: ['shape'],
						message: `a tensor given by its values holds at most ${MAX_VALUES} numbers; use zeros, ones, full, arange, rand or randn for a bigger one`,
						input: attrs.shape,
						params: codes('tooManyValues', { count: n, max: MAX_VALUES })
					});
				} else if (attrs.values === undefined) {
					ctx.addIssue({
						code: 'custom',
						path: ['values'],
						message: "required when init is 'values'",
						input: attrs.values,
						params: codes('valuesRequired')
					});
				} else if (attrs.values.length !== n) {
					ctx.addIssue({
						code: 'custom',
						path: ['values'],
						message: `expected ${n} values for shape [${attrs.shape.join(', ')}], got ${attrs.values.length}`,
						input: attrs.values,
						params: codes('valuesCount', {
							expected: n,
							shape: attrs.shape.join(', '),
							got: attrs.values.length
						})
					});
				}
			} else if (attrs.values !== undefined) {
				ctx.addIssue({
					code: 'custom',
					path: ['values'],
					message: "only allowed when init is 'values'",
					input: attrs.values,
					params: codes('valuesNotAllowed')
				});
			}
		})
	);

function attrValueSchema(spec: AttrSpec): z.ZodMiniType {
	switch (spec.kind) {
		case 'dims':
			return z.custom<number | number[]>(
				(v) => isInteger(v) || (isIntegerList(v) && v.length <= MAX_DIMS),
				requiredOr('expected an integer or a list of integers', 'dimsNotIntegers', {
					max: MAX_DIMS
				})
			);
		case 'dim':
			return z.custom<number>(isInteger, requiredOr('expected an integer', 'notInteger'));
		case 'bool':
			return z.boolean();
		case 'number':
			return finiteNumber;
		case 'shape':
			return z.custom<number[]>((v) => isIntegerList(v) && v.length <= MAX_DIMS, {
				error: `expected a list of at most ${MAX_DIMS} integers`,
				params: codes('integerList', { max: MAX_DIMS })
			});
		case 'reduction':
			// Worded by `issueText`: PyTorch's own message for a bad reduction.
			return z.enum(REDUCTIONS);
	}
}

/** Whether a document may leave the attribute out. */
export const attrIsOptional = (spec: AttrSpec) => spec.optional === true || 'default' in spec;

const opAttrSchemas = new Map<string, z.ZodMiniType<Record<string, unknown>>>();

/** The schema of an op's attributes, built once from its registry `AttrSpec`s. */
export function opAttrsSchema(op: OpDef): z.ZodMiniType<Record<string, unknown>> {
	let schema = opAttrSchemas.get(op.id);
	if (schema === undefined) {
		const shape: Record<string, z.ZodMiniType> = {};
		for (const spec of op.attrs ?? []) {
			const value = attrValueSchema(spec);
			shape[spec.name] = attrIsOptional(spec) ? z.optional(value) : value;
		}
		shape[RETAIN_GRAD] = z.optional(z.boolean());
		schema = z.strictObject(shape) as z.ZodMiniType<Record<string, unknown>>;
		opAttrSchemas.set(op.id, schema);
	}
	return schema;
}

/** A registry op that documents may use (internal ops are hidden, like in the palette). */
export function graphOp(id: string): OpDef | undefined {
	const op = getOp(id);
	return op === undefined || op.internal ? undefined : op;
}

/** The reason an op id cannot be used, for problems and refused edits. */
export function unknownOpMessage(id: string): string {
	return unknownOpProblem(id).message;
}

/** The same, as a problem's words. */
function unknownOpProblem(id: string): ProblemText {
	const op = excerpt(id);
	return getOp(id)?.internal
		? problemText(
				'internalOp',
				`op '${op}' is internal to the engine and cannot be used in a graph`,
				{ op }
			)
		: problemText('unknownOp', `unknown op '${op}'`, { op });
}

/**
 * Add a nested parse's issues (their messages already ours) to `payload`, under `prefix`. They
 * keep their input, which `issueText` reads (a finished issue is a raw one with its message).
 */
function nestIssues(payload: z.core.ParsePayload, error: z.core.$ZodError, prefix: PathSegment[]) {
	for (const issue of error.issues)
		payload.issues.push({ ...issue, path: [...prefix, ...issue.path] } as z.core.$ZodRawIssue);
}

/**
 * A node that `documentSchema` read (a `RawNode`: its structure is checked, so it is not
 * checked twice), checked against its op: a `LeafNode` whose attrs are `LeafAttrs`, or an
 * `OpNode` of a graph op whose attrs fit its `AttrSpec`s. Problems carry their path from the
 * node (`attrs.shape`, `op`).
 */
export const graphNodeSchema = z.transform((node: RawNode, payload): GraphNode => {
	const { op: id, attrs } = node;
	if (id === LEAF_OP) {
		if (attrs === undefined) {
			payload.issues.push({
				code: 'custom',
				path: ['attrs'],
				message: 'required for a tensor (shape, init, requiresGrad)',
				input: attrs,
				params: { problem: 'leafAttrsRequired' } satisfies IssueParams
			});
			return z.NEVER;
		}
		const leaf = check(leafAttrsSchema, attrs);
		if (leaf.success) return { ...node, op: LEAF_OP, attrs: leaf.data };
		nestIssues(payload, leaf.error, ['attrs']);
		return z.NEVER;
	}
	const op = graphOp(id);
	if (op === undefined) {
		const { message, code, params } = unknownOpProblem(id);
		payload.issues.push({
			code: 'custom',
			path: ['op'],
			message,
			input: id,
			params: { problem: code as DocumentProblemCode, values: params } satisfies IssueParams
		});
		return z.NEVER;
	}
	const checked = check(opAttrsSchema(op), attrs ?? {});
	if (!checked.success) nestIssues(payload, checked.error, ['attrs']);
	return node;
});

// ---------------------------------------------------------------------------------------------
// Canonical copies (stable key order, no shared arrays)
// ---------------------------------------------------------------------------------------------

/** A deep copy of an attribute value; -0 becomes 0 (JSON cannot tell them apart). */
function copyValue(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(copyValue);
	return value === 0 ? 0 : value;
}

/** -0 as 0. */
const unsigned = (value: number) => (value === 0 ? 0 : value);

/** A leaf's attributes in their declared order (as `LeafAttrs` lists them), sharing no arrays. */
export function canonicalLeafAttrs(attrs: LeafAttrs): LeafAttrs {
	const { shape, init, values, fill, seed, requiresGrad, retainGrad } = attrs;
	return {
		shape: shape.slice(),
		init,
		...(values === undefined ? {} : { values: values.map(unsigned) }),
		...(fill === undefined ? {} : { fill: unsigned(fill) }),
		...(seed === undefined ? {} : { seed: unsigned(seed) }),
		requiresGrad,
		...(retainGrad === undefined ? {} : { retainGrad })
	};
}

/** An op's attributes in their declared order (its AttrSpecs, `retainGrad`, then the rest sorted). */
export function canonicalAttrs(
	op: string,
	attrs: Record<string, unknown>
): Record<string, unknown> {
	const order = [...(getOp(op)?.attrs ?? []).map((spec) => spec.name), RETAIN_GRAD];
	const out: Record<string, unknown> = {};
	for (const key of order) {
		if (Object.hasOwn(attrs, key) && attrs[key] !== undefined) out[key] = copyValue(attrs[key]);
	}
	for (const key of Object.keys(attrs).sort()) {
		if (!order.includes(key) && attrs[key] !== undefined) out[key] = copyValue(attrs[key]);
	}
	return out;
}

export function canonicalNode(node: GraphNode): GraphNode {
	const { id, name } = node;
	const position = { x: node.position.x + 0, y: node.position.y + 0 };
	if (isLeaf(node)) {
		return { id, op: node.op, name, position, attrs: canonicalLeafAttrs(node.attrs) };
	}
	const out: GraphNode = { id, op: node.op, name, position };
	if (node.attrs !== undefined) out.attrs = canonicalAttrs(node.op, node.attrs);
	return out;
}

export function canonicalEdge(edge: GraphEdge): GraphEdge {
	return { id: edge.id, source: edge.source, target: edge.target, targetInput: edge.targetInput };
}
