/**
 * The Train panel's session, saved with the document and restored with it (a reload, a tab
 * reopened): the form as typed (settings, formula, data source and CSV text, device, loss node,
 * save format, log scale) and the training state (epoch, loss history, trajectory, log, the
 * parameters and SGD's momentum buffers, so that Train goes on exactly where it stopped).
 *
 * JSON-safe and versioned. `readSession` reads it back from storage, which is never trusted:
 * field by field, bad fields fall back to their defaults, sizes are bounded, and it never
 * throws. Node ids (which users choose: `__proto__` is a valid one) are kept as [id, values]
 * pairs, and handed out in null-prototype records.
 */
import { numel, type Device, type StateDictFormat } from '$lib/engine/core';
import { isLeaf, type GraphDocument } from '$lib/graph';
import type { TrainState } from './client';
import type { Formula } from './data';
import { MAX_LOG_LINES } from './client';
import { DEVICE_CHOICES, type DeviceChoice, type RestoredTraining } from './protocol';
import { DEFAULT_SETTINGS, MAX_EPOCHS, type TrainSettings } from './settings';
import { DEFAULT_FORMULA, DEFAULT_X } from './data';
import { MAX_CSV_BYTES, toCsv } from './csv';
import { keptHistory, labelsFit } from './history';
import { docTrainingHash } from './model';

export const SESSION_VERSION = 1;
/**
 * Points of loss history (and trajectory) kept: every epoch of a run up to this long; of a longer
 * one the last MAX_HISTORY / 2 epochs and a thinned history of the ones before (`keptHistory`).
 */
export const MAX_HISTORY = 20_000;
/**
 * A CSV longer than this (characters) is not saved with the session (it says so on restore): the
 * CSV parser's own limit, so every CSV the panel can train on is kept.
 */
export const MAX_CSV_CHARS = MAX_CSV_BYTES;
/** Longer log lines are cut (the trainer's are under 100 characters). */
export const MAX_LOG_LINE_CHARS = 500;
/** `predicted` longer than this is not kept (the next run prints it again). */
export const MAX_PREDICTED_CHARS = 20_000;
/** Typed fields (settings, formula) and node ids longer than this are not read back. */
export const MAX_FIELD_CHARS = 100;
export const MAX_ID_CHARS = 200;
/** At most this many parameters, and this many values over all parameters and buffers. */
export const MAX_PARAMETERS = 1_000;
export const MAX_SESSION_VALUES = 1_000_000;
/** A larger epoch count is not read back (counting on from it stays exact). */
export const MAX_EPOCH_COUNT = 1e12;

export type SettingsText = Record<keyof TrainSettings, string>;
export type FormulaText = Record<keyof Formula, string>;
/** Values by node id, as pairs (JSON-safe whatever the ids). */
export type ValuePairs = [string, number[]][];

/** The training state of a session. */
export interface SavedTraining {
	epoch: number;
	/** The run that was going on or paused (it comes back paused), or null. */
	run: { done: number; total: number } | null;
	/** The loss of some epochs: those of `lossEpochs`, then the last ones up to `epoch`. */
	losses: number[];
	/**
	 * The epochs of the first `lossEpochs.length` losses (a long run's thinned history); the
	 * others are of consecutive epochs ending at `epoch`. Empty in sessions saved before it.
	 */
	lossEpochs: number[];
	/** The (w, b) each of those epochs started from, for a line model; same length. */
	trajectory: { w: number[]; b: number[] } | null;
	logs: string[];
	droppedLogLines: number;
	parameters: ValuePairs;
	/** SGD's momentum buffers (null: momentum 0, or no step yet). */
	momentum: ValuePairs | null;
	/**
	 * The fingerprint of the model it trained (`trainingKeyHash`), or null (a session saved
	 * before it): a graph that no longer trains that model does not take its parameters.
	 */
	model: string | null;
	/** The device that computed it (shown until the trainer answers). */
	device: Device | null;
	predicted: string | null;
}

