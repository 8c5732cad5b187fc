/**
 * Changes a page keeps when it may go away before its IndexedDB write lands, and what a tab
 * remembers across a reload (sessionStorage: which document it had open).
 *
 * IndexedDB writes are asynchronous: one started while the page unloads may never finish. So when
 * the page is hidden or closed with changes unwritten, and after a write fails, they are kept
 * synchronously (`keepPending`), in two places:
 *
 * 1. sessionStorage (`TAB_PENDING_KEY`): this tab's. A reload of the tab starts from them and
 *    writes them (`startDocument`). They die with the tab.
 * 2. localStorage (`KEPT_PREFIX` + the page's id), which outlives the tab: so that changes of a
 *    tab closed within milliseconds of an edit are not lost. Only where the browser has Web Locks
 *    (to tell a closed page from a live one, below) and only up to `MAX_SHARED_CHARS` (the origin
 *    shares a quota of about 5 MB between all its tabs and settings); else only (1).
 *
 * Both are removed as soon as a write of those changes lands (`clearPending`).
 *
 * Whose entry is it? Each page holds, for its whole life, the Web Lock named by its id
 * (`PagePresence.hold`); the browser releases it when the page is gone (closed, crashed,
 * navigated away, dropped from the back-forward cache). A starting page takes an entry of another
 * page only while holding that page's lock itself (`whenGone`, which waits a moment for a page
 * still unloading): a live page holds its lock, so its entry is never taken, and two pages
 * starting at once never both take one entry. A taken entry is written to its document's record
 * on the revision it was made on; if another tab wrote that record since, it is kept as a copy
 * (as a document left with unwritten changes is), and removed once written (`startDocument`).
 *
 * A reload starts a new page (a new id) in the same tab: its sessionStorage changes name the
 * entry of the page before, which it drops, since it writes them itself.
 *
 * Where the browser refuses both (storage blocked, quota full), the changes live only in the page:
 * the page says so while it can (`Autosave.unkept`), and, where a short note still fits in
 * sessionStorage (`TAB_LOST_KEY`), the next start of the tab says that they were lost.
 */
import type { DocumentOrigin } from './documents';

/** The subset of the Web Storage API used here. */
export interface KeyValueStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

/** localStorage, whose keys can be listed (to find the entries of closed pages). */
export interface SharedStorage extends KeyValueStorage {
	readonly length: number;
	key(index: number): string | null;
}

/** This tab's document. */
export const TAB_DOCUMENT_KEY = 'autograd-canvas.tab-document';
/** This tab's unwritten changes. */
export const TAB_PENDING_KEY = 'autograd-canvas.tab-pending';
/** The page that could keep its unwritten changes nowhere (its id), for the next start to say. */
export const TAB_LOST_KEY = 'autograd-canvas.tab-lost';
/** The panel open beside this tab's canvas (Train, Code), so that a reload opens it again. */
export const TAB_SIDE_PANEL_KEY = 'autograd-canvas.tab-side-panel';
/** A page's unwritten changes in localStorage: this prefix, then the page's id. */
export const KEPT_PREFIX = 'autograd-canvas.kept.';
/** Larger changes are kept in sessionStorage only (a reload keeps them, closing the tab not). */
export const MAX_SHARED_CHARS = 1_000_000;

/** Changes not yet written: the document's text and session, and the revision they build on. */
export interface Pending {
	id: string;
	origin: DocumentOrigin;
	created: number;
	/** The stored revision these changes were made on (null: not stored yet). */
	base: number | null;
	json: string;
	session: unknown;
	/** The page that kept them (its entry in localStorage, if it kept them there too). */
	page?: string;
	/** When they were kept (ms since 1970). */
	at?: number;
	/**
	 * The `writeFingerprint` of a write of this document the page had under way when it kept
	 * them: it may land after, on `base`. Landed, it is the page's own, not another tab's.
	 */
	landing?: string;
}

/**
 * A short fingerprint of a record's content (its text and its session as stored), to know a
 * write this page began from another tab's without keeping its text twice. FNV-1a, 32 bits, and
 * the lengths.
 */
export function writeFingerprint(json: string, session: unknown): string {
	const text = `${json}\u0000${JSON.stringify(session ?? null)}`;
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return `${json.length}:${text.length}:${(hash >>> 0).toString(16)}`;
}

/** Whether a page is still alive: Web Locks in the browser, a stand-in in tests. */
export interface PagePresence {
	/** This page is alive (until the returned function is called, or the page is gone). */
	hold(page: string): () => void;
	/** Runs `take` while holding `page`'s lock, only if that page is gone; else answers null. */
	whenGone<T>(page: string, take: () => Promise<T>): Promise<T | null>;
}

/** How long a starting page waits for a page still unloading to be gone. */
const GONE_WAIT_MS = 300;
const LOCK_PREFIX = 'autograd-canvas.page.';

