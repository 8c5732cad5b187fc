/**
 * The seed tutorial's cells ("PyTorch实战(三)", verbatim in tests/code/tutorial-cells.ts), run live with the engine. Plain TypeScript: each
 * function or class runs one card's Python code with the engine and returns what a notebook
 * would print, as PyTorch-style strings, next to the raw values the tests check.
 *
 * Every run starts from `torch.manualSeed(seed)`, so a seed always gives the same numbers here
 * (not the numbers PyTorch's generator would draw).
 */
import * as torch from '$lib/engine/core';
import { TorchError, type Tensor } from '$lib/engine/core';
import { loadStateDict, saveStateDict } from '$lib/engine/serialize';
import { numpyFloat32Array } from '$lib/training/format';
import { floatRepr } from '$lib/util/float-repr';

/** The seed the page starts with. */
export const DEFAULT_SEED = 0;

/** Python's repr of a bool. */
export const pyBool = (value: boolean): string => (value ? 'True' : 'False');

/** Python's repr of a tuple whose items are already reprs. */
export const pyTuple = (items: readonly string[]): string =>
	items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;

/** Python's repr of a str (single quotes; the names printed here need no escaping). */
export const pyStr = (value: string): string => `'${value}'`;

/** The repr of a tensor that may be None (`.grad` before any backward). */
const reprOrNone = (t: Tensor | null): string => (t === null ? 'None' : String(t));

// ---------------------------------------------------------------------------------------------
// Cards 1 and 2: x, b = randn(3, 4, requires_grad=True); t = x + b; y = t.sum(); y.backward()
// ---------------------------------------------------------------------------------------------

export interface SumCell {
	/** `x` */
	x: string;
	/** `y` (printed before backward): `tensor(1.2345, grad_fn=<SumBackward0>)` */
	y: string;
	/** `b.grad` after `y.backward()` */
	bGrad: string;
	bGradValues: number[];
	bGradShape: number[];
	/** `x.requires_grad, b.requires_grad, t.requires_grad` */
	requiresGrad: [boolean, boolean, boolean];
	requiresGradText: string;
	/** `t.grad_fn.name()` */
	tGradFn: string;
}

export function runSumCell(seed: number = DEFAULT_SEED): SumCell {
	torch.manualSeed(seed);
	const x = torch.randn([3, 4], { requiresGrad: true });
	const b = torch.randn([3, 4], { requiresGrad: true });
	const t = x.add(b);
	const y = t.sum();
	const yText = String(y);
	y.backward();
	const bGrad = b.grad;
	if (bGrad === null) throw new Error('b.grad is None after y.backward()');
	const requiresGrad: [boolean, boolean, boolean] = [
		x.requiresGrad,
		b.requiresGrad,
		t.requiresGrad
	];
	return {
		x: String(x),
		y: yText,
		bGrad: String(bGrad),
		bGradValues: Array.from(bGrad.data),
		bGradShape: bGrad.shape.slice(),
		requiresGrad,
		requiresGradText: pyTuple(requiresGrad.map(pyBool)),
		tGradFn: pyStr(t.gradFn?.name ?? 'None')
	};
}

// ---------------------------------------------------------------------------------------------
// Card 3: x = rand(1); b, w = rand(1, requires_grad=True); y = w * x; z = y + b
// ---------------------------------------------------------------------------------------------

export interface ChainSnapshot {
	/** `x` */
	x: string;
	xValue: number;
	/** `x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad` */
	requiresGrad: [boolean, boolean, boolean, boolean];
	requiresGradText: string;
	/** `x.is_leaf, w.is_leaf, b.is_leaf, y.is_leaf, z.is_leaf` */
	isLeaf: [boolean, boolean, boolean, boolean, boolean];
	isLeafText: string;
	/** `w.grad` and `b.grad` (`None` before any backward) */
	wGrad: string;
	bGrad: string;
	wGradValue: number | null;
	bGradValue: number | null;
	/** How many times `z.backward()` has added into the grads since they were last zeroed. */
	backwardCalls: number;
}

/**
 * The chain example, kept alive so the graph can be walked again: `backward()` runs
 * `z.backward(retain_graph=True)` once more and the gradients accumulate.
 */
export class ChainExample {
	private readonly x: Tensor;
	private readonly b: Tensor;
	private readonly w: Tensor;
	private readonly y: Tensor;
	private readonly z: Tensor;
	private backwardCalls = 0;

