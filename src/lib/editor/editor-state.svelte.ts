/**
 * The editor's shared state: the document and its undo history (the source of truth), shape
 * inference, the selection, the clipboard, and the messages the editor shows. Components reach it
 * through `getEditor()` (see context.ts). Every change to the document goes through `commit`,
 * which records one undo step and autosaves.
 *
 * Svelte Flow's node and edge arrays are DERIVED from the document (`flowNodes`, `flowEdges`).
 * Svelte Flow writes to them while the user drags or selects; those writes last until the
 * document changes. Positions come back to the document when a drag ends, as one undo step.
 */
import {
	addNode as addNodeEdit,
	documentBytes,
	MAX_FILE_BYTES,
	tooBigToSaveRefusal,
	checkConnection,
	compactDocument,
	connect as connectEdit,
	decodeShareHash,
	disconnect,
	duplicateNodes,
	emptyDocument,
	extractFragment,
	History,
	inferShapes,
	insertFragment,
	moveNodes as moveNodesEdit,
	parseDocument,
	removeNodes,
	renameNode as renameNodeEdit,
	updateAttrs as updateAttrsEdit,
	type Connection,
	type Edit,
	type Fragment,
	type GraphDocument,
	type GraphNode,
	type NodeInfo,
	type Position,
	type Problem,
	type Refusal,
	type ConnectionCheck
} from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';
import { dict } from '$lib/util/dict';
import {
	FlowModel,
	idSet,
	type EdgeLabel,
	type NodeLabel,
	type FlowEdge,
	type FlowNode
} from './flow-model';
import { newDocumentInfo, type DocumentInfo, type DocumentOrigin } from './store/documents';

/**
 * A short message on the status line, about what just happened: `tone: 'error'` for what was
 * refused or failed. How long one shows (see `EditorState.notice`): until the document changes
 * again or a newer notice replaces it; an `info` one goes after its time too.
 */
export interface Notice {
	id: number;
	key: MessageKey;
	params?: MessageParams;
	/** A refused edit: the notice's `{reason}`, worded in the UI's language when shown. */
	refusal?: Refusal;
	tone: 'info' | 'error';
}

/** Why some input was refused: the problems, listed for the user. The graph did not change. */
export interface ProblemReport {
	source: 'file' | 'link' | 'paste';
	/** The file's name, when the input was a file. */
	name?: string;
	/** What is wrong; a refused paste says why as a refused edit does (`refusal`). */
	problems: (Problem & { refusal?: Refusal })[];
}

/** What the canvas lends the editor: the view (centre, fit). */
export interface CanvasView {
	/** The flow position at the centre of the visible canvas. */
	centre(): Position;
	/** The flow position under a viewport point, or null when the point is not on the canvas. */
	flowPositionAt(point: Position): Position | null;
	fitView(): void;
	/** A node's size as drawn, in flow units (undefined before it is measured). */
	nodeSize?(id: string): NodeSize | undefined;
	/** The element Svelte Flow renders into (image export reads it). */
	element(): HTMLElement | null;
}

export interface EditorOptions {
	/** The first document (otherwise an empty one). */
	initial?: GraphDocument;
	/** Which stored document the first one is (otherwise a new one, from `origin`). */
	info?: DocumentInfo;
	/** Where the first document came from, when it is a new one (default: New). */
	origin?: DocumentOrigin;
	/** The first document's Train panel session. */
	session?: unknown;
	/** Called after every change to the document or its session (the autosave listens). */
	onChange?: () => void;
	/**
	 * The trained parameters a session holds that fit `doc` (by node id), or null: what the canvas
	 * shows when a document opens with a session, before the Train panel is opened.
	 */
	sessionParameters?: (
		session: unknown,
		doc: GraphDocument
	) => Readonly<Record<string, readonly number[]>> | null;
	/** How long an `info` notice stays at most, in ms (an error stays until the document changes). */
	noticeMs?: number;
}

