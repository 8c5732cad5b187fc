/**
 * Random graph documents for the round-trip tests and the PyTorch check.
 *
 * `valid: true` keeps only ops whose shapes work (the canvas shows no error) and draws values in
 * tame ranges, so that PyTorch and the engine compute finite numbers. Otherwise wiring, names
 * and values are wild: shape errors, any text as a name, any finite double as a value.
 */
import { getOp, Mulberry32 } from '$lib/engine';
import {
	GRAPH_FORMAT,
	GRAPH_VERSION,
	inferShapes,
	isLeaf,
	LEAF_OP,
	opAttrs,
	type GraphDocument,
	type GraphNode,
	type LeafAttrs
} from '$lib/graph';
import { hash } from '$lib/graph/signatures';

export interface RandomGraphOptions {
	/** Only shape-valid ops with tame values (for PyTorch). */
	valid?: boolean;
	/** Names to use now and then (any text); otherwise identifiers and automatic names. */
	names?: string[];
	/** Numbers to use for leaf values now and then (any finite doubles). */
	values?: number[];
	/** How many ops to add (at most). */
	steps?: number;
}

const SHAPES: number[][] = [[], [1], [3], [2, 3], [3, 2], [2, 2], [4, 1], [1, 3], [2, 1, 3]];
const NAMES = ['x', 'w', 'b', 'y', 'z', 'h', 'loss', 'out', 'a', 'c', 'weight', 'bias', 'pred'];
const UNARY = ['neg', 'exp', 'relu', 'tanh', 'sigmoid'];
const WILD_UNARY = ['log', 'sqrt'];
const BINARY = ['add', 'sub', 'mul', 'div', 'pow'];

