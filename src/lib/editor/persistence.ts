/**
 * Web Storage for small settings (the Train panel's last parameters). Documents are kept in the
 * document store (store/documents.ts), not here.
 */

/** The subset of the Web Storage API used (localStorage, or a fake in tests). */
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
