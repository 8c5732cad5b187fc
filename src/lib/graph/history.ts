/**
 * Undo and redo over immutable documents: a list of past documents, the current one, and the
 * undone ones. Pushing a new document clears the redo list; the oldest entries drop off past
 * `limit`.
 */
import type { GraphDocument } from './types';

export class History {
	private past: GraphDocument[] = [];
	private future: GraphDocument[] = [];
	private present: GraphDocument;
	private readonly limit: number;

	/** `limit`: how many steps can be undone (default 200). */
	constructor(initial: GraphDocument, limit = 200) {
		this.present = initial;
		this.limit = Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 200));
	}

	get current(): GraphDocument {
		return this.present;
	}

	get canUndo(): boolean {
		return this.past.length > 0;
	}

	get canRedo(): boolean {
		return this.future.length > 0;
	}

	/** Make `doc` current; the previous document can be undone. Pushing the current one does nothing. */
	push(doc: GraphDocument): void {
		if (doc === this.present) return;
		this.past.push(this.present);
		if (this.past.length > this.limit) this.past.splice(0, this.past.length - this.limit);
		this.present = doc;
		this.future = [];
	}

	/** Step back; returns the document now current, or null when there is nothing to undo. */
	undo(): GraphDocument | null {
		const previous = this.past.pop();
		if (previous === undefined) return null;
		this.future.push(this.present);
		this.present = previous;
		return previous;
	}

	/** Step forward again; returns the document now current, or null when there is nothing to redo. */
	redo(): GraphDocument | null {
		const next = this.future.pop();
		if (next === undefined) return null;
		this.past.push(this.present);
		this.present = next;
		return next;
	}

	/** Start over from `doc` with nothing to undo or redo. */
	reset(doc: GraphDocument): void {
		this.past = [];
		this.future = [];
		this.present = doc;
	}
}