class Random {
	private readonly generator: Mulberry32;
	constructor(seed: number) {
		this.generator = new Mulberry32(seed);
	}
	next(): number {
		return this.generator.next();
	}
	int(n: number): number {
		return Math.floor(this.next() * n);
	}
	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	/** A float32-friendly number in [low, high), rounded to 3 decimals. */
	uniform(low: number, high: number): number {
		return Math.round((low + (high - low) * this.next()) * 1000) / 1000;
	}
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function randomGraph(seed: number, options: RandomGraphOptions = {}): GraphDocument {
	const random = new Random(seed);
	const valid = options.valid === true;
	const nodes: GraphNode[] = [];
	const edges: GraphDocument['edges'] = [];
	const counters = new Map<string, number>();
	let nextNode = 1;
	let nextEdge = 1;
	const doc = (): GraphDocument => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges });

	const autoName = (base: string) => {
		const k = (counters.get(base) ?? 0) + 1;
		counters.set(base, k);
		return `${base}${k}`;
	};
	const name = (op: string) => {
		if (options.names?.length && random.chance(0.25)) return random.pick(options.names);
		if (random.chance(0.5)) return autoName(op === LEAF_OP ? 't' : op);
		return random.pick(NAMES);
	};
	const value = (low: number, high: number) =>
		!valid && options.values?.length && random.chance(0.5)
			? random.pick(options.values)
			: random.uniform(low, high);

	const addLeaf = (shape: number[], range: [number, number] = [-2, 2], requiresGrad?: boolean) => {
		// A range above 0 (a log's input, a denominator) keeps to inits that stay in it.
		const positive = range[0] > 0;
		const init = random.pick(
			positive && valid
				? (['values', 'values', 'ones', 'full'] as const)
				: valid
					? (['values', 'values', 'rand', 'randn', 'ones', 'full', 'arange'] as const)
					: (['values', 'zeros', 'ones', 'full', 'arange', 'rand', 'randn'] as const)
		);
		const attrs: LeafAttrs = { shape, init, requiresGrad: requiresGrad ?? random.chance(0.5) };
		if (init === 'values')
			attrs.values = Array.from({ length: numel(shape) }, () => value(...range));
		if (init === 'full') attrs.fill = value(0.5, 2);
		if (init === 'rand' || init === 'randn') attrs.seed = random.int(1000);
		if (!valid && random.chance(0.1)) attrs.retainGrad = true;
		const id = `n${nextNode++}`;
		nodes.push({
			id,
			op: LEAF_OP,
			name: name(LEAF_OP),
			position: { x: 0, y: 0 },
			attrs: { ...attrs }
		});
		return id;
	};
	const addConstant = (v: number) => {
		const id = `n${nextNode++}`;
		nodes.push({
			id,
			op: LEAF_OP,
			name: autoName('t'),
			position: { x: 0, y: 0 },
			attrs: { shape: [], init: 'values', values: [v], requiresGrad: false }
		});
		return id;
	};
	const addOp = (op: string, inputs: [string, string][], attrs?: Record<string, unknown>) => {
		const id = `n${nextNode++}`;
		const node: GraphNode = { id, op, name: name(op), position: { x: 0, y: 0 } };
		const all = { ...(attrs ?? {}) };
		if (!valid && random.chance(0.1)) all.retainGrad = true;
		if (Object.keys(all).length > 0) node.attrs = all;
		nodes.push(node);
		for (const [input, source] of inputs) {
			edges.push({ id: `e${nextEdge++}`, source, target: id, targetInput: input });
		}
		return id;
	};
	const shapeOf = (id: string): number[] | null => inferShapes(doc()).get(id)?.shape ?? null;
	/** Remove the last node (and its edges) when its shape does not work, in valid mode. */
	const keep = (id: string): boolean => {
		const info = inferShapes(doc()).get(id);
		if (!valid || (info !== undefined && info.error === null && info.shape !== null)) return true;
		while (nodes.length > 0 && nodes[nodes.length - 1].id !== id) nodes.pop();
		nodes.pop();
		while (edges.length > 0 && edges[edges.length - 1].target === id) edges.pop();
		return false;
	};

	for (let i = 0, n = 1 + random.int(3); i < n; i++) addLeaf(random.pick(SHAPES));
	const steps = options.steps ?? 1 + random.int(7);
	for (let step = 0; step < steps; step++) {
		const ops = nodes.filter((n) => n.op !== LEAF_OP);
		const pool = ops.length > 0 && random.chance(0.6) ? ops : nodes;
		const a = random.pick(pool).id;
		const shape = shapeOf(a) ?? random.pick(SHAPES);
		const kind = random.int(12);
		let id: string;
		if (kind < 3) {
			const op = random.pick(BINARY);
			let other: string;
			if (op === 'pow') {
				other =
					valid || random.chance(0.7) ? addConstant(random.pick([2, 3])) : addLeaf(shape, [0.5, 2]);
			} else if (op === 'div') {
				other = random.chance(0.4)
					? addConstant(random.pick([2, 4, -0.5]))
					: addLeaf(shape, [0.5, 2]);
			} else if (random.chance(0.3)) {
				other = addConstant(value(-3, 3));
			} else if (random.chance(0.5)) {
				other = addLeaf(shape);
			} else {
				other = random.pick(nodes).id;
			}
			const swap = !valid && op !== 'pow' && random.chance(0.3);
			const second = op === 'pow' ? 'exponent' : 'other';
			id = addOp(
				op,
				swap
					? [
							['input', other],
							[second, a]
						]
					: [
							['input', a],
							[second, other]
						]
			);
		} else if (kind < 5) {
			const op = random.pick([...UNARY, ...WILD_UNARY]);
			// log and sqrt of a positive leaf when values must stay finite.
			const input = valid && WILD_UNARY.includes(op) ? addLeaf(shape, [0.5, 2]) : a;
			id = addOp(op, [['input', input]]);
		} else if (kind === 10) {
			id = addOp('log_softmax', [['input', a]], {
				dim: shape.length > 0 ? random.int(shape.length) : 0
			});
		} else if (kind === 11) {
			const size = shape.map((d) => (d === 1 ? 2 + random.int(2) : d));
			id = addOp('expand', [['input', a]], { size: random.chance(0.3) ? [2, ...size] : size });
		} else if (kind < 6) {
			const attrs: Record<string, unknown> = {};
			if (shape.length > 0 && random.chance(0.6)) {
				const d = random.int(shape.length);
				attrs.dim = random.chance(0.5) ? d : [d];
				if (random.chance(0.5)) attrs.keepdim = random.chance(0.8);
			}
			id = addOp(random.pick(['sum', 'mean']), [['input', a]], attrs);
		} else if (kind < 7) {
			const k = shape.length === 2 ? shape[1] : shape.length === 1 ? shape[0] : 2;
			const b = addLeaf(random.chance(0.5) ? [k, 1 + random.int(3)] : [k]);
			id = addOp('matmul', [
				['input', a],
				['other', b]
			]);
		} else if (kind < 8) {
			if (shape.length === 2 || !valid) {
				id = addOp(
					'transpose',
					[['input', a]],
					random.chance(0.7) ? { dim0: 0, dim1: 1 } : { dim0: -1, dim1: 0 }
				);
			} else {
				id = addOp('reshape', [['input', a]], {
					shape: random.chance(0.5) ? [-1] : [1, numel(shape)]
				});
			}
		} else if (kind < 9) {
			const target = addLeaf(shape, [-2, 2], false);
			const reduction = random.pick([undefined, 'mean', 'sum', 'none']);
			id = addOp(
				'mse_loss',
				[
					['input', a],
					['target', target]
				],
				reduction === undefined ? undefined : { reduction }
			);
		} else {
			const inFeatures = shape.length > 0 ? shape[shape.length - 1] : 1;
			const outFeatures = 1 + random.int(3);
			const weight = addLeaf([outFeatures, inFeatures], [-1, 1], true);
			const inputs: [string, string][] = [
				['input', a],
				['weight', weight]
			];
			if (random.chance(0.7)) inputs.push(['bias', addLeaf([outFeatures], [-1, 1], true)]);
			id = addOp('linear', inputs);
		}
		keep(id);
	}
	// Often end with a scalar, so that backward runs.
	const ends = nodes.filter((n) => !edges.some((e) => e.source === n.id));
	const last = ends[ends.length - 1];
	const lastShape = last === undefined ? null : shapeOf(last.id);
	if (last !== undefined && lastShape !== null && numel(lastShape) !== 1 && random.chance(0.7)) {
		keep(addOp('sum', [['input', last.id]]));
	}
	if (!valid && random.chance(0.3)) {
		// Document order is free: shuffle it.
		for (let i = nodes.length - 1; i > 0; i--) {
			const j = random.int(i + 1);
			[nodes[i], nodes[j]] = [nodes[j], nodes[i]];
		}
	}
	return doc();
}

