/**
 * The training loop of the tutorial, run on a graph document with the engine:
 *
 *     for epoch in range(epochs):
 *         optimizer.zero_grad(); outputs = model(inputs); loss = criterion(outputs, labels)
 *         loss.backward(); optimizer.step()
 *         if epoch % 50 == 0: print('epoch {}, loss {}'.format(epoch, loss.item()))
 *
 * The model is the document's subgraph that reaches the chosen loss node (see `bindModel`): the
 * data feeds its x and y leaves, the leaves that require grad are the parameters, and each
 * epoch re-runs the graph's ops in order through the engine's registry, on the current
 * parameter tensors. No DOM, no Svelte: the worker and the tests run it as it is.
 */
import { errorMessage } from '$lib/util/error-message';
import * as torch from '$lib/engine';
import { TorchError, type Device, type StateDictFormat, type Tensor } from '$lib/engine';
import {
	capturingWarnings,
	compileGraph,
	createLeaf,
	failedNodeId,
	indexGraph,
	isLeaf,
	planGraph,
	runPlan,
	type GraphDocument,
	type GraphPlan
} from '$lib/graph';
import { dict, own } from '$lib/util/dict';
import type { Dataset } from './data';
import { epochLine, numpyFloat32Array } from './format';
import { labelsFit } from './history';
import { alignStateDictKeys } from './state-keys';
import { bindModel, withData, type ModelBinding } from './model';
import { divergedMessage, type RestoredTraining } from './protocol';
import { Series } from './series';
import type { TrainSettings } from './settings';

/** Why a document or its data cannot be trained, with the node at fault when there is one. */
export class TrainingError extends Error {
	constructor(
		message: string,
		readonly nodeId?: string
	) {
		super(message);
		this.name = 'TrainingError';
	}
}

export interface TrainerConfig {
	doc: GraphDocument;
	data: Dataset;
	settings: TrainSettings;
	/** The loss node to lower (default: the document's first loss node). */
	lossId?: string;
	/** Start from these values (by parameter node id) instead of the leaves' own init. */
	initialParameters?: Record<string, readonly number[]>;
	/**
	 * Go on from a saved session: its epoch count, loss history, trajectory, parameters and
	 * momentum buffers. Used only when its parameters fit the model (see `restored`).
	 */
	restore?: Pick<
		RestoredTraining,
		'epoch' | 'losses' | 'lossEpochs' | 'trajectory' | 'parameters' | 'momentum'
	>;
	/** 'cpu' (default) or 'webgpu' (after `torch.initWebGPU()` found an adapter). */
	device?: Device;
	/** Receives each line the tutorial would print, and each warning once. */
	onLog?: (line: string) => void;
}

export interface EpochResult {
	/** Epochs trained so far (this one included unless it diverged). */
	epoch: number;
	/** The loss this epoch started from (before its optimizer step). */
	loss: number;
	/** `the loss diverged at epoch N; try a smaller learning rate`, or null. */
	diverged: string | null;
}

type Values = Map<string, Float32Array>;

const fitting = (given: readonly number[] | undefined, length: number) =>
	Array.isArray(given) && given.length === length && given.every(Number.isFinite);

/** The model's parameters as an nn.Module, so load_state_dict checks keys and sizes as PyTorch. */
class GraphModel extends torch.nn.Module {
	static readonly pythonName: string = 'GraphModel';

	constructor(entries: [string, Tensor][]) {
		super();
		for (const [key, tensor] of entries) this.registerParameter(key, tensor);
	}
	forward(): Tensor {
		throw new TorchError('RuntimeError', 'this module holds parameters; the graph runs forward');
	}
}

/** What PyTorch's messages name: `Error(s) in loading state_dict for Linear`. */
class Linear extends GraphModel {
	static readonly pythonName = 'Linear';
}