/** How a change is made (see `EditorState.commit`). */
export interface CommitOptions {
	/**
	 * The notice stays: the change is part of what it reports, made by the app itself (presenter
	 * mode lays out a graph just opened), not a later change of the user's.
	 */
	keepNotice?: boolean;
}

const PASTE_STEP = 40;
/** Roughly half a node, so a node added "at" a point is centred on it. */
const NODE_HALF = { x: 80, y: 40 };

/** Each node's name by id (a plain Map: it is rebuilt, never changed, on every edit). */
const namesOf = (doc: GraphDocument): ReadonlyMap<string, string> =>
	new Map(doc.nodes.map((node) => [node.id, node.name]));

/** The room a node takes on the canvas with its values and grads, and a gap (its top left is its position). */
const NODE_ROOM = { x: 250, y: 260 };
/** The least gap `freeSpot` leaves between a new node and the others. */
const NODE_GAP = 24;
/** A node's size when the canvas has not measured it (a new one: about a node with its values). */
const UNMEASURED = { width: NODE_ROOM.x - NODE_GAP, height: NODE_ROOM.y - NODE_GAP };
/** How many rooms away from the centre `freeSpot` looks. */
const FREE_SPOT_RINGS = 4;

/** A node's size on the canvas, in flow units. */
export interface NodeSize {
	width: number;
	height: number;
}

/**
 * The position nearest `start`, on a grid of node rooms around it, where a node of `size`
 * overlaps no other, with a gap (`start` itself when it is free). Each node takes its measured
 * size (`sizeOf`; a tall node, as a linear with its values, is taller than a room), or a room's.
 * Past the searched rings, a step down-right of the last node there, as before.
 */