/** A node's attrs with defaults dropped, for comparing graphs. */
function normalAttrs(node: GraphNode): Record<string, unknown> {
	if (isLeaf(node)) {
		const leaf = node.attrs;
		const out: Record<string, unknown> = {
			shape: leaf.shape,
			init: leaf.init,
			requiresGrad: leaf.requiresGrad
		};
		if (leaf.init === 'values') out.values = leaf.values!.map((v) => (Object.is(v, -0) ? '-0' : v));
		if (leaf.init === 'full') out.fill = leaf.fill ?? 0;
		if (leaf.init === 'rand' || leaf.init === 'randn') out.seed = leaf.seed ?? 0;
		if (leaf.retainGrad === true) out.retainGrad = true;
		return out;
	}
	const attrs = opAttrs(node);
	const out: Record<string, unknown> = {};
	for (const spec of getOp(node.op)?.attrs ?? []) {
		const value = attrs[spec.name];
		if (value !== undefined && value !== spec.default) out[spec.name] = value;
	}
	if (attrs.retainGrad === true) out.retainGrad = true;
	return out;
}

/**
 * One string per node that describes it and, recursively, everything it reads (op, attrs,
 * inputs by name), without ids, names or positions. Two graphs are the same graph when their
 * sorted signature lists are equal.
 */
export function nodeSignatures(doc: GraphDocument): Map<string, string> {
	const inputs = new Map<string, [string, string][]>();
	for (const edge of doc.edges) {
		(inputs.get(edge.target) ?? inputs.set(edge.target, []).get(edge.target)!).push([
			edge.targetInput,
			edge.source
		]);
	}
	const byId = new Map(doc.nodes.map((n) => [n.id, n]));
	const signatures = new Map<string, string>();
	const visit = (id: string): string => {
		const known = signatures.get(id);
		if (known !== undefined) return known;
		const node = byId.get(id)!;
		const wires = (inputs.get(id) ?? [])
			.map(([input, source]) => `${input}=#${hash(visit(source))}`)
			.sort()
			.join(',');
		const text = `${node.op}${JSON.stringify(normalAttrs(node))}(${wires})`;
		signatures.set(id, text);
		return text;
	};
	for (const node of doc.nodes) visit(node.id);
	return signatures;
}

export function graphSignature(doc: GraphDocument): string[] {
	return [...nodeSignatures(doc).values()].sort();
}
