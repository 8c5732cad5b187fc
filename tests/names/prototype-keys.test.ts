/**
 * Issue #11, defect 5: user strings never meet Object.prototype. Node ids and names drawn from
 * `__proto__`, `constructor`, `toString`, `hasOwnProperty`, `valueOf` (and ordinary ones) go
 * through every place that keys something by them: graph files, share links, rename, code
 * generation and import, the trace, training, and Save model / Load model in both formats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { generateCode, generateProgram, importCode } from '$lib/code';
import {
	decodeShareHash,
	encodeShareHash,
	inferShapes,
	parseDocument,
	renameNode,
	serializeDocument,
	TraceSession,
	validateDocument,
	type GraphDocument
} from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	INITIAL_STATE,
	sessionParameters,
	snapshotSession
} from '$lib/training';
import { Trainer } from '$lib/training/trainer';
import { graphSignature, randomGraph } from '../code/random-graphs';
import { doc, leaf, opNode } from '../graph/helpers';
import { sessionInputs } from '../training/session-inputs';
import { PROTOTYPE_KEYS } from './keys';
import { dictFrom, own } from '$lib/util/dict';

const ORDINARY = ['x', 'w', 'b', 'y', 'n1', 'weight', 'bias', 'pred', 'loss', 'isPrototypeOf'];
const KEYS = [...PROTOTYPE_KEYS, ...ORDINARY];

/** Seven distinct keys, mostly prototype-ish. */
const distinctKeys = fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 7, maxLength: 7 });

/**
 * y = x * w + b (or linear(x, w, b)) with a mean squared error: the parameters are keyed by
 * their names (GraphModel) or by nn.Linear's `weight` / `bias`.
 */
function lineModel(ids: string[], names: string[], linear: boolean): GraphDocument {
	const [x, w, b, y, first, second, loss] = ids;
	if (linear) {
		return doc(
			[
				leaf(x, names[0], [11, 1]),
				leaf(w, names[1], [1, 1], true),
				leaf(b, names[2], [1], true),
				leaf(y, names[3], [11, 1]),
				opNode(first, 'linear', names[4]),
				opNode(loss, 'mse_loss', names[6], { reduction: 'mean' })
			],
			[
				[x, first, 'input'],
				[w, first, 'weight'],
				[b, first, 'bias'],
				[first, loss, 'input'],
				[y, loss, 'target']
			]
		);
	}
	return doc(
		[
			leaf(x, names[0], [11, 1]),
			leaf(w, names[1], [1], true),
			leaf(b, names[2], [1], true),
			leaf(y, names[3], [11, 1]),
			opNode(first, 'mul', names[4]),
			opNode(second, 'add', names[5]),
			opNode(loss, 'mse_loss', names[6], { reduction: 'mean' })
		],
		[
			[x, first, 'input'],
			[w, first, 'other'],
			[first, second, 'input'],
			[b, second, 'other'],
			[second, loss, 'input'],
			[y, loss, 'target']
		]
	);
}

/** A random graph whose first seven nodes take their ids and names from `ids` and `names`. */
function hostileGraph(seed: number, ids: string[], names: string[]): GraphDocument {
	const base = randomGraph(seed, { steps: 4 });
	const idOf = new Map(base.nodes.map((n, i) => [n.id, i < ids.length ? ids[i] : `k${i}`]));
	return {
		...base,
		nodes: base.nodes.map((n, i) => ({
			...n,
			id: idOf.get(n.id)!,
			name: i < names.length ? names[i] : `${n.name}_${i}`
		})),
		edges: base.edges.map((e) => ({
			...e,
			source: idOf.get(e.source)!,
			target: idOf.get(e.target)!
		}))
	};
}

const snapshot = (d: GraphDocument) => JSON.stringify(d);

