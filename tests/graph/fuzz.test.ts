/**
 * Fuzzing (fast-check): random JSON, random text, mutated valid documents, hostile share links
 * and random edit sequences. Nothing may throw; bad input only ever yields problems or a
 * refused edit; no input is ever changed; whatever validates also infers, orders, serializes
 * and round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
	addNode,
	checkConnection,
	connect,
	decodeShareHash,
	disconnect,
	duplicateNodes,
	emptyDocument,
	encodeShareHash,
	EXAMPLES,
	History,
	inferShapes,
	MAX_FILE_BYTES,
	moveNodes,
	paletteEntries,
	parseDocument,
	removeNodes,
	renameNode,
	serializeDocument,
	sinks,
	topologicalOrder,
	updateAttrs,
	validateDocument,
	type Edit,
	type GraphDocument,
	type Parsed
} from '$lib/graph';

// Thousands of runs each: give them time on a slow machine.
vi.setConfig({ testTimeout: 60_000 });

const KINDS = paletteEntries().map((e) => e.id);
const INPUT_NAMES = ['input', 'other', 'exponent', 'target', 'weight', 'bias', 'x', ''];

/** Problems are well formed: non-empty messages, string paths. */
function expectWellFormed(result: Parsed): void {
	if (result.ok) return;
	expect(result.problems.length).toBeGreaterThan(0);
	for (const p of result.problems) {
		expect(typeof p.path).toBe('string');
		expect(typeof p.message).toBe('string');
		expect(p.message.length).toBeGreaterThan(0);
	}
}

/** Everything a valid document must support without throwing. */
function expectUsable(doc: GraphDocument): void {
	const infos = inferShapes(doc);
	expect(infos.size).toBe(new Set(doc.nodes.map((n) => n.id)).size);
	const order = topologicalOrder(doc);
	expect(order).toHaveLength(doc.nodes.length); // a valid document has no cycle
	sinks(doc);
	expect(parseDocument(serializeDocument(doc))).toEqual({ ok: true, doc });
}

/**
 * A deterministic description of any value (NaN, -0, undefined, prototypes-free), to check that
 * a value is unchanged: snapshot before, snapshot after, compare the strings.
 */
function snapshot(value: unknown, seen = new Set<unknown>()): string {
	if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value !== 'object' || value === null) return String(value);
	if (seen.has(value)) return '<cycle>';
	seen.add(value);
	const out = Array.isArray(value)
		? `[${value.map((v) => snapshot(v, seen)).join(',')}]`
		: `{${Object.keys(value)
				.map((k) => `${JSON.stringify(k)}:${snapshot((value as Record<string, unknown>)[k], seen)}`)
				.join(',')}}`;
	seen.delete(value);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Random valid documents, built by random edits from an empty one. */
const validDocument: fc.Arbitrary<GraphDocument> = fc
	.array(
		fc.oneof(
			fc.record({ add: fc.constantFrom(...KINDS) }),
			fc.record({ wire: fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...INPUT_NAMES)) })
		),
		{ maxLength: 25 }
	)
	.map((steps) => {
		let doc = emptyDocument();
		let x = 0;
		for (const step of steps) {
			let result: Edit;
			if ('add' in step) result = addNode(doc, step.add, { x: (x += 200), y: 0 });
			else {
				const [s, t, input] = step.wire;
				const n = doc.nodes.length;
				if (n === 0) continue;
				result = connect(doc, {
					source: doc.nodes[s % n].id,
					target: doc.nodes[t % n].id,
					targetInput: input
				});
			}
			if (result.ok) doc = result.doc;
		}
		return doc;
	});

const seedDocument = fc.oneof(fc.constantFrom(...EXAMPLES.map((e) => e.doc)), validDocument);

const nastyValue = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	fc.constantFrom<unknown>(
		NaN,
		Infinity,
		-Infinity,
		undefined,
		null,
		-1,
		0,
		-0,
		1.5,
		1e9,
		2 ** 53,
		'',
		'tensor',
		'add',
		'threshold_backward',
		'__proto__',
		'constructor',
		'n1',
		'input',
		'<img src=x onerror=alert(1)>',
		[],
		{},
		[1e9, 1e9],
		[100000, 100000],
		[2, 3],
		[0],
		[-1],
		['3'],
		{ x: 0, y: 0 },
		'x'.repeat(200)
	)
);

type Path = (string | number)[];

