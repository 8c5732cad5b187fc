/**
 * The messages between the page and the training worker. Plain structured-clone data: documents,
 * numbers, typed arrays (transferred), strings.
 *
 * Page -> worker (`TrainRequest`): start, pause, resume, step, reset, load-state, save-state.
 * Every request that needs the model carries the whole configuration (document, data,
 * settings, device): the worker rebuilds the model only when the document's structure or the
 * loss changed, and otherwise keeps the parameters and takes the new data and settings.
 *
 * Worker -> page (`TrainEvent`): `progress` at most every ~16 ms while training (the history
 * since the previous one, the parameters as transferred float32 arrays, new log lines), and at
 * every change of status;
 * `saved` / `loaded` / `failed` answer save-state and load-state by request id.
 */
import type { Device, StateDictFormat } from '$lib/engine/core';
import { dictFrom } from '$lib/util/dict';
import type { GraphDocument } from '$lib/graph';
import type { AutoChoice } from './auto-device';
import type { Dataset } from './data';
import type { ModelBinding } from './model';
import type { TrainSettings } from './settings';

/**
 * Auto: the CPU, unless a real GPU (never a software adapter such as SwiftShader) is faster on
 * this graph, timed once (see auto-device.ts).
 */
export type DeviceChoice = 'auto' | 'cpu' | 'webgpu';
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'webgpu'];

/** What to train, on what, how. */
export interface TrainConfig {
	doc: GraphDocument;
	data: Dataset;
	settings: TrainSettings;
	device: DeviceChoice;
	/** The loss node (default: the document's first). */
	lossId?: string;
	/** Start values for a newly built model, by parameter node id. */
	initialParameters?: Record<string, number[]>;
	/**
	 * A saved session to go on from when the model is built (a reload): epoch, history,
	 * parameters, momentum buffers, log. Ignored when the model is already built, and when its
	 * parameters do not fit the model (then it starts from `initialParameters` or the leaves).
	 */
	restore?: RestoredTraining;
}

/**
 * Training as it stood when a session was saved, for the trainer to continue from. Keyed by
 * parameter node id in null-prototype objects (`__proto__` is a valid node id).
 */
export interface RestoredTraining {
	/** Epochs trained since the last reset. */
	epoch: number;
	/** The loss of some epochs: those of `lossEpochs`, then the last ones up to `epoch`. */
	losses: number[];
	/** The epochs of the first losses (a long run's thinned history; see training/history). */
	lossEpochs: number[];
	/** The (w, b) each of those epochs started from, for a line model (same length). */
	trajectory: { w: number[]; b: number[] } | null;
	parameters: Record<string, number[]>;
	/** SGD's momentum buffers by parameter node id (null: none yet, or momentum 0). */
	momentum: Record<string, number[]> | null;
	/** The log's last lines, and how many were dropped before them. */
	logs: string[];
	droppedLogLines: number;
	/** The run that was going on (it comes back paused), or null. */
	run: { done: number; total: number } | null;
	predicted: string | null;
}

export type TrainRequest =
	| ({ type: 'start' } & TrainConfig)
	| { type: 'pause' }
	/** Go on with a paused run (with these settings and data), or start one when none is paused. */
	| ({ type: 'resume' } & TrainConfig)
	| ({ type: 'step' } & TrainConfig)
	| ({ type: 'reset' } & TrainConfig)
	| ({ type: 'load-state'; id: number; bytes: Uint8Array } & TrainConfig)
	| ({ type: 'save-state'; id: number; format: StateDictFormat } & TrainConfig);

export type TrainStatus =
	/** Nothing running; ready to train. */
	| 'idle'
	| 'running'
	/** A run was paused and can be resumed. */
	| 'paused'
	/** The last run trained all its epochs. */
	| 'finished'
	/** The loss became Inf or NaN; the parameters were restored. */
	| 'diverged'
	/** The model cannot be trained (see `message`, `nodeId`). */
	| 'error';

/**
 * A model with more parameter values than this sends them at most every FULL_VALUES_MS while it
 * trains (see `ProgressEvent.parameters`).
 */
export const LIVE_VALUES_MAX = 100_000;
export const FULL_VALUES_MS = 500;

