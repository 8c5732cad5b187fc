/**
 * The graph an import builds: nodes, edges and names, with undo for a statement that fails
 * (its nodes and attribute changes are dropped), automatic names like the editor's, and the
 * seed counter for rand / randn leaves.
 */
import type { GraphEdge, GraphNode } from '$lib/graph';
import { isLeaf, LEAF_OP, MAX_NODES } from '$lib/graph';
import { ImportProblem, StopImport, unsupported, valueProblem } from './import-args';
import { autoNameBase, isAutoName } from './names';
import type { RawProblem } from './source';
import { describeValue, type Value } from './values';
import { excerpt } from '$lib/util/excerpt';

export interface Mark {
	nodes: number;
	edges: number;
	/** How many undo steps there were. */
	undo: number;
	problems: number;
	counters: Map<string, number>;
	seedBase: number;
	draws: number;
	output: string | null;
}

export class GraphBuilder {
	protected readonly nodes: GraphNode[] = [];
	protected readonly edges: GraphEdge[] = [];
	private readonly byId = new Map<string, GraphNode>();
	/** Source offset of the expression that made each node. */
	protected readonly origin = new Map<string, number>();
	protected readonly names = new Set<string>();
	/** Every name the code assigns: automatic names avoid them. */
	protected readonly assigned = new Set<string>();
	/** Transpose nodes written `.t()` / `.T`: fixed up for 1-D inputs at the end. */
	protected readonly fromT = new Set<string>();
	/** Nodes made by the current statement that still have automatic names. */
	protected readonly unnamed = new Set<string>();
	private nextNode = 1;
	private nextEdge = 1;
	protected seedBase = 0;
	protected draws = 0;
	/** The node `.backward()` was called on last. */
	protected output: string | null = null;
	/** Whether the current statement did something that counts (backward, retain_grad, ...). */
	protected sideEffect = false;
	/** Problems found so far (a failed statement drops those it added). */
	protected readonly problems: RawProblem[] = [];
	/** The next number to try for automatic names (`mul1`) and versions (`x_1`), by base. */
	private readonly counters = new Map<string, number>();
	private readonly versions = new Map<string, number>();
	/** How to undo changes to existing nodes (attrs, names), newest last. */
	private readonly undo: (() => void)[] = [];

	protected mark(): Mark {
		return {
			nodes: this.nodes.length,
			edges: this.edges.length,
			undo: this.undo.length,
			problems: this.problems.length,
			counters: new Map(this.counters),
			seedBase: this.seedBase,
			draws: this.draws,
			output: this.output
		};
	}

	/** Drop everything done since `mark`. */
	protected rollback(mark: Mark): void {
		while (this.undo.length > mark.undo) this.undo.pop()!();
		for (const node of this.nodes.splice(mark.nodes)) {
			this.byId.delete(node.id);
			this.origin.delete(node.id);
			this.fromT.delete(node.id);
			this.names.delete(node.name);
		}
		this.edges.length = mark.edges;
		this.problems.length = mark.problems;
		this.counters.clear();
		for (const [base, next] of mark.counters) this.counters.set(base, next);
		this.seedBase = mark.seedBase;
		this.draws = mark.draws;
		this.output = mark.output;
	}

	/** Change a node's attrs (undone by a rollback). */
	protected setAttrs(id: string, attrs: Record<string, unknown>): void {
		const node = this.node(id);
		const old = node.attrs;
		this.undo.push(() => (node.attrs = old));
		node.attrs = attrs;
	}

	/** Rename a node (undone by a rollback). */
	protected rename(id: string, name: string): void {
		const node = this.node(id);
		const old = node.name;
		this.undo.push(() => {
			this.names.delete(node.name);
			node.name = old;
			this.names.add(old);
		});
		this.names.delete(old);
		node.name = name;
		this.names.add(name);
		// An automatic name given up is free again (`y = x.sum()` leaves `sum1` for the next sum).
		const base = autoNameBase(node.op);
		if (isAutoName(old, node.op)) {
			const freed = Number(old.slice(base.length));
			this.counters.set(base, Math.min(this.counters.get(base) ?? 1, freed));
		}
	}