/** Every path to a value inside `value` (objects and arrays). */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
	if (typeof value === 'object' && value !== null) {
		if (Array.isArray(value) && value.length > 64) {
			out.push(prefix);
			return out;
		}
		for (const key of Object.keys(value)) {
			const path = [...prefix, Array.isArray(value) ? Number(key) : key];
			out.push(path);
			pathsOf((value as Record<string, unknown>)[key], path, out);
		}
	}
	return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
	let node = root as Record<string | number, unknown>;
	for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
	return node;
}

type Mutation =
	| { kind: 'replace'; pick: number; value: unknown }
	| { kind: 'delete'; pick: number }
	| { kind: 'edge'; source: number; target: number; input: string; id: string }
	| { kind: 'hugeShape'; pick: number; shape: readonly number[] }
	| { kind: 'bigValues'; pick: number; length: number }
	| { kind: 'duplicateNode'; pick: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: nastyValue }),
	fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
	fc.record({
		kind: fc.constant('edge' as const),
		source: fc.nat(),
		target: fc.nat(),
		input: fc.constantFrom(...INPUT_NAMES),
		id: fc.constantFrom('e1', 'e2', 'e99', 'fresh', '')
	}),
	fc.record({
		kind: fc.constant('hugeShape' as const),
		pick: fc.nat(),
		shape: fc.constantFrom(
			[1000, 1000, 1000],
			[2 ** 31],
			[100000, 100000],
			[1e300, 1e300],
			[2, 2, 2, 2, 2, 2, 2, 2, 2]
		)
	}),
	fc.record({
		kind: fc.constant('bigValues' as const),
		pick: fc.nat(),
		length: fc.constantFrom(0, 1, 11, 12)
	}),
	fc.record({ kind: fc.constant('duplicateNode' as const), pick: fc.nat() })
);

