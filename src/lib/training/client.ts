/**
 * The page's side of training: a small typed API over the worker (or, where Workers are
 * missing or fail to start, the same host on the main thread). It keeps the whole history the
 * worker streams (loss per epoch, the (w, b) trajectory, the log) and tells listeners after
 * every event; the page decides how often to redraw (TrainPanel: once per frame).
 *
 *     const client = new TrainingClient();
 *     client.subscribe((state) => ...);
 *     client.start({ doc, data, settings, device: 'auto' });
 *     client.state; // what to show, and to save with the document (see session.ts)
 */
import { errorMessage } from '$lib/util/error-message';
import type { Device, StateDictFormat } from '$lib/engine/core';
import type { AutoChoice } from './auto-device';
import type { HostOptions, TrainingHost } from './host';
import {
	RequestFailed,
	trainerLoadFailedMessage,
	workerFailedMessage,
	type ModelSummary,
	type ParameterValues,
	type ProgressEvent,
	type RestoredTraining,
	type TrainConfig,
	type TrainEvent,
	type TrainNotice,
	type TrainRequest,
	type TrainStatus
} from './protocol';
import { Series } from './series';

export interface TrainState {
	status: TrainStatus;
	/** Epochs trained since the last reset. */
	epoch: number;
	/** The current run's progress (null outside a run). */
	run: { done: number; total: number } | null;
	/**
	 * The loss of every epoch (a view: a new object whenever it grows); after a restored long run,
	 * of some of its epochs, then of every one.
	 */
	losses: Float64Array;
	/**
	 * The epochs of the first losses (a restored session's thinned history); the others are of
	 * consecutive epochs ending at `epoch`. `epochAt` (training/history) reads them.
	 */
	lossEpochs: readonly number[];
	/** The (w, b) each epoch started from, for a line model. */
	trajectory: { w: Float64Array; b: Float64Array } | null;
	/** The log's last MAX_LOG_LINES lines. */
	logs: readonly string[];
	/** Lines dropped from the front of the log. */
	droppedLogLines: number;
	/**
	 * Every parameter's values by node id (float32, as the trainer holds them). Read only what is
	 * shown: a parameter may hold millions of values, and a new object comes every frame.
	 */
	parameters: Readonly<Record<string, ArrayLike<number>>>;
	/** SGD's momentum buffers by node id (null: none; on a GPU, as of the last pause or end). */
	momentum: Readonly<Record<string, ArrayLike<number>>> | null;
	line: { w: number; b: number } | null;
	predicted: string | null;
	/** The device training runs on (null before the first answer). */
	device: Device | null;
	/** Which device Auto picked and why (null when the choice is not Auto, or not made yet). */
	auto: AutoChoice | null;
	message: string | null;
	nodeId: string | null;
	/** The last notice (WebGPU fell back to the CPU, ...), kept until a reset. */
	notice: TrainNotice | null;
	model: ModelSummary | null;
}

export const MAX_LOG_LINES = 2000;

export const INITIAL_STATE: TrainState = {
	status: 'idle',
	epoch: 0,
	run: null,
	losses: new Float64Array(0),
	lossEpochs: [],
	trajectory: null,
	logs: [],
	droppedLogLines: 0,
	parameters: {},
	momentum: null,
	line: null,
	predicted: null,
	device: null,
	auto: null,
	message: null,
	nodeId: null,
	notice: null,
	model: null
};

export interface ClientOptions {
	/** 'worker' (the default where Workers exist) or 'in-thread'. */
	mode?: 'worker' | 'in-thread';
	/** Makes the worker (default: `./worker.ts` as a module worker). */
	createWorker?: () => Worker;
	/** For the in-thread host (default slices of 8 ms, so no task runs long). */
	hostOptions?: HostOptions;
}

type Listener = (state: TrainState) => void;

/** A progress event, or one the client makes from its state (holding the values it holds). */
type Progress = Omit<ProgressEvent, 'parameters' | 'momentum'> & {
	parameters: TrainState['parameters'] | null;
	momentum: TrainState['momentum'];
};

interface Pending {
	resolve: (value: unknown) => void;
	reject: (error: Error) => void;
}

export function createTrainingWorker(): Worker {
	return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}

/**
 * The configuration as plain data: documents are JSON, so a JSON copy drops any reactive proxy
 * (which postMessage could not clone).
 */
