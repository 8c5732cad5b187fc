/**
 * The seed tutorial's last section, "使用GPU进行训练" (train on the GPU), run live: a new
 * `LinearRegressionModel(input_dim, output_dim)`, `device = torch.device("cuda:0" if
 * torch.cuda.is_available() else "cpu")`, `model.to(device)`, and the training loop with the
 * data moved `.to(device)` each epoch. The browser's GPU is reached through WebGPU, which stands
 * in for `cuda:0`: `device` prints as PyTorch prints the device it stands for. Plain TypeScript.
 */
import * as torch from '$lib/engine/core';
import type { Device, Tensor, WebGPUStatus } from '$lib/engine/core';
import {
	DEFAULT_SEED,
	EPOCHS,
	LEARNING_RATE,
	LinearRegressionModel,
	LOG_EVERY,
	pyTuple,
	pythonException
} from './cells';
import { floatRepr } from '$lib/util/float-repr';

/** Which device the card runs on: the tutorial's rule (`auto`), or one the user forces. */
export type DeviceChoice = 'auto' | 'cpu' | 'webgpu';

/**
 * The device a choice gives: `auto` is the tutorial's `cuda:0 if torch.cuda.is_available()
 * else cpu`, i.e. WebGPU on a real GPU (never on a software adapter, as `cuda` only finds a
 * GPU), else the CPU. `webgpu` forces WebGPU when an adapter was found at all.
 */
export function chooseDevice(choice: DeviceChoice): Device {
	if (choice === 'cpu') return 'cpu';
	if (choice === 'webgpu') return torch.hasBackend('webgpu') ? 'webgpu' : 'cpu';
	return torch.defaultDevice();
}

/** What PyTorch prints for `device`: WebGPU stands in for `cuda:0`. */
export const pythonDevice = (device: Device): string =>
	device === 'webgpu' ? "device(type='cuda', index=0)" : "device(type='cpu')";

/** How the page names the adapter WebGPU found: its description, else vendor and architecture. */
export function adapterName(status: WebGPUStatus | null): string {
	const info = status?.adapterInfo;
	if (!info) return '';
	return info.description || [info.vendor, info.architecture].filter(Boolean).join(' ');
}

export interface GpuTraining {
	/** The `epoch 50, loss ...` lines, one every 50 epochs. */
	log: string[];
	losses: number[];
	/** The device the loop ran on. */
	device: Device;
	elapsedMs: number;
	weight: number;
	bias: number;
	/** `model.linear.weight.item(), model.linear.bias.item()` */
	parametersText: string;
	/** The exception's last line when the loop raised (a lost GPU), else null. */
	error: string | null;
}

/** The GPU section's model, loss and optimizer on one device, built as the seed's code builds them. */
export class DeviceRegressionExample {
	readonly device: Device;
	private readonly model: LinearRegressionModel;
	private readonly criterion = new torch.nn.MSELoss();
	private readonly optimizer: torch.optim.SGD;
	private readonly xTrain: Tensor;
	private readonly yTrain: Tensor;
	/** `model.to(device)`: the model's repr. */
	readonly modelRepr: string;
	private epochsTrained = 0;

	constructor(seed: number = DEFAULT_SEED, device: Device = 'cpu') {
		torch.manualSeed(seed);
		// The notebook drew the first section's model before this one: draw it too, so that this
		// model starts from the next numbers, as it does there.
		new LinearRegressionModel(1, 1);
		this.model = new LinearRegressionModel(1, 1);
		this.device = device;
		this.modelRepr = String(this.model.to(device));
		this.optimizer = new torch.optim.SGD(this.model.parameters(), { lr: LEARNING_RATE });
		this.xTrain = torch.arange(0, 11).reshape([11, 1]);
		this.yTrain = this.xTrain.mul(2).add(1);
	}

	get trained(): number {
		return this.epochsTrained;
	}

	/**
	 * The seed's loop on `device`: each epoch moves the data `.to(device)`, zero_grad, forward,
	 * loss, backward, step; every 50 epochs it reads the loss (`loss.item()`, a read back from
	 * the GPU) and prints a line. Runs again from where the last run left off.
	 */
	async train(epochs: number = EPOCHS): Promise<GpuTraining> {
		const start = performance.now();
		const log: string[] = [];
		const losses: number[] = [];
		let error: string | null = null;
		try {
			for (let epoch = 1; epoch <= epochs; epoch++) {
				const inputs = this.xTrain.to(this.device);
				const labels = this.yTrain.to(this.device);
				this.optimizer.zeroGrad();
				const outputs = this.model.forward(inputs);
				const loss = this.criterion.forward(outputs, labels);
				loss.backward();
				this.optimizer.step();
				if (epoch % LOG_EVERY === 0) {
					const value = await loss.itemAsync();
					losses.push(value);
					log.push(`epoch ${epoch}, loss ${floatRepr(value)}`);
				}
			}
			this.epochsTrained += epochs;
		} catch (caught) {
			error = pythonException(caught);
		}
		const weight = await this.model.linear.weight.itemAsync().catch(() => NaN);
		const bias = (await this.model.linear.bias?.itemAsync().catch(() => NaN)) ?? 0;
		return {
			log,
			losses,
			device: this.device,
			elapsedMs: performance.now() - start,
			weight,
			bias,
			parametersText: pyTuple([floatRepr(weight), floatRepr(bias)]),
			error
		};
	}
}
