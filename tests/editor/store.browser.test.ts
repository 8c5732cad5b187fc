/** The IndexedDB document store, in Chromium: what the in-memory store's tests assume of it. */
import { describe, expect, test } from 'vitest';
import { IdbDocumentStore, type DocumentRecord } from '$lib/editor/store/documents';

let count = 0;
const freshStore = () => new IdbDocumentStore(indexedDB, `store-test-${Date.now()}-${count++}`);

function record(id: string, json: string, updated: number): Omit<DocumentRecord, 'revision'> {
	return {
		id,
		origin: { kind: 'file', name: `${id}.json` },
		created: 1,
		updated,
		nodes: 2,
		chars: json.length,
		json,
		session: { epoch: 7, losses: [0.5, 0.25] }
	};
}

describe('IdbDocumentStore', () => {
	test('writes, reads back exactly, lists newest first, removes', async () => {
		const store = freshStore();
		const big = 'x'.repeat(8 * 1024 * 1024); // past localStorage's whole quota
		expect(await store.put(record('a', '{"a":1}', 10), null)).toEqual({ ok: true, revision: 1 });
		expect(await store.put(record('b', big, 20), null)).toEqual({ ok: true, revision: 1 });
		const a = await store.get('a');
		expect(a?.json).toBe('{"a":1}');
		expect(a?.session).toEqual({ epoch: 7, losses: [0.5, 0.25] });
		expect((await store.get('b'))?.json.length).toBe(big.length);
		expect((await store.list()).map((meta) => meta.id)).toEqual(['b', 'a']);
		await store.remove('b');
		expect(await store.get('b')).toBeNull();
		expect((await store.list()).map((meta) => meta.id)).toEqual(['a']);
	});

	test('a write must name the revision it replaces', async () => {
		const store = freshStore();
		await store.put(record('a', '{"v":1}', 10), null);
		expect(await store.put(record('a', '{"v":2}', 11), 1)).toEqual({ ok: true, revision: 2 });
		const stale = await store.put(record('a', '{"v":"stale"}', 12), 1);
		expect(stale.ok).toBe(false);
		expect(!stale.ok && stale.reason).toBe('conflict');
		expect((await store.get('a'))?.json).toBe('{"v":2}');
		// Two writers racing from the same revision: exactly one wins.
		const results = await Promise.all([
			store.put(record('a', '{"v":"one"}', 13), 2),
			store.put(record('a', '{"v":"two"}', 14), 2)
		]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
	});

	test('a name is kept apart from the content: renaming writes no revision, writes keep it', async () => {
		const store = freshStore();
		await store.put(record('a', '{"v":1}', 10), null);
		expect(await store.rename('a', '  Lesson   one\n')).toBe(true);
		expect((await store.list())[0]).toMatchObject({ id: 'a', title: 'Lesson one', revision: 1 });
		// A tab that read revision 1 before the rename writes on without a conflict.
		expect(await store.put(record('a', '{"v":2}', 11), 1)).toEqual({ ok: true, revision: 2 });
		const a = await store.get('a');
		expect(a).toMatchObject({ title: 'Lesson one', json: '{"v":2}', revision: 2 });
		expect(await store.rename('a', '   ')).toBe(true);
		expect((await store.get('a'))?.title).toBeUndefined();
		expect(await store.rename('gone', 'x')).toBe(false);
		await store.rename('a', 'y'.repeat(500));
		expect((await store.get('a'))?.title).toHaveLength(80);
	});

	test('a store that cannot be opened answers every write with a failure', async () => {
		const broken = {
			open() {
				throw new DOMException('denied', 'SecurityError');
			}
		} as unknown as IDBFactory;
		const store = new IdbDocumentStore(broken, 'x');
		const result = await store.put(record('a', '{}', 1), null);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason).toBe('failed');
		await expect(store.list()).rejects.toThrow();
	});
});