function plainConfig(config: TrainConfig): TrainConfig {
	return {
		doc: JSON.parse(JSON.stringify(config.doc)),
		data: { x: Array.from(config.data.x), y: Array.from(config.data.y) },
		settings: { ...config.settings },
		device: config.device,
		...(config.lossId === undefined ? {} : { lossId: config.lossId }),
		...(config.initialParameters === undefined
			? {}
			: { initialParameters: JSON.parse(JSON.stringify(config.initialParameters)) }),
		// Already plain data (null-prototype records, which a JSON copy would turn into ordinary ones).
		...(config.restore === undefined ? {} : { restore: structuredClone(config.restore) })
	};
}

/** Saved values (plain numbers) as the trainer reports them: float32, in a null-prototype record. */
function float32Record(values: Readonly<Record<string, readonly number[]>>): ParameterValues {
	const out: ParameterValues = Object.create(null);
	for (const id of Object.keys(values)) out[id] = Float32Array.from(values[id]);
	return out;
}

export class TrainingClient {
	private modeNow: 'worker' | 'in-thread';
	private worker: Worker | null = null;
	private host: TrainingHost | null = null;
	/**
	 * Requests made while the in-thread host loads (it is loaded only where the worker is
	 * missing or fails: the page does not need the trainer otherwise).
	 */
	private queued: TrainRequest[] = [];
	/** The host's module while it loads (null before, and again after a failed load). */
	private hostLoading: Promise<void> | null = null;
	private disposed = false;
	private ready = false;
	/** Requests the worker has not confirmed it can take yet (replayed in-thread if it fails). */
	private unconfirmed: TrainRequest[] = [];
	private readonly listeners = new Set<Listener>();
	private current: TrainState = INITIAL_STATE;
	/** The state at the last report that had the parameters' values (see `sessionState`). */
	private complete: TrainState = INITIAL_STATE;
	private readonly losses = new Series();
	private readonly weights = new Series();
	private readonly biases = new Series();
	private lossEpochs: readonly number[] = [];
	private logs: string[] = [];
	private dropped = 0;
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	private readonly hostOptions: HostOptions;
	/** A restored session the trainer has not been sent yet (it goes with the next request). */
	private pendingRestore: RestoredTraining | null = null;

	constructor(options: ClientOptions = {}) {
		this.hostOptions = options.hostOptions ?? {};
		const wanted = options.mode ?? (typeof Worker === 'undefined' ? 'in-thread' : 'worker');
		this.modeNow = wanted;
		if (wanted === 'worker') {
			try {
				this.startWorker(options.createWorker ?? createTrainingWorker);
			} catch (error) {
				console.warn('training: no worker, training on the main thread', error);
				this.startInThread();
			}
		} else this.startInThread();
	}

	/** Where training runs: in a worker, or on the main thread (the fallback). */
	get mode(): 'worker' | 'in-thread' {
		return this.modeNow;
	}

	get state(): TrainState {
		return this.current;
	}

	/**
	 * The last state whose parameters, momentum buffers, epoch, history and log are all of one
	 * moment, to be saved: `state` itself, except while a big model trains (its values come at
	 * most every FULL_VALUES_MS; see ProgressEvent), when it is the state of the last values.
	 */
	get sessionState(): TrainState {
		return this.complete;
	}

	/** The last parameters the trainer reported, by node id (null before any). */
	get lastParameters(): TrainState['parameters'] | null {
		return this.current.model === null ? null : this.current.parameters;
	}

	/** Call `listener` after every change; returns a function that stops it. */
	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/**
	 * Show a saved session (its epoch, history, log, parameters) at once, and have the trainer go
	 * on from it with the next request. Before any other request; `model` and `device` are what
	 * the page knows of them until the trainer answers.
	 */
	restore(
		session: RestoredTraining,
		shown: { model: ModelSummary | null; device: Device | null; line: TrainState['line'] }
	): void {
		this.pendingRestore = session;
		this.losses.clear();
		this.weights.clear();
		this.biases.clear();
		this.losses.pushAll(session.losses);
		this.lossEpochs = session.lossEpochs.slice();
		if (session.trajectory !== null) {
			this.weights.pushAll(session.trajectory.w);
			this.biases.pushAll(session.trajectory.b);
		}
		this.logs = session.logs.slice(-MAX_LOG_LINES);
		this.dropped = session.droppedLogLines + (session.logs.length - this.logs.length);
		this.current = {
			...INITIAL_STATE,
			status: session.run === null ? 'idle' : 'paused',
			epoch: session.epoch,
			run: session.run === null ? null : { ...session.run },
			losses: this.losses.view(),
			lossEpochs: this.lossEpochs,
			trajectory:
				session.trajectory === null ? null : { w: this.weights.view(), b: this.biases.view() },
			logs: this.logs,
			droppedLogLines: this.dropped,
			parameters: float32Record(session.parameters),
			momentum: session.momentum === null ? null : float32Record(session.momentum),
			line: shown.line,
			predicted: session.predicted,
			device: shown.device,
			model: shown.model
		};
		this.complete = this.current;
		for (const listener of this.listeners) listener(this.current);
	}

