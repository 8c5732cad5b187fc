/**
 * What the trainer trains, read from a graph document: the loss node, the leaf the data's x
 * feeds (the one input leaf upstream of the loss that does not require grad), the leaf its y
 * feeds (the loss's `target`), and the trainable parameters (the leaves upstream of the loss
 * that require grad). Plain data; no tensors.
 *
 * In the Linear regression example: loss = mse_loss(linear(x, weight, bias), y), so x <- data x,
 * y <- data y, parameters = [weight, bias], and the state dict keys are nn.Linear's.
 */
import { getOp, numel } from '$lib/engine/core';
import {
	indexGraph,
	isLeaf,
	opAttrs,
	type GraphDocument,
	type GraphNode,
	type LeafNode
} from '$lib/graph';
import { hash } from '$lib/graph/signatures';
import { dict } from '$lib/util/dict';

export interface ModelBinding {
	/** The loss node (its output is the number training lowers). */
	lossId: string;
	/** How the loss reduces: a mean or a sum over the rows. */
	reduction: 'mean' | 'sum';
	/** The leaf the data's x feeds. */
	inputId: string;
	/** The leaf the data's y feeds (the loss's `target`). */
	targetId: string;
	/** The node whose output is the prediction (the loss's `input`). */
	outputId: string;
	/** The leaves that require grad and reach the loss, in document order. */
	parameterIds: string[];
	/** The nodes from the leaves to the loss, each after its inputs. */
	order: string[];
	/** For a model of the form y = w x + b with scalar w and b: those two leaves. */
	line: { weightId: string; biasId: string | null } | null;
	/** Each parameter's state dict key: nn.Linear's `weight` / `bias`, else the node's name. */
	keys: Record<string, string>;
	/** The class PyTorch would name in load_state_dict messages. */
	moduleName: 'Linear' | 'GraphModel';
}

export type Binding =
	| { ok: true; binding: ModelBinding }
	| { ok: false; problem: ModelProblem; message: string; nodeId?: string };

/**
 * Why a document cannot be trained: a code with the names it needs, so the UI can word it in its
 * language (`modelProblemText` gives the English sentence, the `message` of a refusal).
 */
export type ModelProblem =
	| { code: 'noLoss' }
	| { code: 'unknownLoss'; id: string }
	| { code: 'lossNotScalar'; loss: string }
	| { code: 'lossUnwired'; loss: string }
	| { code: 'targetNotData'; target: string }
	| { code: 'noInput' }
	| { code: 'manyInputs'; names: string }
	| { code: 'inputShape' | 'targetShape'; name: string; shape: string }
	| { code: 'noParameters' };

/** A model problem in English. */
export function modelProblemText(problem: ModelProblem): string {
	switch (problem.code) {
		case 'noLoss':
			return 'nothing to train: the graph has no loss node (add mse_loss)';
		case 'unknownLoss':
			return `no loss node with id '${problem.id}'`;
		case 'lossNotScalar':
			return `the loss '${problem.loss}' must give one number to train: set its reduction to 'mean' or 'sum'`;
		case 'lossUnwired':
			return `the loss '${problem.loss}' needs both inputs wired: input (the prediction) and target (y)`;
		case 'targetNotData':
			return `the loss's target '${problem.target}' must be a tensor leaf that does not require grad (the labels y)`;
		case 'noInput':
			return 'the model reads no input leaf: wire a leaf that does not require grad (x) into it';
		case 'manyInputs':
			return `the model must read exactly one input leaf (x) that does not require grad; it reads ${problem.names}`;
		case 'inputShape':
		case 'targetShape':
			return `${problem.code === 'inputShape' ? 'the input leaf' : 'the target leaf'} '${problem.name}' has shape ${problem.shape}; to take the data it must be a column, [N, 1] or [N]`;
		case 'noParameters':
			return 'nothing to train: no leaf that requires grad feeds the loss';
	}
}

const refuse = (problem: ModelProblem, nodeId?: string): Binding => ({
	ok: false,
	problem,
	message: modelProblemText(problem),
	...(nodeId === undefined ? {} : { nodeId })
});

const requiresGrad = (node: GraphNode) => isLeaf(node) && node.attrs.requiresGrad;
const elementsOf = (node: GraphNode) => numel(isLeaf(node) ? node.attrs.shape : []);

/** The nodes whose op is a loss (the registry's 'losses' category), in document order. */
export function lossNodes(doc: GraphDocument): GraphNode[] {
	return doc.nodes.filter((n) => getOp(n.op)?.category === 'losses');
}