/** Values by parameter node id, row-major, in a null-prototype record (node ids come from users). */
export type ParameterValues = Record<string, Float32Array>;

/** What the page shows about the model being trained. */
export interface ModelSummary {
	lossId: string;
	inputId: string;
	targetId: string;
	parameterIds: string[];
	/** Parameter node id -> state dict key (`weight`, `bias`). */
	keys: Record<string, string>;
	/** The line's leaves when the model is y = w x + b. */
	line: { weightId: string; biasId: string | null } | null;
	reduction: 'mean' | 'sum';
}

/** What the page is told of a bound model. */
export function summaryOf(binding: ModelBinding): ModelSummary {
	return {
		lossId: binding.lossId,
		inputId: binding.inputId,
		targetId: binding.targetId,
		parameterIds: binding.parameterIds.slice(),
		keys: dictFrom(Object.entries(binding.keys)), // by node id, which may be `__proto__`
		line: binding.line,
		reduction: binding.reduction
	};
}

export interface ProgressEvent {
	type: 'progress';
	status: TrainStatus;
	/** Epochs trained since the last reset. */
	epoch: number;
	/** The current run: epochs done of its total (null outside a run). */
	run: { done: number; total: number } | null;
	/** True when the history starts again (a reset, a new model): forget the previous one. */
	restart: boolean;
	/** The history index of `losses[0]` (how many losses the page already has). */
	from: number;
	/** The loss of each epoch since the previous event. */
	losses: Float64Array;
	/**
	 * On a restart: the epochs of the history's first losses (a restored session's thinned
	 * history; see training/history); else empty.
	 */
	lossEpochs: number[];
	/** The (w, b) each of those epochs started from, for a line model; else null. */
	weights: Float64Array | null;
	biases: Float64Array | null;
	/** New lines of the log (`epoch 50, loss ...`, warnings, the divergence message). */
	logs: string[];
	/** On a restart: lines dropped before the first of `logs` (a restored session's). */
	droppedLogLines: number;
	/**
	 * Every parameter's values now, by node id: float32 arrays, transferred (the page reads only
	 * what it shows). Null: the same moment's values were not sent; those of the last event that
	 * had them stand. A model of more than LIVE_VALUES_MAX values sends them at most every
	 * FULL_VALUES_MS while it trains (a million values every 16 ms kept the page's garbage
	 * collector busy for hundreds of milliseconds at a time); every event that ends a phase (a
	 * pause, the end of a run, a step, a load, a reset) and every event of a smaller model has them.
	 */
	parameters: ParameterValues | null;
	/**
	 * SGD's momentum buffers of the same moment as `parameters`, by node id (null: none, not read
	 * back from the GPU yet, or `parameters` is null).
	 */
	momentum: ParameterValues | null;
	/** The current line y = w x + b, for a line model. */
	line: { w: number; b: number } | null;
	/** NumPy's print of the predictions for x, after a run, a step, a load. */
	predicted: string | null;
	/** The device computing now. */
	device: Device;
	/** Which device Auto picked and why (null when the choice is not Auto). */
	auto: AutoChoice | null;
	/** A problem to show: divergence, or why the model cannot be trained. */
	message: string | null;
	/** The node the problem is on, when there is one. */
	nodeId: string | null;
	/** Something to know that is not a problem (WebGPU failed and the CPU took over). */
	notice: TrainNotice | null;
	model: ModelSummary | null;
}

/**
 * A notice of the training worker: a code with what it needs (`reason` is the browser's or the
 * engine's own words), worded by the UI in its language; `noticeText` gives the English.
 */
export type TrainNotice =
	| { code: 'gpuUnavailable'; reason: string }
	| { code: 'gpuFailed'; reason: string; epoch: number }
	| { code: 'predictionsFailed'; reason: string };

/** The error when a run throws (an engine error, in PyTorch's words). */
export const stoppedMessage = (reason: string) => `training stopped: ${reason}`;

/** The error when the training worker itself fails. */
export const divergedMessage = (epoch: number) =>
	`the loss diverged at epoch ${epoch}; try a smaller learning rate`;
