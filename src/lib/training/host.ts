/**
 * The training side of the protocol: takes TrainRequests, runs the Trainer in slices of about
 * 16 ms, and posts TrainEvents. The worker wraps it (worker.ts); without Workers the client runs
 * it on the main thread with shorter slices. Requests are handled one at a time, in order; a
 * running run trains between them.
 */
import { errorMessage } from '$lib/util/error-message';
import * as torch from '$lib/engine';
import type { Device } from '$lib/engine';
import {
	chooseAuto,
	timeEpochs,
	type AutoChoice,
	type Calibration,
	type GpuReport,
	type TimingOptions
} from './auto-device';
import { sameDataset } from './data';
import { bindModel, trainingKey } from './model';
import {
	configOf,
	summaryOf,
	requestProblem,
	type DeviceChoice,
	type ModelSummary,
	type ParameterValues,
	type ProgressEvent,
	type TrainConfig,
	type TrainEvent,
	type TrainNotice,
	type TrainRequest,
	type TrainStatus,
	stoppedMessage,
	FULL_VALUES_MS,
	LIVE_VALUES_MAX
} from './protocol';
import type { TrainSettings } from './settings';
import { Trainer, TrainingError } from './trainer';

export interface HostOptions {
	/** Train this long (ms) between progress events and between looking at new requests. */
	sliceMs?: number;
	/** Let pending requests in between slices (default: a zero-delay timeout). */
	yieldToEvents?: () => Promise<void>;
	now?: () => number;
	/** Find WebGPU (default: the engine's `initWebGPU`). */
	initWebGPU?: () => Promise<WebGPUFound>;
	/** How Auto times a graph's epochs on each device (tests make it deterministic). */
	calibration?: TimingOptions;
}

/** What `initWebGPU` tells the host. */
export interface WebGPUFound {
	available: boolean;
	reason?: string;
	/** The software implementation of the adapter ('SwiftShader'), or null for a real GPU. */
	software?: string | null;
}

export type Post = (event: TrainEvent, transfer?: Transferable[]) => void;

/** A Map by node id as a null-prototype record (node ids come from users). */
function recordOf(values: Map<string, Float32Array>): ParameterValues {
	const out: ParameterValues = Object.create(null);
	for (const [id, v] of values) out[id] = v;
	return out;
}

const sameSettings = (a: TrainSettings, b: TrainSettings) =>
	a.lr === b.lr && a.momentum === b.momentum && a.epochs === b.epochs && a.logEvery === b.logEvery;

export class TrainingHost {
	private readonly post: Post;
	private readonly sliceMs: number;
	private readonly yieldToEvents: () => Promise<void>;
	private readonly now: () => number;
	private readonly findWebGPU: () => Promise<WebGPUFound>;
	private readonly calibration: TimingOptions;

	private trainer: Trainer | null = null;
	private key = '';
	private status: TrainStatus = 'idle';
	private run: { done: number; total: number } | null = null;
	private readonly inbox: TrainRequest[] = [];
	private pumping = false;
	/** History entries already posted. */
	private sent = 0;
	private restart = false;
	private logs: string[] = [];
	/** Log lines a restored session had dropped (sent with the next restart). */
	private droppedLogs = 0;
	/** When the parameters' values were last posted (see `flush`). */
	private valuesSentAt = -Infinity;
	private predicted: string | null = null;
	private message: string | null = null;
	private nodeId: string | null = null;
	private notice: TrainNotice | null = null;
	private webgpu: Promise<WebGPUFound> | null = null;
	/** Auto's choice for the current configuration (null when the choice is not Auto). */
	private auto: AutoChoice | null = null;
	/** Calibrations done this session, by graph (model key and number of rows). */
	private readonly calibrations = new Map<string, Calibration>();
	/** Why WebGPU failed during this session: the CPU carries on until the device choice changes. */
	private gpuFailure: string | null = null;
	private lastChoice: DeviceChoice | null = null;
	private readonly stopListening: () => void;

	constructor(post: Post, options: HostOptions = {}) {
		this.post = post;
		this.sliceMs = options.sliceMs ?? 16;
		this.yieldToEvents =
			options.yieldToEvents ?? (() => new Promise((resolve) => setTimeout(resolve, 0)));
		this.now = options.now ?? (() => performance.now());
		this.findWebGPU = options.initWebGPU ?? (() => torch.initWebGPU());
		this.calibration = { now: this.now, ...options.calibration };
		this.stopListening = torch.onFallback((event) => {
			if (this.trainer?.device === 'webgpu') this.gpuFailure = event.reason;
		});
	}