export interface TrainingSession {
	version: typeof SESSION_VERSION;
	/** As typed (a refused value stays, with its message). */
	settings: SettingsText;
	formula: FormulaText;
	source: 'formula' | 'csv';
	/**
	 * The CSV the data came from (source 'csv'), else the CSV box's text; null when it was
	 * longer than MAX_CSV_CHARS and not saved.
	 */
	csvText: string | null;
	/** The CSV box's text when it is not `csvText` (an edit not used yet, or refused); else null. */
	csvDraft: string | null;
	device: DeviceChoice;
	/** The chosen loss node (null: the first). */
	lossId: string | null;
	format: StateDictFormat;
	logScale: boolean;
	/** Null before any training, and when it was too big to be saved (`trainingNotSaved`). */
	training: SavedTraining | null;
	/**
	 * The training was not saved: its parameters and momentum buffers held this many values, more
	 * than MAX_SESSION_VALUES (a session that big would not be read back, and writing it would
	 * freeze the page). Null when it was saved, or there was none.
	 */
	trainingNotSaved: number | null;
}

/** What the Train panel holds, to be saved. */
export interface SessionInputs {
	settingsText: SettingsText;
	formulaText: FormulaText;
	source: 'formula' | 'csv';
	/** The CSV box's text. */
	csvText: string;
	/** The CSV text the data came from (null: none used yet). */
	csvInUse: string | null;
	device: DeviceChoice;
	lossId: string | undefined;
	format: StateDictFormat;
	logScale: boolean;
	train: TrainState;
	/** The fingerprint of the model `train` is of (`trainingKeyHash`); none: null. */
	model?: string | null;
}

const asText = <T extends object>(values: T) =>
	Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) as Record<
		keyof T,
		string
	>;

/** Pairs from a record by node id (its own properties only). */
const pairsOf = (values: Readonly<Record<string, ArrayLike<number>>>): ValuePairs =>
	Object.keys(values).map((id) => [id, Array.from(values[id])]);

/** How many values the records hold together. */
const valueCount = (...records: (Readonly<Record<string, ArrayLike<number>>> | null)[]) =>
	records.reduce(
		(total, record) =>
			total + Object.keys(record ?? {}).reduce((sum, id) => sum + record![id].length, 0),
		0
	);

/** A null-prototype record from pairs. */
export function recordOf(pairs: ValuePairs): Record<string, number[]> {
	const out: Record<string, number[]> = Object.create(null);
	for (const [id, values] of pairs) out[id] = values.slice();
	return out;
}

/** The session to save, as plain JSON-safe data (a copy: later training does not change it). */
export function snapshotSession(inputs: SessionInputs): TrainingSession {
	const train = inputs.train;
	const running = train.status === 'running' || train.status === 'paused';
	const history = keptHistory(train, MAX_HISTORY);
	// Counted before anything is copied: a parameter of a million values is not (see below).
	const values = train.model === null ? 0 : valueCount(train.parameters, train.momentum);
	const tooBig = values > MAX_SESSION_VALUES;
	const training: SavedTraining | null =
		train.model === null || tooBig
			? null
			: {
					epoch: train.epoch,
					run: running && train.run !== null ? { ...train.run } : null,
					losses: history.losses,
					lossEpochs: history.lossEpochs,
					trajectory: history.trajectory,
					logs: train.logs.slice(-MAX_LOG_LINES).map((line) => line.slice(0, MAX_LOG_LINE_CHARS)),
					droppedLogLines: train.droppedLogLines + Math.max(0, train.logs.length - MAX_LOG_LINES),
					parameters: pairsOf(train.parameters),
					momentum: train.momentum === null ? null : pairsOf(train.momentum),
					model: inputs.model ?? null,
					device: train.device,
					predicted:
						train.predicted !== null && train.predicted.length <= MAX_PREDICTED_CHARS
							? train.predicted
							: null
				};
	const used =
		inputs.source === 'csv' && inputs.csvInUse !== null ? inputs.csvInUse : inputs.csvText;
	const fitting = (csv: string) => (csv.length <= MAX_CSV_CHARS ? csv : null);
	return {
		version: SESSION_VERSION,
		settings: { ...inputs.settingsText },
		formula: { ...inputs.formulaText },
		source: inputs.source,
		csvText: fitting(used),
		csvDraft: inputs.csvText === used ? null : fitting(inputs.csvText),
		device: inputs.device,
		lossId: inputs.lossId ?? null,
		format: inputs.format,
		logScale: inputs.logScale,
		training,
		trainingNotSaved: tooBig ? values : null
	};
}