export function freeSpot(
	nodes: readonly { id?: string; position: Position }[],
	start: Position,
	sizeOf: (id: string) => NodeSize | undefined = () => undefined,
	size: NodeSize = UNMEASURED
): Position {
	const boxes = nodes.map((n) => {
		const measured = n.id === undefined ? undefined : sizeOf(n.id);
		const { width, height } = measured ?? UNMEASURED;
		return { x: n.position.x, y: n.position.y, width, height };
	});
	const free = (p: Position) =>
		boxes.every(
			(b) =>
				p.x + size.width + NODE_GAP <= b.x ||
				b.x + b.width + NODE_GAP <= p.x ||
				p.y + size.height + NODE_GAP <= b.y ||
				b.y + b.height + NODE_GAP <= p.y
		);
	const offsets: [number, number][] = [];
	for (let dy = -FREE_SPOT_RINGS; dy <= FREE_SPOT_RINGS; dy++) {
		for (let dx = -FREE_SPOT_RINGS; dx <= FREE_SPOT_RINGS; dx++) offsets.push([dx, dy]);
	}
	// Nearest first; at equal distance, right of and below the centre before left and above.
	offsets.sort(
		([ax, ay], [bx, by]) => ax * ax + ay * ay - (bx * bx + by * by) || bx - ax || by - ay
	);
	for (const [dx, dy] of offsets) {
		const p = { x: start.x + dx * NODE_ROOM.x, y: start.y + dy * NODE_ROOM.y };
		if (free(p)) return p;
	}
	let p = start;
	while (nodes.some((n) => n.position.x === p.x && n.position.y === p.y)) {
		p = { x: p.x + 24, y: p.y + 24 };
	}
	return p;
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
	a.size === b.size && [...a].every((id) => b.has(id));

/** A document the editor left for another: which stored one, its graph and its session. */
export interface LeftDocument {
	info: DocumentInfo;
	doc: GraphDocument;
	session: unknown;
}

/** The panels that open beside the canvas. */
export type SidePanelId = 'train' | 'code';

export class EditorState {
	#history: History;
	#onChange: (() => void) | undefined;
	#sessionParameters: EditorOptions['sessionParameters'];
	#model = new FlowModel();
	#noticeMs: number;
	#noticeTimer: ReturnType<typeof setTimeout> | undefined;
	#noticeCount = 0;
	#pendingMoves = false;
	#clipboard: Fragment | null = null;
	#pasteCount = 0;
	#view: CanvasView | null = null;
	/** Which replacement each document descends from (New, Open, an example, a link, an import). */
	#lineage = new WeakMap<GraphDocument, number>();
	#lineages = 0;
	/** Which stored document each lineage is, and its Train panel session (read in #sync). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- copied into $state on each change
	#infos = new Map<number, DocumentInfo>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- copied into $state on each change
	#sessions = new Map<number, unknown>();
	/** What hands out a session not handed out yet (the Train panel's, throttled while it trains). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- callbacks, never shown
	#sessionSavers = new Set<() => void>();
	/** Told of each document the editor leaves for another (autosave writes what it holds). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- callbacks, never shown
	#leaveListeners = new Set<(left: LeftDocument) => void>();

	/** The current document. Change it only through `commit` (or the methods that call it). */
	doc = $state.raw<GraphDocument>(emptyDocument());
	/**
	 * Changes whenever the current document stops being an edit of the previous one: it was
	 * replaced (New, Open, an example, a share link, Import code), or undo/redo crossed such a
	 * replacement. What was computed for one document key (the trace) never shows under another.
	 */
	documentKey = $state.raw(0);
	/** Counts `replaceDocument` calls that took (not undo or redo): a document opened anew. */
	replacements = $state.raw(0);
	canUndo = $state.raw(false);
	canRedo = $state.raw(false);
	/** Shape inference for every node, recomputed on every change. */
	infos: Map<string, NodeInfo> = $derived(inferShapes(this.doc));
	/** Each node's name, by id (what the panels write for a node). */
	nodeNames: ReadonlyMap<string, string> = $derived(namesOf(this.doc));
	selectedNodeIds = $state.raw<ReadonlySet<string>>(idSet([]));
	selectedEdgeIds = $state.raw<ReadonlySet<string>>(idSet([]));
	/** The node the inspector shows: the one selected node, if exactly one is. */
	selectedNode: GraphNode | null = $derived.by(() => {
		if (this.selectedNodeIds.size !== 1) return null;
		const [id] = this.selectedNodeIds;
		return this.doc.nodes.find((node) => node.id === id) ?? null;
	});
	/**
	 * The status line's notice, or null. A notice tells of what just happened, so it goes when
	 * it is no longer the latest news:
	 * - every change of the document takes it away (an edit, Undo or Redo, another document
	 *   opened, a merge of another tab's changes): "Loaded the example" or "Updated with the
	 *   changes made in another tab" is about a document that is not the one shown any more, and
	 *   a refusal's reason no longer applies once the user changed the graph. A notice about the
	 *   change itself is shown after it (`notify` right after the commit), so it is the one left;
	 * - a newer notice replaces it;
	 * - an `info` notice goes after `noticeMs` (6 s) too; an `error` one has no timer: what was
	 *   refused or failed stays said until the user acts (changes the graph, or gets another
	 *   notice, as when trying again) or `dismissNotice`.
	 * The Train panel's session changing (a run's epochs) is no change of the document here.
	 */
	notice = $state.raw<Notice | null>(null);
	problems = $state.raw<ProblemReport | null>(null);
	/** The node whose output is being connected from the keyboard (its list is open), or null. */
	connectingFrom = $state.raw<string | null>(null);
	/** The side panel beside the canvas (Train or Code), or null when closed. */
	sidePanel = $state.raw<SidePanelId | null>(null);
	/**
	 * Parameter values by node id while training runs (shown on the canvas nodes). Not part of
	 * the document: no undo steps per epoch. `writeParameters` makes them part of it.
	 */
	liveParameters = $state.raw<Readonly<Record<string, ArrayLike<number>>> | null>(null);
	/**
	 * The Train panel's session on this document (settings, loss history, log, epoch, device,
	 * parameters), saved with the document and restored with it. Opaque here: the Train panel
	 * writes it (`setTrainingSession`) and reads it back when it opens. Null for a new document.
	 */
	trainingSession = $state.raw<unknown>(null);
	/** Which stored document this is (its id in the document store) and where it came from. */
	documentInfo: DocumentInfo = $state.raw(newDocumentInfo({ kind: 'new' }));

	/** The accessible name of a node on the canvas (the canvas sets it from the message catalog). */
	nodeLabel = $state.raw<NodeLabel | undefined>(undefined);

	#flowNodes: FlowNode[] = $derived(
		this.#model.nodes(this.doc, this.selectedNodeIds, this.nodeLabel)
	);
	/**
	 * The accessible name of a wire on the canvas (the canvas sets it from the message catalog;
	 * Svelte Flow's own says "Edge from n1 to n2" in English, with ids).
	 */
	edgeLabel = $state.raw<EdgeLabel | undefined>(undefined);

	#flowEdges: FlowEdge[] = $derived(
		this.#model.edges(this.doc, this.infos, this.selectedEdgeIds, this.edgeLabel)
	);

	constructor(options: EditorOptions = {}) {
		const initial = options.initial ?? emptyDocument();
		this.#history = new History(initial);
		this.#onChange = options.onChange;
		this.#sessionParameters = options.sessionParameters;
		this.#noticeMs = options.noticeMs ?? 6000;
		this.doc = initial;
		this.#lineage.set(initial, 0);
		this.documentInfo = options.info ?? newDocumentInfo(options.origin ?? { kind: 'new' });
		this.#infos.set(0, this.documentInfo);
		if (options.session !== undefined && options.session !== null) {
			this.#sessions.set(0, options.session);
			this.trainingSession = options.session;
			this.#showSessionParameters();
		}
	}

	/** The lineage of the current document (see `documentKey`), stable across undo and redo. */
	get lineage(): number {
		return this.#lineage.get(this.doc) ?? 0;
	}

	/**
	 * Which stored document the lineage `lineage` is (null: none of this page's). The current
	 * lineage's is `documentInfo`; an earlier one's is what Undo would bring back.
	 */
	documentInfoOf(lineage: number): DocumentInfo | null {
		return this.#infos.get(lineage) ?? null;
	}

	// --- Svelte Flow's view of the document ----------------------------------------------------

	get flowNodes(): FlowNode[] {
		return this.#flowNodes;
	}

	set flowNodes(nodes: FlowNode[]) {
		this.#flowNodes = nodes;
		this.#model.rememberNodes(nodes);
		if (!this.#pendingMoves && nodes.every((node) => !node.dragging) && this.#movedNodes(nodes)) {
			// A drag (or a keyboard move) ended: write the positions back as one undo step, once
			// Svelte Flow has finished its update.
			this.#pendingMoves = true;
			queueMicrotask(() => {
				this.#pendingMoves = false;
				const moves = this.#movedNodes(this.#flowNodes);
				if (moves) this.apply(moveNodesEdit(this.doc, moves));
			});
		}
	}

	get flowEdges(): FlowEdge[] {
		return this.#flowEdges;
	}

	set flowEdges(edges: FlowEdge[]) {
		this.#flowEdges = edges;
		this.#model.rememberEdges(edges);
	}

	/** Positions Svelte Flow holds that differ from the document's, or null when none do. */
	#movedNodes(nodes: readonly FlowNode[]): Record<string, Position> | null {
		let moves: Record<string, Position> | null = null;
		for (const flowNode of nodes) {
			const node = flowNode.data.node;
			const { x, y } = flowNode.position;
			if (x !== node.position.x || y !== node.position.y) {
				if (!this.doc.nodes.includes(node)) continue;
				moves ??= dict(); // by node id, which may be `__proto__`
				moves[node.id] = { x: Math.round(x), y: Math.round(y) };
			}
		}
		return moves;
	}

	/** Svelte Flow's selection changed (a click, a box, Ctrl+click). */
	syncSelection(nodeIds: Iterable<string>, edgeIds: Iterable<string>): void {
		const nodes = idSet(nodeIds);
		const edges = idSet(edgeIds);
		if (!sameSet(nodes, this.selectedNodeIds)) this.selectedNodeIds = nodes;
		if (!sameSet(edges, this.selectedEdgeIds)) this.selectedEdgeIds = edges;
	}

	select(nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): void {
		this.syncSelection(nodeIds, edgeIds);
	}

	selectAll(): void {
		this.select(
			this.doc.nodes.map((node) => node.id),
			this.doc.edges.map((edge) => edge.id)
		);
	}

	/** The canvas registers its view helpers here while it is mounted. */
	attachView(view: CanvasView | null): void {
		this.#view = view;
	}

	/**
	 * The user panned or zoomed the canvas since the last fit (then Forward and Backward leave the
	 * view where the user put it). The canvas sets it; every fit clears it.
	 */
	viewMovedByUser = false;

	fitView(): void {
		this.viewMovedByUser = false;
		this.#view?.fitView();
	}

	/** The canvas's element, while a canvas is mounted (for image export). */
	canvasElement(): HTMLElement | null {
		return this.#view?.element() ?? null;
	}

	// --- The document and its history ----------------------------------------------------------

	/**
	 * Makes `doc` current as one undo step, and autosaves it. Refused (with a notice, false) when
	 * the graph would be too big to save: the editor never holds what Save and Open refuse. The
	 * notice goes (see `notice`), unless `options.keepNotice`.
	 */
	commit(doc: GraphDocument, options: CommitOptions = {}): boolean {
		if (doc === this.doc) return true;
		const bytes = documentBytes(doc);
		if (bytes > MAX_FILE_BYTES && bytes > documentBytes(this.doc)) {
			this.refuse(tooBigToSaveRefusal(bytes));
			return false;
		}
		if (!this.#lineage.has(doc)) this.#lineage.set(doc, this.lineage);
		this.#history.push(doc);
		this.#sync(options);
		return true;
	}

	/** Commits a successful edit; shows the reason of a refused one. True when it was applied. */
	apply(edit: Edit, options: CommitOptions = {}): boolean {
		if (edit.ok) return this.commit(edit.doc, options);
		this.refuse(edit);
		return false;
	}

	undo(): void {
		if (this.#history.undo()) this.#sync();
	}

	redo(): void {
		if (this.#history.redo()) this.#sync();
	}

	#sync({ keepNotice = false }: CommitOptions = {}): void {
		const previous = this.doc;
		if (!keepNotice) this.dismissNotice();
		// Another document: the panel's latest session is the one it leaves (not a later one's).
		if (this.#lineage.get(this.#history.current) !== this.#lineage.get(previous)) {
			this.saveSessions();
			const left = { info: this.documentInfo, doc: previous, session: this.trainingSession };
			for (const listener of this.#leaveListeners) listener(left);
		}
		this.doc = this.#history.current;
		const lineage = this.lineage;
		if (lineage !== this.#lineage.get(previous)) {
			this.documentKey++;
			this.documentInfo = this.#infos.get(lineage) ?? this.documentInfo;
			this.trainingSession = this.#sessions.get(lineage) ?? null;
			this.#showSessionParameters();
		}
		this.canUndo = this.#history.canUndo;
		this.canRedo = this.#history.canRedo;
		const ids = idSet(this.doc.nodes.map((node) => node.id));
		const edgeIds = idSet(this.doc.edges.map((edge) => edge.id));
		this.syncSelection(
			[...this.selectedNodeIds].filter((id) => ids.has(id)),
			[...this.selectedEdgeIds].filter((id) => edgeIds.has(id))
		);
		this.#onChange?.();
	}

	/** The canvas shows the parameters the current document's session trained (or none). */
	#showSessionParameters(): void {
		const session = this.trainingSession;
		this.liveParameters =
			session === null ? null : (this.#sessionParameters?.(session, this.doc) ?? null);
	}

	/**
	 * `save` hands out a session that waits to be handed out (through `setTrainingSession`), when
	 * asked by `saveSessions`. Returns a function that removes it.
	 */
	addSessionSaver(save: () => void): () => void {
		this.#sessionSavers.add(save);
		return () => this.#sessionSavers.delete(save);
	}

	/**
	 * `listener` is told of each document the editor leaves for another (New, an example, a file,
	 * Recent, Undo or Redo across such a step), as it was last shown, before the other one shows.
	 * Returns a function that removes it.
	 */
	addLeaveListener(listener: (left: LeftDocument) => void): () => void {
		this.#leaveListeners.add(listener);
		return () => this.#leaveListeners.delete(listener);
	}

	/**
	 * Every session that waits is handed out now: the page is hidden or closed (autosave writes
	 * next), or another document opens.
	 */
	saveSessions(): void {
		for (const save of this.#sessionSavers) save();
	}

	/** The Train panel's session changed: keep it with the document (autosaved with it). */
	setTrainingSession(session: unknown): void {
		if (session === this.trainingSession) return;
		this.#sessions.set(this.lineage, session);
		this.trainingSession = session;
		this.#onChange?.();
	}

	/**
	 * From now on the current document is a new stored document (a copy of the one it was): the
	 * choice "keep mine" when another tab changed the same document.
	 */
	forkDocument(): DocumentInfo {
		const info = newDocumentInfo({ ...this.documentInfo.origin, copy: true });
		this.#infos.set(this.lineage, info);
		this.documentInfo = info;
		this.#onChange?.();
		return info;
	}

	/**
	 * Another tab's newer version of the current document becomes current, as one undo step (Undo
	 * brings back this tab's). It stays the same stored document.
	 */
	adoptVersion(doc: GraphDocument, session: unknown): boolean {
		this.#sessions.set(this.lineage, session ?? null);
		this.trainingSession = session ?? null;
		// Only the session changed (the other tab trains): no undo step for an equal graph.
		if (compactDocument(doc) !== compactDocument(this.doc)) {
			const fresh = { ...doc };
			this.#lineage.set(fresh, this.lineage);
			if (!this.commit(fresh)) return false;
		}
		this.#showSessionParameters();
		return true;
	}

	/** Opens `panel` beside the canvas, or closes it when it is open. */
	toggleSidePanel(panel: SidePanelId): void {
		this.sidePanel = this.sidePanel === panel ? null : panel;
	}

	/**
	 * Writes parameter values (by node id) into their leaves as ONE undo step, and clears the
	 * live values. False when a leaf is gone or refuses the values.
	 */
	writeParameters(values: Readonly<Record<string, ArrayLike<number>>>): boolean {
		let doc = this.doc;
		for (const [id, data] of Object.entries(values)) {
			const edit = updateAttrsEdit(doc, id, { init: 'values', values: Array.from(data) });
			if (!edit.ok) {
				this.refuse(edit);
				return false;
			}
			doc = edit.doc;
		}
		if (!this.commit(doc)) return false;
		this.liveParameters = null;
		return true;
	}

	/**
	 * Replaces the whole document (New, Open, an example, a share link, a recent document): one
	 * undo step. It is a new stored document from `origin`, or the stored one `info` names.
	 */
	replaceDocument(
		doc: GraphDocument,
		from: { origin?: DocumentOrigin; info?: DocumentInfo; session?: unknown } = {}
	): boolean {
		// A new object, so that even the same example opened again is a new document (and a new
		// lineage): nothing computed for the one before may show on it.
		const fresh = { ...doc };
		const lineage = ++this.#lineages;
		this.#lineage.set(fresh, lineage);
		this.#infos.set(lineage, from.info ?? newDocumentInfo(from.origin ?? { kind: 'new' }));
		if (from.session !== undefined && from.session !== null) {
			this.#sessions.set(lineage, from.session);
		}
		const selection = this.selectedNodeIds;
		const live = this.liveParameters;
		this.select([]);
		this.liveParameters = null; // (the new document's session, if any, sets its own)
		if (!this.commit(fresh)) {
			this.select(selection);
			this.liveParameters = live;
			return false;
		}
		this.#pasteCount = 0;
		this.problems = null;
		// Frame the new graph (Svelte Flow waits until it has measured the nodes); an empty one
		// starts at 100% (the canvas does not wait for a first node, which would jump to it).
		queueMicrotask(() => this.fitView());
		this.replacements++;
		return true;
	}

	newDocument(): void {
		this.replaceDocument(emptyDocument(), { origin: { kind: 'new' } });
	}

	/** Opens JSON text or bytes. Invalid input changes nothing and lists its problems. */
	open(input: string | Uint8Array, source: ProblemReport['source'], name?: string): boolean {
		const parsed = parseDocument(input);
		if (!parsed.ok) {
			this.showProblems({ source, name, problems: parsed.problems });
			return false;
		}
		return this.replaceDocument(parsed.doc, {
			origin: source === 'file' && name !== undefined ? { kind: 'file', name } : { kind: 'new' }
		});
	}

	/** Opens a share link's hash. Invalid links change nothing and list their problems. */
	openShareHash(hash: string): boolean {
		const parsed = decodeShareHash(hash);
		if (!parsed.ok) {
			this.showProblems({ source: 'link', problems: parsed.problems });
			return false;
		}
		if (!this.replaceDocument(parsed.doc, { origin: { kind: 'link' } })) return false;
		this.notify('notice.loadedShare');
		return true;
	}

	showProblems(report: ProblemReport): void {
		this.problems = report;
	}

	dismissProblems(): void {
		this.problems = null;
	}

	// --- Edits -----------------------------------------------------------------------------------

	/** Adds a palette entry centred on `at` (flow coordinates), or at the view's centre. */
	addNode(kind: string, at?: Position): string | null {
		const centre = at ?? this.#view?.centre() ?? { x: 0, y: 0 };
		let position = { x: Math.round(centre.x - NODE_HALF.x), y: Math.round(centre.y - NODE_HALF.y) };
		// From the palette (no drop point): the free spot nearest the centre, so a node never
		// lands on another one and hides its values or grads.
		if (!at) position = freeSpot(this.doc.nodes, position, (id) => this.#view?.nodeSize?.(id));
		const edit = addNodeEdit(this.doc, kind, position);
		if (!this.apply(edit) || !edit.ok || edit.id === undefined) return null;
		this.select([edit.id]);
		return edit.id;
	}

	/**
	 * Adds a palette entry let go at `point` (viewport px: a finger's drag), centred there, when
	 * the point is on the canvas; otherwise nothing. The new node's id, or null.
	 */
	dropNode(kind: string, point: Position): string | null {
		const at = this.#view?.flowPositionAt(point);
		return at ? this.addNode(kind, at) : null;
	}

	/** Whether a wire may be drawn (Svelte Flow asks while the user drags one). */
	checkConnection(connection: Connection): ConnectionCheck {
		return checkConnection(this.doc, connection, this.infos);
	}

	/** Opens the keyboard connection list for the one selected node (none selected: nothing). */
	startConnect(): void {
		if (this.selectedNodeIds.size !== 1) return;
		const [id] = this.selectedNodeIds;
		this.connectingFrom = id;
	}

	connect(connection: Connection): boolean {
		const edit = connectEdit(this.doc, connection);
		if (edit.ok) return this.commit(edit.doc);
		this.refuse(edit, 'notice.wireRefused');
		return false;
	}

	/** Deletes the selected nodes (with their wires) and the selected wires: one undo step. */
	deleteSelection(): void {
		let doc = this.doc;
		if (this.selectedNodeIds.size > 0) {
			const edit = removeNodes(doc, [...this.selectedNodeIds]);
			if (!edit.ok) return void this.apply(edit);
			doc = edit.doc;
		}
		for (const edgeId of this.selectedEdgeIds) {
			if (!doc.edges.some((edge) => edge.id === edgeId)) continue;
			const edit = disconnect(doc, edgeId);
			if (!edit.ok) return void this.apply(edit);
			doc = edit.doc;
		}
		this.commit(doc);
	}

	removeNode(id: string): void {
		this.apply(removeNodes(this.doc, [id]));
	}

	moveNodes(moves: Record<string, Position>, options: CommitOptions = {}): boolean {
		return this.apply(moveNodesEdit(this.doc, moves), options);
	}

	/** Renames a node; returns why it was refused, or null. Nothing changes on refusal. */
	rename(id: string, name: string): Refusal | null {
		return this.#edited(renameNodeEdit(this.doc, id, name));
	}

	/** Changes attributes; returns why they were refused, or null. */
	updateAttrs(id: string, patch: Record<string, unknown>): Refusal | null {
		return this.#edited(updateAttrsEdit(this.doc, id, patch));
	}

	/** Commits an edit whose refusal the caller shows: why it was refused, or null. */
	#edited(edit: Edit): Refusal | null {
		if (!edit.ok) return refusalOf(edit);
		return this.commit(edit.doc) ? null : tooBigToSaveRefusal(documentBytes(edit.doc));
	}

	copy(): void {
		if (this.selectedNodeIds.size === 0) return;
		this.#clipboard = extractFragment(this.doc, [...this.selectedNodeIds]);
		this.#pasteCount = 0;
		this.notify('notice.copied', { count: this.#clipboard.nodes.length });
	}

	paste(): void {
		if (!this.#clipboard) return;
		this.#pasteCount++;
		const step = PASTE_STEP * this.#pasteCount;
		const edit = insertFragment(this.doc, this.#clipboard, { x: step, y: step });
		if (!edit.ok) {
			this.showProblems({
				source: 'paste',
				problems: [{ path: '', message: edit.reason, refusal: refusalOf(edit) }]
			});
			return;
		}
		if (!this.commit(edit.doc)) return;
		if (edit.ids) this.select(edit.ids);
		this.notify('notice.pasted', { count: edit.ids?.length ?? 0 });
	}

	duplicate(): void {
		if (this.selectedNodeIds.size === 0) return;
		const edit = duplicateNodes(this.doc, [...this.selectedNodeIds]);
		if (!this.apply(edit) || !edit.ok) return;
		if (edit.ids) this.select(edit.ids);
	}

	// --- Messages --------------------------------------------------------------------------------

	/** Says on the status line that an edit was refused, and why (`notice.refused`). */
	refuse(refusal: Refusal, key: MessageKey = 'notice.refused'): void {
		const params = { reason: refusal.reason };
		this.#show({ key, params, refusal: refusalOf(refusal), tone: 'error' });
	}

	notify(key: MessageKey, params?: MessageParams, tone: Notice['tone'] = 'info'): void {
		this.#show({ key, params, tone });
	}

	/** Shows `notice` in place of the one before (see `notice` for how long it stays). */
	#show(notice: Omit<Notice, 'id'>): void {
		clearTimeout(this.#noticeTimer);
		this.notice = { id: ++this.#noticeCount, ...notice };
		if (notice.tone === 'error') return;
		const id = this.notice.id;
		this.#noticeTimer = setTimeout(() => {
			if (this.notice?.id === id) this.notice = null;
		}, this.#noticeMs);
	}

	dismissNotice(): void {
		clearTimeout(this.#noticeTimer);
		if (this.notice !== null) this.notice = null;
	}
}

/** A refusal without the edit's `ok` (what the editor hands on). */
function refusalOf({ reason, code, params }: Refusal): Refusal {
	return params ? { reason, code, params } : { reason, code };
}
