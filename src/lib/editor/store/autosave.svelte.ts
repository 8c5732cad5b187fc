/**
 * Autosave: the editor's documents kept in the document store, loudly.
 *
 * - Every change is written (when the browser is idle, within half a second; at once when the
 *   page is hidden) to the record of the document it belongs to. Opening a file, a share link, an
 *   example or a recent document makes or opens another record: nothing replaces the graph before.
 *   A document left for another before its last change was written is written then, to its own
 *   record (an edit, then New or a share link within the half second). New's empty canvas is not
 *   written until it is changed (`#blank`): leaving it, by Undo or another document, leaves no
 *   empty "New graph" in Recent; a reload opens it again from the tab's memory.
 * - A failed write is never silent: `failure` holds why until a write works again, and the page
 *   shows it with "Save to file".
 * - What is not written when the page is hidden or closed, or while writes fail, is kept at once
 *   where a reload of the tab, or the next tab after this one is closed, finds and writes it
 *   (tab-memory.ts says where, and how a live tab's changes are never taken by another). Where the
 *   browser refuses that too, `unkept` says so: a reload or closing the tab loses them.
 * - Tabs: each write names the revision it replaces. If another tab wrote the same document since,
 *   the write is refused ('conflict') and the user chooses: keep this tab's version as a copy, or
 *   take the other. A BroadcastChannel tells the other tabs of each write: a tab with nothing
 *   unsaved follows it, a tab with unsaved changes asks at once. Unless the two changed different
 *   parts (one tab trains, so its session changes, while the other edits the graph): then both
 *   are kept (`#merge`).
 * - What could not be read stays as it is (`unreadable`): the user may download or discard it.
 */
import { compactDocument, parseDocument, type GraphDocument, type Problem } from '$lib/graph';
import { excerpt } from '$lib/util/excerpt';
import type { EditorState, LeftDocument } from '../editor-state.svelte';
import {
	metaOf,
	newDocumentInfo,
	type DocumentInfo,
	type DocumentMeta,
	type DocumentRecord,
	type DocumentStore
} from './documents';
import type { MessageKey } from '$lib/i18n';
import {
	clearPending,
	keepPending,
	safely,
	writeFingerprint,
	TAB_DOCUMENT_KEY,
	type KeyValueStorage,
	type PagePresence,
	type SharedStorage
} from './tab-memory';

/** What tabs tell each other. */
export type TabMessage =
	| { type: 'saved'; id: string; revision: number; tab: string }
	| { type: 'removed'; id: string; tab: string }
	| { type: 'renamed'; id: string; tab: string };

/** The part of BroadcastChannel used here (a fake in tests). */
export interface TabChannel {
	postMessage(message: TabMessage): void;
	onmessage: ((event: { data: unknown }) => void) | null;
	close(): void;
}

export const CHANNEL_NAME = 'autograd-canvas.documents';

/** A record that could not be read, and why. */
export interface Unreadable {
	meta: DocumentMeta;
	/** Why, in English (as the first problem says it). */
	reason: string;
	/** That problem, for the page to word in the UI's language (absent: show `reason`). */
	problem?: Problem;
}