/** Apply mutations to a deep copy of `doc` (the copy is then an arbitrary, possibly broken value). */
function mutate(doc: GraphDocument, mutations: Mutation[]): unknown {
	const value = structuredClone(doc) as unknown as {
		nodes: Record<string, unknown>[];
		edges: unknown[];
	};
	for (const m of mutations) {
		const nodes = Array.isArray(value.nodes) ? value.nodes : null;
		const edges = Array.isArray(value.edges) ? value.edges : null;
		switch (m.kind) {
			case 'replace':
			case 'delete': {
				const paths = pathsOf(value);
				if (paths.length === 0) break;
				const path = paths[m.pick % paths.length];
				const parent = parentOf(value, path);
				if (typeof parent !== 'object' || parent === null) break;
				const key = path[path.length - 1];
				if (m.kind === 'replace') parent[key] = structuredClone(m.value);
				else if (Array.isArray(parent)) parent.splice(Number(key), 1);
				else delete parent[key];
				break;
			}
			case 'edge': {
				if (!nodes || !edges || nodes.length === 0) break;
				const id = (i: number) => (nodes[i % nodes.length] as { id?: unknown })?.id;
				edges.push({ id: m.id, source: id(m.source), target: id(m.target), targetInput: m.input });
				break;
			}
			case 'hugeShape':
			case 'bigValues': {
				if (!nodes || nodes.length === 0) break;
				const node = nodes[m.pick % nodes.length] as { attrs?: Record<string, unknown> };
				if (typeof node !== 'object' || node === null) break;
				node.attrs = typeof node.attrs === 'object' && node.attrs !== null ? node.attrs : {};
				if (m.kind === 'hugeShape') node.attrs.shape = m.shape;
				else node.attrs.values = new Array(m.length).fill(0.5);
				break;
			}
			case 'duplicateNode': {
				if (!nodes || nodes.length === 0) break;
				nodes.push(structuredClone(nodes[m.pick % nodes.length]));
				break;
			}
		}
	}
	return value;
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('fuzz: reading never throws and never changes its input', () => {
	it('random JSON values', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				const before = snapshot(value);
				const result = validateDocument(value);
				expectWellFormed(result);
				expect(result.ok).toBe(false);
				expect(snapshot(value)).toBe(before);
			}),
			{ numRuns: 3000 }
		);
	});

	it('random objects shaped almost like a document', () => {
		const almost = fc.record(
			{
				format: fc.oneof(fc.constant('autograd-canvas.graph'), fc.string()),
				version: fc.oneof(fc.constant(1), fc.integer()),
				nodes: fc.array(
					fc.record(
						{
							id: fc.oneof(fc.constantFrom('n1', 'n2', 'n3'), fc.string()),
							op: fc.oneof(fc.constantFrom(...KINDS, 'tensor'), fc.string()),
							name: fc.string(),
							position: fc.record({ x: fc.double(), y: fc.double() }),
							attrs: fc.dictionary(
								fc.constantFrom(
									'shape',
									'init',
									'values',
									'seed',
									'fill',
									'requiresGrad',
									'dim',
									'keepdim',
									'reduction',
									'size'
								),
								nastyValue
							)
						},
						{ requiredKeys: [] }
					),
					{ maxLength: 6 }
				),
				edges: fc.array(
					fc.record({
						id: fc.string(),
						source: fc.constantFrom('n1', 'n2', 'n3', 'zz'),
						target: fc.constantFrom('n1', 'n2', 'n3', 'zz'),
						targetInput: fc.constantFrom(...INPUT_NAMES)
					}),
					{ maxLength: 6 }
				)
			},
			{ requiredKeys: [] }
		);
		fc.assert(
			fc.property(almost, (value) => {
				const before = snapshot(value);
				const result = validateDocument(value);
				expectWellFormed(result);
				expect(snapshot(value)).toBe(before);
				if (result.ok) expectUsable(result.doc);
			}),
			{ numRuns: 3000 }
		);
	});

	it('random text and bytes', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (text) => {
				expectWellFormed(parseDocument(text));
			}),
			{ numRuns: 2000 }
		);
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
				const before = bytes.slice();
				expectWellFormed(parseDocument(bytes));
				expect(bytes).toEqual(before);
			}),
			{ numRuns: 1000 }
		);
	});

	it('mutated valid documents: problems or a usable document, never a throw', () => {
		fc.assert(
			fc.property(
				seedDocument,
				fc.array(mutation, { minLength: 1, maxLength: 4 }),
				(doc, mutations) => {
					const value = mutate(doc, mutations);
					const before = snapshot(value);
					const result = validateDocument(value);
					expectWellFormed(result);
					expect(snapshot(value)).toBe(before);
					if (result.ok) expectUsable(result.doc);
					// The analyses are total too, even on a broken document.
					const broken = value as GraphDocument;
					inferShapes(broken);
					topologicalOrder(broken);
					sinks(broken);
					checkConnection(broken, { source: 'n1', target: 'n2', targetInput: 'other' });
					expect(snapshot(value)).toBe(before);
					// And as a file.
					let text: string | undefined;
					try {
						text = JSON.stringify(value);
					} catch {
						text = undefined;
					}
					if (text !== undefined) expectWellFormed(parseDocument(text));
				}
			),
			{ numRuns: 3000 }
		);
	});

	it('files of 5 to 50 MB are refused by size, never parsed', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: MAX_FILE_BYTES + 1, max: 50 * 1024 * 1024 }),
				fc.string({ maxLength: 8 }),
				(size, head) => {
					const text = head + ' '.repeat(Math.max(0, size - head.length));
					const jsonParse = vi.spyOn(JSON, 'parse');
					const result = parseDocument(text);
					// Refused by its size: the text is never parsed.
					expect(jsonParse).not.toHaveBeenCalled();
					jsonParse.mockRestore();
					expect(result.ok).toBe(false);
					expect(!result.ok && result.problems[0].message).toMatch(
						/^files of up to 5 MB can be opened/
					);
				}
			),
			{ numRuns: 8 }
		);
	});

	it('hostile objects: throwing getters, proxies, cycles, exotic values', () => {
		const throwing = {
			format: 'autograd-canvas.graph',
			version: 1,
			get nodes(): unknown {
				throw new Error('boom');
			},
			edges: []
		};
		const cyclic: Record<string, unknown> = {
			format: 'autograd-canvas.graph',
			version: 1,
			edges: []
		};
		cyclic.nodes = [{ id: 'n1', op: 'tensor', name: 'x', position: { x: 0, y: 0 }, attrs: cyclic }];
		const trap = new Proxy(
			{},
			{
				get() {
					throw new Error('trap');
				},
				ownKeys() {
					throw new Error('trap');
				}
			}
		);
		const exotic = [throwing, cyclic, trap, 10n, Symbol('s'), () => 1, new Date(0), new Map()];
		for (const value of exotic) {
			const result = validateDocument(value);
			expect(result.ok).toBe(false);
			expectWellFormed(result);
		}
	});
});

