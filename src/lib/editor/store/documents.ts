/**
 * The document store: every graph the user worked on, one record each, in IndexedDB (no 5 MB
 * ceiling, unlike localStorage). A record keeps the document's JSON text exactly as written, so
 * a record that cannot be read (truncated, corrupt, from a newer version of the app) is never
 * lost: it stays as it is until the user downloads or discards it.
 *
 * Writes are checked against the revision the writer last saw, inside one transaction: a tab
 * never overwrites a version another tab wrote after it (`put` answers 'conflict' instead).
 */

/** Where a document came from: names it in the Recent list. */
export type DocumentOrigin =
	| { kind: 'new'; copy?: boolean }
	| { kind: 'example'; id: string; copy?: boolean }
	| { kind: 'file'; name: string; copy?: boolean }
	| { kind: 'link'; copy?: boolean }
	| { kind: 'code'; copy?: boolean }
	| { kind: 'autosave'; copy?: boolean };

/** Which stored document a graph is. */
export interface DocumentInfo {
	/** The record's key: random, never reused. */
	id: string;
	origin: DocumentOrigin;
	/** When it was first made (ms since 1970). */
	created: number;
}

/** What the Recent list shows of a record (everything but the text and the session). */
export interface DocumentMeta {
	id: string;
	origin: DocumentOrigin;
	created: number;
	/** When it was last written. */
	updated: number;
	/** Counts the writes; a write must name the revision it replaces. */
	revision: number;
	/** How many nodes it holds (as last written). */
	nodes: number;
	/** The text's length in UTF-16 code units. */
	chars: number;
	/**
	 * The name the user gave it in Recent (at most `MAX_TITLE` characters); none: it is named by
	 * its origin. Not content: setting it is no write of the document and changes no revision.
	 */
	title?: string;
	/**
	 * Set (only) when the text was stored knowing it cannot be read (an earlier version's
	 * autosave, moved into the store as it was): `nodes` then says nothing.
	 */
	unreadable?: true;
}

export interface DocumentRecord extends DocumentMeta {
	/** The document as compact JSON, exactly as written. */
	json: string;
	/** The Train panel's session (JSON-safe), or null. */
	session: unknown;
}

export type PutResult =
	| { ok: true; revision: number }
	| { ok: false; reason: 'conflict'; current: DocumentMeta }
	| { ok: false; reason: 'failed'; message: string };

export interface DocumentStore {
	/** Every record's meta, the most recently written first. */
	list(): Promise<DocumentMeta[]>;
	get(id: string): Promise<DocumentRecord | null>;
	/**
	 * Writes `record` (its `revision` is ignored) if the stored one is at revision `expected`
	 * (null: there must be none, or it was deleted). Answers the new revision. Its `title` names
	 * a new record only: a stored record keeps the name it has (see `rename`).
	 */
	put(record: Omit<DocumentRecord, 'revision'>, expected: number | null): Promise<PutResult>;
	/**
	 * Names a record (null: back to its origin's name), keeping its revision: a tab editing it
	 * meanwhile writes on without a conflict, and its writes keep the name. False: no such record.
	 */
	rename(id: string, title: string | null): Promise<boolean>;
	remove(id: string): Promise<void>;
}

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter() : null;

/** The characters of `text` as a reader counts them (an emoji family is one, not eleven). */
function graphemes(text: string): string[] {
	if (segmenter === null) return [...text];
	return Array.from(segmenter.segment(text), (part) => part.segment);
}

/** The longest name a document may have, in characters as a reader counts them. */
export const MAX_TITLE = 80;

/** A name as it is kept: trimmed, on one line, at most `MAX_TITLE` characters; empty: none. */
export function cleanTitle(title: string | null | undefined): string | null {
	if (typeof title !== 'string') return null;
	const clean = graphemes(title.replace(/\s+/g, ' ').trim()).slice(0, MAX_TITLE).join('').trim();
	return clean === '' ? null : clean;
}

/** A new document's identity. */
export function newDocumentInfo(origin: DocumentOrigin, now = Date.now()): DocumentInfo {
	return { id: randomId(), origin, created: now };
}