export interface AutosaveOptions {
	/** This tab's id (random by default). */
	tab?: string;
	/** The channel to the other tabs (default: a BroadcastChannel, where there is one). */
	channel?: TabChannel | null;
	/**
	 * The tab's memory across a reload (sessionStorage in the page): which document it has open,
	 * and the changes not yet written when the page goes away.
	 */
	tabMemory?: KeyValueStorage | null;
	/**
	 * localStorage, where the changes not yet written when the page goes away are kept too, so
	 * that closing the tab does not lose them (used only with `presence`; see tab-memory.ts).
	 */
	shared?: SharedStorage | null;
	/** This page's presence for the other pages (Web Locks): a live page's changes are its own. */
	presence?: PagePresence | null;
	/** Said on the status line at start (what became of the changes kept by closed pages). */
	notice?: MessageKey | null;
	/** Records written at start from the changes of closed pages: the other tabs are told. */
	written?: readonly { id: string; revision: number }[];
	/** The first document has changes not written yet (kept by the tab at its last unload). */
	dirty?: boolean;
	/** With `dirty`: the fingerprint of a write the page before had under way (`Pending.landing`). */
	landing?: string | null;
	/** Runs `write` later (default: when the browser is idle, within half a second). */
	later?: (write: () => void) => void;
	/** The revision of the first document as read from the store (null: not stored yet). */
	revision?: number | null;
	/** The first document is not written until it is changed (the example shown on a first visit). */
	pristine?: boolean;
	/** What could not be read at startup. */
	unreadable?: Unreadable | null;
	/** Why the store could not be used at all (no IndexedDB), if so. */
	failure?: string | null;
	now?: () => number;
}

type Saved = { doc: GraphDocument; session: unknown };

/** A record that could not be read, said by its first problem. */
export function unreadableOf(meta: DocumentMeta, problems: readonly Problem[]): Unreadable {
	const problem = problems[0];
	const reason = excerpt(problem?.message ?? 'unreadable', 200);
	return problem === undefined ? { meta, reason } : { meta, reason, problem };
}

function idle(write: () => void) {
	if (typeof requestIdleCallback === 'function') requestIdleCallback(write, { timeout: 500 });
	else setTimeout(write, 50);
}

function openChannel(): TabChannel | null {
	try {
		return typeof BroadcastChannel === 'function'
			? (new BroadcastChannel(CHANNEL_NAME) as unknown as TabChannel)
			: null;
	} catch {
		return null;
	}
}

const isMessage = (data: unknown): data is TabMessage =>
	typeof data === 'object' &&
	data !== null &&
	typeof (data as TabMessage).id === 'string' &&
	typeof (data as TabMessage).tab === 'string';

/** The session as plain JSON data (what IndexedDB can store), or null. */
function plainSession(session: unknown): unknown {
	if (session === null || session === undefined) return null;
	try {
		return JSON.parse(JSON.stringify(session)) as unknown;
	} catch {
		return null;
	}
}

export class Autosave {
	/** Why the last write failed (shown until one works), or null. */
	failure = $state.raw<string | null>(null);
	/** Another tab wrote this document since this tab last saw it: the user chooses. */
	conflict = $state.raw<DocumentMeta | null>(null);
	/** A stored document that could not be read (kept as it is). */
	unreadable = $state.raw<Unreadable | null>(null);
	/** Every stored document, the most recent first (refreshed after writes). */
	recent = $state.raw<DocumentMeta[]>([]);
	/**
	 * While a write fails: the browser refused to keep the changes in the tab too (storage
	 * blocked or full), so a reload or closing the tab loses them.
	 */
	unkept = $state.raw(false);

	readonly tab: string;
	#editor: EditorState;
	#store: DocumentStore;
	#channel: TabChannel | null;
	#memory: KeyValueStorage | null;
	#shared: SharedStorage | null;
	#releasePresence: () => void;
	#later: (write: () => void) => void;
	#now: () => number;
	/** The revision this tab last wrote or read, per record (null: not stored yet). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
	#revisions = new Map<string, number | null>();
	/** What this tab last wrote or read, per record. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
	#saved = new Map<string, Saved>();
	/**
	 * Names to write with a record's next write: a copy not written yet keeps its original's name,
	 * and so does a document stored again after another tab deleted it.
	 */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
	#copyTitles = new Map<string, string>();
	/**
	 * What this page started from when it started from changes kept at the tab's last unload
	 * (`dirty`): the document's text and session, as the write that unload began would store them.
	 */
	#started: { id: string; json: string; session: string; landing: string | null } | null = null;
	/** The write under way: its document and `writeFingerprint` (kept with unwritten changes). */
	#inflight: { id: string; fingerprint: string } | null = null;
	/** Documents another tab deleted while open here: written again, even with nothing changed. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
	#rewrite = new Set<string>();
	/**
	 * Documents the editor left for another before their last changes were written (an edit, then
	 * New within the idle write's half second): written first, to their own records.
	 */
	#left: LeftDocument[] = [];
	#stopListening: () => void;
	#scheduled = false;
	#running: Promise<void> | null = null;
	#again = false;
	#disposed = false;