	/** The configuration with the restored session, the first time (the trainer takes it once). */
	private withRestore(config: TrainConfig): TrainConfig {
		const restore = this.pendingRestore;
		if (restore === null) return config;
		this.pendingRestore = null;
		return { ...config, restore };
	}

	/** Train `config.settings.epochs` epochs. */
	start(config: TrainConfig): void {
		this.send({ type: 'start', ...plainConfig(this.withRestore(config)) });
	}

	pause(): void {
		this.send({ type: 'pause' });
	}

	/** Go on with a paused run, taking new settings and data (or start a run if none is paused). */
	resume(config: TrainConfig): void {
		this.send({ type: 'resume', ...plainConfig(this.withRestore(config)) });
	}

	/** One epoch. */
	step(config: TrainConfig): void {
		this.send({ type: 'step', ...plainConfig(this.withRestore(config)) });
	}

	/** Parameters back to their leaves' init; history and log cleared. */
	reset(config: TrainConfig): void {
		this.send({ type: 'reset', ...plainConfig(this.withRestore(config)) });
	}

	/** The state dict's bytes (`weight`, `bias` for the Linear regression example). */
	saveState(config: TrainConfig, format: StateDictFormat): Promise<Uint8Array> {
		const id = this.nextId++;
		const answer = this.expect<Uint8Array>(id);
		this.send({ type: 'save-state', id, format, ...plainConfig(this.withRestore(config)) });
		return answer;
	}

	/**
	 * Load a state dict file (either format). Rejects with PyTorch's message on a mismatch,
	 * with nothing loaded. Resolves to the file's keys.
	 */
	loadState(config: TrainConfig, bytes: Uint8Array): Promise<string[]> {
		const id = this.nextId++;
		const answer = this.expect<string[]>(id);
		const plain = plainConfig(this.withRestore(config));
		this.send({ type: 'load-state', id, bytes: bytes.slice(), ...plain });
		return answer;
	}

	dispose(): void {
		this.disposed = true;
		this.queued = [];
		this.worker?.terminate();
		this.worker = null;
		this.host?.dispose();
		this.host = null;
		this.rejectPending(new RequestFailed('training was closed', 'closed'));
		this.listeners.clear();
	}

	private expect<T>(id: number): Promise<T> {
		return new Promise<T>((resolve, reject) =>
			this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
		);
	}

	private startWorker(create: () => Worker): void {
		const worker = create();
		this.worker = worker;
		worker.onmessage = (event: MessageEvent<TrainEvent>) => this.receive(event.data);
		worker.onerror = (event) => {
			if (!this.ready) {
				event.preventDefault();
				console.warn('training: the worker did not start; training on the main thread', event);
				worker.terminate();
				this.worker = null;
				this.startInThread();
				const replay = this.unconfirmed;
				this.unconfirmed = [];
				for (const request of replay) this.send(request);
			} else {
				const message = workerFailedMessage(event.message);
				// A save or load waiting for the worker's answer will not get one.
				this.rejectPending(new RequestFailed(message, 'workerFailed', event.message));
				this.receiveProgress({ ...this.progressFromState(), status: 'error', message });
			}
		};
	}

	private startInThread(): void {
		this.modeNow = 'in-thread';
		this.ready = true;
		this.loadHost();
	}

	/**
	 * Loads the in-thread host, then hands it the requests made meanwhile. A failed load (offline
	 * before the app was cached) fails those requests, and the next request tries again.
	 */
	private loadHost(): void {
		if (this.host !== null || this.hostLoading !== null || this.disposed) return;
		this.hostLoading = import('./host').then(
			({ TrainingHost }) => {
				this.hostLoading = null;
				if (this.disposed) return;
				this.host = new TrainingHost((event) => queueMicrotask(() => this.receive(event)), {
					sliceMs: 8,
					...this.hostOptions
				});
				const queued = this.queued;
				this.queued = [];
				for (const request of queued) this.host.handle(request);
			},
			(error: unknown) => {
				this.hostLoading = null;
				if (this.disposed) return;
				this.queued = [];
				const reason = errorMessage(error);
				const message = trainerLoadFailedMessage(reason);
				this.rejectPending(new RequestFailed(message, 'trainerNotLoaded', reason));
				this.receiveProgress({ ...this.progressFromState(), status: 'error', message });
			}
		);
	}

