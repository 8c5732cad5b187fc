/**
 * Which document a page opens with: this tab's changes kept at its last unload, else this tab's
 * document after a reload, else the most recently written one, else the first-visit example. A
 * stored document that cannot be read is never overwritten: the page opens the example instead
 * (not written until it is changed) and says so. Where the store cannot be used at all (IndexedDB
 * refused), the tab's kept changes still come back: the banner says they are only in this tab.
 * Changes kept by pages closed before their writes landed are written first (see tab-memory.ts),
 * and the single autosave slot in localStorage of earlier versions becomes a stored document.
 */
import { parseDocument, type GraphDocument } from '$lib/graph';
import type { MessageKey } from '$lib/i18n';
import { excerpt } from '$lib/util/excerpt';
import { unreadableOf, type AutosaveOptions, type Unreadable } from './autosave.svelte';
import {
	clearPending,
	keptPages,
	readKept,
	readPending,
	removeKept,
	safely,
	takeLostNote,
	TAB_DOCUMENT_KEY,
	type KeyValueStorage,
	type PagePresence,
	type Pending,
	type SharedStorage
} from './tab-memory';
import {
	metaOf,
	newDocumentInfo,
	type DocumentInfo,
	type DocumentOrigin,
	type DocumentStore
} from './documents';

/** Earlier versions kept one document here. */
export const LEGACY_STORAGE_KEY = 'autograd-canvas.document';
export { TAB_DOCUMENT_KEY, type KeyValueStorage } from './tab-memory';

export interface StartOptions {
	/** localStorage, where an earlier version's autosave may be. */
	legacy?: KeyValueStorage | null;
	/** sessionStorage: which document this tab had open, and the changes kept at its unload. */
	tabMemory?: KeyValueStorage | null;
	/** localStorage: changes kept by pages that may be closed now (see tab-memory.ts). */
	shared?: SharedStorage | null;
	/** Which pages are alive (Web Locks). Without it, no page's kept changes are taken. */
	presence?: PagePresence | null;
	/** The document a first visit shows. */
	first: () => { doc: GraphDocument; origin: DocumentOrigin };
	now?: () => number;
}

export interface Start {
	doc: GraphDocument;
	info: DocumentInfo;
	session: unknown;
	/** What autosave starts with. */
	autosave: Pick<
		AutosaveOptions,
		| 'revision'
		| 'landing'
		| 'pristine'
		| 'unreadable'
		| 'failure'
		| 'dirty'
		| 'notice'
		| 'written'
		| 'shared'
		| 'presence'
	>;
}

/** Moves an earlier version's single autosave into the store (kept as is, even unreadable). */
async function migrate(store: DocumentStore, legacy: KeyValueStorage, now: number) {
	const text = safely(() => legacy.getItem(LEGACY_STORAGE_KEY), null);
	if (text === null || text === '') return;
	const parsed = parseDocument(text);
	const info = newDocumentInfo({ kind: 'autosave' }, now);
	const result = await store.put(
		{
			...info,
			updated: now,
			nodes: parsed.ok ? parsed.doc.nodes.length : 0,
			chars: text.length,
			...(parsed.ok ? {} : { unreadable: true as const }),
			json: text,
			session: null
		},
		null
	);
	// Only once it is safe in the store.
	if (result.ok) safely(() => legacy.removeItem(LEGACY_STORAGE_KEY), undefined);
}

/** What became of the changes kept by closed pages. */
interface Recovered {
	/** Records written, for the other tabs to hear of. */
	written: { id: string; revision: number }[];
	/** Some were kept as copies: another tab had written their documents since. */
	copied: boolean;
	/** The pages whose changes are in the store now. */
	pages: Set<string>;
}

/** How kept changes came into the store; 'failed': they stay where they were kept. */
type Outcome = { written: { id: string; revision: number } | null; copied: boolean } | 'failed';

/**
 * Writes changes a closed page kept to their record, on the revision they were made on. The
 * record changed since: the same text means that page's own write landed after all (nothing to
 * do); else they are stored as a copy, as for a document left with unwritten changes.
 */
async function writeKept(store: DocumentStore, kept: Pending, now: number): Promise<Outcome> {
	const parsed = parseDocument(kept.json);
	const content = {
		updated: kept.at ?? now,
		nodes: parsed.ok ? parsed.doc.nodes.length : 0,
		chars: kept.json.length,
		...(parsed.ok ? {} : { unreadable: true as const }),
		json: kept.json,
		session: kept.session
	};
	const info = { id: kept.id, origin: kept.origin, created: kept.created };
	const result = await store.put({ ...info, ...content }, kept.base);
	if (result.ok) return { written: { id: kept.id, revision: result.revision }, copied: false };
	if (result.reason === 'failed') return 'failed';
	const current = await store.get(kept.id);
	const sessionText = (session: unknown) => JSON.stringify(session ?? null);
	if (current?.json === kept.json && sessionText(current.session) === sessionText(kept.session)) {
		return { written: null, copied: false };
	}
	const copy = newDocumentInfo({ ...kept.origin, copy: true }, now);
	const title = current?.title;
	const copied = await store.put(
		{ ...copy, ...content, ...(title === undefined ? {} : { title }) },
		null
	);
	return copied.ok ? { written: null, copied: true } : 'failed';
}