function ancestors(start: string, inputs: Map<string, Map<string, string>>): Set<string> {
	const seen = new Set<string>();
	const stack = [start];
	while (stack.length > 0) {
		const id = stack.pop()!;
		if (seen.has(id)) continue;
		seen.add(id);
		for (const source of inputs.get(id)?.values() ?? []) stack.push(source);
	}
	return seen;
}

const leafShapeProblem = (
	node: LeafNode,
	code: 'inputShape' | 'targetShape'
): ModelProblem | null => {
	const shape = node.attrs.shape;
	if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) return null;
	return { code, name: node.name, shape: `[${shape.join(', ')}]` };
};

/**
 * Recognise y = w x + b: `linear(x, w, b)` with a 1x1 weight, or `add(mul(x, w), b)` (either
 * operand order) or `mul(x, w)`, with scalar leaves w and b that require grad.
 */
function findLine(
	outputId: string,
	inputId: string,
	nodes: Map<string, GraphNode>,
	inputs: Map<string, Map<string, string>>,
	parameters: Set<string>
): ModelBinding['line'] {
	const scalarParameter = (id: string | undefined) =>
		id !== undefined && parameters.has(id) && elementsOf(nodes.get(id)!) === 1 ? id : null;
	const output = nodes.get(outputId)!;
	const wired = inputs.get(outputId) ?? new Map<string, string>();
	if (output.op === 'linear') {
		const weightId = scalarParameter(wired.get('weight'));
		const bias = wired.get('bias');
		const biasId = bias === undefined ? null : scalarParameter(bias);
		if (wired.get('input') !== inputId || weightId === null) return null;
		if (bias !== undefined && biasId === null) return null;
		return { weightId, biasId };
	}
	const slope = (id: string | undefined): string | null => {
		if (id === undefined || nodes.get(id)?.op !== 'mul') return null;
		const operands = inputs.get(id);
		const [a, b] = [operands?.get('input'), operands?.get('other')];
		if (a === inputId) return scalarParameter(b);
		if (b === inputId) return scalarParameter(a);
		return null;
	};
	if (output.op === 'mul') {
		const weightId = slope(outputId);
		return weightId === null ? null : { weightId, biasId: null };
	}
	if (output.op === 'add') {
		const [a, b] = [wired.get('input'), wired.get('other')];
		for (const [product, offset] of [
			[a, b],
			[b, a]
		]) {
			const weightId = slope(product);
			const biasId = scalarParameter(offset);
			if (weightId !== null && biasId !== null) return { weightId, biasId };
		}
	}
	return null;
}

/**
 * Bind a document to the trainer: `lossId` picks the loss node (default: the only one, or the
 * first). Returns why the document cannot be trained otherwise.
 */
export function bindModel(doc: GraphDocument, lossId?: string): Binding {
	const index = indexGraph(doc);
	const { nodes, inputs } = index;
	const losses = lossNodes(doc);
	if (losses.length === 0) return refuse({ code: 'noLoss' });
	const loss = lossId === undefined ? losses[0] : losses.find((n) => n.id === lossId);
	if (loss === undefined) return refuse({ code: 'unknownLoss', id: String(lossId) });
	const reduction = (opAttrs(loss).reduction as string | undefined) ?? 'mean';
	if (reduction !== 'mean' && reduction !== 'sum') {
		return refuse({ code: 'lossNotScalar', loss: loss.name }, loss.id);
	}
	const outputId = inputs.get(loss.id)?.get('input');
	const targetId = inputs.get(loss.id)?.get('target');
	if (outputId === undefined || targetId === undefined) {
		return refuse({ code: 'lossUnwired', loss: loss.name }, loss.id);
	}
	const target = nodes.get(targetId)!;
	if (!isLeaf(target) || requiresGrad(target)) {
		return refuse({ code: 'targetNotData', target: target.name }, targetId);
	}
	const upstream = ancestors(outputId, inputs);
	const leaves = doc.nodes.filter(isLeaf).filter((n) => upstream.has(n.id));
	const inputLeaves = leaves.filter((n) => !requiresGrad(n));
	if (inputLeaves.length !== 1) {
		const names = inputLeaves.map((n) => `'${n.name}'`).join(', ');
		return refuse(
			inputLeaves.length === 0 ? { code: 'noInput' } : { code: 'manyInputs', names },
			outputId
		);
	}
	const input = inputLeaves[0];
	for (const [node, code] of [
		[input, 'inputShape'],
		[target, 'targetShape']
	] as const) {
		const problem = leafShapeProblem(node, code);
		if (problem !== null) return refuse(problem, node.id);
	}
	const parameterIds = leaves.filter(requiresGrad).map((n) => n.id);
	if (parameterIds.length === 0) return refuse({ code: 'noParameters' }, outputId);
	const reach = ancestors(loss.id, inputs);
	const order = index.order.filter((id) => reach.has(id));
	const line = findLine(outputId, input.id, nodes, inputs, new Set(parameterIds));

	// nn.Linear's keys when the parameters are exactly one linear node's weight (and bias).
	const output = nodes.get(outputId)!;
	const wired = inputs.get(outputId);
	const linearParameters =
		output.op === 'linear' ? (['weight', 'bias'] as const).filter((name) => wired?.has(name)) : [];
	const isLinear =
		linearParameters.length === parameterIds.length &&
		linearParameters.every((name) => parameterIds.includes(wired!.get(name)!));
	const keys = dict<string>(); // by node id, which may be `__proto__`
	for (const id of parameterIds) keys[id] = nodes.get(id)!.name;
	if (isLinear) for (const name of linearParameters) keys[wired!.get(name)!] = name;
	return {
		ok: true,
		binding: {
			lossId: loss.id,
			reduction,
			inputId: input.id,
			targetId,
			outputId,
			parameterIds: isLinear ? linearParameters.map((name) => wired!.get(name)!) : parameterIds,
			order,
			line,
			keys,
			moduleName: isLinear ? 'Linear' : 'GraphModel'
		}
	};
}