	protected node(id: string): GraphNode {
		return this.byId.get(id)!;
	}

	protected addNode(
		op: string,
		name: string,
		attrs: Record<string, unknown> | undefined,
		start: number
	): string {
		if (this.nodes.length >= MAX_NODES) {
			throw new StopImport(
				start,
				`the graph would have more than ${MAX_NODES} nodes: the import stops here`
			);
		}
		const id = `n${this.nextNode++}`;
		const node: GraphNode = { id, op, name, position: { x: 0, y: 0 } };
		if (attrs !== undefined) node.attrs = attrs;
		this.nodes.push(node);
		this.byId.set(id, node);
		this.names.add(name);
		this.origin.set(id, start);
		return id;
	}

	protected addEdge(source: string, target: string, targetInput: string): void {
		this.edges.push({ id: `e${this.nextEdge++}`, source, target, targetInput });
	}

	/** `base1`, `base2`, ...: like the editor's names, avoiding every name the code assigns. */
	protected autoName(base: string): string {
		let i = this.counters.get(base) ?? 1;
		while (this.names.has(`${base}${i}`) || this.assigned.has(`${base}${i}`)) i++;
		this.counters.set(base, i + 1);
		return `${base}${i}`;
	}

	/** A name for a node the code names `name`: itself, or `name_1`, ... when it is taken. */
	protected claimName(name: string): string {
		if (!this.names.has(name)) return name;
		let i = this.versions.get(name) ?? 1;
		while (this.names.has(`${name}_${i}`) || this.assigned.has(`${name}_${i}`)) i++;
		this.versions.set(name, i + 1);
		return `${name}_${i}`;
	}

	protected paramName(base: string): string {
		if (!this.names.has(base) && !this.assigned.has(base)) return base;
		return this.autoName(base);
	}

	protected nextSeed(): number {
		const seed = (this.seedBase + this.draws) % 2 ** 32;
		this.draws++;
		return seed;
	}

	/** The node a value stands for, adding a leaf for a new tensor or a number. */
	protected materialize(value: Value, start: number, what: string): string {
		switch (value.kind) {
			case 'tensor':
				return value.node;
			case 'fresh':
				return this.addNode(LEAF_OP, this.autoName('t'), { ...value.attrs }, value.start);
			case 'number': {
				if (!Number.isFinite(value.value)) {
					throw valueProblem(start, `${value.value} is not a finite number`);
				}
				return this.addNode(
					LEAF_OP,
					this.autoName('t'),
					{ shape: [], init: 'values', values: [value.value], requiresGrad: false },
					start
				);
			}
			case 'failed':
				throw new ImportProblem(start, value.reason, 'undefined-name');
			default:
				throw valueProblem(
					start,
					`${what} must be a tensor or a number, not ${describeValue(value)}`
				);
		}
	}

	/** Add an op node with its inputs wired. */
	protected op(
		opId: string,
		start: number,
		inputs: [name: string, value: Value | null, start: number][],
		attrs: Record<string, unknown> = {}
	): Value {
		const sources = inputs.map(
			([name, value, at]) =>
				[name, value === null ? null : this.materialize(value, at, `'${excerpt(name)}'`)] as const
		);
		const id = this.addNode(
			opId,
			this.autoName(opId),
			Object.keys(attrs).length > 0 ? attrs : undefined,
			start
		);
		for (const [name, source] of sources) if (source !== null) this.addEdge(source, id, name);
		this.unnamed.add(id);
		return { kind: 'tensor', node: id };
	}

	protected transposeT(owner: Value, start: number): Value {
		const result = this.op('transpose', start, [['input', owner, start]], { dim0: 0, dim1: 1 });
		if (result.kind === 'tensor') this.fromT.add(result.node);
		return result;
	}

	protected setRequiresGrad(id: string, flag: boolean, start: number): void {
		const node = this.node(id);
		if (!isLeaf(node)) {
			throw unsupported(
				start,
				`only leaves can have requires_grad set (PyTorch: you can only change requires_grad flags of leaf variables); ${excerpt(node.name)} is computed`
			);
		}
		this.setAttrs(id, { ...(node.attrs ?? {}), requiresGrad: flag });
	}
}