	constructor(editor: EditorState, store: DocumentStore, options: AutosaveOptions = {}) {
		this.#editor = editor;
		this.#store = store;
		this.tab = options.tab ?? Math.random().toString(36).slice(2);
		this.#channel = options.channel === undefined ? openChannel() : options.channel;
		this.#memory = options.tabMemory ?? null;
		const presence = options.presence ?? null;
		this.#shared = presence === null ? null : (options.shared ?? null);
		this.#releasePresence = presence?.hold(this.tab) ?? (() => {});
		this.#later = options.later ?? idle;
		this.#now = options.now ?? Date.now;
		this.unreadable = options.unreadable ?? null;
		this.failure = options.failure ?? null;
		const { id } = editor.documentInfo;
		this.#revisions.set(id, options.revision ?? null);
		if (options.dirty) {
			this.#started = {
				id,
				json: compactDocument(editor.doc),
				session: JSON.stringify(plainSession(editor.trainingSession)),
				landing: options.landing ?? null
			};
		}
		const stored = options.revision !== undefined && options.revision !== null;
		if ((stored || options.pristine) && !options.dirty) {
			this.#saved.set(id, { doc: editor.doc, session: editor.trainingSession });
		}
		this.#remember(id);
		this.#stopListening = editor.addLeaveListener((left) => this.#leave(left));
		if (options.dirty) {
			// Kept again at once, by this page (the start took them from where the page before kept them).
			this.#keep();
			this.schedule();
		}
		if (this.#channel) this.#channel.onmessage = (event) => void this.#received(event.data);
		for (const { id: written, revision } of options.written ?? []) {
			this.#channel?.postMessage({ type: 'saved', id: written, revision, tab: this.tab });
		}
		if (options.notice === 'notice.changesLost') editor.notify(options.notice, undefined, 'error');
		else if (options.notice) editor.notify(options.notice);
		void this.refresh();
	}

	dispose(): void {
		this.#disposed = true;
		this.#stopListening();
		this.#channel?.close();
		this.#releasePresence();
	}