	constructor(seed: number = DEFAULT_SEED) {
		torch.manualSeed(seed);
		this.x = torch.rand([1]);
		this.b = torch.rand([1], { requiresGrad: true });
		this.w = torch.rand([1], { requiresGrad: true });
		this.y = this.w.mul(this.x);
		this.z = this.y.add(this.b);
	}

	/** `z.backward(retain_graph=True)`. */
	backward(): ChainSnapshot {
		this.z.backward({ retainGraph: true });
		this.backwardCalls++;
		return this.snapshot();
	}

	/** `w.grad.zero_(); b.grad.zero_()`: the grads stay tensors, now of zeros. */
	zeroGrad(): ChainSnapshot {
		return this.zeroGradCell().snapshot;
	}

	/**
	 * The cell `w.grad.zero_(); b.grad.zero_()` as a notebook runs it: `printed` is what it
	 * prints, the repr of its last expression (`b.grad.zero_()` returns `b.grad`, now zeros).
	 * Before any backward the grads are None, and the cell raises as Python does.
	 */
	zeroGradCell(): { printed: string; snapshot: ChainSnapshot } {
		const { w, b } = this;
		const wGrad = w.gradSilently;
		const bGrad = b.gradSilently;
		if (wGrad === null || bGrad === null) {
			return {
				printed: "AttributeError: 'NoneType' object has no attribute 'zero_'",
				snapshot: this.snapshot()
			};
		}
		const last = torch.noGrad(() => {
			wGrad.zero_();
			return bGrad.zero_();
		});
		this.backwardCalls = 0;
		return { printed: String(last), snapshot: this.snapshot() };
	}

	snapshot(): ChainSnapshot {
		const { x, b, w, y, z } = this;
		const requiresGrad: ChainSnapshot['requiresGrad'] = [
			x.requiresGrad,
			b.requiresGrad,
			w.requiresGrad,
			y.requiresGrad
		];
		const isLeaf: ChainSnapshot['isLeaf'] = [x.isLeaf, w.isLeaf, b.isLeaf, y.isLeaf, z.isLeaf];
		const wGrad = w.grad;
		const bGrad = b.grad;
		return {
			x: String(x),
			xValue: x.item(),
			requiresGrad,
			requiresGradText: pyTuple(requiresGrad.map(pyBool)),
			isLeaf,
			isLeafText: pyTuple(isLeaf.map(pyBool)),
			wGrad: reprOrNone(wGrad),
			bGrad: reprOrNone(bGrad),
			wGradValue: wGrad === null ? null : wGrad.item(),
			bGradValue: bGrad === null ? null : bGrad.item(),
			backwardCalls: this.backwardCalls
		};
	}
}

/** The chain cell as the tutorial runs it: build the graph, then one `z.backward(...)`. */
export function runChainCell(seed: number = DEFAULT_SEED): {
	example: ChainExample;
	snapshot: ChainSnapshot;
} {
	const example = new ChainExample(seed);
	return { example, snapshot: example.backward() };
}

// ---------------------------------------------------------------------------------------------
// Card 4: linear regression, y = 2x + 1 on x = 0..10, nn.Linear + MSELoss + SGD(lr=0.01)
// ---------------------------------------------------------------------------------------------

/** The tutorial's model: one `nn.Linear`, no activation. */
export class LinearRegressionModel extends torch.nn.Module {
	static readonly pythonName = 'LinearRegressionModel';
	readonly linear: torch.nn.Linear;

	constructor(inputDim: number, outputDim: number) {
		super();
		this.linear = this.registerModule('linear', new torch.nn.Linear(inputDim, outputDim));
	}

	forward(x: Tensor): Tensor {
		return this.linear.forward(x);
	}
}

export const EPOCHS = 1000;
export const LEARNING_RATE = 0.01;
export const LOG_EVERY = 50;

export interface LinearRegressionSnapshot {
	/** `x_train.shape`, `y_train.shape`: `(11, 1)` */
	xShape: string;
	yShape: string;
	/** `model`: `LinearRegressionModel(\n  (linear): Linear(...)\n)` */
	model: string;
	/** `epoch 50, loss ...` lines printed by the last training run (empty before training). */
	log: string[];
	losses: number[];
	/** Epochs trained so far, over every run. */
	epochsTrained: number;
	/** Wall time of the last training run, in milliseconds (0 before training). */
	elapsedMs: number;
	weight: number;
	bias: number;
	/** `model.linear.weight.item(), model.linear.bias.item()` */
	parametersText: string;
	/**
	 * `predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()` then
	 * `predicted`: NumPy's repr of the 11x1 float32 array.
	 */
	predicted: string;
}