export const workerFailedMessage = (reason: string) => `the training worker failed: ${reason}`;
export const trainerLoadFailedMessage = (reason: string) =>
	`the trainer could not be loaded: ${reason}`;

/** A notice in English. */
export function noticeText(notice: TrainNotice): string {
	switch (notice.code) {
		case 'gpuUnavailable':
			return `WebGPU is not available (${notice.reason}); training runs on the CPU`;
		case 'gpuFailed':
			return `WebGPU failed (${notice.reason}); training goes on on the CPU from epoch ${notice.epoch}`;
		case 'predictionsFailed':
			return `the predictions could not be computed: ${notice.reason}`;
	}
}

export type TrainEvent =
	| { type: 'ready' }
	| ProgressEvent
	| { type: 'saved'; id: number; format: StateDictFormat; bytes: Uint8Array }
	| { type: 'loaded'; id: number; keys: string[] }
	| { type: 'failed'; id: number; message: string; code?: FailureCode };

/**
 * What a `failed` answer, or the client itself, may say beyond its message (the UI words these
 * itself, and quotes the reason as written):
 * - `notAStateDict`: load-state was given bytes that are no model file in any format the engine
 *   reads;
 * - `noModel`: the graph cannot be made into a model (the message is why, often PyTorch's);
 * - `saveFailed`: the engine refused to write the state dict (its message says why);
 * - `workerFailed`, `trainerNotLoaded`: the training worker failed, or the in-thread trainer could
 *   not be loaded (the reason is the browser's);
 * - `closed`: the client was closed before it answered.
 */
export type FailureCode =
	'notAStateDict' | 'noModel' | 'saveFailed' | 'workerFailed' | 'trainerNotLoaded' | 'closed';

/**
 * A request's failure as the client rejects it: the message in English, its code if any, and
 * `reason`, the words the message quotes as written (the engine's, PyTorch's or the browser's;
 * the whole message when it quotes none).
 */
export class RequestFailed extends Error {
	readonly code: FailureCode | undefined;
	readonly reason: string;
	constructor(message: string, code?: FailureCode, reason: string = message) {
		super(message);
		this.code = code;
		this.reason = reason;
	}
}

const REQUEST_TYPES = new Set([
	'start',
	'pause',
	'resume',
	'step',
	'reset',
	'load-state',
	'save-state'
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why a message is not a well-formed TrainRequest, or null when it is one. */
export function requestProblem(message: unknown): string | null {
	if (!isRecord(message) || typeof message.type !== 'string') return 'expected { type: ... }';
	if (!REQUEST_TYPES.has(message.type)) return `unknown request type '${message.type}'`;
	if (message.type === 'pause') return null;
	if (!isRecord(message.doc) || !Array.isArray(message.doc.nodes))
		return 'doc: expected a graph document';
	const data = message.data;
	if (!isRecord(data) || !Array.isArray(data.x) || !Array.isArray(data.y)) {
		return 'data: expected { x: number[], y: number[] }';
	}
	if (!isRecord(message.settings)) return 'settings: expected an object';
	for (const key of ['lr', 'momentum', 'epochs', 'logEvery']) {
		if (typeof message.settings[key] !== 'number') return `settings.${key}: expected a number`;
	}
	if (!DEVICE_CHOICES.includes(message.device as DeviceChoice)) {
		return `device: expected one of ${DEVICE_CHOICES.join(', ')}`;
	}
	if (message.type === 'load-state' || message.type === 'save-state') {
		if (typeof message.id !== 'number') return 'id: expected a number';
	}
	if (message.type === 'load-state' && !(message.bytes instanceof Uint8Array)) {
		return 'bytes: expected a Uint8Array';
	}
	if (
		message.type === 'save-state' &&
		message.format !== 'json' &&
		message.format !== 'safetensors' &&
		message.format !== 'pt'
	) {
		return "format: expected 'safetensors', 'pt' or 'json'";
	}
	return null;
}

/** The configuration part of a request. */
export function configOf(request: TrainConfig): TrainConfig {
	const { doc, data, settings, device, lossId, initialParameters, restore } = request;
	return { doc, data, settings, device, lossId, initialParameters, restore };
}
