/** The registry's loss ops: mse_loss. */
import { binaryKernel } from '../backends/cpu/kernels';
import { valueError, warn } from '../errors';
import { broadcastShapes, numel, sameShape, type Shape } from '../shape';
import { inputOf, localOf, need, type Attrs, type OpDef } from './define';

/** mse_loss: PyTorch warns when input and target differ in shape, then broadcasts. */
function mseShape(shapes: readonly (Shape | null)[], attrs: Attrs): Shape {
	const [input, target] = [shapes[0]!, shapes[1]!];
	const reduction = (attrs.reduction ?? 'mean') as string;
	if (!['mean', 'sum', 'none'].includes(reduction)) {
		throw valueError(`${reduction} is not a valid value for reduction`);
	}
	attrs.reduction = reduction;
	if (!sameShape(input, target)) {
		warn(
			`Using a target size (torch.Size([${target.join(', ')}])) that is different to the input size (torch.Size([${input.join(', ')}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`
		);
	}
	const shape = broadcastShapes(input, target);
	return reduction === 'none' ? shape : [];
}

const SQUARED_DIFFERENCE = binaryKernel(
	(a, b) => (a - b) * (a - b),
	(a, b, out, n, s) => {
		for (let i = 0; i < n; i++) out[i] = (a[i] - b[i * s]) * (a[i] - b[i * s]);
	}
);

export const LOSS_OPS = {
	mse_loss: {
		id: 'mse_loss',
		kind: 'custom',
		inputs: ['input', 'target'],
		attrs: [{ name: 'reduction', kind: 'reduction', default: 'mean' }],
		category: 'losses',
		saves: 'inputs',
		gradFn: 'MseLossBackward0',
		shape: mseShape,
		cpu: (inputs, out, shapes, _outShape, attrs) => {
			const [input, target] = [inputs[0]!, inputs[1]!];
			const shape = broadcastShapes(shapes[0]!, shapes[1]!);
			const n = numel(shape);
			const diff = new Float64Array(n);
			SQUARED_DIFFERENCE(input, shapes[0]!, target, shapes[1]!, diff, shape);
			if (attrs.reduction === 'none') {
				out.set(diff);
				return;
			}
			let total = 0;
			for (let i = 0; i < n; i++) total += diff[i];
			out[0] = attrs.reduction === 'mean' ? total / n : total;
		},
		vjp: (ctx, g) => {
			const [input, target] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			let scale = g.mul(2);
			if (ctx.attrs.reduction === 'mean')
				scale = scale.div(numel(broadcastShapes(input.shape, target.shape)));
			const inputGrad = input.sub(target).mul(scale);
			return [need(ctx, 0) ? inputGrad : null, need(ctx, 1) ? inputGrad.neg() : null];
		},
		python: { functional: ['mse_loss'], attrs: 'keywords' },
		ui: {
			label: 'mse_loss',
			symbol: 'MSE',
			formula: '\\frac{1}{n}\\sum_i (\\mathrm{input}_i - \\mathrm{target}_i)^2',
			localGrad: `${localOf('input', '_i')} = \\frac{2}{n}(\\mathrm{input}_i - \\mathrm{target}_i),\\quad ${localOf('target', '_i')} = -\\frac{2}{n}(\\mathrm{input}_i - \\mathrm{target}_i)`
		}
	}
} satisfies Record<string, OpDef>;
