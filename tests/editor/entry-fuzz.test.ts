/**
 * The graph file and the share link as entry points (issue #11): thousands of generated hostile
 * inputs through the editor itself (File › Open's bytes, a link's hash), with the autosave on.
 * For each: nothing throws, a refused input leaves the document (the same object) and every
 * stored record as they were, and every message is bounded (at most 80 characters of input).
 */
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { Autosave } from '$lib/editor/store/autosave.svelte';
import { MemoryDocumentStore } from '$lib/editor/store/documents';
import { compactDocument, encodeShareHash, EXAMPLES, serializeDocument } from '$lib/graph';

/** The longest a problem's message or path may be (a path quotes at most 40 per key). */
const MAX_MESSAGE = 240;
const MAX_PATH = 160;
const PROTO_KEYS = [
	'__proto__',
	'constructor',
	'toString',
	'hasOwnProperty',
	'valueOf',
	'prototype'
];

async function editorWithWork() {
	const store = new MemoryDocumentStore();
	const editor: EditorState = new EditorState({
		initial: EXAMPLES[0].doc,
		noticeMs: 1,
		onChange: () => autosave.schedule()
	});
	const autosave: Autosave = new Autosave(editor, store, { channel: null, later: () => {} });
	editor.addNode('relu', { x: 0, y: 0 });
	await autosave.flush();
	const records = () => JSON.stringify([...store.records.entries()]);
	return { editor, autosave, store, records };
}

/** Opens `input` the way the page does; checks the invariants; answers whether it opened. */
async function check(
	context: Awaited<ReturnType<typeof editorWithWork>>,
	open: (editor: EditorState) => boolean
): Promise<void> {
	const { editor, autosave, records } = context;
	const doc = editor.doc;
	const id = editor.documentInfo.id;
	const before = records();
	const stored = context.store.records.get(id)!.json;
	let opened = false;
	expect(() => (opened = open(editor))).not.toThrow();
	await autosave.flush();
	if (!opened) {
		expect(editor.doc).toBe(doc);
		expect(records()).toBe(before);
		const problems = editor.problems?.problems ?? [];
		expect(problems.length).toBeGreaterThan(0);
		expect(problems.length).toBeLessThanOrEqual(101);
		for (const problem of problems) {
			expect(problem.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
			expect(problem.path.length).toBeLessThanOrEqual(MAX_PATH);
		}
		editor.dismissProblems();
	} else {
		// Opened as a new document: the work before it is untouched, and Undo brings it back.
		expect(context.store.records.get(id)!.json).toBe(stored);
		editor.undo();
		expect(editor.doc).toBe(doc);
	}
}

const longString = fc.oneof(
	fc.string({ maxLength: 20 }),
	fc.constantFrom(...PROTO_KEYS),
	fc.nat({ max: 200_000 }).map((n) => 'ж'.repeat(n)),
	fc.constant('<img src=x onerror=alert(1)>')
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	longString,
	fc.dictionary(longString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
	fc.constantFrom(-1, 1e300, -0, 2 ** 53, [1e300, 1e300, 0], [0], [], {})
);

/** An example with one value somewhere replaced, or one key added, at any depth. */
const mutatedExample = fc
	.tuple(
		fc.constantFrom(...EXAMPLES.map((e) => e.doc)),
		fc.nat(),
		longString,
		hostileValue,
		fc.boolean()
	)
	.map(([doc, pick, key, value, addKey]) => {
		const copy = structuredClone(doc) as unknown as Record<string, unknown>;
		const holders: Record<string, unknown>[] = [];
		const walk = (node: unknown) => {
			if (typeof node !== 'object' || node === null) return;
			holders.push(node as Record<string, unknown>);
			for (const child of Object.values(node)) walk(child);
		};
		walk(copy);
		const holder = holders[pick % holders.length];
		const keys = Object.keys(holder);
		if (addKey || keys.length === 0)
			Object.defineProperty(holder, key, {
				value,
				enumerable: true,
				configurable: true,
				writable: true
			});
		else holder[keys[pick % keys.length]] = value;
		return JSON.stringify(copy);
	});

const text = fc.oneof(
	mutatedExample,
	fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? ''),
	fc.string({ unit: 'binary', maxLength: 300 }),
	mutatedExample.map((t) => t.slice(0, Math.floor(t.length / 2))),
	mutatedExample.map((t) => '\ufeff  \n' + t)
);

describe('entry points never throw, change nothing when they refuse, say why briefly', () => {
	test('File › Open: hostile files (text and bytes)', async () => {
		const context = await editorWithWork();
		const encoder = new TextEncoder();
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(
					text.map((t) => encoder.encode(t)),
					fc.uint8Array({ maxLength: 300 })
				),
				async (bytes) => check(context, (editor) => editor.open(bytes, 'file', 'x.json'))
			),
			{ numRuns: 2500 }
		);
	});

	test('share links: damaged, random, and well-formed links to hostile documents', async () => {
		const context = await editorWithWork();
		const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		const toLink = (t: string) => {
			const doc = { ...EXAMPLES[0].doc };
			const hash = encodeShareHash(doc); // a real one, to damage
			const bytes = deflateSync(new TextEncoder().encode(t));
			let body = '';
			for (let i = 0; i < bytes.length; i += 3) {
				const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
				body +=
					ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
			}
			return [hash, 'g1.' + body];
		};
		const hash = fc.oneof(
			text.map((t) => toLink(t)[1]),
			fc.tuple(text, fc.nat(), fc.string({ maxLength: 3 })).map(([t, at, junk]) => {
				const [real] = toLink(t);
				const i = at % real.length;
				return real.slice(0, i) + junk + real.slice(i + junk.length);
			}),
			fc.string({ maxLength: 400 }).map((s) => 'g1.' + s),
			fc.string({ unit: 'binary', maxLength: 400 })
		);
		await fc.assert(
			fc.asyncProperty(hash, async (h) => check(context, (editor) => editor.openShareHash(h))),
			{ numRuns: 2500 }
		);
	});

	test('a huge format string or key is quoted in at most 80 characters', () => {
		const editor = new EditorState({ initial: EXAMPLES[0].doc });
		const huge = 'f'.repeat(4_900_000);
		for (const input of [
			JSON.stringify({ ...EXAMPLES[0].doc, format: huge }),
			JSON.stringify({ ...EXAMPLES[0].doc, [huge.slice(0, 1_000_000)]: 1 }),
			serializeDocument(EXAMPLES[0].doc).replace(
				'"tensor"',
				JSON.stringify(huge.slice(0, 1_000_000))
			)
		]) {
			expect(editor.open(input, 'file', 'big.json')).toBe(false);
			for (const problem of editor.problems!.problems) {
				expect(problem.message.length + problem.path.length).toBeLessThanOrEqual(MAX_MESSAGE);
				expect(problem.message).not.toContain('f'.repeat(81));
			}
		}
		expect(compactDocument(editor.doc)).toBe(compactDocument(EXAMPLES[0].doc));
	});
});