export class Trainer {
	binding: ModelBinding;
	readonly doc: GraphDocument;
	data: Dataset;
	settings: TrainSettings;
	device: Device;
	/** Epochs trained since the last reset. */
	epoch = 0;
	/** Whether the model went on from `config.restore` (false: it fitted no longer). */
	readonly restored: boolean;
	/** The loss of every epoch, in order (after a restore: of the restored epochs, then every one). */
	readonly losses = new Series();
	/** The epochs of the first losses (a restored session's thinned history; training/history). */
	lossEpochs: readonly number[] = [];
	/** For a line model, the (w, b) each epoch started from; null for other models. */
	readonly trajectory: { w: Series; b: Series } | null;
	/** Receives each line the tutorial would print (and each warning, once). */
	onLog: (line: string) => void;

	/** The model's nodes, from the leaves to the loss, as the graph interpreter runs them. */
	private readonly plan: GraphPlan;
	private readonly shapes = new Map<string, number[]>();
	private parameterTensors = new Map<string, Tensor>();
	private x!: Tensor;
	private y!: Tensor;
	private optimizer!: torch.optim.SGD;
	/** The parameters' values on the host (the CPU tensors' own arrays; downloads on a GPU). */
	private host: Values = new Map();
	private readonly warned = new Set<string>();
	/** The parameters that gave the last finite loss (null before the first epoch). */
	private lastFinite: Values | null = null;

	/** Throws a TrainingError (with the node at fault, when there is one). */
	constructor(config: TrainerConfig) {
		const bound = bindModel(config.doc, config.lossId);
		if (!bound.ok) throw new TrainingError(bound.message, bound.nodeId);
		this.binding = bound.binding;
		this.onLog = config.onLog ?? (() => {});
		this.doc = config.doc;
		this.data = config.data;
		this.settings = config.settings;
		this.device = config.device ?? 'cpu';
		this.trajectory = this.binding.line === null ? null : { w: new Series(), b: new Series() };
		this.plan = planGraph(indexGraph(this.doc), this.binding.order);
		for (const { id, node } of this.plan.steps) {
			if (isLeaf(node)) this.shapes.set(id, node.attrs.shape.slice());
		}
		const compiled = this.compileWith(config.data);
		const restore = config.restore;
		const size = (id: string) => compiled.tensors.get(id)!.data.length;
		this.restored =
			restore !== undefined &&
			this.binding.parameterIds.every((id) => fitting(own(restore.parameters, id), size(id)));
		const start: Values = new Map();
		for (const id of this.binding.parameterIds) {
			const given = this.restored
				? own(restore!.parameters, id)
				: own(config.initialParameters, id);
			const initial = compiled.tensors.get(id)!.data;
			start.set(id, Float32Array.from(fitting(given, initial.length) ? given! : initial));
		}
		this.setParameterValues(start);
		if (this.restored) this.goOnFrom(restore!, size);
		this.placeData(compiled);
	}

	/** The epoch count, the history and the momentum buffers of a saved session. */
	private goOnFrom(
		restore: NonNullable<TrainerConfig['restore']>,
		size: (id: string) => number
	): void {
		this.epoch = Number.isSafeInteger(restore.epoch) && restore.epoch > 0 ? restore.epoch : 0;
		const losses = restore.losses;
		const path = restore.trajectory;
		const pathFits =
			this.trajectory === null ||
			(path !== null && path.w.length === losses.length && path.b.length === losses.length);
		if (pathFits && labelsFit(restore.lossEpochs, losses.length, this.epoch)) {
			this.losses.pushAll(losses);
			this.lossEpochs = restore.lossEpochs.slice();
			if (this.trajectory !== null && path !== null) {
				this.trajectory.w.pushAll(path.w);
				this.trajectory.b.pushAll(path.b);
			}
		}
		if (this.settings.momentum === 0 || restore.momentum === null) return;
		for (const [id, tensor] of this.parameterTensors) {
			const buffer = own(restore.momentum, id);
			if (!fitting(buffer, size(id))) continue;
			this.optimizer.setMomentumBuffer(
				tensor,
				torch.tensor(Float32Array.from(buffer!), { shape: tensor.shape, device: this.device })
			);
		}
	}

	/** SGD's momentum buffers by node id, read where they live (null when there are none). */
	async momentum(): Promise<Map<string, Float32Array> | null> {
		const out = new Map<string, Float32Array>();
		for (const [id, tensor] of this.parameterTensors) {
			const buffer = this.optimizer.momentumBuffer(tensor);
			if (buffer !== null) out.set(id, Float32Array.from(await buffer.dataAsync()));
		}
		return out.size > 0 ? out : null;
	}

