/**
 * Graph -> PyTorch program. Every node is one assignment named after the node, in topological
 * order (leaves first), except two kinds of nodes written inline in their one consumer, so that
 * code reads naturally (`z = w * x + b`, `y = x ** 2`):
 * - an op node with an automatic name (`mul1`, see names.ts) and exactly one consumer, as long
 *   as the expression it makes stays small (MAX_INLINED_OPS);
 * - a 0-d constant leaf (`t1`: values, no grad) feeding +, -, *, / or **.
 * `importCode` reads the program back to the same graph (round trip).
 *
 * Its own comments are in the UI's language (`locale`, from the message catalog's
 * `code.comment.*`); what they quote (names, calls, shapes, PyTorch's error messages) stays as it
 * is. The importer reads either language's comments back.
 *
 * Leaves drawn by rand / randn: the canvas's generator is not PyTorch's, so by default the
 * program holds the canvas's numbers as a literal, under a comment that names the draw
 * (`# torch.randn(3, 4) drawn by the canvas (seed 1); ...`); PyTorch then computes exactly what
 * the canvas shows, and importing the program gives the randn leaf back. With
 * `randomLeaves: 'seed'` the program calls `torch.manual_seed(s)` and `torch.randn(...)` instead
 * (PyTorch's numbers then differ from the canvas's).
 *
 * Big leaves are never written out (a randn 8192 x 8192 holds 67 million numbers): a program
 * writes at most MAX_LITERAL_VALUES numbers as literals, leaf by leaf in order, so that it stays
 * short enough to read and to import back (see MAX_CODE_BYTES, MAX_CODE_LINES). Past that, a rand / randn leaf is written as
 * `torch.manual_seed(s)` and its draw (as with `randomLeaves: 'seed'`, which imports back to the
 * same leaf), and a leaf given by its values as `torch.zeros(...)` under a comment saying that
 * the canvas's values are not written (save the graph file to keep them).
 *
 * The linear regression pattern (leaf x -> linear(weight, bias) -> mse_loss with a leaf target)
 * gives the tutorial's training program instead: nn.Linear with the graph's weight and bias
 * loaded, nn.MSELoss, optim.SGD(lr=0.01), the device line, one forward and backward pass, the
 * epoch loop printing every 50 epochs, and torch.save of the state dict.
 *
 * This file writes the autograd program; `generate-literals.ts` writes leaves,
 * `generate-expressions.ts` op nodes (and chooses the inlined ones), `generate-training.ts` the
 * training program, and `generate-graph.ts` holds what they share.
 */
import { getOp, numel } from '$lib/engine/core';
import {
	formatBytes,
	formatFlops,
	isLeaf,
	validateDocument,
	workRefusal,
	type GraphDocument,
	type WorkRefusal
} from '$lib/graph';
import { dict } from '$lib/util/dict';
import { comment, commentPart, type Locale } from './comments';
import { inlinedNodes, opExpression } from './generate-expressions';
import {
	BASE_RESERVED,
	fanOut,
	graphOf,
	leafAttrs,
	oneLine,
	type GeneratedProgram,
	type Graph,
	type PrintedItem
} from './generate-graph';
import { append, assignment, leafCode, newBudget } from './generate-literals';
import { trainingPattern, trainingProgram } from './generate-training';
import { toIdentifier, versioned } from './python';

export type { GeneratedProgram, PrintedItem } from './generate-graph';
export { MAX_LITERAL_VALUES } from './generate-literals';

export interface GenerateOptions {
	/** The node to call `backward()` on; default: the graph's single result (sink). */
	output?: string;
	/** How rand / randn leaves are written (see the module comment). Default `'values'`. */
	randomLeaves?: 'values' | 'seed';
	/** `backward(retain_graph=True)`, as the toolbar's retain_graph says. Default false. */
	retainGraph?: boolean;
	/** The language of the program's comments: the UI's. Default `'en'`. */
	locale?: Locale;
}

/** The PyTorch program for a graph (see the module comment). Never throws. */
export function generateCode(doc: GraphDocument, options: GenerateOptions = {}): string {
	return generateProgram(doc, options).code;
}

export function generateProgram(
	doc: GraphDocument,
	options: GenerateOptions = {}
): GeneratedProgram {
	const locale = options.locale ?? 'en';
	try {
		return generate(doc, options, locale);
	} catch (error) {
		// Not reachable by design: the code panel must always show something.
		const text = oneLine(String(error));
		return emptyProgram(comment(locale, 'code.comment.cannotWrite', { error: text }));
	}
}

