/**
 * What the trainer trains, read from a graph document: the loss node, the leaf the data's x
 * feeds (the one input leaf upstream of the loss that does not require grad), the leaf its y
 * feeds (the loss's `target`), and the trainable parameters (the leaves upstream of the loss
 * that require grad). Plain data; no tensors.
 *
 * In the Linear regression example: loss = mse_loss(linear(x, weight, bias), y), so x <- data x,
 * y <- data y, parameters = [weight, bias], and the state dict keys are nn.Linear's.
 */
import { getOp, numel } from '$lib/engine';
import {
	indexGraph,
	isLeaf,
	opAttrs,
	type GraphDocument,
	type GraphNode,
	type LeafNode
} from '$lib/graph';
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
	{ ok: true; binding: ModelBinding } | { ok: false; message: string; nodeId?: string };

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

const leafShapeProblem = (node: LeafNode, role: string): string | null => {
	const shape = node.attrs.shape;
	if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) return null;
	return `${role} '${node.name}' has shape [${shape.join(', ')}]; to take the data it must be a column, [N, 1] or [N]`;
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
	if (losses.length === 0) {
		return { ok: false, message: 'nothing to train: the graph has no loss node (add mse_loss)' };
	}
	const loss = lossId === undefined ? losses[0] : losses.find((n) => n.id === lossId);
	if (loss === undefined) return { ok: false, message: `no loss node with id '${lossId}'` };
	const reduction = (opAttrs(loss).reduction as string | undefined) ?? 'mean';
	if (reduction !== 'mean' && reduction !== 'sum') {
		return {
			ok: false,
			nodeId: loss.id,
			message: `the loss '${loss.name}' must give one number to train: set its reduction to 'mean' or 'sum'`
		};
	}
	const outputId = inputs.get(loss.id)?.get('input');
	const targetId = inputs.get(loss.id)?.get('target');
	if (outputId === undefined || targetId === undefined) {
		return {
			ok: false,
			nodeId: loss.id,
			message: `the loss '${loss.name}' needs both inputs wired: input (the prediction) and target (y)`
		};
	}
	const target = nodes.get(targetId)!;
	if (!isLeaf(target) || requiresGrad(target)) {
		return {
			ok: false,
			nodeId: targetId,
			message: `the loss's target '${target.name}' must be a tensor leaf that does not require grad (the labels y)`
		};
	}
	const upstream = ancestors(outputId, inputs);
	const leaves = doc.nodes.filter(isLeaf).filter((n) => upstream.has(n.id));
	const inputLeaves = leaves.filter((n) => !requiresGrad(n));
	if (inputLeaves.length !== 1) {
		const names = inputLeaves.map((n) => `'${n.name}'`).join(', ');
		return {
			ok: false,
			nodeId: outputId,
			message:
				inputLeaves.length === 0
					? 'the model reads no input leaf: wire a leaf that does not require grad (x) into it'
					: `the model must read exactly one input leaf (x) that does not require grad; it reads ${names}`
		};
	}
	const input = inputLeaves[0];
	for (const [node, role] of [
		[input, 'the input leaf'],
		[target, 'the target leaf']
	] as const) {
		const problem = leafShapeProblem(node, role);
		if (problem !== null) return { ok: false, nodeId: node.id, message: problem };
	}
	const parameterIds = leaves.filter(requiresGrad).map((n) => n.id);
	if (parameterIds.length === 0) {
		return {
			ok: false,
			nodeId: outputId,
			message: 'nothing to train: no leaf that requires grad feeds the loss'
		};
	}
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