/** The file name the tutorial saves to and loads from. */
export const MODEL_FILE = 'model.pkl';

/** A file the page's cells write and read (the notebook's working directory holds one). */
export interface ModelFile {
	bytes: Uint8Array;
	/** Where the bytes came from: the save cell, or a file the user chose (its own name). */
	source: 'saved' | 'chosen';
	/** The chosen file's own name; `model.pkl` for a saved one. */
	name: string;
}

/** What Python prints for an exception a cell raised: its last traceback line. */
export function pythonException(error: unknown): string {
	if (error instanceof TorchError) return `${error.kind}: ${error.message}`;
	return `Exception: ${error instanceof Error ? error.message : String(error)}`;
}

export class LinearRegressionExample {
	private readonly inputs: Tensor;
	private readonly labels: Tensor;
	private readonly model: LinearRegressionModel;
	private readonly criterion = new torch.nn.MSELoss();
	private readonly optimizer: torch.optim.SGD;
	private epochsTrained = 0;
	private log: string[] = [];
	private losses: number[] = [];
	private elapsedMs = 0;

	constructor(seed: number = DEFAULT_SEED) {
		torch.manualSeed(seed);
		// x_train = 0..10 as an 11x1 float32 matrix; y_train = 2x + 1.
		this.inputs = torch.arange(0, 11).reshape([11, 1]);
		this.labels = this.inputs.mul(2).add(1);
		this.model = new LinearRegressionModel(1, 1);
		this.optimizer = new torch.optim.SGD(this.model.parameters(), { lr: LEARNING_RATE });
	}

	/**
	 * The tutorial's loop, once more on the current model (like re-running a notebook cell):
	 * zero_grad, forward, loss, backward, step; a log line every 50 epochs.
	 */
	train(epochs: number = EPOCHS): LinearRegressionSnapshot {
		const start = performance.now();
		const log: string[] = [];
		const losses: number[] = [];
		for (let epoch = 1; epoch <= epochs; epoch++) {
			this.optimizer.zeroGrad();
			const outputs = this.model.forward(this.inputs);
			const loss = this.criterion.forward(outputs, this.labels);
			loss.backward();
			this.optimizer.step();
			if (epoch % LOG_EVERY === 0) {
				const value = loss.item();
				losses.push(value);
				log.push(`epoch ${epoch}, loss ${floatRepr(value)}`);
			}
		}
		this.elapsedMs = performance.now() - start;
		this.epochsTrained += epochs;
		this.log = log;
		this.losses = losses;
		return this.snapshot();
	}

	/**
	 * `torch.save(model.state_dict(), 'model.pkl')`: the bytes PyTorch's `torch.save` writes
	 * (a ZIP archive with a pickle, which `torch.load` reads). The cell prints nothing.
	 */
	save(): ModelFile {
		return {
			bytes: saveStateDict(this.model.stateDict(), 'pt'),
			source: 'saved',
			name: MODEL_FILE
		};
	}

	/**
	 * `model.load_state_dict(torch.load('model.pkl'))` with `file` as model.pkl (null: there is
	 * none yet). Returns what the cell prints: `<All keys matched successfully>`, or the
	 * exception's last line (nothing is loaded then).
	 */
	load(file: ModelFile | null): string {
		if (file === null) {
			return `FileNotFoundError: [Errno 2] No such file or directory: '${MODEL_FILE}'`;
		}
		try {
			return String(this.model.loadStateDict(loadStateDict(file.bytes)));
		} catch (error) {
			return pythonException(error);
		}
	}

	/** `predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()` */
	private predicted(): string {
		const inputs = this.inputs.detach().requiresGrad_();
		const predicted = this.model.forward(inputs).detach();
		return numpyFloat32Array(Array.from(predicted.numpy()), predicted.shape);
	}

	snapshot(): LinearRegressionSnapshot {
		const shape = (t: Tensor) => pyTuple(t.shape.map(String));
		const weight = this.model.linear.weight.item();
		const bias = this.model.linear.bias?.item() ?? 0;
		return {
			xShape: shape(this.inputs),
			yShape: shape(this.labels),
			model: String(this.model),
			log: this.log.slice(),
			losses: this.losses.slice(),
			epochsTrained: this.epochsTrained,
			elapsedMs: this.elapsedMs,
			weight,
			bias,
			parametersText: pyTuple([floatRepr(weight), floatRepr(bias)]),
			predicted: this.predicted()
		};
	}
}