	/** The momentum buffers on the CPU, without waiting; null on a GPU or when there are none. */
	momentumNow(): Map<string, Float32Array> | null {
		if (this.device !== 'cpu') return null;
		const out = new Map<string, Float32Array>();
		for (const [id, tensor] of this.parameterTensors) {
			const buffer = this.optimizer.momentumBuffer(tensor);
			if (buffer !== null) out.set(id, Float32Array.from(buffer.data));
		}
		return out.size > 0 ? out : null;
	}

	/**
	 * Compile the model's subgraph with the data in its x and y leaves: the graph's validation
	 * and PyTorch's own shape errors, on the real data, before any epoch runs.
	 */
	private compileWith(data: Dataset) {
		if (data.x.length === 0 || data.x.length !== data.y.length) {
			throw new TrainingError(
				`the data needs as many y values as x values, and at least one row (got ${data.x.length} x and ${data.y.length} y)`
			);
		}
		const reach = new Set(this.binding.order);
		const filled = withData(this.doc, this.binding, data);
		const model: GraphDocument = {
			...filled,
			nodes: filled.nodes.filter((n) => reach.has(n.id)),
			edges: filled.edges.filter((e) => reach.has(e.source) && reach.has(e.target))
		};
		const warnings = new Set<string>();
		let compiled;
		try {
			compiled = capturingWarnings(
				(message) => warnings.add(message),
				() => compileGraph(model)
			);
		} catch (error) {
			throw new TrainingError(errorMessage(error), failedNodeId(error));
		}
		const loss = compiled.tensors.get(this.binding.lossId)!;
		if (loss.numel() !== 1) throw new TrainingError('the loss must be one number');
		this.reportWarnings(warnings);
		return compiled;
	}

	private placeData(compiled: ReturnType<typeof compileGraph>): void {
		const place = (id: string) => {
			const leaf = compiled.tensors.get(id)!;
			return torch.tensor(leaf.data as Float32Array, { shape: leaf.shape, device: this.device });
		};
		this.x = place(this.binding.inputId);
		this.y = place(this.binding.targetId);
	}

	/** Log each warning the first time it appears (PyTorch prints a UserWarning once). */
	private reportWarnings(warnings: Set<string>): void {
		for (const message of warnings) {
			if (this.warned.has(message)) continue;
			this.warned.add(message);
			this.onLog(`UserWarning: ${message}`);
		}
	}

	/** New parameter leaves with these values, on the current device, and a new optimizer. */
	private setParameterValues(values: Values): void {
		this.parameterTensors = new Map(
			this.binding.parameterIds.map((id) => [
				id,
				torch.tensor(values.get(id)!, {
					shape: this.shapes.get(id)!,
					requiresGrad: true,
					device: this.device
				})
			])
		);
		this.host = new Map(
			[...values].map(([id, v]) => [
				id,
				this.device === 'cpu' ? (this.parameterTensors.get(id)!.data as Float32Array) : v.slice()
			])
		);
		this.optimizer = new torch.optim.SGD(this.parameterTensors.values(), {
			lr: this.settings.lr,
			momentum: this.settings.momentum
		});
	}

	/** The current tensor of a model leaf: the data's x or y, or a parameter. */
	private leafTensor(id: string): Tensor {
		if (id === this.binding.inputId) return this.x;
		if (id === this.binding.targetId) return this.y;
		return this.parameterTensors.get(id)!;
	}

	/** Run the model's ops from the leaves to the loss; every node's tensor by id. */
	private forward(): Map<string, Tensor> {
		const warnings = new Set<string>();
		const { tensors, failed } = runPlan(this.plan, {
			leafFor: (node) => this.leafTensor(node.id),
			onWarning: (message) => warnings.add(message)
		});
		if (failed !== null) throw failed.error;
		this.reportWarnings(warnings);
		return tensors;
	}

	/** The parameters' current values on the host, copied. */
	private snapshot(): Values {
		return new Map([...this.host].map(([id, v]) => [id, v.slice()]));
	}