/** Web Locks (null where the browser has none, or the page is no secure context). */
export function webLocksPresence(): PagePresence | null {
	const locks = safely(() => globalThis.navigator?.locks ?? null, null);
	if (!locks || typeof locks.request !== 'function') return null;
	return {
		hold(page) {
			let release = () => {};
			const held = new Promise<void>((resolve) => (release = resolve));
			locks.request(LOCK_PREFIX + page, () => held).catch(() => {});
			return release;
		},
		async whenGone(page, take) {
			const name = LOCK_PREFIX + page;
			try {
				if (typeof AbortSignal.timeout !== 'function') {
					return await locks.request(name, { ifAvailable: true }, (lock) =>
						lock === null ? null : take()
					);
				}
				return await locks.request(name, { signal: AbortSignal.timeout(GONE_WAIT_MS) }, take);
			} catch {
				return null; // still alive (the wait ran out), or the store failed: left for later
			}
		}
	};
}

export function safely<T>(read: () => T, fallback: T): T {
	try {
		return read();
	} catch {
		return fallback;
	}
}

/** Where unwritten changes were kept. */
export interface Kept {
	/** In the tab (a reload keeps them). */
	tab: boolean;
	/** In localStorage too (closing the tab keeps them). */
	shared: boolean;
}

/**
 * Keeps unwritten changes in the tab's memory and, with `page` and where they fit, in `shared`
 * (see the header). Kept nowhere: a short note in the tab says so to its next start.
 */
export function keepPending(
	memory: KeyValueStorage | null,
	shared: SharedStorage | null,
	pending: Pending
): Kept {
	const text = JSON.stringify(pending);
	const page = pending.page;
	const kept: Kept = {
		tab: memory !== null && safely(() => (memory.setItem(TAB_PENDING_KEY, text), true), false),
		shared:
			shared !== null &&
			page !== undefined &&
			text.length <= MAX_SHARED_CHARS &&
			safely(() => (shared.setItem(KEPT_PREFIX + page, text), true), false)
	};
	if (memory !== null) {
		safely(() => {
			if (kept.tab || kept.shared) memory.removeItem(TAB_LOST_KEY);
			else memory.setItem(TAB_LOST_KEY, page ?? '');
		}, undefined);
	}
	return kept;
}

/** The changes kept are written (or taken over by the next page of this tab): forgets them. */
export function clearPending(
	memory: KeyValueStorage | null,
	shared: SharedStorage | null = null,
	page?: string
): void {
	safely(() => memory?.removeItem(TAB_PENDING_KEY), undefined);
	safely(() => memory?.removeItem(TAB_LOST_KEY), undefined);
	if (shared !== null && page !== undefined) {
		safely(() => shared.removeItem(KEPT_PREFIX + page), undefined);
	}
}

/** Reads kept changes from their text (storage is input like any other), or null. */
export function parsePending(text: string | null): Pending | null {
	if (text === null) return null;
	const value = safely(() => JSON.parse(text) as unknown, null);
	if (typeof value !== 'object' || value === null) return null;
	const p = value as Partial<Pending>;
	if (typeof p.id !== 'string' || typeof p.json !== 'string') return null;
	if (typeof p.origin !== 'object' || p.origin === null || typeof p.created !== 'number')
		return null;
	const base = typeof p.base === 'number' && Number.isInteger(p.base) ? p.base : null;
	const pending: Pending = {
		id: p.id,
		origin: p.origin,
		created: p.created,
		base,
		json: p.json,
		session: p.session ?? null
	};
	if (typeof p.page === 'string') pending.page = p.page;
	if (typeof p.at === 'number' && Number.isFinite(p.at)) pending.at = p.at;
	if (typeof p.landing === 'string') pending.landing = p.landing;
	return pending;
}

/** The unwritten changes this tab kept, or null (none, or not readable). */
export function readPending(memory: KeyValueStorage | null): Pending | null {
	return parsePending(safely(() => memory?.getItem(TAB_PENDING_KEY) ?? null, null));
}

/** The page whose changes this tab could not keep at its last unload (then removed), or null. */
export function takeLostNote(memory: KeyValueStorage | null): string | null {
	const page = safely(() => memory?.getItem(TAB_LOST_KEY) ?? null, null);
	safely(() => memory?.removeItem(TAB_LOST_KEY), undefined);
	return page;
}

/** The pages that have changes kept in `shared` (alive or gone). */
export function keptPages(shared: SharedStorage): string[] {
	return safely(() => {
		const pages: string[] = [];
		for (let i = 0; i < shared.length; i++) {
			const key = shared.key(i);
			if (key?.startsWith(KEPT_PREFIX)) pages.push(key.slice(KEPT_PREFIX.length));
		}
		return pages;
	}, []);
}

/** The changes `page` kept in `shared`, or null. */
export function readKept(shared: SharedStorage, page: string): Pending | null {
	return parsePending(safely(() => shared.getItem(KEPT_PREFIX + page), null));
}

export function removeKept(shared: SharedStorage, page: string): void {
	safely(() => shared.removeItem(KEPT_PREFIX + page), undefined);
}