// ---- reading it back ----------------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** `record[key]` when it is its own property, else undefined (never Object.prototype's). */
const field = (record: Record<string, unknown>, key: string): unknown =>
	Object.hasOwn(record, key) ? record[key] : undefined;

const text = (value: unknown, max: number): string | null =>
	typeof value === 'string' && value.length <= max ? value : null;

const count = (value: unknown, max: number): number | null =>
	typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max
		? value
		: null;

/** A list of finite numbers of at most `max` elements, copied; null otherwise. */
function numbers(value: unknown, max: number): number[] | null {
	if (!Array.isArray(value) || value.length > max) return null;
	const out = new Array<number>(value.length);
	for (let i = 0; i < value.length; i++) {
		const v: unknown = value[i];
		if (typeof v !== 'number' || !Number.isFinite(v)) return null;
		out[i] = v;
	}
	return out;
}

function typedFields<K extends string>(
	value: unknown,
	defaults: Record<K, string>
): Record<K, string> {
	const out = { ...defaults };
	if (!isRecord(value)) return out;
	for (const key of Object.keys(defaults) as K[]) {
		const typed = text(field(value, key), MAX_FIELD_CHARS);
		if (typed !== null) out[key] = typed;
	}
	return out;
}

/** [id, values] pairs: the valid ones, each id once, within the budget of values. */
function valuePairs(value: unknown, budget: { left: number }): ValuePairs | null {
	if (!Array.isArray(value) || value.length > MAX_PARAMETERS) return null;
	const seen = new Set<string>();
	const out: ValuePairs = [];
	for (const pair of value) {
		if (!Array.isArray(pair) || pair.length !== 2) continue;
		const id = text(pair[0], MAX_ID_CHARS);
		if (id === null || id === '' || seen.has(id)) continue;
		const values = numbers(pair[1], budget.left);
		if (values === null || values.length === 0) continue;
		budget.left -= values.length;
		seen.add(id);
		out.push([id, values]);
	}
	return out;
}

function readRun(value: unknown): SavedTraining['run'] {
	if (!isRecord(value)) return null;
	const total = count(field(value, 'total'), MAX_EPOCHS);
	const done = count(field(value, 'done'), MAX_EPOCHS);
	return total !== null && total >= 1 && done !== null && done <= total ? { done, total } : null;
}

function readLogs(value: unknown): { logs: string[]; dropped: number } {
	if (!Array.isArray(value)) return { logs: [], dropped: 0 };
	const start = Math.max(0, value.length - MAX_LOG_LINES);
	const logs: string[] = [];
	for (let i = start; i < value.length; i++) {
		const line: unknown = value[i];
		if (typeof line === 'string') logs.push(line.slice(0, MAX_LOG_LINE_CHARS));
	}
	return { logs, dropped: start };
}

/** A model fingerprint as `trainingKeyHash` writes it, else null. */
const readModelHash = (value: unknown): string | null =>
	typeof value === 'string' && /^[0-9a-f]{1,14}$/.test(value) ? value : null;