	/**
	 * One epoch on the CPU, through `torch.compile`: the same ops every epoch, so from the second
	 * epoch on they run into the buffers of the first, with no graph built (bit-identical to eager
	 * mode; new data or parameters make it record again). Returns the loss; a loss that is not
	 * finite stops before backward.
	 */
	private readonly cpuStep = torch.compile((): number => {
		this.optimizer.zeroGrad();
		const loss = this.forward().get(this.binding.lossId)!;
		const value = loss.item();
		if (!Number.isFinite(value)) return value;
		loss.backward();
		this.optimizer.step();
		return value;
	});

	/** How the compiled CPU epoch has run (recorded, replayed, fell back). */
	get compileStats(): torch.CompileStats {
		return this.cpuStep.stats;
	}

	/**
	 * One epoch: zero_grad, forward, loss, backward, step. When the loss is Inf or NaN, the
	 * parameters go back to those of the last finite loss and `diverged` says so.
	 *
	 * On a GPU the loss and the stepped parameters come back in one round trip: their copies are
	 * queued in program order (the loss before the step, the parameters after it) and awaited
	 * together.
	 */
	async step(): Promise<EpochResult> {
		const epoch = this.epoch + 1;
		const used = this.snapshot();
		let value: number;
		if (this.device === 'cpu') {
			value = this.cpuStep();
			if (!Number.isFinite(value)) return this.diverge(epoch);
		} else {
			this.optimizer.zeroGrad();
			const loss = this.forward().get(this.binding.lossId)!;
			const lossRead = loss.itemAsync();
			loss.backward();
			this.optimizer.step();
			const reads = [...this.parameterTensors].map(
				async ([id, tensor]) => [id, Float32Array.from(await tensor.dataAsync())] as const
			);
			const [lossValue, stepped] = await Promise.all([lossRead, Promise.all(reads)]);
			value = lossValue;
			if (!Number.isFinite(value)) return this.diverge(epoch);
			this.host = new Map(stepped);
		}
		this.losses.push(value);
		if (this.trajectory !== null) {
			const { weightId, biasId } = this.binding.line!;
			this.trajectory.w.push(used.get(weightId)![0]);
			this.trajectory.b.push(biasId === null ? 0 : used.get(biasId)![0]);
		}
		this.lastFinite = used;
		this.epoch = epoch;
		if (epoch % this.settings.logEvery === 0) this.onLog(epochLine(epoch, value));
		return { epoch, loss: value, diverged: null };
	}

	private diverge(epoch: number): EpochResult {
		const message = divergedMessage(epoch);
		if (this.lastFinite !== null) this.setParameterValues(this.lastFinite);
		this.onLog(message);
		return { epoch: this.epoch, loss: NaN, diverged: message };
	}

	/** Up to `epochs` epochs; stops at a divergence. Returns the last epoch's result. */
	async train(epochs: number): Promise<EpochResult | null> {
		let last: EpochResult | null = null;
		for (let i = 0; i < epochs; i++) {
			last = await this.step();
			if (last.diverged !== null) break;
		}
		return last;
	}

	/** How many values the parameters hold together. */
	get valueCount(): number {
		let count = 0;
		for (const values of this.host.values()) count += values.length;
		return count;
	}

	/** Each parameter's values by node id (row-major), as float32 copies. */
	parameterArrays(): Record<string, Float32Array> {
		const out = dict<Float32Array>(); // by node id, which may be `__proto__`
		for (const [id, values] of this.host) out[id] = values.slice();
		return out;
	}

	/** Each parameter's values by node id (row-major). */
	parameters(): Record<string, number[]> {
		const out = dict<number[]>(); // by node id, which may be `__proto__`
		for (const [id, values] of this.host) out[id] = Array.from(values);
		return out;
	}

	/** The current line y = w x + b, for a line model. */
	line(): { w: number; b: number } | null {
		const line = this.binding.line;
		if (line === null) return null;
		return {
			w: this.host.get(line.weightId)![0],
			b: line.biasId === null ? 0 : this.host.get(line.biasId)![0]
		};
	}

	/** The model's output for the data's x (the tutorial's `predicted`), without recording. */
	async predictions(): Promise<{ values: number[]; shape: number[] }> {
		const output = torch.noGrad(() => this.forward().get(this.binding.outputId)!);
		return { values: Array.from(await output.dataAsync()), shape: output.shape.slice() };
	}

