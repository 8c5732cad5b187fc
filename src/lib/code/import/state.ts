/**
 * Everything one import reads and builds, in one object that the importer's functions take as
 * their first argument: the source, the names in scope, the graph being built, the problems
 * found. Only the functions in `graph.ts` add or change nodes and edges (so that a failed
 * statement can be rolled back, see `mark` / `rollback` there).
 */
import type { GraphEdge, GraphNode } from '$lib/graph';
import type { CodeProblemKind, LineMap, RawProblem } from '../source';
import type { Comment } from '../tokenizer';
import type { Value } from './values';
import { excerpt } from '$lib/util/excerpt';
import { reasonText, type ProblemReason, type ProblemWording } from '../problem-codes';

/** What a name stands for, and the line that gave it the value (0: defined before the code). */
export interface Binding {
	value: Value;
	line: number;
}

export interface ImportState {
	readonly source: string;
	readonly lines: LineMap;
	/** The names in scope: builtins, `torch`, imports, assigned names. */
	readonly env: Map<string, Binding>;
	/** Comments alone on their line, by line. */
	readonly comments: Map<number, Comment>;
	/** Every name the code assigns: automatic names avoid them. */
	readonly assigned: Set<string>;
	/** Problems found so far (a failed statement drops those it added). */
	readonly problems: RawProblem[];

	// The graph being built.
	readonly nodes: GraphNode[];
	readonly edges: GraphEdge[];
	readonly byId: Map<string, GraphNode>;
	/** Source offset of the expression that made each node. */
	readonly origin: Map<string, number>;
	/** The names of the nodes. */
	readonly names: Set<string>;
	/** Transpose nodes written `.t()` / `.T`: fixed up for 1-D inputs at the end. */
	readonly fromT: Set<string>;
	/** Nodes made by the current statement that still have automatic names. */
	readonly unnamed: Set<string>;
	/** The next number to try for automatic names (`mul1`), by base. */
	readonly counters: Map<string, number>;
	/** The next number to try for versions of a name (`x_1`), by name. */
	readonly versions: Map<string, number>;
	/** How to undo changes to existing nodes (attrs, names), newest last. */
	readonly undo: (() => void)[];
	nextNode: number;
	nextEdge: number;

	/** rand / randn seeds: the k-th draw after `torch.manual_seed(seedBase)` gets seedBase + k. */
	seedBase: number;
	draws: number;
	/** The node `.backward()` was called on last. */
	output: string | null;
	/** Whether the current statement did something that counts (backward, retain_grad, ...). */
	sideEffect: boolean;
	/** The last `backward()` call's retain_graph (null: the code calls none). */
	retainGraph: boolean | null;

	/**
	 * Lines imported with a remark: accepted but not built (torch.save, a prediction printed), or
	 * built differently from how they read (a name assigned again): said, not refused.
	 */
	readonly notes: RawNote[];
	/** The training loop's settings (`blocks.ts`), once one is read. */
	training: TrainingSetup | null;
	/** The device the code moves its model or data to (`.to(device)`). */
	device: 'auto' | 'cpu' | 'webgpu' | null;
	/** How many method calls of a class (`model(x)` running `forward`) are running. */
	callDepth: number;
	/** Inside the training loop: whether it called `optimizer.step()`. */
	loop: { stepped: boolean; optimizer: Extract<Value, { kind: 'optimizer' }> | null } | null;
}

/** What the tutorial's training loop sets up (the Train panel's settings). */
export interface TrainingSetup {
	lr: number;
	momentum: number;
	epochs: number;
	/** `if epoch % N == 0: print(...)`: N, or null when the loop prints nothing. */
	logEvery: number | null;
	/** Offset of the `for`. */
	start: number;
}

export function createImportState(source: string, lines: LineMap): ImportState {
	return {
		source,
		lines,
		env: new Map(),
		comments: new Map(),
		assigned: new Set(),
		problems: [],
		nodes: [],
		edges: [],
		byId: new Map(),
		origin: new Map(),
		names: new Set(),
		fromT: new Set(),
		unnamed: new Set(),
		counters: new Map(),
		versions: new Map(),
		undo: [],
		nextNode: 1,
		nextEdge: 1,
		seedBase: 0,
		draws: 0,
		output: null,
		sideEffect: false,
		retainGraph: null,
		notes: [],
		training: null,
		device: null,
		callDepth: 0,
		loop: null
	};
}

/** The 1-based line of a source offset. */
export function lineOf(state: ImportState, offset: number): number {
	return state.lines.line(offset);
}

/** Give `name` a value, assigned by the code at `start`. */
export function bind(state: ImportState, name: string, value: Value, start: number): void {
	state.env.set(name, { value, line: lineOf(state, start) });
}

/** Give `name` a value that says why it has none (`why`: its statement was not imported). */
export function bindFailed(
	state: ImportState,
	name: string,
	line: number,
	why: ProblemReason
): void {
	const shown = excerpt(name);
	const reason = `${shown} has no value: ${reasonText(why)}`;
	state.env.set(name, { value: { kind: 'failed', line, reason, name: shown, why }, line });
}

/** A line that is not imported, and why: a problem (the dialog lists it as left out). */
export function problem(
	state: ImportState,
	offset: number,
	message: string,
	kind: CodeProblemKind,
	wording?: ProblemWording
): void {
	state.problems.push(
		wording === undefined ? { offset, message, kind } : { offset, message, kind, ...wording }
	);
}

/**
 * Why a line is said, not refused: accepted but not built, a model file written (`save`) or read
 * (`load`), a prediction read into numpy (`prediction`); or imported as a new node because its
 * name had a value already (`reassigned`; `reassignedReads` when the new value reads the old).
 * The UI words each in its language.
 */
export type NoteCode = 'save' | 'load' | 'prediction' | 'reassigned' | 'reassignedReads';

/** A note before its line and column are known. */
export interface RawNote {
	offset: number;
	code: NoteCode;
	/** The code the note is about (an excerpt of the line, the call, or the name). */
	subject: string;
	/** The other parameters of the note's message, by code (see `NOTE_TEXT`). */
	params: Record<string, string | number>;
	/** The note in English. */
	message: string;
}

/**
 * The English words of each note; `{subject}` is the code it is about. A reassignment's
 * `{previous}` is the line that gave the name its old value, `{node}` the new node's name.
 */
export const NOTE_TEXT: Record<NoteCode, string> = {
	save: '{subject}(...) writes a model file: use Save model in the Train panel',
	load: '{subject}(torch.load(...)) reads a model file: use Load model in the Train panel',
	prediction:
		'{subject}: a prediction read into numpy is not built (the Train panel shows the predictions)',
	reassigned:
		'{subject} is assigned again (it was assigned on line {previous}): the canvas keeps both values; the new one is the node {node}',
	reassignedReads:
		'{subject} = ... reads the old {subject} (it was assigned on line {previous}): a node cannot feed itself, so the new value is a new node, {node}'
};

/**
 * A line imported with a remark, said in the import's notes (not a problem). `params` are the
 * message's other parameters (quotes of the code in them are excerpts already).
 */
export function remark(
	state: ImportState,
	offset: number,
	code: NoteCode,
	subject: string,
	params: Record<string, string | number> = {}
): void {
	const shown = excerpt(subject);
	const values: Record<string, string | number> = { ...params, subject: shown };
	state.notes.push({
		offset,
		code,
		subject: shown,
		params,
		// One pass, so that a quote holding `{node}` stays as written.
		message: NOTE_TEXT[code].replace(/\{(\w+)\}/g, (match, name: string) =>
			Object.hasOwn(values, name) ? String(values[name]) : match
		)
	});
}