	/** Take one request (in order; answered by events). Malformed ones are reported and ignored. */
	handle(request: TrainRequest): void {
		const problem = requestProblem(request);
		if (problem !== null) {
			const id = (request as { id?: unknown })?.id;
			if (typeof id === 'number') this.post({ type: 'failed', id, message: problem });
			else console.error(`training: ignored a malformed request: ${problem}`);
			return;
		}
		this.inbox.push(request);
		void this.pump();
	}

	dispose(): void {
		this.stopListening();
		this.inbox.length = 0;
		this.status = 'idle';
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			for (;;) {
				const request = this.inbox.shift();
				if (request !== undefined) {
					await this.process(request);
					continue;
				}
				if (this.status !== 'running') break;
				await this.slice();
				await this.yieldToEvents();
			}
		} catch (error) {
			await this.fail(stoppedMessage(errorMessage(error)));
		} finally {
			this.pumping = false;
		}
	}

	private async process(request: TrainRequest): Promise<void> {
		switch (request.type) {
			case 'pause':
				if (this.status === 'running') {
					this.status = 'paused';
					await this.finishPhase();
				}
				return;
			case 'resume': {
				if (!(await this.configure(request))) return;
				// A new model (the graph changed while paused) has no run to go on with: start one.
				// A restored session's run comes back paused, and goes on.
				if (this.status === 'paused' && this.run !== null) {
					this.status = 'running';
					this.message = null;
					// The predictions were of the epoch it paused at: the run's end prints new ones.
					this.predicted = null;
					await this.flush();
				} else {
					await this.beginRun(request.settings.epochs);
				}
				return;
			}
			case 'start':
				if (!(await this.configure(request))) return;
				await this.beginRun(request.settings.epochs);
				return;
			case 'step': {
				if (!(await this.configure(request))) return;
				const pausedRun = this.status === 'running' || this.status === 'paused';
				this.message = null;
				await this.epoch();
				if (this.status !== 'diverged' && this.status !== 'error') {
					this.status = pausedRun && this.run !== null ? 'paused' : 'idle';
				}
				await this.finishPhase();
				return;
			}
			case 'reset':
				if (!(await this.configure(request))) return;
				this.trainer!.reset();
				this.status = 'idle';
				this.run = null;
				this.restart = true;
				this.sent = 0;
				this.logs = [];
				this.droppedLogs = 0;
				this.message = null;
				this.nodeId = null;
				this.predicted = null;
				await this.flush();
				return;
			case 'save-state': {
				if (!(await this.configure(request))) {
					const message = this.message ?? 'nothing to save';
					this.post({ type: 'failed', id: request.id, message, code: 'noModel' });
					return;
				}
				let bytes: Uint8Array;
				try {
					bytes = this.trainer!.saveState(request.format);
				} catch (error) {
					// Answered, not thrown: a throw here stopped the pump and left Save model waiting.
					const message = errorMessage(error);
					this.post({ type: 'failed', id: request.id, message, code: 'saveFailed' });
					return;
				}
				this.post({ type: 'saved', id: request.id, format: request.format, bytes }, [bytes.buffer]);
				return;
			}
			case 'load-state': {
				if (!(await this.configure(request))) {
					const message = this.message ?? 'no model';
					this.post({ type: 'failed', id: request.id, message, code: 'noModel' });
					return;
				}
				let keys: string[];
				try {
					keys = this.trainer!.loadState(request.bytes);
				} catch (error) {
					const message = errorMessage(error);
					const notAStateDict = error instanceof torch.NotAStateDictError;
					this.post(
						notAStateDict
							? { type: 'failed', id: request.id, message, code: 'notAStateDict' }
							: { type: 'failed', id: request.id, message }
					);
					return;
				}
				if (this.status === 'running') this.status = 'paused';
				this.logs.push('<All keys matched successfully>');
				this.post({ type: 'loaded', id: request.id, keys });
				await this.finishPhase();
				return;
			}
		}
	}

	private async beginRun(epochs: number): Promise<void> {
		this.run = { done: 0, total: epochs };
		this.status = 'running';
		this.message = null;
		this.nodeId = null;
		this.predicted = null;
		await this.flush();
	}

	/**
	 * WebGPU when asked for and available, else the CPU. On Auto, WebGPU only on a real GPU that
	 * a one-off calibration on this graph found faster (see auto-device.ts).
	 */
	private async resolveDevice(config: TrainConfig): Promise<Device> {
		const choice = config.device;
		if (choice !== this.lastChoice) {
			this.gpuFailure = null;
			this.lastChoice = choice;
		}
		this.auto = null;
		if (choice === 'cpu') return 'cpu';
		if (this.gpuFailure !== null) {
			if (choice === 'auto') this.auto = { device: 'cpu', reason: { kind: 'gpu-failed' } };
			return 'cpu';
		}
		this.webgpu ??= this.findWebGPU().catch((error) => ({
			available: false,
			reason: errorMessage(error)
		}));
		const status = await this.webgpu;
		const usable = status.available && torch.hasBackend('webgpu');
		if (status.available && !usable) this.webgpu = null; // lost since: look again next time
		if (choice === 'auto') {
			this.auto = await this.chooseAuto(
				usable ? { available: true, software: status.software ?? null } : { available: false },
				config
			);
			return this.auto?.device ?? 'cpu';
		}
		if (usable) return 'webgpu';
		this.notice = { code: 'gpuUnavailable', reason: status.reason ?? 'no adapter' };
		return 'cpu';
	}

	/** Auto's choice, timing this graph on both devices the first time it needs to. */
	private async chooseAuto(gpu: GpuReport, config: TrainConfig): Promise<AutoChoice | null> {
		const key = `${trainingKey(config.doc, bindModel(config.doc, config.lossId))}#${config.data.x.length}`;
		const known = chooseAuto(gpu, this.calibrations.get(key) ?? null);
		if (known !== 'calibrate') return known;
		const time = async (device: Device) => {
			const trainer = new Trainer({ ...configOf(config), device });
			return timeEpochs(() => trainer.step(), this.calibration);
		};
		let cpuMs: number;
		try {
			cpuMs = await time('cpu');
		} catch {
			return null; // the model itself cannot train: configure() says why
		}
		try {
			const gpuMs = await time('webgpu');
			const calibration = { cpuMs, gpuMs };
			this.calibrations.set(key, calibration);
			return chooseAuto(gpu, calibration) as AutoChoice;
		} catch (error) {
			this.gpuFailure = errorMessage(error);
			return { device: 'cpu', reason: { kind: 'gpu-failed' } };
		}
	}

	/** Build the model, or bring it up to date with the configuration. False on an error. */
	private async configure(request: TrainConfig): Promise<boolean> {
		const config = configOf(request);
		const device = await this.resolveDevice(config);
		// The same model (see trainingKey) goes on; another one (the graph changed) starts over.
		const binding = bindModel(config.doc, config.lossId);
		const key = trainingKey(config.doc, binding);
		try {
			if (this.trainer === null || key !== this.key) {
				this.trainer = null;
				this.trainer = new Trainer({
					...config,
					device,
					onLog: (line) => this.logs.push(line)
				});
				this.key = key;
				this.status = 'idle';
				this.run = null;
				this.restart = true;
				this.sent = 0;
				this.predicted = null;
				this.message = null;
				this.nodeId = null;
				this.droppedLogs = 0;
				const restore = config.restore;
				if (restore !== undefined && this.trainer.restored) {
					// Go on where the saved session stopped: its run (paused), log and predictions.
					this.run = restore.run === null ? null : { ...restore.run };
					this.status = this.run === null ? 'idle' : 'paused';
					this.logs = [...restore.logs, ...this.logs];
					this.droppedLogs = restore.droppedLogLines;
					this.predicted = restore.predicted;
				}
			} else {
				const trainer = this.trainer;
				if (binding.ok) trainer.setKeys(binding.binding.keys);
				if (!sameDataset(trainer.data, config.data)) trainer.setData(config.data);
				if (!sameSettings(trainer.settings, config.settings)) trainer.setSettings(config.settings);
				trainer.setDevice(device);
				if (this.status === 'error') this.status = 'idle';
			}
			return true;
		} catch (error) {
			await this.fail(
				errorMessage(error),
				error instanceof TrainingError ? error.nodeId : undefined
			);
			return false;
		}
	}

	private async fail(message: string, nodeId?: string): Promise<void> {
		this.status = 'error';
		this.run = null;
		this.message = message;
		this.nodeId = nodeId ?? null;
		await this.flush();
	}

	/** One epoch, moving to the CPU if the GPU fails under it. */
	private async epoch(): Promise<boolean> {
		const trainer = this.trainer!;
		let result;
		try {
			result = await trainer.step();
		} catch (error) {
			if (trainer.device !== 'webgpu') throw error;
			this.gpuFailure ??= errorMessage(error);
		}
		if (this.gpuFailure !== null && trainer.device === 'webgpu') {
			trainer.setDevice('cpu');
			if (this.auto !== null) this.auto = { device: 'cpu', reason: { kind: 'gpu-failed' } };
			this.notice = {
				code: 'gpuFailed',
				reason: this.gpuFailure,
				epoch: trainer.epoch + 1
			};
			return result !== undefined;
		}
		if (result?.diverged) {
			this.status = 'diverged';
			this.message = result.diverged;
			this.run = null;
			return false;
		}
		return true;
	}

	/** Train until the slice's time is up or the run ends, then post progress. */
	private async slice(): Promise<void> {
		const end = this.now() + this.sliceMs;
		const run = this.run!;
		while (this.status === 'running' && run.done < run.total) {
			if (await this.epoch()) run.done++;
			if (this.now() >= end) break;
		}
		if (this.status === 'running' && run.done >= run.total) {
			this.status = 'finished';
			await this.finishPhase();
			return;
		}
		if (this.status === 'diverged') {
			await this.finishPhase();
			return;
		}
		await this.flush();
	}

	/** After a run, a pause, a step or a load: the predictions, then progress. */
	private async finishPhase(): Promise<void> {
		try {
			this.predicted = this.trainer ? await this.trainer.predictedText() : null;
		} catch (error) {
			this.predicted = null;
			this.notice = { code: 'predictionsFailed', reason: errorMessage(error) };
		}
		await this.flush();
	}

	/**
	 * SGD's momentum buffers as they are now, of the same epoch as the parameters posted with
	 * them (a saved session goes on from both): the CPU's at once, a GPU's read back (only when
	 * there are buffers: momentum 0 reads nothing). A GPU that fails the read gives none: the
	 * step that follows fails too, and training moves to the CPU.
	 */
	private async momentumNow(trainer: Trainer): Promise<Map<string, Float32Array> | null> {
		if (trainer.device === 'cpu') return trainer.momentumNow();
		try {
			return await trainer.momentum();
		} catch {
			return null;
		}
	}

	private summary(): ModelSummary | null {
		const binding = this.trainer?.binding;
		return binding ? summaryOf(binding) : null;
	}

	/**
	 * Post what changed since the previous progress event: the epoch, the history, the parameters
	 * and the momentum buffers, all of one moment (no epoch runs while it reads them).
	 */
	private async flush(): Promise<void> {
		const trainer = this.trainer;
		// A big model's values go at most every FULL_VALUES_MS while it trains (see protocol).
		const withValues =
			trainer === null ||
			this.status !== 'running' ||
			this.restart ||
			trainer.valueCount <= LIVE_VALUES_MAX ||
			this.now() - this.valuesSentAt >= FULL_VALUES_MS;
		const momentum = trainer === null || !withValues ? null : await this.momentumNow(trainer);
		const from = this.sent;
		const losses = trainer ? trainer.losses.slice(from) : new Float64Array(0);
		const weights = trainer?.trajectory ? trainer.trajectory.w.slice(from) : null;
		const biases = trainer?.trajectory ? trainer.trajectory.b.slice(from) : null;
		const parameters: ParameterValues | null = !withValues
			? null
			: (trainer?.parameterArrays() ?? Object.create(null));
		if (withValues) this.valuesSentAt = this.now();
		const buffers = momentum ? recordOf(momentum) : null;
		this.sent = trainer ? trainer.losses.length : 0;
		const event: ProgressEvent = {
			type: 'progress',
			status: this.status,
			epoch: trainer?.epoch ?? 0,
			run: this.run === null ? null : { ...this.run },
			restart: this.restart,
			from,
			losses,
			lossEpochs: this.restart && trainer ? trainer.lossEpochs.slice() : [],
			weights,
			biases,
			logs: this.logs,
			droppedLogLines: this.restart ? this.droppedLogs : 0,
			parameters,
			momentum: buffers,
			line: trainer?.line() ?? null,
			predicted: this.predicted,
			device: trainer?.device ?? 'cpu',
			auto: this.auto,
			message: this.message,
			nodeId: this.nodeId,
			notice: this.notice,
			model: this.summary()
		};
		this.restart = false;
		this.logs = [];
		this.notice = null;
		const transfer: Transferable[] = [losses.buffer];
		if (weights) transfer.push(weights.buffer);
		if (biases) transfer.push(biases.buffer);
		// Copies made for this event: moved, not cloned (a 1024 x 1024 weight is 4 MB).
		for (const values of Object.values(parameters ?? {})) transfer.push(values.buffer);
		for (const values of Object.values(buffers ?? {})) transfer.push(values.buffer);
		this.post(event, transfer);
	}
}