	private send(request: TrainRequest): void {
		if (this.worker !== null) {
			if (!this.ready) this.unconfirmed.push(request);
			const transfer = request.type === 'load-state' ? [request.bytes.buffer] : [];
			this.worker.postMessage(request, transfer);
		} else if (this.host !== null) {
			this.host.handle(structuredClone(request));
		} else if (!this.disposed) {
			this.queued.push(structuredClone(request));
			this.loadHost();
		}
	}

	private receive(event: TrainEvent): void {
		switch (event.type) {
			case 'ready':
				this.ready = true;
				this.unconfirmed = [];
				return;
			case 'progress':
				this.receiveProgress(event);
				return;
			case 'saved':
				this.settle(event.id, (p) => p.resolve(event.bytes));
				return;
			case 'loaded':
				this.settle(event.id, (p) => p.resolve(event.keys));
				return;
			case 'failed':
				this.settle(event.id, (p) => p.reject(new RequestFailed(event.message, event.code)));
				return;
		}
	}

	/** Every request still waiting for an answer fails with `error`. */
	private rejectPending(error: RequestFailed): void {
		const pending = [...this.pending.values()];
		this.pending.clear();
		for (const { reject } of pending) reject(error);
	}

	private settle(id: number, action: (pending: Pending) => void): void {
		const pending = this.pending.get(id);
		if (pending === undefined) return;
		this.pending.delete(id);
		action(pending);
	}

	/** A progress event that repeats the current state (for errors the client notices). */
	private progressFromState(): Progress {
		const s = this.current;
		return {
			type: 'progress',
			status: s.status,
			epoch: s.epoch,
			run: s.run,
			restart: false,
			from: this.losses.length,
			losses: new Float64Array(0),
			lossEpochs: [],
			weights: null,
			biases: null,
			logs: [],
			droppedLogLines: 0,
			parameters: null,
			momentum: null,
			line: s.line,
			predicted: s.predicted,
			device: s.device ?? 'cpu',
			auto: s.auto,
			message: s.message,
			nodeId: s.nodeId,
			notice: null,
			model: s.model
		};
	}

	private receiveProgress(event: Progress): void {
		if (event.restart) {
			this.losses.clear();
			this.weights.clear();
			this.biases.clear();
			this.lossEpochs = event.lossEpochs.slice();
			this.logs = [];
			this.dropped = event.droppedLogLines;
		}
		// Take only what is new (the events come in order, so normally all of it).
		const skip = Math.max(0, this.losses.length - event.from);
		this.losses.pushAll(event.losses.subarray(skip));
		if (event.weights && event.biases) {
			this.weights.pushAll(event.weights.subarray(skip));
			this.biases.pushAll(event.biases.subarray(skip));
		}
		if (event.logs.length > 0) {
			const logs = this.logs.concat(event.logs);
			const excess = Math.max(0, logs.length - MAX_LOG_LINES);
			this.dropped += excess;
			this.logs = excess > 0 ? logs.slice(excess) : logs;
		}
		const isLine = event.model?.line != null;
		this.current = {
			status: event.status,
			epoch: event.epoch,
			run: event.run,
			losses: this.losses.view(),
			lossEpochs: this.lossEpochs,
			trajectory: isLine ? { w: this.weights.view(), b: this.biases.view() } : null,
			logs: this.logs,
			droppedLogLines: this.dropped,
			// No values: the last ones stand (the same objects: nothing new to show or save).
			parameters: event.parameters ?? this.current.parameters,
			momentum: event.parameters === null ? this.current.momentum : event.momentum,
			line: event.line,
			predicted: event.predicted,
			device: event.device,
			auto: event.auto,
			message: event.message,
			nodeId: event.nodeId,
			notice: event.notice ?? (event.restart ? null : this.current.notice),
			model: event.model
		};
		if (event.parameters !== null) this.complete = this.current;
		for (const listener of this.listeners) listener(this.current);
	}
}