describe('fuzz: share links', () => {
	it('random and damaged hashes never throw', async () => {
		const hashes = await Promise.all(EXAMPLES.map((e) => encodeShareHash(e.doc)));
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(
					fc.string(),
					fc.string().map((s) => 'g1.' + s),
					fc
						.tuple(fc.constantFrom(...hashes), fc.nat(), fc.string({ minLength: 1, maxLength: 3 }))
						.map(
							([hash, at, junk]) =>
								hash.slice(0, at % hash.length) + junk + hash.slice((at % hash.length) + 1)
						),
					fc
						.tuple(fc.constantFrom(...hashes), fc.nat())
						.map(([hash, at]) => hash.slice(0, at % hash.length))
				),
				async (hash) => {
					expectWellFormed(await decodeShareHash(hash));
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('every valid document round-trips', async () => {
		await fc.assert(
			fc.asyncProperty(validDocument, async (doc) => {
				expect(await decodeShareHash(await encodeShareHash(doc))).toEqual({ ok: true, doc });
			}),
			{ numRuns: 200 }
		);
	});
});

describe('fuzz: edits keep a valid document valid and never change their input', () => {
	const edit = fc.oneof(
		fc.record({
			op: fc.constant('add' as const),
			kind: fc.oneof(fc.constantFrom(...KINDS), fc.string()),
			x: fc.double()
		}),
		fc.record({
			op: fc.constant('connect' as const),
			s: fc.nat(),
			t: fc.nat(),
			input: fc.constantFrom(...INPUT_NAMES)
		}),
		fc.record({ op: fc.constant('disconnect' as const), e: fc.nat() }),
		fc.record({ op: fc.constant('remove' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }),
		fc.record({ op: fc.constant('move' as const), pick: fc.nat(), x: fc.double(), y: fc.double() }),
		fc.record({
			op: fc.constant('rename' as const),
			pick: fc.nat(),
			name: fc.oneof(fc.string(), fc.constantFrom('x', 'w', 'loss', 'def', 'y1'))
		}),
		fc.record({
			op: fc.constant('update' as const),
			pick: fc.nat(),
			patch: fc.dictionary(
				fc.constantFrom(
					'shape',
					'init',
					'values',
					'seed',
					'fill',
					'requiresGrad',
					'retainGrad',
					'dim',
					'keepdim',
					'reduction',
					'dim0',
					'size'
				),
				nastyValue,
				{ maxKeys: 3 }
			)
		}),
		fc.record({
			op: fc.constant('duplicate' as const),
			picks: fc.array(fc.nat(), { maxLength: 3 })
		})
	);

	it('random edit sequences', () => {
		fc.assert(
			fc.property(seedDocument, fc.array(edit, { maxLength: 30 }), (start, edits) => {
				const history = new History(start);
				let doc = start;
				for (const e of edits) {
					const before = JSON.stringify(doc);
					const id = (i: number) =>
						doc.nodes.length === 0 ? 'none' : doc.nodes[i % doc.nodes.length].id;
					let result: Edit;
					switch (e.op) {
						case 'add':
							result = addNode(doc, e.kind, { x: e.x, y: 0 });
							break;
						case 'connect':
							result = connect(doc, { source: id(e.s), target: id(e.t), targetInput: e.input });
							break;
						case 'disconnect':
							result = disconnect(
								doc,
								doc.edges.length === 0 ? 'none' : doc.edges[e.e % doc.edges.length].id
							);
							break;
						case 'remove':
							result = removeNodes(doc, e.picks.map(id));
							break;
						case 'move':
							result = moveNodes(doc, { [id(e.pick)]: { x: e.x, y: e.y } });
							break;
						case 'rename':
							result = renameNode(doc, id(e.pick), e.name);
							break;
						case 'update':
							result = updateAttrs(doc, id(e.pick), e.patch);
							break;
						case 'duplicate':
							result = duplicateNodes(doc, e.picks.map(id));
							break;
					}
					expect(JSON.stringify(doc)).toBe(before);
					if (result.ok) {
						const check = validateDocument(result.doc);
						if (!check.ok)
							throw new Error(`${e.op} broke the document: ${JSON.stringify(check.problems)}`);
						expect(new Set(result.doc.nodes.map((n) => n.name)).size).toBe(result.doc.nodes.length);
						doc = result.doc;
						history.push(doc);
					} else expect(result.reason.length).toBeGreaterThan(0);
				}
				expectUsable(doc);
				while (history.canUndo) history.undo();
				expect(history.current).toBe(start);
			}),
			{ numRuns: 400 }
		);
	});
});