function readTraining(value: unknown): SavedTraining | null {
	if (!isRecord(value)) return null;
	const budget = { left: MAX_SESSION_VALUES };
	const parameters = valuePairs(field(value, 'parameters'), budget);
	if (parameters === null || parameters.length === 0) return null;
	const momentum = valuePairs(field(value, 'momentum'), budget);
	const epoch = count(field(value, 'epoch'), MAX_EPOCH_COUNT) ?? 0;
	// The history: the losses, their epochs and (for a line model) the trajectory, all of it
	// valid or none. A session saved before `lossEpochs` has the last epochs' losses.
	let losses = numbers(field(value, 'losses'), MAX_HISTORY) ?? [];
	let lossEpochs = numbers(field(value, 'lossEpochs') ?? [], MAX_HISTORY);
	let trajectory: SavedTraining['trajectory'] = null;
	const path = field(value, 'trajectory');
	if (isRecord(path)) {
		const w = numbers(field(path, 'w'), MAX_HISTORY);
		const b = numbers(field(path, 'b'), MAX_HISTORY);
		if (w !== null && b !== null && w.length === losses.length && b.length === losses.length) {
			trajectory = { w, b };
		} else losses = [];
	}
	if (lossEpochs === null || !labelsFit(lossEpochs, losses.length, epoch)) {
		losses = [];
		lossEpochs = [];
		trajectory = trajectory === null ? null : { w: [], b: [] };
	}
	const { logs, dropped } = readLogs(field(value, 'logs'));
	const device = field(value, 'device');
	return {
		epoch,
		run: readRun(field(value, 'run')),
		losses,
		lossEpochs,
		trajectory,
		logs,
		droppedLogLines: Math.min(
			Number.MAX_SAFE_INTEGER,
			(count(field(value, 'droppedLogLines'), Number.MAX_SAFE_INTEGER) ?? 0) + dropped
		),
		parameters,
		momentum: momentum !== null && momentum.length > 0 ? momentum : null,
		model: readModelHash(field(value, 'model')),
		device: device === 'cpu' || device === 'webgpu' ? device : null,
		predicted: text(field(value, 'predicted'), MAX_PREDICTED_CHARS)
	};
}

function readSessionFields(value: Record<string, unknown>): TrainingSession {
	const source = field(value, 'source');
	const device = field(value, 'device');
	const format = field(value, 'format');
	const logScale = field(value, 'logScale');
	const lossId = text(field(value, 'lossId'), MAX_ID_CHARS);
	return {
		version: SESSION_VERSION,
		settings: typedFields(field(value, 'settings'), asText(DEFAULT_SETTINGS)),
		formula: typedFields(field(value, 'formula'), asText(DEFAULT_FORMULA)),
		source: source === 'csv' ? 'csv' : 'formula',
		csvText: text(field(value, 'csvText'), MAX_CSV_CHARS),
		csvDraft: text(field(value, 'csvDraft'), MAX_CSV_CHARS),
		device: DEVICE_CHOICES.includes(device as DeviceChoice) ? (device as DeviceChoice) : 'auto',
		lossId: lossId === '' ? null : lossId,
		format: format === 'json' || format === 'pt' ? format : 'safetensors',
		logScale: logScale === true,
		training: readTraining(field(value, 'training')),
		trainingNotSaved: count(field(value, 'trainingNotSaved'), Number.MAX_SAFE_INTEGER) || null
	};
}

/**
 * A session read back from storage: null when it is not one (not an object, another version);
 * otherwise every field checked, each bad one replaced by its default. Never throws, never
 * changes `value`, and its work and result are bounded whatever `value` holds.
 */
export function readSession(value: unknown): TrainingSession | null {
	try {
		if (!isRecord(value) || field(value, 'version') !== SESSION_VERSION) return null;
		return readSessionFields(value);
	} catch {
		// A getter or a proxy that throws: not data that JSON or IndexedDB gives back.
		return null;
	}
}

