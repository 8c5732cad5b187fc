/**
 * The Train panel's state: the form (data formula, CSV, optimizer settings, device), the data,
 * and what the training client reports, taken at most once per animation frame, with the loss
 * landscape kept in step. The panel's markup reads it and calls its methods; nothing else.
 */
import { excerpt } from '$lib/util/excerpt';
import { errorMessage } from '$lib/util/error-message';
import { createLeaf, isLeaf, type GraphDocument, type LeafNode } from '$lib/graph';
import { webgpu, type StateDictFormat } from '$lib/engine/core';
import { own } from '$lib/util/dict';
import type { ContourGrid } from '$lib/viz';
import { chooseAuto, type AutoChoice, type GpuReport } from '$lib/training/auto-device';
import { INITIAL_STATE, TrainingClient, type TrainState } from '$lib/training/client';
import {
	csvProblemText,
	csvSizeProblem,
	MAX_ROWS,
	parseCsv,
	toCsv,
	type CsvProblem
} from '$lib/training/csv';
import { translate, type MessageKey, type MessageParams } from '$lib/i18n';
import { DEFAULT_FORMULA, formulaData, type Dataset, type Formula } from '$lib/training/data';
import {
	covers,
	landscapeBounds,
	leastSquares,
	lossGrid,
	lossStats,
	trajectoryExtent,
	union,
	type Bounds,
	type LossStats,
	type Reduction
} from '$lib/training/landscape';
import { bindModel, lossNodes, trainingKey, trainingKeyHash } from '$lib/training/model';
import {
	RequestFailed,
	summaryOf,
	type DeviceChoice,
	type FailureCode,
	type TrainConfig
} from '$lib/training/protocol';
import {
	readSession,
	restoredTraining,
	sessionParameters,
	snapshotSession,
	type SessionInputs,
	type TrainingSession
} from '$lib/training/session';
import {
	DEFAULT_SETTINGS,
	validateFormula,
	validateSettings,
	type TrainSettings
} from '$lib/training/settings';

export type FormulaText = Record<keyof Formula, string>;

/** A data leaf of the graph whose rows are not the data's (see `dataMismatch`). */
export interface MismatchedLeaf {
	id: string;
	name: string;
	/** Its shape on the canvas. */
	shape: number[];
	/** Its shape while training: the data's rows. */
	trained: number[];
}

/** The graph's x and y, and the data Train feeds them instead. */
export interface DataMismatch {
	/** The data's rows, and where they come from. */
	rows: number;
	source: 'formula' | 'csv';
	x: MismatchedLeaf;
	y: MismatchedLeaf;
	/** The rows of the graph's own x and y when they can be the data (same rows, not too many). */
	graphRows: number | null;
}
export type SettingsText = Record<keyof TrainSettings, string>;

const asText = <T extends object>(values: T) =>
	Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) as Record<
		keyof T,
		string
	>;

export interface PanelOptions {
	/** The document to train (read at each command, so it follows the canvas). */
	doc: () => GraphDocument;
	/** Each parameter's values, at most once per frame (float32 while training, as it reports them). */
	onParameters?: (values: Readonly<Record<string, ArrayLike<number>>>) => void;
	/** Parameters to start from, by node id (autosaved ones). */
	initialParameters?: Record<string, number[]>;
	/** The training client (default: a new one, in a worker). */
	client?: TrainingClient;
	/** A saved session to restore (from storage: read with `readSession`, never trusted). */
	session?: unknown;
	/**
	 * The session to save, after each change: at once when it is not training (a pause, the end of
	 * a run), at most every SESSION_SAVE_MS while it is, and at once on `saveSession()` (the page
	 * is hidden or closed). Each one is of one moment of training: its epoch, parameters,
	 * momentum buffers, history and log belong together.
	 */
	onSession?: (session: TrainingSession) => void;
	/** Training was paused because the graph changed what it trains (the panel says so too). */
	onPausedByEdit?: () => void;
}

/** While training runs, the session is handed out at most this often (and at `saveSession()`). */
export const SESSION_SAVE_MS = 500;

