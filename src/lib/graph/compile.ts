/**
 * Compile a document to engine calls with the graph interpreter (`interpret.ts`): every node
 * becomes a tensor, in topological order. Leaves are created from their attrs (rand and randn
 * after `torch.manualSeed(seed)`, so a leaf draws the same numbers every run, whatever else the
 * graph holds); ops run through the registry.
 *
 * Errors: compileGraph THROWS the engine's TorchError (PyTorch's message) of the first node that
 * fails, with `nodeId` set on it (read it with `failedNodeId`). An invalid document throws a
 * ValueError listing its first problem (with `nodeId` when the problem is on a node).
 */
import { errorMessage } from '$lib/util/error-message';
import * as torch from '$lib/engine/core';
import { numel, TorchError, type Tensor } from '$lib/engine/core';
import { indexGraph } from './graph-index';
import { runGraph } from './interpret';
import type { GraphDocument, LeafAttrs } from './types';
import { validateDocument } from './validate';

export interface CompiledGraph {
	/** Each node's tensor, by node id. */
	tensors: Map<string, Tensor>;
	/** Node ids in the order they were computed. */
	order: string[];
}

/** A TorchError raised while compiling, with the id of the node that raised it. */
export type CompileError = TorchError & { nodeId?: string };

/** The node a compile error belongs to, if any. */
export function failedNodeId(error: unknown): string | undefined {
	return error instanceof TorchError ? (error as CompileError).nodeId : undefined;
}

function atNode(error: unknown, nodeId: string | undefined): CompileError {
	const torchError =
		error instanceof TorchError ? error : new TorchError('RuntimeError', errorMessage(error));
	if (nodeId !== undefined) (torchError as CompileError).nodeId = nodeId;
	return torchError;
}

/** A leaf tensor from its attributes. */
export function createLeaf(attrs: LeafAttrs): Tensor {
	const shape = attrs.shape;
	const options = { requiresGrad: attrs.requiresGrad };
	switch (attrs.init) {
		case 'zeros':
			return torch.zeros(shape, options);
		case 'ones':
			return torch.ones(shape, options);
		case 'full':
			return torch.full(shape, attrs.fill ?? 0, options);
		case 'arange': {
			const data = new Float32Array(numel(shape));
			for (let i = 0; i < data.length; i++) data[i] = i;
			return torch.tensor(data, { ...options, shape });
		}
		case 'values':
			return torch.tensor(Float32Array.from(attrs.values ?? []), { ...options, shape });
		case 'rand':
			torch.manualSeed(attrs.seed ?? 0);
			return torch.rand(shape, options);
		case 'randn':
			torch.manualSeed(attrs.seed ?? 0);
			return torch.randn(shape, options);
	}
}

/** Build every node's tensor (see the module comment for errors). */
export function compileGraph(doc: GraphDocument): CompiledGraph {
	const parsed = validateDocument(doc);
	if (!parsed.ok) {
		const first = parsed.problems[0];
		const match = /^nodes\[(\d+)\]/.exec(first.path);
		const nodes = Array.isArray(doc?.nodes) ? doc.nodes : [];
		const nodeId = match === null ? undefined : nodes[Number(match[1])]?.id;
		const where = first.path === '' ? '' : `${first.path}: `;
		throw atNode(new TorchError('ValueError', `invalid graph: ${where}${first.message}`), nodeId);
	}
	const index = indexGraph(parsed.doc);
	const { tensors, failed } = runGraph(index, {
		leafFor: (node) => createLeaf(node.attrs),
		onNode: ({ node }, tensor) => {
			if (node.attrs?.retainGrad === true) tensor.retainGrad();
		}
	});
	if (failed !== null) throw atNode(failed.error, failed.nodeId);
	return { tensors, order: index.order };
}