function emptyProgram(lines: string[]): GeneratedProgram {
	return {
		code: `import torch\n\n${lines.join('\n')}\n`,
		kind: 'empty',
		output: null,
		variables: {},
		printed: []
	};
}

function generate(doc: GraphDocument, options: GenerateOptions, locale: Locale): GeneratedProgram {
	const parsed = validateDocument(doc);
	if (!parsed.ok) {
		const first = parsed.problems[0];
		const where = first.path === '' ? '' : `${first.path}: `;
		const problem = oneLine(where + first.message);
		return emptyProgram(comment(locale, 'code.comment.invalid', { problem }));
	}
	// The caller's document, now known to be valid (validateDocument's copy turns -0 into 0).
	const valid = doc;
	if (valid.nodes.length === 0) return emptyProgram(comment(locale, 'code.comment.empty'));
	const graph = graphOf(valid);
	const output = chooseOutput(graph, options.output);
	const pattern = output === null ? null : trainingPattern(graph, output);
	if (pattern !== null) return trainingProgram(graph, pattern, locale);
	return autogradProgram(graph, output, {
		random: options.randomLeaves ?? 'values',
		retainGraph: options.retainGraph === true,
		locale
	});
}

function chooseOutput(graph: Graph, requested: string | undefined): string | null {
	if (requested !== undefined && graph.nodes.has(requested)) return requested;
	// The graph's results: nodes with no outgoing edge, in document order.
	const ends = [...graph.nodes.keys()].filter((id) => fanOut(graph, id) === 0);
	const opEnds = ends.filter((id) => !isLeaf(graph.nodes.get(id)!));
	const candidates = opEnds.length > 0 ? opEnds : ends;
	return candidates.length === 1 ? candidates[0] : null;
}

// -------------------------------------------------------------------------------------------
// The autograd program
// -------------------------------------------------------------------------------------------

