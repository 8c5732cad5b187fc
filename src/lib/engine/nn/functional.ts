/** `torch.nn.functional`: losses built from registry ops. */
import { runtimeError } from '../errors';
import { OPS } from '../registry';
import { apply } from '../dispatch';
import { Tensor } from '../tensor';
import { zeros } from '../creation';

export const mseLoss = (
	input: Tensor,
	target: Tensor,
	options: { reduction?: 'mean' | 'sum' | 'none' } = {}
) => input.mseLoss(target, options);

export const relu = (input: Tensor) => input.relu();
export const tanh = (input: Tensor) => input.tanh();
export const sigmoid = (input: Tensor) => input.sigmoid();

/** `F.linear(input, weight, bias)`: input @ weight.T + bias. */
export const linear = (input: Tensor, weight: Tensor, bias: Tensor | null = null) =>
	apply(OPS.linear, [input, weight, bias]);

export const logSoftmax = (input: Tensor, dim: number) => input.logSoftmax(dim);

/**
 * Cross-entropy of logits [N, C] against class indices (a 1-D tensor or array of N integers) or
 * class probabilities [N, C], averaged over the batch: `-(target * log_softmax(input)).sum(1).mean()`.
 */
export function crossEntropy(input: Tensor, target: Tensor | readonly number[]): Tensor {
	if (input.dim() !== 2)
		throw runtimeError(
			`cross_entropy expects input of shape [N, C], got [${input.shape.join(', ')}]`
		);
	const [n, classes] = input.shape;
	let probabilities: Tensor;
	if (target instanceof Tensor && target.dim() === 2) {
		probabilities = target;
	} else {
		const labels = target instanceof Tensor ? Array.from(target.data) : target;
		if (labels.length !== n) {
			throw runtimeError(
				`Expected input batch_size (${n}) to match target batch_size (${labels.length}).`
			);
		}
		probabilities = zeros([n, classes], { dtype: input.dtype });
		labels.forEach((label, i) => {
			if (!Number.isInteger(label) || label < 0 || label >= classes) {
				throw runtimeError(`Target ${label} is out of bounds.`);
			}
			probabilities.data[i * classes + label] = 1;
		});
		if (input.device !== 'cpu') probabilities = probabilities.to(input.device);
	}
	return input.logSoftmax(1).mul(probabilities).sum(1).mean().neg();
}