	/** `predicted` as NumPy prints it: `array([[ 0.9974637], ...], dtype=float32)`. */
	async predictedText(): Promise<string> {
		const { values, shape } = await this.predictions();
		return numpyFloat32Array(values, shape);
	}

	/** Parameters from their leaves' init (rand and randn from their seeds); history cleared. */
	reset(): void {
		const start: Values = new Map();
		const leaves = this.doc.nodes.filter(isLeaf);
		for (const id of this.binding.parameterIds) {
			const node = leaves.find((n) => n.id === id)!;
			start.set(id, Float32Array.from(createLeaf(node.attrs).data));
		}
		this.setParameterValues(start);
		this.epoch = 0;
		this.lastFinite = null;
		this.losses.clear();
		this.lossEpochs = [];
		this.trajectory?.w.clear();
		this.trajectory?.b.clear();
	}

	/**
	 * The state dict's keys of the same model with its parameters renamed (a GraphModel's keys are
	 * their names); the parameters and the history stay.
	 */
	setKeys(keys: Record<string, string>): void {
		this.binding = { ...this.binding, keys };
	}

	/** New data for x and y; the parameters and the history stay. */
	setData(data: Dataset): void {
		const compiled = this.compileWith(data);
		this.data = data;
		this.placeData(compiled);
	}

	/** New settings; a new lr or momentum makes a new optimizer (momentum starts again). */
	setSettings(settings: TrainSettings): void {
		const optimizerChanged =
			settings.lr !== this.settings.lr || settings.momentum !== this.settings.momentum;
		this.settings = settings;
		if (optimizerChanged) this.setParameterValues(this.snapshot());
	}

	/** Move the parameters and data to another device, keeping every value and the history. */
	setDevice(device: Device): void {
		if (device === this.device) return;
		const values = this.snapshot();
		const x = this.hostCopy(this.x, this.data.x);
		const y = this.hostCopy(this.y, this.data.y);
		this.device = device;
		this.setParameterValues(values);
		this.x = torch.tensor(x, { shape: this.x.shape, device });
		this.y = torch.tensor(y, { shape: this.y.shape, device });
	}

	private hostCopy(tensor: Tensor, fallback: readonly number[]): Float32Array {
		return tensor.device === 'cpu'
			? Float32Array.from(tensor.data)
			: Float32Array.from(fallback, (v) => Math.fround(v));
	}

	/** The parameters as PyTorch's model would hold them, on the CPU, keyed by state dict key. */
	private cpuModule(): GraphModel {
		const entries: [string, Tensor][] = this.binding.parameterIds.map((id) => [
			this.binding.keys[id],
			torch.tensor(this.host.get(id)!.slice(), { shape: this.shapes.get(id)! })
		]);
		return this.binding.moduleName === 'Linear' ? new Linear(entries) : new GraphModel(entries);
	}

	/** `torch.save(model.state_dict(), ...)` as PyTorch's own format, safetensors or JSON bytes. */
	saveState(format: StateDictFormat): Uint8Array {
		return torch.saveStateDict(this.cpuModule().stateDict(), format);
	}

	/**
	 * `model.load_state_dict(torch.load(...))`: a file in any of the formats, keyed by PyTorch's
	 * module names (`linear.weight`) or the model's (`weight`). A bad file, or a state dict whose
	 * keys or sizes do not match, throws the engine's (PyTorch's) message and loads nothing.
	 * Returns the file's keys.
	 */
	loadState(bytes: Uint8Array): string[] {
		const stateDict = torch.loadStateDict(bytes);
		const module = this.cpuModule();
		const keys = this.binding.parameterIds.map((id) => this.binding.keys[id]);
		module.loadStateDict(alignStateDictKeys(stateDict, keys));
		const byKey = new Map(module.namedParameters());
		const values: Values = new Map(
			this.binding.parameterIds.map((id) => [
				id,
				Float32Array.from(byKey.get(this.binding.keys[id])!.data)
			])
		);
		this.setParameterValues(values);
		this.lastFinite = null;
		return Object.keys(stateDict);
	}
}