/**
 * What a trainer built for `doc` trains, as a string: documents with the same key train the same
 * model the same way, so a trainer goes on with another one of them (TrainingHost), and an edit
 * that changes the key changes what is trained (the Train panel pauses for it). `binding` is
 * `bindModel(doc, lossId)`.
 *
 * It holds how the model binds (the loss, x, y, the parameters) and the nodes that reach the
 * loss, each with its op and attributes, and the wires between them. The x and y leaves count by
 * their rank alone: the data replaces their values. Positions, names and whatever does not reach
 * the loss are left out (a parameter's name is only its state dict key, which the trainer takes
 * as it is). A document that cannot be trained keys by its problem.
 */
export function trainingKey(doc: GraphDocument, binding: Binding): string {
	if (!binding.ok) return JSON.stringify(['refused', binding.problem]);
	const { lossId, reduction, inputId, targetId, outputId, parameterIds, order, line } =
		binding.binding;
	const reach = new Set(order);
	const byId = new Map(doc.nodes.map((n) => [n.id, n]));
	const nodes = order.map((id) => {
		const node = byId.get(id)!;
		const data = (id === inputId || id === targetId) && isLeaf(node);
		return [id, node.op, data ? { rank: node.attrs.shape.length } : (node.attrs ?? null)];
	});
	const wires = doc.edges
		.filter((e) => reach.has(e.source) && reach.has(e.target))
		.map((e) => JSON.stringify([e.source, e.target, e.targetInput]))
		.sort();
	return JSON.stringify([
		[lossId, reduction, inputId, targetId, outputId, parameterIds, line],
		nodes,
		wires
	]);
}

/**
 * A short fingerprint of a `trainingKey` (the graph's cyrb53 `hash`, 14 hex digits): a saved
 * session names the model it trained by it, so a reload can tell whether the graph still trains
 * that model.
 */
export function trainingKeyHash(key: string): string {
	return hash(key);
}

/** The fingerprint of what `doc` trains with the loss `lossId` (see `trainingKey`). */
export function docTrainingHash(doc: GraphDocument, lossId?: string): string {
	return trainingKeyHash(trainingKey(doc, bindModel(doc, lossId)));
}

/**
 * The document with the data in its x and y leaves: shape [N, 1] (or [N]) and init 'values'.
 * The graph's own validation and compilation then check everything with the real data.
 */
export function withData(
	doc: GraphDocument,
	binding: ModelBinding,
	data: { x: readonly number[]; y: readonly number[] }
): GraphDocument {
	const fill = (node: GraphNode, values: readonly number[]): GraphNode => {
		if (!isLeaf(node)) return node;
		const shape = node.attrs.shape;
		return {
			...node,
			attrs: {
				shape: shape.length === 2 ? [values.length, 1] : [values.length],
				init: 'values',
				values: values.slice(),
				requiresGrad: false
			}
		};
	};
	return {
		...doc,
		nodes: doc.nodes.map((n) =>
			n.id === binding.inputId ? fill(n, data.x) : n.id === binding.targetId ? fill(n, data.y) : n
		)
	};
}