function randomId(): string {
	const bytes = new Uint8Array(12);
	globalThis.crypto.getRandomValues(bytes);
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The meta of a record (a copy: callers may keep it). */
export function metaOf(record: DocumentMeta): DocumentMeta {
	const { id, origin, created, updated, revision, nodes, chars } = record;
	const meta: DocumentMeta = { id, origin, created, updated, revision, nodes, chars };
	if (record.unreadable === true) meta.unreadable = true;
	const title = cleanTitle(record.title);
	if (title !== null) meta.title = title;
	return meta;
}

const byUpdated = (a: DocumentMeta, b: DocumentMeta) => b.updated - a.updated;

/** A store in memory: for tests, and where IndexedDB cannot be used (then nothing survives). */
export class MemoryDocumentStore implements DocumentStore {
	readonly records = new Map<string, DocumentRecord>();
	/** Makes the next writes fail with this message (tests of failed writes). */
	failWrites: string | null = null;

	async list(): Promise<DocumentMeta[]> {
		return [...this.records.values()].map(metaOf).sort(byUpdated);
	}

	async get(id: string): Promise<DocumentRecord | null> {
		const record = this.records.get(id);
		return record ? structuredClone(record) : null;
	}

	async put(record: Omit<DocumentRecord, 'revision'>, expected: number | null): Promise<PutResult> {
		if (this.failWrites !== null) return { ok: false, reason: 'failed', message: this.failWrites };
		const current = this.records.get(record.id);
		const check = checkRevision(current, expected);
		if (check) return check;
		const revision = (current?.revision ?? 0) + 1;
		const { title: given, ...content } = record;
		const title = keptTitle(current, given);
		const kept = title === null ? {} : { title };
		this.records.set(record.id, structuredClone({ ...content, ...kept, revision }));
		return { ok: true, revision };
	}

	async rename(id: string, title: string | null): Promise<boolean> {
		if (this.failWrites !== null) throw new Error(this.failWrites);
		const record = this.records.get(id);
		if (record === undefined) return false;
		const clean = cleanTitle(title);
		if (clean === null) delete record.title;
		else record.title = clean;
		return true;
	}

	async remove(id: string): Promise<void> {
		this.records.delete(id);
	}
}

/**
 * The name a write leaves on a record: the user's, set in Recent, is kept by every write of the
 * content; only the first write of a new record names it (a copy keeps its original's name).
 */
function keptTitle(current: DocumentMeta | undefined, given: string | undefined): string | null {
	return current === undefined ? cleanTitle(given) : (current.title ?? null);
}

/** A conflict when the stored record is not the revision the writer expects. */
function checkRevision(
	current: DocumentMeta | undefined,
	expected: number | null
): PutResult | null {
	if (current === undefined || current.revision === expected) return null;
	return { ok: false, reason: 'conflict', current: metaOf(current) };
}

const DB_NAME = 'autograd-canvas';
const DB_VERSION = 1;
/** The records' metas (small: the Recent list reads them all) and their texts and sessions. */
const META = 'meta';
const BODY = 'body';

const request = <T>(req: IDBRequest<T>) =>
	new Promise<T>((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
	});

const done = (tx: IDBTransaction) =>
	new Promise<void>((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
		tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
	});

const describe = (error: unknown) =>
	error instanceof DOMException ? `${error.name}: ${error.message}` : String(error);

/**
 * The store in IndexedDB: two object stores keyed by id, `meta` (with an index on `updated`) and
 * `body` (the text and the session), always written together in one transaction.
 */
export class IdbDocumentStore implements DocumentStore {
	#db: Promise<IDBDatabase>;

	constructor(factory: IDBFactory = globalThis.indexedDB, name = DB_NAME) {
		this.#db = new Promise((resolve, reject) => {
			if (!factory) return reject(new Error('this browser has no IndexedDB'));
			const open = factory.open(name, DB_VERSION);
			open.onupgradeneeded = () => {
				const db = open.result;
				if (!db.objectStoreNames.contains(META)) {
					db.createObjectStore(META, { keyPath: 'id' }).createIndex('updated', 'updated');
				}
				if (!db.objectStoreNames.contains(BODY)) db.createObjectStore(BODY, { keyPath: 'id' });
			};
			open.onsuccess = () => {
				const db = open.result;
				// Another tab opening a newer version of the app: let it upgrade.
				db.onversionchange = () => db.close();
				resolve(db);
			};
			open.onerror = () => reject(open.error ?? new Error('IndexedDB could not be opened'));
			open.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
		});
		// Callers see the failure on their first call; do not report it unhandled here.
		this.#db.catch(() => {});
	}

	async list(): Promise<DocumentMeta[]> {
		const db = await this.#db;
		const index = db.transaction(META, 'readonly').objectStore(META).index('updated');
		const values: unknown[] = await request(index.getAll());
		return values
			.map(readMeta)
			.filter((meta) => meta !== null)
			.sort(byUpdated);
	}

	async get(id: string): Promise<DocumentRecord | null> {
		const db = await this.#db;
		const tx = db.transaction([META, BODY], 'readonly');
		const [meta, body] = await Promise.all([
			request(tx.objectStore(META).get(id)),
			request(tx.objectStore(BODY).get(id))
		]);
		return readRecord(meta, body);
	}

	async put(record: Omit<DocumentRecord, 'revision'>, expected: number | null): Promise<PutResult> {
		try {
			const db = await this.#db;
			const tx = db.transaction([META, BODY], 'readwrite');
			const finished = done(tx);
			const current = readMeta(await request(tx.objectStore(META).get(record.id))) ?? undefined;
			const check = checkRevision(current, expected);
			if (check) {
				tx.abort();
				await finished.catch(() => {});
				return check;
			}
			const revision = (current?.revision ?? 0) + 1;
			const { json, session, title, ...meta } = record;
			const kept = keptTitle(current, title) ?? undefined;
			tx.objectStore(META).put(metaOf({ ...meta, title: kept, revision }));
			tx.objectStore(BODY).put({ id: record.id, json, session });
			await finished;
			return { ok: true, revision };
		} catch (error) {
			return { ok: false, reason: 'failed', message: describe(error) };
		}
	}

	async rename(id: string, title: string | null): Promise<boolean> {
		const db = await this.#db;
		const tx = db.transaction(META, 'readwrite');
		const finished = done(tx);
		const store = tx.objectStore(META);
		const current = readMeta(await request(store.get(id)));
		if (current === null) {
			await finished;
			return false;
		}
		const meta = metaOf(current);
		const clean = cleanTitle(title);
		if (clean === null) delete meta.title;
		else meta.title = clean;
		store.put(meta);
		await finished;
		return true;
	}

	async remove(id: string): Promise<void> {
		const db = await this.#db;
		const tx = db.transaction([META, BODY], 'readwrite');
		tx.objectStore(META).delete(id);
		tx.objectStore(BODY).delete(id);
		await done(tx);
	}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function readOrigin(value: unknown): DocumentOrigin {
	if (!isObject(value)) return { kind: 'autosave' };
	const copy = value.copy === true ? { copy: true } : {};
	switch (value.kind) {
		case 'example':
			return typeof value.id === 'string'
				? { kind: 'example', id: value.id, ...copy }
				: { kind: 'new' };
		case 'file':
			return typeof value.name === 'string'
				? { kind: 'file', name: value.name.slice(0, 200), ...copy }
				: { kind: 'new' };
		case 'new':
		case 'link':
		case 'code':
		case 'autosave':
			return { kind: value.kind, ...copy };
		default:
			return { kind: 'autosave' };
	}
}

const count = (value: unknown) =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;

/** A stored record's meta, read defensively (storage is input like any other), or null. */
export function readMeta(value: unknown): DocumentMeta | null {
	if (!isObject(value) || typeof value.id !== 'string') return null;
	const meta: DocumentMeta = {
		id: value.id,
		origin: readOrigin(value.origin),
		created: count(value.created),
		updated: count(value.updated),
		revision: count(value.revision),
		nodes: count(value.nodes),
		chars: count(value.chars)
	};
	if (value.unreadable === true) meta.unreadable = true;
	const title = cleanTitle(typeof value.title === 'string' ? value.title : null);
	if (title !== null) meta.title = title;
	return meta;
}

function readRecord(metaValue: unknown, body: unknown): DocumentRecord | null {
	const meta = readMeta(metaValue);
	if (meta === null) return null;
	const json = isObject(body) && typeof body.json === 'string' ? body.json : '';
	return { ...meta, json, session: isObject(body) ? (body.session ?? null) : null };
}
