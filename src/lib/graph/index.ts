/**
 * The graph document: nodes and edges, its versioned schema, validation, (de)serialization,
 * share links, shape inference, edits, undo/redo, examples, the palette, and the one graph
 * interpreter (`runGraph`) that compiling, tracing and training run a graph with. Plain TypeScript: no Svelte, no DOM.
 */
export {
	DOCUMENT_PROBLEM_CODES,
	GRAPH_FORMAT,
	GRAPH_VERSION,
	isLeaf,
	LEAF_OP,
	opAttrs,
	type Connection,
	type Edit,
	type GraphDocument,
	type GraphEdge,
	type GraphNode,
	type LeafAttrs,
	type LeafInit,
	type LeafNode,
	type NodeInfo,
	type OpNode,
	type Parsed,
	type Position,
	type Problem,
	type ProblemCode,
	type Refusal,
	type RefusalCode,
	SHARE_PROBLEM_CODES,
	VALUE_KINDS
} from './types';
export {
	LEAF_INITS,
	MAX_COORDINATE,
	MAX_DIMS,
	MAX_EDGES,
	MAX_FILE_BYTES,
	MAX_NODES,
	MAX_SEED,
	MAX_TEXT_LENGTH,
	MAX_VALUES,
	REDUCTIONS
} from './schema';
export { parseDocument, tooBigToSave, tooBigToSaveRefusal, validateDocument } from './validate';
export { compactDocument, documentBytes, emptyDocument, serializeDocument } from './serialize';
export {
	capturingWarnings,
	checkConnection,
	effectiveAttrs,
	inferShapes,
	missingInputMessage,
	sinks,
	topologicalOrder,
	wireRefusal,
	type ConnectionCheck,
	type ConnectionRefusal
} from './shapes';
export {
	addNode,
	connect,
	disconnect,
	duplicateNodes,
	extractFragment,
	insertFragment,
	LEAF_KINDS,
	moveNodes,
	opNodeAttrs,
	removeNodes,
	renameNode,
	updateAttrs,
	type Fragment,
	type LeafKind
} from './edit';
export { MAX_NAME_LENGTH, nameProblem } from './names';
export { History } from './history';
export { decodeShareHash, encodeShareHash, MAX_SHARE_LINK_CHARS } from './share';
export { EXAMPLES, exampleDocument, type Example } from './examples';
export {
	PALETTE_CATEGORIES,
	paletteEntries,
	type PaletteCategory,
	type PaletteEntry
} from './palette';
export { indexGraph, inputSources, reaches, type GraphIndex } from './graph-index';
export {
	planGraph,
	runGraph,
	runPlan,
	type GraphPlan,
	type GraphRun,
	type PlanStep,
	type RunHooks
} from './interpret';
export {
	compileGraph,
	createLeaf,
	failedNodeId,
	type CompiledGraph,
	type CompileError
} from './compile';
export {
	TraceSession,
	type Accumulation,
	type BackwardInput,
	type GradPart,
	type GradSum,
	type BackwardStep,
	type ForwardInput,
	type ForwardStep,
	type RunResult,
	type TraceError,
	type TraceErrorCode,
	type TraceStep
} from './trace';
export {
	EDGE_ITEMS,
	PRINT_THRESHOLD,
	firstValue,
	matrixShape,
	maxAbs,
	pool,
	pooledOf,
	pooledSize,
	POOL_AHEAD,
	POOL_CELLS,
	type Pooled,
	nestedList,
	ravelIndex,
	tensorKind,
	type TensorKind,
	unravelIndex,
	viewOf,
	type TensorView
} from './tensor-view';
export {
	CUSTOM_OP_FLOPS,
	estimateWork,
	formatBytes,
	formatFlops,
	HEAVY_WORK,
	isHeavyWork,
	opFlops,
	WORK_BUDGET,
	workRefusal,
	type GraphWork,
	type NodeWork,
	type RefusalOptions,
	type Work,
	type WorkRefusal
} from './cost';
export {
	checkGradients,
	GRADCHECK_ATOL,
	GRADCHECK_EPS,
	GRADCHECK_FLOPS,
	GRADCHECK_RTOL,
	MAX_ELEMENTS_PER_LEAF,
	type CheckedElement,
	type ElementStatus,
	type GradcheckProblem,
	type GradcheckReport,
	type LeafCheck
} from './gradcheck';
