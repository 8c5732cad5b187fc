/**
 * Which document a page opens with: this tab's document after a reload, else the most recently
 * written one, else the first-visit example. A stored document that cannot be read is never
 * overwritten: the page opens the example instead (not written until it is changed) and says so.
 * The single autosave slot in localStorage of earlier versions becomes a stored document first.
 */
import { parseDocument, type GraphDocument } from '$lib/graph';
import { excerpt } from '$lib/util/excerpt';
import { unreadableOf, type AutosaveOptions, type Unreadable } from './autosave.svelte';
import {
	clearPending,
	readPending,
	safely,
	TAB_DOCUMENT_KEY,
	type KeyValueStorage
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
	/** sessionStorage: which document this tab had open. */
	tabMemory?: KeyValueStorage | null;
	/** The document a first visit shows. */
	first: () => { doc: GraphDocument; origin: DocumentOrigin };
	now?: () => number;
}

export interface Start {
	doc: GraphDocument;
	info: DocumentInfo;
	session: unknown;
	autosave: Pick<AutosaveOptions, 'revision' | 'pristine' | 'unreadable' | 'failure' | 'dirty'>;
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

export async function startDocument(store: DocumentStore, options: StartOptions): Promise<Start> {
	const now = options.now?.() ?? Date.now();
	const first = (unreadable: Unreadable | null, failure: string | null = null): Start => {
		const { doc, origin } = options.first();
		return {
			doc,
			info: newDocumentInfo(origin, now),
			session: null,
			autosave: { revision: null, pristine: true, unreadable, failure }
		};
	};
	try {
		if (options.legacy) await migrate(store, options.legacy, now);
		const metas = await store.list();
		const remembered = safely(() => options.tabMemory?.getItem(TAB_DOCUMENT_KEY) ?? null, null);
		// Changes this tab made but could not write before its last unload come first.
		const pending = readPending(options.tabMemory ?? null);
		clearPending(options.tabMemory ?? null);
		if (pending !== null && pending.id === remembered) {
			const parsed = parseDocument(pending.json);
			if (parsed.ok) {
				return {
					doc: parsed.doc,
					info: { id: pending.id, origin: pending.origin, created: pending.created },
					session: pending.session,
					// Written on the revision they were made on: if another tab wrote since, the
					// user chooses (nothing is overwritten).
					autosave: {
						revision: pending.base,
						pristine: false,
						dirty: true,
						unreadable: null,
						failure: null
					}
				};
			}
		}
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
			autosave: { revision: record.revision, pristine: false, unreadable: null, failure: null }
		};
	} catch (error) {
		return first(null, excerpt(String(error), 200));
	}
}