/** Writes the changes kept by pages that are gone (see tab-memory.ts), then forgets them. */
async function recoverClosedPages(
	store: DocumentStore,
	shared: SharedStorage,
	presence: PagePresence,
	now: number
): Promise<Recovered> {
	const recovered: Recovered = { written: [], copied: false, pages: new Set() };
	await Promise.all(
		keptPages(shared).map((page) =>
			presence.whenGone(page, async () => {
				const kept = readKept(shared, page);
				const outcome = kept === null ? null : await writeKept(store, kept, now);
				if (outcome === 'failed') return;
				removeKept(shared, page);
				recovered.pages.add(page);
				if (outcome?.written) recovered.written.push(outcome.written);
				if (outcome?.copied) recovered.copied = true;
			})
		)
	);
	return recovered;
}

export async function startDocument(store: DocumentStore, options: StartOptions): Promise<Start> {
	const now = options.now?.() ?? Date.now();
	const memory = options.tabMemory ?? null;
	const shared = options.presence ? (options.shared ?? null) : null;
	const presence = shared === null ? null : (options.presence ?? null);
	// Changes this tab made but could not write before its last unload come first. The entry the
	// page before kept of them in localStorage is this page's to write now, no other's (one that
	// is not used stays there: it is written below, as a closed page's).
	const lost = takeLostNote(memory);
	const remembered = safely(() => memory?.getItem(TAB_DOCUMENT_KEY) ?? null, null);
	const kept = readPending(memory);
	const pending = kept !== null && kept.id === remembered ? kept : null;
	clearPending(memory, shared, pending?.page);
	const parsedPending = pending === null ? null : parseDocument(pending.json);
	const carried = { shared, presence };
	let recovered: Recovered = { written: [], copied: false, pages: new Set() };
	const notice = (): MessageKey | null => {
		if (lost !== null && pending === null && !recovered.pages.has(lost)) {
			return 'notice.changesLost';
		}
		return recovered.copied ? 'notice.closedTabKeptAsCopy' : null;
	};
	const first = (unreadable: Unreadable | null, failure: string | null = null): Start => {
		const { doc, origin } = options.first();
		return {
			doc,
			info: newDocumentInfo(origin, now),
			session: null,
			autosave: {
				revision: null,
				pristine: true,
				unreadable,
				failure,
				notice: notice(),
				written: recovered.written,
				...carried
			}
		};
	};
	const fromPending = (failure: string | null): Start | null =>
		pending !== null && parsedPending?.ok
			? {
					doc: parsedPending.doc,
					info: { id: pending.id, origin: pending.origin, created: pending.created },
					session: pending.session,
					// Written on the revision they were made on: if another tab wrote since, the
					// user chooses (nothing is overwritten).
					autosave: {
						revision: pending.base,
						pristine: false,
						dirty: true,
						landing: pending.landing ?? null,
						unreadable: null,
						failure,
						notice: notice(),
						written: recovered.written,
						...carried
					}
				}
			: null;
	try {
		if (options.legacy) await migrate(store, options.legacy, now);
		if (shared !== null && presence !== null) {
			recovered = await recoverClosedPages(store, shared, presence, now);
		}
		const metas = await store.list();
		const started = fromPending(null);
		if (started !== null) return started;
		const candidate = metas.find((meta) => meta.id === remembered) ?? metas[0];
		if (candidate === undefined) return first(null);
		const record = await store.get(candidate.id);
		if (record === null) return first(null);
		const parsed = parseDocument(record.json);
		if (!parsed.ok) {
			return first(unreadableOf(metaOf(record), parsed.problems));
		}
		return {
			doc: parsed.doc,
			info: { id: record.id, origin: record.origin, created: record.created },
			session: record.session,
			autosave: {
				revision: record.revision,
				pristine: false,
				unreadable: null,
				failure: null,
				notice: notice(),
				written: recovered.written,
				...carried
			}
		};
	} catch (error) {
		// The store cannot be used (IndexedDB refused): this tab's kept changes still come back.
		const failure = excerpt(String(error), 200);
		return fromPending(failure) ?? first(null, failure);
	}
}