	/** This tab's document is `id` (a reload opens it again). */
	#remember(id: string): void {
		const memory = this.#memory;
		if (memory) safely(() => memory.setItem(TAB_DOCUMENT_KEY, id), undefined);
	}

	/**
	 * The page is being hidden or closed: the panels hand out what they hold (the Train panel's
	 * latest training), and what is not written yet is kept in the tab's memory at once (an
	 * IndexedDB write may not finish before the page is gone), then written.
	 */
	flushOnExit(): void {
		const editor = this.#editor;
		editor.saveSessions();
		// Kept during a conflict too: the next start asks again, rather than drop this tab's work.
		// New's empty canvas too, though not written: the reload opens it again, not the graph
		// before it.
		if (this.unsaved || this.#blank(this.#current())) this.#keep();
		void this.flush();
	}

	/**
	 * Keeps what is not written yet where a reload, or the next tab started after this one is
	 * closed, finds it (see tab-memory.ts). Refused: `unkept`, for the banner to say.
	 */
	#keep(): void {
		const editor = this.#editor;
		const { id, origin, created } = editor.documentInfo;
		// A blank New is kept for this tab's reload only: no other tab is to store it (`#blank`).
		const shared = this.#blank(this.#current()) ? null : this.#shared;
		const kept = keepPending(this.#memory, shared, {
			id,
			origin,
			created,
			base: this.#revisions.get(id) ?? null,
			json: compactDocument(editor.doc),
			session: plainSession(editor.trainingSession),
			page: this.tab,
			at: this.#now(),
			...(this.#inflight?.id === id ? { landing: this.#inflight.fingerprint } : {})
		});
		this.unkept = !kept.tab;
	}

	/** The editor changed its document (or its session): write it soon. */
	schedule(): void {
		this.#remember(this.#editor.documentInfo.id);
		if (this.#scheduled) return;
		this.#scheduled = true;
		this.#later(() => void this.flush());
	}

	/** Writes what is waiting now (the page calls it when it is hidden). Resolves when written. */
	flush(): Promise<void> {
		this.#scheduled = false;
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#write().finally(() => {
			this.#running = null;
			if (this.#again) {
				this.#again = false;
				void this.flush();
			}
		});
		return this.#running;
	}

	/**
	 * Whether the current document differs from what this tab last wrote or read (or must be
	 * written again: another tab deleted it).
	 */
	get unsaved(): boolean {
		return this.#unsaved(this.#current());
	}

	#current(): LeftDocument {
		const editor = this.#editor;
		return { info: editor.documentInfo, doc: editor.doc, session: editor.trainingSession };
	}

	#unsaved(snapshot: LeftDocument): boolean {
		const { info, doc, session } = snapshot;
		const saved = this.#saved.get(info.id);
		if (saved === undefined && this.#blank(snapshot)) return false;
		return (
			saved === undefined ||
			saved.doc !== doc ||
			saved.session !== session ||
			this.#rewrite.has(info.id)
		);
	}

	/**
	 * Whether `snapshot` is New's empty canvas, never stored: nothing to keep, so not written (it
	 * would be an empty "New graph" in Recent). It is written once it is changed; one that was
	 * stored (changed, then emptied again) is written as any other, and so is a copy.
	 */
	#blank({ info, doc, session }: LeftDocument): boolean {
		return (
			info.origin.kind === 'new' &&
			info.origin.copy !== true &&
			doc.nodes.length === 0 &&
			doc.edges.length === 0 &&
			(session ?? null) === null &&
			(this.#revisions.get(info.id) ?? null) === null &&
			!this.#rewrite.has(info.id)
		);
	}

	/** The editor leaves `left` for another document: what it holds unwritten is written now. */
	#leave(left: LeftDocument): void {
		if (this.#disposed || !this.#unsaved(left) || this.conflict?.id === left.info.id) return;
		this.#left.push(left);
		void this.flush();
	}

	async #write(): Promise<void> {
		while (this.#left.length > 0 && !this.#disposed) await this.#put(this.#left.shift()!, true);
		if (!this.#disposed) await this.#put(this.#current(), false);
	}

	/** Writes one document to its record: the current one, or one the editor left (`left`). */
	async #put(snapshot: LeftDocument, left: boolean): Promise<void> {
		const { info, doc, session } = snapshot;
		if (!this.#unsaved(snapshot)) return;
		if (this.conflict?.id === info.id) return; // the user chooses first
		const json = compactDocument(doc);
		const record: Omit<DocumentRecord, 'revision'> = {
			id: info.id,
			origin: info.origin,
			created: info.created,
			updated: this.#now(),
			nodes: doc.nodes.length,
			chars: json.length,
			json,
			session: plainSession(session)
		};
		const title = this.#copyTitles.get(info.id);
		if (title !== undefined) record.title = title;
		const expected = this.#revisions.get(info.id) ?? null;
		const inflight = { id: info.id, fingerprint: writeFingerprint(json, record.session) };
		this.#inflight = inflight;
		const result = await this.#store.put(record, expected).finally(() => {
			if (this.#inflight === inflight) this.#inflight = null;
		});
		if (result.ok) {
			this.#copyTitles.delete(info.id);
			this.#rewrite.delete(info.id);
			this.#started = null;
			this.#revisions.set(info.id, result.revision);
			this.#saved.set(info.id, { doc, session });
			this.failure = null;
			this.unkept = false;
			if (!this.unsaved) clearPending(this.#memory, this.#shared, this.tab);
			this.#channel?.postMessage({
				type: 'saved',
				id: info.id,
				revision: result.revision,
				tab: this.tab
			});
			void this.refresh();
		} else if (result.reason === 'conflict' && left) {
			// Another tab changed it too, and it is no longer open here to ask about: this tab's
			// version is kept as a copy, as "keep mine" would.
			await this.#keepLeftAsCopy(snapshot);
		} else if (result.reason === 'conflict') {
			// Merged: what this tab changed is written again, on the other tab's revision.
			if (await this.#merge()) this.#again = true;
			else this.conflict = result.current;
		} else {
			this.failure = excerpt(result.message, 200);
			// Until a write works, a reload (or the next tab) finds them where they are kept.
			if (!left && !this.#disposed && this.unsaved) this.#keep();
		}
	}

	/** A document left with changes another tab's write would overwrite: stored as a copy. */
	async #keepLeftAsCopy({ info, doc, session }: LeftDocument): Promise<void> {
		const copy = newDocumentInfo({ ...info.origin, copy: true }, this.#now());
		const json = compactDocument(doc);
		const title = this.recent.find((meta) => meta.id === info.id)?.title;
		const result = await this.#store.put(
			{
				id: copy.id,
				origin: copy.origin,
				created: copy.created,
				updated: this.#now(),
				nodes: doc.nodes.length,
				chars: json.length,
				json,
				session: plainSession(session),
				...(title === undefined ? {} : { title })
			},
			null
		);
		if (result.ok) {
			this.#editor.notify('notice.leftKeptAsCopy');
			void this.refresh();
		} else {
			this.failure = excerpt(result.reason === 'conflict' ? 'conflict' : result.message, 200);
		}
	}

	/** Reads the Recent list again. */
	async refresh(): Promise<void> {
		try {
			this.recent = await this.#store.list();
		} catch (error) {
			this.failure ??= excerpt(String(error), 200);
		}
	}

	async #received(data: unknown): Promise<void> {
		if (!isMessage(data) || data.tab === this.tab) return;
		const id = this.#editor.documentInfo.id;
		// Its name as listed before the list is read again.
		const title = this.recent.find((meta) => meta.id === id)?.title;
		void this.refresh();
		if (data.id === id && data.type === 'removed') {
			// Deleted in another tab (Recent › Delete) while open here: it is stored again, from
			// what this tab shows and with its name, so that a reload does not lose it.
			if (title !== undefined) this.#copyTitles.set(id, title);
			this.#revisions.set(id, null);
			// What it last held stays known: another tab that stores it again with the same
			// content (it had it open too, or Undo of the Delete) is no conflict (`#merge`).
			this.#rewrite.add(id);
			this.#editor.notify('notice.deletedElsewhere');
			this.schedule();
			return;
		}
		if (data.id !== id || data.type !== 'saved') return;
		const known = this.#revisions.get(id);
		if (known !== null && known !== undefined && data.revision <= known) return;
		// While the user is asked (a conflict), nothing is merged under the question.
		if (this.conflict?.id !== id && (await this.#merge())) {
			if (this.unsaved) this.schedule();
		} else if (this.unsaved) {
			this.conflict = await this.#metaOf(id);
		} else {
			await this.takeTheirs(true);
		}
	}

	/**
	 * Another tab wrote this document: what it changed becomes this tab's, and what this tab
	 * changed stays. When the two changed different parts, one the graph and the other the
	 * training session (a tab training while another edits the graph), both changes are kept and
	 * nobody is asked: the graph taken from the other tab is one undo step, and a training it
	 * changes pauses, as after an edit here. False when both changed the same part: then the
	 * user chooses (`conflict`). The caller writes what this tab still has to write.
	 */
	async #merge(): Promise<boolean> {
		const editor = this.#editor;
		const { id } = editor.documentInfo;
		const record = await this.#store.get(id).catch(() => null);
		const saved = this.#saved.get(id);
		if (record === null || editor.documentInfo.id !== id) return false;
		const sessionText = (session: unknown) => JSON.stringify(plainSession(session));
		if (saved === undefined) {
			// Started from changes the tab kept at its last unload: the write that unload began may
			// have landed since, with exactly what this page started from. Then it is this tab's
			// own, and nothing of another's is in it: its revision becomes the base. Anything else
			// is another tab's, and the user chooses.
			// Or it is the write the page before had under way when it kept them (`landing`),
			// landed after: the kept changes are newer, and go on top of it.
			const started = this.#started;
			const own =
				started !== null &&
				started.id === id &&
				((started.json === record.json && started.session === sessionText(record.session)) ||
					(started.landing !== null &&
						started.landing === writeFingerprint(record.json, record.session)));
			if (own) this.#revisions.set(id, record.revision);
			return own;
		}
		const savedJson = compactDocument(saved.doc);
		const mineDoc = compactDocument(editor.doc) !== savedJson;
		const mineSession = sessionText(editor.trainingSession) !== sessionText(saved.session);
		const theirsDoc = record.json !== savedJson;
		const theirsSession = sessionText(record.session) !== sessionText(saved.session);
		if ((mineDoc && theirsDoc) || (mineSession && theirsSession)) return false;
		let doc = editor.doc;
		if (theirsDoc) {
			const theirs = this.#readable(record);
			if (theirs === null) return false;
			doc = theirs;
		}
		// The session object stays this tab's unless the other tab changed it: a Train panel
		// opens again on a session that comes from elsewhere (and its training would stop).
		if (!editor.adoptVersion(doc, theirsSession ? record.session : editor.trainingSession)) {
			return false;
		}
		this.#revisions.set(id, record.revision);
		this.#saved.set(id, {
			doc: theirsDoc ? editor.doc : saved.doc,
			session: theirsSession ? editor.trainingSession : saved.session
		});
		if (theirsDoc) editor.notify('notice.updatedFromTab');
		return true;
	}

	/** The stored meta of `id`, or (deleted, or the store failed) this tab's idea of it. */
	async #metaOf(id: string): Promise<DocumentMeta> {
		const metas = await this.#store.list().catch(() => [] as DocumentMeta[]);
		const info = this.#editor.documentInfo;
		return (
			metas.find((meta) => meta.id === id) ?? {
				...info,
				updated: 0,
				revision: 0,
				nodes: this.#editor.doc.nodes.length,
				chars: 0
			}
		);
	}

	/** The record's document, or null: then it is `unreadable` (kept, for the user to decide). */
	#readable(record: DocumentRecord): GraphDocument | null {
		const parsed = parseDocument(record.json);
		if (parsed.ok) return parsed.doc;
		this.unreadable = unreadableOf(metaOf(record), parsed.problems);
		return null;
	}

	/** Conflict, or another tab's write: the stored version becomes this tab's (one undo step). */
	async takeTheirs(quietly = false): Promise<boolean> {
		const info = this.#editor.documentInfo;
		const record = await this.#store.get(info.id);
		if (quietly && (this.unsaved || this.#editor.documentInfo.id !== info.id)) {
			// The user changed something while the other version was read: they choose.
			if (this.#editor.documentInfo.id === info.id) this.conflict = await this.#metaOf(info.id);
			return false;
		}
		this.conflict = null;
		if (record === null) return false;
		const doc = this.#readable(record);
		if (doc === null) return false;
		const before = this.#editor.doc;
		if (!this.#editor.adoptVersion(doc, record.session)) return false;
		this.#revisions.set(info.id, record.revision);
		this.#saved.set(info.id, { doc: this.#editor.doc, session: this.#editor.trainingSession });
		// What this tab kept of its version is no longer to be written (Undo brings it back).
		if (!this.unsaved) clearPending(this.#memory, this.#shared, this.tab);
		if (!quietly) this.#editor.notify('notice.tookTheirs');
		else if (this.#editor.doc !== before) this.#editor.notify('notice.updatedFromTab');
		return true;
	}

	/** Conflict: this tab's version is kept as a new document; the other stays as it was. */
	keepMine(): void {
		this.conflict = null;
		const before = this.#editor.documentInfo.id;
		const title = this.recent.find((meta) => meta.id === before)?.title;
		const info = this.#editor.forkDocument();
		if (title !== undefined) this.#copyTitles.set(info.id, title);
		this.#revisions.set(info.id, null);
		this.#editor.notify('notice.keptMine');
	}

	/**
	 * Opens a stored document: it becomes this tab's (one undo step). An unreadable one is not
	 * opened: it becomes `unreadable`, for the user to download or discard.
	 */
	async open(id: string): Promise<boolean> {
		// The document left is written with its latest training session first.
		this.#editor.saveSessions();
		await this.flush();
		const record = await this.#store.get(id);
		if (record === null) {
			void this.refresh();
			return false;
		}
		const doc = this.#readable(record);
		if (doc === null) return false;
		const info: DocumentInfo = { id: record.id, origin: record.origin, created: record.created };
		if (!this.#editor.replaceDocument(doc, { info, session: record.session })) return false;
		this.#revisions.set(id, record.revision);
		this.#saved.set(id, { doc: this.#editor.doc, session: this.#editor.trainingSession });
		this.#remember(id);
		return true;
	}

	/** The stored text of a record, exactly as it is (for Download), or null. */
	async text(id: string): Promise<string | null> {
		return (await this.#store.get(id))?.json ?? null;
	}

	/**
	 * Deletes a stored document (never the one open in this tab). Answers what was stored, for
	 * `restore` (null: there was nothing). A tab that has it open stores it again (`#received`).
	 */
	async discard(id: string): Promise<DocumentRecord | null> {
		if (id === this.#editor.documentInfo.id) return null;
		const record = await this.#store.get(id).catch(() => null);
		await this.#store.remove(id);
		if (this.unreadable?.meta.id === id) this.unreadable = null;
		this.#channel?.postMessage({ type: 'removed', id, tab: this.tab });
		await this.refresh();
		return record;
	}

	/**
	 * Stores a deleted document again, as it was (Undo of a Delete). False when a document of
	 * that id is stored again already (a tab that had it open wrote it).
	 */
	async restore(record: DocumentRecord): Promise<boolean> {
		const { revision: _revision, ...content } = record;
		const result = await this.#store.put(content, null);
		if (!result.ok) {
			if (result.reason === 'conflict') return false;
			throw new Error(result.message);
		}
		this.#channel?.postMessage({
			type: 'saved',
			id: record.id,
			revision: result.revision,
			tab: this.tab
		});
		await this.refresh();
		return true;
	}

	/**
	 * Names a stored document (null or blank: back to the name of its origin). The document itself
	 * is not written: a tab editing it goes on without a conflict. False when the record is gone;
	 * a store that fails throws (the caller says so where the user renamed it).
	 */
	async rename(id: string, title: string | null): Promise<boolean> {
		const renamed = await this.#store.rename(id, title);
		if (renamed) this.#channel?.postMessage({ type: 'renamed', id, tab: this.tab });
		await this.refresh();
		return renamed;
	}

	/** Hides the notice about an unreadable document (it stays in the store and in Recent). */
	dismissUnreadable(): void {
		this.unreadable = null;
	}

	/** Try the failed write again. */
	retry(): Promise<void> {
		this.#saved.delete(this.#editor.documentInfo.id);
		return this.flush();
	}
}