/**
 * The largest model file Load model reads (checked on the file's size before reading it): the
 * engine's largest tensor (MAX_NUMEL float32 values) as safetensors.
 */
export const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024;

const megabytes = (bytes: number) =>
	`${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

export interface FileMessage {
	tone: 'info' | 'error';
	/** In English. */
	text: string;
	/** The catalog's message and its values, when the message is ours (not PyTorch's). */
	key?: MessageKey;
	params?: MessageParams;
	/** Why, in the catalog's words, after `key` (the training worker failed, ...). */
	cause?: MessageKey;
	/** Shown after the catalog's message as written: PyTorch's or the reader's own words. */
	detail?: string;
}

/** A file message of the catalog. */
const ours = (tone: FileMessage['tone'], key: MessageKey, params?: MessageParams): FileMessage => ({
	tone,
	text: translate('en', key, params),
	key,
	...(params === undefined ? {} : { params })
});

/** The catalog's words for a failure of training itself, which the client names by its code. */
const CAUSES: Partial<Record<FailureCode, MessageKey>> = {
	workerFailed: 'trainPanel.cause.workerFailed',
	trainerNotLoaded: 'trainPanel.cause.trainerNotLoaded',
	closed: 'trainPanel.cause.closed'
};

/**
 * A failed save or load: our lead-in (`key`: which file, or that the model was not saved), then
 * why: a failure of training itself in the catalog's words, and the words it quotes as written
 * (PyTorch's, the engine's, the browser's).
 */
function failure(error: unknown, key: MessageKey, params?: MessageParams): FileMessage {
	const lead = ours('error', key, params);
	const failed = error instanceof RequestFailed ? error : null;
	const cause = failed?.code === undefined ? undefined : CAUSES[failed.code];
	const detail = failed === null ? errorMessage(error) : failed.reason;
	const words = [lead.text, cause === undefined ? '' : translate('en', cause), detail];
	return {
		...lead,
		text: words.filter((word) => word !== '').join(' '),
		...(cause === undefined ? {} : { cause }),
		...(detail === '' ? {} : { detail })
	};
}

export class TrainPanelState {
	formulaText = $state<FormulaText>(asText(DEFAULT_FORMULA));
	settingsText = $state<SettingsText>(asText(DEFAULT_SETTINGS));
	device = $state<DeviceChoice>('auto');
	/** The chosen loss node (undefined: the first). */
	lossId = $state<string | undefined>(undefined);
	/** WebGPU as this page sees it (null while looking): no adapter, or a GPU or software one. */
	gpu = $state.raw<GpuReport | null>(null);
	format = $state<StateDictFormat>('safetensors');
	logScale = $state(false);

	csvText = $state('');
	/** The CSV text the data came from (null: none used yet); the box may hold another. */
	csvInUse = $state<string | null>(null);
	/** The last CSV refusal: its line (0: the whole text) and problem; the data stays what it was. */
	csvFailure = $state.raw<{ line: number; problem: CsvProblem } | null>(null);
	/** The last CSV refusal in English (`line 3: ...`). */
	readonly csvError = $derived(
		this.csvFailure === null
			? null
			: this.csvFailure.line === 0
				? csvProblemText(this.csvFailure.problem)
				: `line ${this.csvFailure.line}: ${csvProblemText(this.csvFailure.problem)}`
	);
	/** Where the data comes from now. */
	source = $state<'formula' | 'csv'>('formula');
	data = $state.raw<Dataset>(formulaData());

	/** What training reports, taken once per frame. */
	train = $state.raw<TrainState>(INITIAL_STATE);
	/** The restored session's CSV was too long to be saved with it: its data is the formula's. */
	csvNotSaved = $state(false);
	/**
	 * The restored session's training held this many values, too many to be saved with it (null:
	 * none such): Train starts over from the graph's values.
	 */
	trainingNotSaved = $state<number | null>(null);
	/**
	 * A message about saving or loading the model: `text` in English, and the catalog's `key` and
	 * `params` for the UI's language (none for PyTorch's load_state_dict message on a mismatch).
	 */
	fileMessage = $state<FileMessage | null>(null);
	/**
	 * The model file loaded last, and the epoch and history length it was loaded at: until the
	 * next epoch, the status says the parameters are the file's (the last loss is the run's, not
	 * theirs).
	 */
	loaded = $state.raw<{ file: string; epoch: number; losses: number } | null>(null);
	/** The file the shown parameters were loaded from, while no epoch has run since. */
	readonly loadedFile = $derived(
		this.loaded !== null &&
			this.loaded.epoch === this.train.epoch &&
			this.loaded.losses === this.train.losses.length
			? this.loaded.file
			: null
	);

	readonly formulaCheck = $derived(validateFormula(this.formulaText));
	readonly settingsCheck = $derived(validateSettings(this.settingsText));
	readonly losses = $derived(lossNodes(this.doc()));
	readonly binding = $derived(bindModel(this.doc(), this.lossId));
	readonly running = $derived(this.train.status === 'running');
	/**
	 * The `modelKey` of the document the trainer last took (null: none since the panel opened;
	 * a restored session goes on with the graph as it is, where its parameters fit).
	 */
	private trainedKey = $state<string | null>(null);
	/** What the document trains now (see `trainingKey`): positions and names leave it as it is. */
	readonly modelKey = $derived(trainingKey(this.doc(), this.binding));
	/**
	 * The graph changed what it trains since the trainer last took it: the next Train, Step epoch
	 * or Reset starts over on the new graph (the host builds a new trainer for it).
	 */
	readonly graphChanged = $derived(
		this.train.model !== null && this.trainedKey !== null && this.modelKey !== this.trainedKey
	);
	/** Training was paused for such a change (until the next command). */
	pausedByEdit = $state(false);
	/** Whether WebGPU can be chosen (a software adapter can: it is slow, not broken). */
	readonly webgpuAvailable = $derived(this.gpu?.available === true);
	/**
	 * Which device Auto uses and why: the trainer's answer once it made one, else what can be
	 * told before training ('calibrate': the graph is timed when training starts).
	 */
	readonly auto: AutoChoice | 'calibrate' | null = $derived(
		this.train.auto ?? (this.gpu === null ? null : chooseAuto(this.gpu, null))
	);
	/**
	 * The graph's x and y leaves when the data Train feeds them has another number of rows than
	 * they show on the canvas (null when it has theirs): the panel says so, naming them, rather
	 * than let PyTorch's shape error about [11, 1] speak of a graph that shows [1024, 1].
	 */
	readonly dataMismatch: DataMismatch | null = $derived.by(() => {
		if (!this.binding.ok) return null;
		const { inputId, targetId } = this.binding.binding;
		const rows = this.data.x.length;
		const leaves = this.doc().nodes.filter(isLeaf);
		const x = leaves.find((n) => n.id === inputId);
		const y = leaves.find((n) => n.id === targetId);
		if (x === undefined || y === undefined) return null;
		if (x.attrs.shape[0] === rows && y.attrs.shape[0] === rows) return null;
		const leaf = (node: LeafNode) => ({
			id: node.id,
			name: node.name,
			shape: node.attrs.shape.slice(),
			trained: node.attrs.shape.length === 2 ? [rows, 1] : [rows]
		});
		const own = x.attrs.shape[0] === y.attrs.shape[0] && x.attrs.shape[0] <= MAX_ROWS;
		return {
			rows,
			source: this.source,
			x: leaf(x),
			y: leaf(y),
			graphRows: own ? x.attrs.shape[0] : null
		};
	});
	readonly stats: LossStats = $derived(lossStats(this.data));
	readonly minimum = $derived(
		this.binding.ok && this.binding.binding.line !== null ? leastSquares(this.stats) : null
	);
	/** The line to draw: the trainer's, or before any training the leaves' own values. */
	readonly line = $derived(this.train.line ?? this.initialLine());
	/** The loss over (w, b) for a line model, else null. */
	readonly grid: ContourGrid | null = $derived.by(() => this.landscape());

	readonly client: TrainingClient;
	private readonly ownsClient: boolean;
	private readonly options: PanelOptions;
	private frame = 0;
	private pending: TrainState | null = null;
	private readonly stopListening: () => void;
	/** The trajectory's box so far, grown as frames are taken (a derived would redo it all). */
	private trajectoryBox = $state.raw<TrajectoryBox>(NO_BOX);
	/** The grid shown at the last frame taken: kept while it still covers what must be seen. */
	private keptGrid = $state.raw<KeptGrid | null>(null);
	private sentInitial = false;
	private sessionTimer: ReturnType<typeof setTimeout> | null = null;
	private formSeen = false;

	constructor(options: PanelOptions) {
		this.options = options;
		this.ownsClient = options.client === undefined;
		this.client = options.client ?? new TrainingClient();
		const saved = readSession(options.session);
		if (saved !== null) this.restore(saved);
		this.stopListening = this.client.subscribe((state) => {
			this.pending = state;
			if (this.frame === 0) this.frame = requestAnimationFrame(() => this.takeFrame());
			// Saved from what the client reports, not from the frames taken: a hidden page takes
			// none, and its training must be saved too.
			this.sessionChanged();
		});
		this.takeState(this.client.state);
		void this.detectWebGPU();
	}

	/**
	 * The fingerprint of the model the training is of (the one the trainer last took, else the
	 * graph's now), derived apart: `train` changes every frame while it runs, the model does not.
	 */
	private readonly trainedHash = $derived(trainingKeyHash(this.trainedKey ?? this.modelKey));
	/**
	 * The form as a saved session holds it (reactive: the panel's effect follows it). The
	 * training a session holds is the client's last report (`session()`), heard from the client.
	 */
	readonly sessionInputs: Omit<SessionInputs, 'train'> = $derived({
		settingsText: { ...this.settingsText },
		formulaText: { ...this.formulaText },
		source: this.source,
		csvText: this.csvText,
		csvInUse: this.csvInUse,
		device: this.device,
		lossId: this.lossId,
		format: this.format,
		logScale: this.logScale,
		model: this.trainedHash
	});

	/**
	 * The session to save now: the form, and the training as the client reported it last (one
	 * report: the epoch, the parameters, the momentum buffers and the history of one moment).
	 * It may be a frame ahead of what the panel shows; a restored panel shows exactly it.
	 */
	session(): TrainingSession {
		return snapshotSession({ ...this.sessionInputs, train: this.client.sessionState });
	}

	/**
	 * The form changed (the panel's effect follows `sessionInputs`): hand the session out. Not
	 * for the first call (the panel opening).
	 */
	formChanged(): void {
		if (!this.formSeen) {
			this.formSeen = true;
			return;
		}
		this.sessionChanged();
	}

	/**
	 * The form changed or the client reported: hand the session out at once, or within
	 * SESSION_SAVE_MS while training runs.
	 */
	private sessionChanged(): void {
		if (this.client.state.status === 'running') {
			this.sessionTimer ??= setTimeout(() => this.handOutSession(), SESSION_SAVE_MS);
			return;
		}
		this.handOutSession();
	}

	/**
	 * Hand out the session now if a change waits to be handed out (the page is being hidden or
	 * closed: what is saved then is the latest training, not one up to SESSION_SAVE_MS older).
	 */
	saveSession(): void {
		if (this.sessionTimer !== null) this.handOutSession();
	}

	private handOutSession(): void {
		if (this.sessionTimer !== null) clearTimeout(this.sessionTimer);
		this.sessionTimer = null;
		this.options.onSession?.(this.session());
	}

	/** The form and the training of a saved session; the trainer goes on from it when asked. */
	private restore(saved: TrainingSession): void {
		this.settingsText = { ...saved.settings };
		this.formulaText = { ...saved.formula };
		this.device = saved.device;
		this.format = saved.format;
		this.logScale = saved.logScale;
		const doc = this.doc();
		if (saved.lossId !== null && lossNodes(doc).some((n) => n.id === saved.lossId)) {
			this.lossId = saved.lossId;
		}
		if (saved.source === 'csv' && saved.csvText !== null) {
			if (!this.applyCsv(saved.csvText)) this.useFormula();
		} else {
			if (saved.csvText !== null) this.csvText = saved.csvText;
			this.useFormula();
			this.csvNotSaved = saved.source === 'csv';
		}
		if (saved.csvDraft !== null) this.csvText = saved.csvDraft;
		this.trainingNotSaved = saved.trainingNotSaved;
		const training = saved.training;
		const binding = bindModel(doc, this.lossId);
		if (training === null || !binding.ok) return;
		// Only a session whose parameters still fit the graph (else training starts over).
		const live = sessionParameters(saved, doc);
		if (live === null || !binding.binding.parameterIds.every((id) => Object.hasOwn(live, id))) {
			return;
		}
		const restored = restoredTraining(training);
		const line = binding.binding.line;
		const first = (id: string) =>
			Object.hasOwn(restored.parameters, id) ? (restored.parameters[id][0] ?? 0) : 0;
		this.client.restore(restored, {
			model: summaryOf(binding.binding),
			device: training.device,
			line:
				line === null
					? null
					: { w: first(line.weightId), b: line.biasId === null ? 0 : first(line.biasId) }
		});
		this.options.onParameters?.(live);
		// From here, an edit that changes what is trained says so, as after a Train.
		this.trainedKey = this.modelKey;
	}

	/** The document now (reactive when the panel's prop is). */
	doc(): GraphDocument {
		return this.options.doc();
	}

	dispose(): void {
		// Closing the panel while training: hand out the last state now.
		if (this.sessionTimer !== null) this.handOutSession();
		cancelAnimationFrame(this.frame);
		this.stopListening();
		if (this.ownsClient) this.client.dispose();
	}

	private takeFrame(): void {
		this.frame = 0;
		const state = this.pending;
		if (state === null) return;
		this.pending = null;
		const before = this.train;
		this.takeState(state);
		if (state.model !== null) this.sentInitial = true;
		if (state.parameters !== before.parameters && Object.keys(state.parameters).length > 0) {
			this.options.onParameters?.(state.parameters);
		}
	}

	/** Show `state`: the trajectory's box grows by its new points, and its grid is kept. */
	private takeState(state: TrainState): void {
		this.train = state;
		this.trajectoryBox = grownBox(this.trajectoryBox, state.trajectory);
		const grid = this.grid;
		this.keptGrid = grid === null ? null : { grid, stats: this.stats, reduction: this.reduction() };
	}

	/** Offer WebGPU only where an adapter exists, and say whether it is a software one. */
	private async detectWebGPU(): Promise<void> {
		try {
			const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
			const adapter = gpu ? await gpu.requestAdapter() : null;
			this.gpu =
				adapter === null
					? { available: false }
					: {
							available: true,
							software: webgpu.softwareAdapter(webgpu.describeAdapter(adapter))
						};
		} catch {
			this.gpu = { available: false };
		}
	}

	private initialLine(): { w: number; b: number } | null {
		if (!this.binding.ok || this.binding.binding.line === null) return null;
		const { weightId, biasId } = this.binding.binding.line;
		const value = (id: string) => {
			const given = own(this.options.initialParameters, id);
			if (given !== undefined && given.length === 1) return given[0];
			const node = this.doc().nodes.find((n) => n.id === id);
			return node && isLeaf(node) ? createLeaf(node.attrs).data[0] : 0;
		};
		return { w: value(weightId), b: biasId === null ? 0 : value(biasId) };
	}

	/**
	 * The landscape's grid over the least-squares solution, the whole trajectory and the current
	 * parameters. The same grid (object) while they stay inside it, so contours are not redone.
	 */
	private landscape(): ContourGrid | null {
		const line = this.binding.ok ? this.binding.binding.line : null;
		if (line === null) return null;
		const stats = this.stats;
		const reduction = this.reduction();
		let needed = this.trajectoryBox.bounds;
		const now = this.line;
		if (now !== null && Number.isFinite(now.w) && Number.isFinite(now.b)) {
			const point: Bounds = { w: [now.w, now.w], b: [now.b, now.b] };
			needed = needed === null ? point : union(needed, point);
		}
		const kept = this.keptGrid;
		const bounds = landscapeBounds(stats, needed);
		if (
			kept !== null &&
			kept.stats === stats &&
			kept.reduction === reduction &&
			(needed === null || covers(kept.grid, needed) || sameBounds(kept.grid, bounds))
		) {
			return kept.grid;
		}
		return lossGrid(stats, bounds, { reduction });
	}

	private reduction(): Reduction {
		return this.binding.ok ? this.binding.binding.reduction : 'mean';
	}

	// ---- the form -----------------------------------------------------------------------------

	/** A formula field changed: new data when every field is valid (else the data stays). */
	setFormula(field: keyof Formula, text: string): void {
		this.formulaText[field] = text;
		const check = this.formulaCheck;
		if (check.ok) {
			this.data = formulaData(check.value);
			this.source = 'formula';
		}
	}

	/** Use the CSV text; on a bad line, say which and keep the data. */
	applyCsv(text: string = this.csvText): boolean {
		this.csvText = text;
		const result = parseCsv(text);
		if (!result.ok) {
			this.csvFailure = { line: result.line, problem: result.problem };
			return false;
		}
		this.csvFailure = null;
		this.data = { x: result.x, y: result.y };
		this.source = 'csv';
		this.csvInUse = text;
		return true;
	}

	/** Read a CSV file, refused by its size before it is read (the data and the text stay). */
	async uploadCsv(file: File): Promise<void> {
		const tooBig = csvSizeProblem(file.size);
		if (tooBig !== null) {
			this.csvFailure = { line: 0, problem: tooBig };
			return;
		}
		this.applyCsv(await file.text());
	}

	/**
	 * Train on the graph's own x and y: their values as the canvas computes them (their init:
	 * arange, values, randn ...), as CSV data (so the panel shows them and the session keeps them).
	 */
	useGraphData(): void {
		const mismatch = this.dataMismatch;
		if (mismatch === null || mismatch.graphRows === null) return;
		const leaves = this.doc().nodes.filter(isLeaf);
		const values = (id: string) =>
			Array.from(createLeaf(leaves.find((n) => n.id === id)!.attrs).data);
		this.applyCsv(toCsv(values(mismatch.x.id), values(mismatch.y.id)));
	}

	/** Back to the formula's data. */
	useFormula(): void {
		const check = this.formulaCheck;
		this.data = formulaData(check.ok ? check.value : DEFAULT_FORMULA);
		this.source = 'formula';
		this.csvFailure = null;
	}

	// ---- commands -----------------------------------------------------------------------------

	/** The configuration to send, or null while a setting is refused. */
	config(): TrainConfig | null {
		const check = this.settingsCheck;
		if (!check.ok) return null;
		const initial = this.sentInitial ? undefined : this.options.initialParameters;
		return {
			doc: this.doc(),
			data: this.data,
			settings: check.value,
			device: this.device,
			...(this.lossId === undefined ? {} : { lossId: this.lossId }),
			...(initial === undefined ? {} : { initialParameters: initial })
		};
	}

	/** The configuration for a command to the trainer, which takes the document as it is now. */
	private command(): TrainConfig | null {
		const config = this.config();
		if (config === null) return null;
		this.trainedKey = this.modelKey;
		this.pausedByEdit = false;
		return config;
	}

	/**
	 * Train, or Pause while running, or go on with a paused run (a run of another graph: start one
	 * on this one, as `graphChanged` says).
	 */
	trainOrPause(): void {
		if (this.running) {
			this.client.pause();
			return;
		}
		const config = this.command();
		if (config === null) return;
		if (this.train.status === 'paused' && this.train.run !== null) this.client.resume(config);
		else this.client.start(config);
	}

	/**
	 * The graph changed what it trains while training runs: pause at once (the history stays,
	 * and Undo makes it the same graph again), and say so.
	 */
	pauseForEdit(): void {
		if (!this.running || !this.graphChanged || this.pausedByEdit) return;
		this.pausedByEdit = true;
		this.client.pause();
		this.options.onPausedByEdit?.();
	}

	stepEpoch(): void {
		const config = this.command();
		if (config !== null) this.client.step(config);
	}

	reset(): void {
		this.loaded = null;
		const config = this.command();
		if (config !== null) this.client.reset(config);
	}

	/** The state dict's bytes and a file name (`linear-regression.safetensors`). */
	async saveModel(): Promise<{ bytes: Uint8Array; fileName: string } | null> {
		if (this.graphChanged) {
			// The trainer holds the values of the graph before the edit: saving the new graph's
			// would give its initial values and drop the paused run. Say what to do instead.
			this.fileMessage = ours('error', 'trainPanel.saveGraphChanged');
			return null;
		}
		const config = this.command();
		if (config === null) return null;
		try {
			const bytes = await this.client.saveState(config, this.format);
			const fileName = `model.${this.format}`;
			this.fileMessage = ours('info', 'trainPanel.saved', { file: fileName, bytes: bytes.length });
			return { bytes, fileName };
		} catch (error) {
			this.fileMessage = failure(error, 'trainPanel.saveFailed');
			return null;
		}
	}

	async loadModel(file: File): Promise<void> {
		if (this.config() === null) return;
		const name = excerpt(file.name, 60);
		if (file.size > MAX_MODEL_FILE_BYTES) {
			// Refused before a byte is read: a huge file would freeze the page, then be refused.
			this.fileMessage = ours('error', 'trainPanel.modelTooBig', {
				file: name,
				size: megabytes(file.size),
				max: megabytes(MAX_MODEL_FILE_BYTES)
			});
			return;
		}
		const config = this.command()!;
		try {
			// Loaded on first use: the model file reader is not needed to open the editor.
			const { inflateModelFile } = await import('$lib/engine/torch-file');
			const bytes = await inflateModelFile(new Uint8Array(await file.arrayBuffer()));
			const keys = await this.client.loadState(config, bytes);
			this.loaded = { file: name, epoch: this.train.epoch, losses: this.train.losses.length };
			this.fileMessage = ours('info', 'trainPanel.loaded', {
				keys: excerpt(keys.join(', ')),
				file: name
			});
		} catch (error) {
			// Bytes in no format the reader knows say so; a model file that cannot be loaded
			// (PyTorch's key or size mismatch, a damaged file) says which file, then why.
			const key =
				error instanceof RequestFailed && error.code === 'notAStateDict'
					? 'trainPanel.notModelFile'
					: 'trainPanel.loadFailed';
			this.fileMessage = failure(error, key, { file: name });
		}
	}
}

interface TrajectoryBox {
	bounds: Bounds | null;
	/** How many of the trajectory's points `bounds` covers. */
	count: number;
}

const NO_BOX: TrajectoryBox = { bounds: null, count: 0 };

interface KeptGrid {
	grid: ContourGrid;
	stats: LossStats;
	reduction: Reduction;
}

/** `box` grown by the points of `trajectory` it does not cover yet (from scratch if it shrank). */
function grownBox(box: TrajectoryBox, trajectory: TrainState['trajectory']): TrajectoryBox {
	const length = trajectory?.w.length ?? 0;
	if (trajectory === null || length === 0) return NO_BOX;
	const from = length < box.count ? NO_BOX : box;
	if (length === from.count) return from;
	const more = trajectoryExtent(trajectory.w, trajectory.b, from.count);
	const bounds =
		more === null ? from.bounds : from.bounds === null ? more : union(from.bounds, more);
	return { bounds, count: length };
}

function sameBounds(grid: Bounds, bounds: Bounds): boolean {
	return (
		grid.w[0] === bounds.w[0] &&
		grid.w[1] === bounds.w[1] &&
		grid.b[0] === bounds.b[0] &&
		grid.b[1] === bounds.b[1]
	);
}
