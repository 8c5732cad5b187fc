/** Layers and losses: `nn.Linear`, `nn.MSELoss`, `nn.CrossEntropyLoss`. */
import { uniform } from '../creation';
import { runtimeError, valueError } from '../errors';
import { OPS } from '../registry';
import { apply } from '../dispatch';
import { Tensor } from '../tensor';
import { crossEntropy } from './functional';
import { Module } from './module';

export class Linear extends Module {
	static readonly pythonName = 'Linear';
	readonly inFeatures: number;
	readonly outFeatures: number;

	/** Weight [out, in] and bias [out], both drawn from U(-1/sqrt(in), 1/sqrt(in)) as in PyTorch. */
	constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}) {
		super();
		for (const [name, v] of [
			['in_features', inFeatures],
			['out_features', outFeatures]
		] as const) {
			if (!Number.isInteger(v) || v < 0)
				throw valueError(`${name} must be a non-negative integer, got ${v}`);
		}
		this.inFeatures = inFeatures;
		this.outFeatures = outFeatures;
		const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
		this.registerParameter(
			'weight',
			uniform([outFeatures, inFeatures], -bound, bound, { requiresGrad: true })
		);
		this.registerParameter(
			'bias',
			options.bias === false ? null : uniform([outFeatures], -bound, bound, { requiresGrad: true })
		);
	}

	get weight(): Tensor {
		return this.parameter('weight')!;
	}

	get bias(): Tensor | null {
		return this.parameter('bias');
	}

	forward(input: Tensor): Tensor {
		return apply(OPS.linear, [input, this.weight, this.bias], {});
	}

	protected extraRepr(): string {
		return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
	}
}

type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(reduction: string): Reduction {
	if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
		throw valueError(`${reduction} is not a valid value for reduction`);
	}
	return reduction;
}

export class MSELoss extends Module {
	static readonly pythonName = 'MSELoss';
	readonly reduction: Reduction;
	constructor(options: { reduction?: Reduction } = {}) {
		super();
		this.reduction = checkReduction(options.reduction ?? 'mean');
	}
	forward(input: Tensor, target: Tensor): Tensor {
		if (!(input instanceof Tensor) || !(target instanceof Tensor)) {
			throw runtimeError('MSELoss.forward expects (input, target) tensors');
		}
		return input.mseLoss(target, { reduction: this.reduction });
	}
}

export class CrossEntropyLoss extends Module {
	static readonly pythonName = 'CrossEntropyLoss';
	forward(input: Tensor, target: Tensor): Tensor {
		return crossEntropy(input, target);
	}
}
