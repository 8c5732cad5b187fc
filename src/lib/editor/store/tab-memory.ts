/**
 * What a tab remembers across a reload, in sessionStorage (it survives a reload, not a new tab):
 * which document it had open, and the changes not yet written when the page went away.
 *
 * IndexedDB writes are asynchronous: one started while the page unloads may never finish. So
 * when the page is hidden or closed with changes unwritten, they are also kept here,
 * synchronously, and the next start of this tab picks them up (and writes them).
 */
import type { DocumentOrigin } from './documents';

/** The subset of the Web Storage API used here. */
export interface KeyValueStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

/** This tab's document. */
export const TAB_DOCUMENT_KEY = 'autograd-canvas.tab-document';
/** This tab's unwritten changes. */
export const TAB_PENDING_KEY = 'autograd-canvas.tab-pending';
/** The panel open beside this tab's canvas (Train, Code), so that a reload opens it again. */
export const TAB_SIDE_PANEL_KEY = 'autograd-canvas.tab-side-panel';

/** Changes not yet written: the document's text and session, and the revision they build on. */
export interface Pending {
	id: string;
	origin: DocumentOrigin;
	created: number;
	/** The stored revision these changes were made on (null: not stored yet). */
	base: number | null;
	json: string;
	session: unknown;
}

export function safely<T>(read: () => T, fallback: T): T {
	try {
		return read();
	} catch {
		return fallback;
	}
}

export function writePending(memory: KeyValueStorage | null, pending: Pending): boolean {
	if (!memory) return false;
	return safely(() => {
		memory.setItem(TAB_PENDING_KEY, JSON.stringify(pending));
		return true;
	}, false);
}

export function clearPending(memory: KeyValueStorage | null): void {
	safely(() => memory?.removeItem(TAB_PENDING_KEY), undefined);
}

/** The unwritten changes this tab kept, or null (none, or not readable). */
export function readPending(memory: KeyValueStorage | null): Pending | null {
	const text = safely(() => memory?.getItem(TAB_PENDING_KEY) ?? null, null);
	if (text === null) return null;
	const value = safely(() => JSON.parse(text) as unknown, null);
	if (typeof value !== 'object' || value === null) return null;
	const p = value as Partial<Pending>;
	if (typeof p.id !== 'string' || typeof p.json !== 'string') return null;
	if (typeof p.origin !== 'object' || p.origin === null || typeof p.created !== 'number')
		return null;
	const base = typeof p.base === 'number' && Number.isInteger(p.base) ? p.base : null;
	return {
		id: p.id,
		origin: p.origin,
		created: p.created,
		base,
		json: p.json,
		session: p.session ?? null
	};
}
