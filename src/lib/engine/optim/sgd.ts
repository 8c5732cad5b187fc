/** `optim.SGD`: `p -= lr * (grad + weight_decay * p)`, with momentum, run without recording. */
import { noGrad } from '../autograd';
import { valueError } from '../errors';
import { zeroGradOf } from '../nn/module';
import type { Tensor } from '../tensor';

export interface SGDOptions {
	lr?: number;
	momentum?: number;
	dampening?: number;
	weightDecay?: number;
	nesterov?: boolean;
}

export class SGD {
	readonly params: Tensor[];
	lr: number;
	readonly momentum: number;
	readonly dampening: number;
	readonly weightDecay: number;
	readonly nesterov: boolean;
	private readonly buffers = new Map<Tensor, Tensor>();

	constructor(params: Iterable<Tensor>, options: SGDOptions = {}) {
		const { lr = 0.001, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = options;
		if (!Number.isFinite(lr) || lr < 0) throw valueError(`Invalid learning rate: ${lr}`);
		if (!Number.isFinite(momentum) || momentum < 0)
			throw valueError(`Invalid momentum value: ${momentum}`);
		if (!Number.isFinite(weightDecay) || weightDecay < 0) {
			throw valueError(`Invalid weight_decay value: ${weightDecay}`);
		}
		if (nesterov && (momentum <= 0 || dampening !== 0)) {
			throw valueError('Nesterov momentum requires a momentum and zero dampening');
		}
		this.params = Array.from(params);
		if (this.params.length === 0) throw valueError('optimizer got an empty parameter list');
		this.lr = lr;
		this.momentum = momentum;
		this.dampening = dampening;
		this.weightDecay = weightDecay;
		this.nesterov = nesterov;
	}

	step(): void {
		noGrad(() => {
			for (const p of this.params) {
				const grad = p.gradSilently;
				if (grad === null) continue;
				if (this.momentum === 0 && this.weightDecay === 0 && p.device === 'cpu') {
					// The plain update, as one loop: p -= lr * grad.
					const data = p.data;
					const g = grad.data;
					const lr = this.lr;
					for (let i = 0; i < data.length; i++) data[i] -= lr * g[i];
					p._version++;
					continue;
				}
				let direction = this.weightDecay !== 0 ? grad.add(p.mul(this.weightDecay)) : grad;
				if (this.momentum !== 0) {
					const previous = this.buffers.get(p);
					const buffer = previous
						? previous.mul_(this.momentum).add_(direction, { alpha: 1 - this.dampening })
						: direction.clone();
					this.buffers.set(p, buffer);
					direction = this.nesterov ? direction.add(buffer.mul(this.momentum)) : buffer;
				}
				p.sub_(direction, { alpha: this.lr });
			}
		});
	}

	/** PyTorch's `optimizer.state[p]['momentum_buffer']`: null before the first step with momentum. */
	momentumBuffer(p: Tensor): Tensor | null {
		return this.buffers.get(p) ?? null;
	}

	/**
	 * Sets `optimizer.state[p]['momentum_buffer']` (as `load_state_dict` would), so that a run
	 * restored from a checkpoint continues exactly. `buffer` must have `p`'s shape and device.
	 */
	setMomentumBuffer(p: Tensor, buffer: Tensor): void {
		if (!this.params.includes(p))
			throw valueError('setMomentumBuffer: not a parameter of this optimizer');
		if (buffer.numel() !== p.numel() || buffer.device !== p.device) {
			throw valueError('setMomentumBuffer: the buffer must match the parameter in size and device');
		}
		this.buffers.set(p, buffer);
	}

	zeroGrad(options: { setToNone?: boolean } = {}): void {
		for (const p of this.params) zeroGradOf(p, options.setToNone ?? true);
	}
}