describe('prototype-ish node ids and names (fast-check)', () => {
	it('round-trip through graph files and share links, and rename to them', () => {
		fc.assert(
			fc.property(fc.nat(), distinctKeys, distinctKeys, fc.boolean(), (seed, ids, names, line) => {
				const d = line ? lineModel(ids, names, seed % 2 === 0) : hostileGraph(seed, ids, names);
				const before = snapshot(d);
				const valid = validateDocument(d);
				expect(valid.ok).toBe(true);
				const canonical = valid.ok ? snapshot(valid.doc) : '';
				const opened = parseDocument(serializeDocument(d));
				expect(opened.ok && snapshot(opened.doc)).toBe(canonical);
				const shared = decodeShareHash(encodeShareHash(d));
				expect(shared.ok && snapshot(shared.doc)).toBe(canonical);
				// Every node gets a shape entry under its own id, and nothing else does.
				const shapes = inferShapes(d);
				expect([...shapes.keys()].sort()).toEqual(d.nodes.map((n) => n.id).sort());
				// Renaming the first node to a free prototype-ish name works and touches only it.
				const free = KEYS.find((k) => !d.nodes.some((n) => n.name === k));
				if (free !== undefined && d.nodes.length > 0) {
					const renamed = renameNode(d, d.nodes[0].id, free);
					expect(renamed.ok && renamed.doc.nodes.map((n) => n.name)).toEqual([
						free,
						...d.nodes.slice(1).map((n) => n.name)
					]);
				}
				expect(snapshot(d)).toBe(before);
			}),
			{ numRuns: 2000 }
		);
	});

	it('survive code generation and import (graph -> code -> graph -> code)', () => {
		fc.assert(
			fc.property(fc.nat(), distinctKeys, distinctKeys, fc.boolean(), (seed, ids, names, line) => {
				const d = line ? lineModel(ids, names, seed % 2 === 0) : hostileGraph(seed, ids, names);
				const program = generateProgram(d);
				// The variables name every node the code assigns, keyed by its own id.
				for (const [id, name] of Object.entries(program.variables)) {
					expect(d.nodes.find((n) => n.id === id)?.name).toBe(name);
				}
				for (const node of program.kind === 'autograd' ? d.nodes : []) {
					if (program.code.split('\n').some((line) => line.startsWith(`${node.name} = `))) {
						expect(Object.hasOwn(program.variables, node.id)).toBe(true);
					}
				}
				const back = importCode(program.code);
				expect(back.doc).not.toBeNull();
				expect(graphSignature(back.doc!)).toEqual(graphSignature(d));
				expect(generateCode(back.doc!, { output: back.output ?? undefined })).toBe(program.code);
			}),
			{ numRuns: 1000 }
		);
	});

	it('trace forward and backward: every node and every leaf grad under its own id', () => {
		fc.assert(
			fc.property(distinctKeys, distinctKeys, fc.boolean(), (ids, names, linear) => {
				const d = lineModel(ids, names, linear);
				const session = new TraceSession();
				const forward = session.forward(d);
				expect(forward.error).toBeNull();
				expect(forward.steps.map((s) => s.nodeId).sort()).toEqual(d.nodes.map((n) => n.id).sort());
				const backward = session.backward(ids[6]);
				expect(backward.error).toBeNull();
				for (const id of [ids[1], ids[2]]) expect(session.tensor(id)?.grad).toBeTruthy();
			}),
			{ numRuns: 2000 }
		);
	});

	it("the training session's parameters come back under their own ids", () => {
		fc.assert(
			fc.property(distinctKeys, distinctKeys, fc.boolean(), (ids, names, linear) => {
				const d = lineModel(ids, names, linear);
				const values = [[2], [1]];
				const saved = snapshotSession(
					sessionInputs({
						...INITIAL_STATE,
						epoch: 1,
						parameters: dictFrom([
							[ids[1], values[0]],
							[ids[2], values[1]]
						]),
						model: { lossId: ids[6] } as never
					})
				);
				// Through JSON, as the document store keeps it.
				const loaded = sessionParameters(JSON.parse(JSON.stringify(saved)), d)!;
				expect(Object.keys(loaded).sort()).toEqual([ids[1], ids[2]].sort());
				expect(own(loaded, ids[1])).toEqual(values[0]);
				expect(own(loaded, ids[2])).toEqual(values[1]);
				// Ids that were never saved find nothing, not Object.prototype's members.
				for (const id of [ids[0], ids[3]]) expect(own(loaded, id)).toBeUndefined();
			}),
			{ numRuns: 2000 }
		);
	});

	it('train, then Save model and Load model in both formats with the names as keys', async () => {
		await fc.assert(
			fc.asyncProperty(distinctKeys, distinctKeys, fc.boolean(), async (ids, names, linear) => {
				const d = lineModel(ids, names, linear);
				const trainer = new Trainer({
					doc: d,
					data: formulaData(),
					settings: { ...DEFAULT_SETTINGS },
					onLog: () => {}
				});
				await trainer.train(3);
				const trained = trainer.parameters();
				expect(Object.keys(trained).sort()).toEqual([ids[1], ids[2]].sort());
				const keys = linear ? ['weight', 'bias'] : [names[1], names[2]];
				for (const format of ['json', 'safetensors'] as const) {
					const bytes = trainer.saveState(format);
					const stateDict = torch.loadStateDict(bytes);
					expect(Object.keys(stateDict).sort()).toEqual([...keys].sort());
					expect(Object.hasOwn(stateDict, keys[0])).toBe(true);
					trainer.reset();
					expect(trainer.loadState(bytes).sort()).toEqual([...keys].sort());
					expect(trainer.parameters()).toEqual(trained);
				}
				// A file without the first parameter names it, quoted, in PyTorch's words.
				const partial = torch.saveStateDict({ [keys[1]]: torch.tensor([1]) }, 'json');
				expect(() => trainer.loadState(partial)).toThrow(
					`Missing key(s) in state_dict: "${keys[0]}".`
				);
				expect(trainer.parameters()).toEqual(trained);
			}),
			{ numRuns: 1000 }
		);
	});
});