/** What the trainer goes on from (null-prototype records by node id). */
export function restoredTraining(training: SavedTraining): RestoredTraining {
	return {
		epoch: training.epoch,
		losses: training.losses.slice(),
		lossEpochs: training.lossEpochs.slice(),
		trajectory:
			training.trajectory === null
				? null
				: { w: training.trajectory.w.slice(), b: training.trajectory.b.slice() },
		parameters: recordOf(training.parameters),
		momentum: training.momentum === null ? null : recordOf(training.momentum),
		logs: training.logs.slice(),
		droppedLogLines: training.droppedLogLines,
		run: training.run === null ? null : { ...training.run },
		predicted: training.predicted
	};
}

/**
 * The session's parameters that fit `doc` (leaves that require grad, with as many values as
 * their shape holds), by node id in a null-prototype record; null when none do. For the canvas
 * nodes' live values: after a reload they show what the Train panel shows.
 */
export function sessionParameters(
	session: unknown,
	doc: GraphDocument
): Record<string, number[]> | null {
	const read = readSession(session);
	const training = read?.training;
	if (!read || !training) return null;
	// Trained on another model (the graph changed since): its values are not this graph's.
	if (
		training.model !== null &&
		training.model !== docTrainingHash(doc, read.lossId ?? undefined)
	) {
		return null;
	}
	const saved = new Map(training.parameters);
	const out: Record<string, number[]> = Object.create(null);
	let any = false;
	for (const node of doc.nodes) {
		const values = saved.get(node.id);
		if (values === undefined || !isLeaf(node)) continue;
		const attrs = node.attrs;
		if (!attrs.requiresGrad || !Array.isArray(attrs.shape)) continue;
		if (values.length !== numel(attrs.shape)) continue;
		out[node.id] = values;
		any = true;
	}
	return any ? out : null;
}

// ---- a session from imported code ----------------------------------------------------------------

/** What imported code trains with (the code module's `ImportedTraining`). */
export interface ImportedSetup {
	lr: number;
	momentum: number;
	epochs: number;
	/** null: the code prints no log (the panel's default interval is kept). */
	logEvery: number | null;
	device: DeviceChoice | null;
	/** The loss node. */
	loss: string | null;
	/** The data (null: not constants in the code). */
	x: number[] | null;
	y: number[] | null;
}

/**
 * A new session holding the settings and data that imported code trains with, and no training
 * yet: the Train panel opens with them. Data on the panel's x (0..10) along an exact line is the
 * formula's; other data is a CSV.
 */
export function sessionFromImport(setup: ImportedSetup): TrainingSession {
	const settings: TrainSettings = {
		lr: setup.lr,
		momentum: setup.momentum,
		epochs: setup.epochs,
		logEvery: setup.logEvery ?? DEFAULT_SETTINGS.logEvery
	};
	const { x, y } = setup;
	const data = x !== null && y !== null && x.length === y.length && x.length > 0;
	const line = data ? lineFormula(x, y) : null;
	const csv = data && line === null ? toCsv(x, y) : null;
	const useCsv = csv !== null && csv.length <= MAX_CSV_CHARS;
	return {
		version: SESSION_VERSION,
		settings: asText(settings),
		formula: asText(line ?? DEFAULT_FORMULA),
		source: useCsv ? 'csv' : 'formula',
		csvText: useCsv ? csv : null,
		csvDraft: null,
		device: setup.device ?? 'auto',
		lossId: setup.loss,
		format: 'safetensors',
		logScale: false,
		training: null,
		trainingNotSaved: null
	};
}

/** y = slope * x + intercept exactly, on the formula's x: that formula (no noise), else null. */
function lineFormula(x: readonly number[], y: readonly number[]): Formula | null {
	if (x.length !== DEFAULT_X.length || x.some((value, i) => value !== DEFAULT_X[i])) return null;
	const intercept = y[0];
	const slope = y[1] - y[0];
	if (!Number.isFinite(slope) || !Number.isFinite(intercept)) return null;
	if (y.some((value, i) => value !== slope * x[i] + intercept)) return null;
	return { slope, intercept, noise: 0, seed: 0 };
}