function autogradProgram(
	graph: Graph,
	output: string | null,
	{
		random,
		retainGraph,
		locale
	}: { random: 'values' | 'seed'; retainGraph: boolean; locale: Locale }
): GeneratedProgram {
	const inlined = inlinedNodes(graph, output);
	const reserved = new Set(BASE_RESERVED);
	const taken = new Set(reserved);
	const names = new Map<string, string>();
	const leaves = graph.order.filter((id) => isLeaf(graph.nodes.get(id)!) && !inlined.has(id));
	const ops = graph.order.filter((id) => !isLeaf(graph.nodes.get(id)!) && !inlined.has(id));
	for (const id of [...leaves, ...ops]) {
		const name = versioned(toIdentifier(graph.nodes.get(id)!.name, reserved), taken);
		taken.add(name);
		names.set(id, name);
	}

	const body: string[] = [];
	let usesF = false;
	const budget = newBudget();
	for (const id of leaves) {
		const node = graph.nodes.get(id)!;
		const attrs = leafAttrs(node);
		const name = names.get(id)!;
		const code = leafCode(attrs, attrs.requiresGrad, random, budget, '', `${name} = `, '', locale);
		append(body, assignment(name, code));
		if (attrs.retainGrad === true) body.push(`${name}.retain_grad()`);
	}
	if (leaves.length > 0 && ops.length > 0) body.push('');

	const skipped = new Map<string, string>();
	for (const id of ops) {
		const node = graph.nodes.get(id)!;
		const name = names.get(id)!;
		const info = graph.infos.get(id);
		const reads = new Set<string>();
		const expr = opExpression(graph, id, inlined, names, reads);
		usesF ||= expr.usesF;
		const missing = info?.missingInputs ?? [];
		if (missing.length > 0) {
			skipped.set(id, name);
			const inputs = missing.join(', ');
			const params = { name, op: node.op, inputs, count: missing.length };
			append(body, comment(locale, 'code.comment.missingInputs', params));
			continue;
		}
		const blocked = [...reads].find((source) => skipped.has(source));
		if (blocked !== undefined) {
			skipped.set(id, name);
			const source = skipped.get(blocked)!;
			append(body, comment(locale, 'code.comment.readsMissing', { name, source }));
			continue;
		}
		if (info?.error != null) {
			const error = `${info.errorKind ?? 'RuntimeError'}: ${oneLine(info.error)}`;
			append(body, comment(locale, 'code.comment.raises', { error }));
		}
		body.push(`${name} = ${expr.text}`);
		if (node.attrs?.retainGrad === true) body.push(`${name}.retain_grad()`);
	}

	const printed: PrintedItem[] = [];
	const tail: string[] = [];
	let backward: string | null = null;
	if (output === null) {
		const ends = ops.filter((id) => fanOut(graph, id) === 0).map((id) => names.get(id)!);
		if (ends.length > 1) {
			append(tail, comment(locale, 'code.comment.severalResults', { names: ends.join(', ') }));
		}
	} else if (skipped.has(output)) {
		append(tail, comment(locale, 'code.comment.outputMissing', { name: names.get(output)! }));
	} else {
		const name = names.get(output)!;
		const info = graph.infos.get(output);
		tail.push(`print(${name})`);
		printed.push({ what: 'value', node: output });
		if (info?.shape == null) {
			append(tail, comment(locale, 'code.comment.outputNoValue', { name }));
		} else if (numel(info.shape) !== 1) {
			const shape = info.shape.join(', ');
			const error = 'grad can be implicitly created only for scalar outputs';
			append(tail, comment(locale, 'code.comment.notScalar', { name, shape, error }));
		} else if (!info.requiresGrad) {
			const error = 'element 0 of tensors does not require grad and does not have a grad_fn';
			append(tail, comment(locale, 'code.comment.noGrad', { name, error }));
		} else {
			backward = output;
			tail.push(retainGraph ? `${name}.backward(retain_graph=True)` : `${name}.backward()`);
			for (const id of [...leaves, ...ops]) {
				const node = graph.nodes.get(id)!;
				const wantsGrad = isLeaf(node) ? node.attrs.requiresGrad : node.attrs?.retainGrad === true;
				if (wantsGrad && !skipped.has(id)) {
					tail.push(`print(${names.get(id)}.grad)`);
					printed.push({ what: 'grad', node: id });
				}
			}
		}
	}

	const head = ['import torch'];
	if (usesF) head.push('import torch.nn.functional as F');
	// The canvas refuses to run work past its budget; PyTorch may well run it.
	const refusal = workRefusal(graph.doc, graph.infos);
	if (refusal !== null) {
		head.push('');
		append(head, comment(locale, 'code.comment.tooMuch'));
		append(head, refusalComment(graph, refusal, locale));
	}
	const sections = [head, body, tail].filter((s) => s.length > 0);
	const code = sections.map((s) => s.join('\n')).join('\n\n') + '\n';
	const variables = dict<string>(); // by node id, which may be `__proto__`
	for (const [id, name] of names) if (!skipped.has(id)) variables[id] = name;
	return { code, kind: 'autograd', output: backward, variables, printed };
}

/**
 * Why the canvas refuses to run the graph (graph/cost's `workRefusal`), worded in `locale`: the
 * node that takes the most (a leaf by its shape, an op by its operands' shapes), its estimate
 * with backward, the graph's when it differs, and the limit.
 */
function refusalComment(graph: Graph, refusal: WorkRefusal, locale: Locale): string[] {
	const format = refusal.resource === 'flops' ? formatFlops : formatBytes;
	const node = graph.nodes.get(refusal.nodeId)!;
	const shapeOf = (id: string) => (graph.infos.get(id)?.shape ?? []).join(', ');
	const name = oneLine(node.name);
	let what: string;
	if (isLeaf(node)) {
		what = commentPart(locale, 'code.comment.workLeaf', { name, shape: shapeOf(node.id) });
	} else {
		const connected = graph.inputs.get(node.id);
		const operands = (getOp(node.op)?.inputs ?? [])
			.map((input) => connected?.get(input))
			.filter((source): source is string => source !== undefined)
			.map((source) => `[${shapeOf(source)}]`)
			.join(commentPart(locale, 'code.comment.workAnd'));
		what = commentPart(locale, 'code.comment.workOp', { name, op: node.op, operands });
	}
	const amount = format(refusal.node);
	const total = format(refusal.total);
	const graphPart =
		total === amount ? '' : commentPart(locale, 'code.comment.workGraph', { total });
	const limit = format(refusal.limit);
	return comment(locale, 'code.comment.work', { what, amount, graph: graphPart, limit });
}
