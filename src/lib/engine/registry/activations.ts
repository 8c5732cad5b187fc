/** The registry's activation ops: relu, tanh, sigmoid (with relu's gradient op) and log_softmax. */
import type { Storage } from '../dtype';
import { normalizeDim, type Shape } from '../shape';
import { binary, inputOf, localOf, need, outputOf, unary, type OpDef } from './define';

function logSoftmaxKernel(a: Storage, shape: Shape, dim: number, out: Storage): void {
	const size = shape.length === 0 ? 1 : shape[dim];
	let inner = 1;
	for (let d = dim + 1; d < shape.length; d++) inner *= shape[d];
	const outer = a.length / (size * inner || 1);
	for (let o = 0; o < outer; o++) {
		for (let i = 0; i < inner; i++) {
			const base = o * size * inner + i;
			let max = -Infinity;
			for (let j = 0; j < size; j++) max = Math.max(max, a[base + j * inner]);
			let total = 0;
			for (let j = 0; j < size; j++) total += Math.exp(a[base + j * inner] - max);
			const logTotal = Math.log(total) + max;
			for (let j = 0; j < size; j++) out[base + j * inner] = a[base + j * inner] - logTotal;
		}
	}
}

export const ACTIVATION_OPS = {
	relu: unary({
		id: 'relu',
		category: 'activations',
		saves: 'output',
		gradFn: 'ReluBackward0',
		fn: (a) => (a > 0 ? a : a === a ? 0 : a),
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = a[i] > 0 || a[i] !== a[i] ? a[i] : 0;
		},
		wgsl: 'select(select(0.0, a, a > 0.0), a, is_nan_f32(a))',
		vjp: (ctx, g) => [g.thresholdBackward(outputOf(ctx))],
		python: { methods: ['relu'], torch: ['relu'], functional: ['relu'] },
		ui: {
			label: 'relu',
			symbol: 'ReLU',
			formula: '\\max(0, \\mathrm{input})',
			localGrad: `${localOf('input')} = \\begin{cases} 1 & \\mathrm{input} > 0 \\\\ 0 & \\text{otherwise} \\end{cases}`
		}
	}),
	tanh: unary({
		id: 'tanh',
		category: 'activations',
		saves: 'output',
		gradFn: 'TanhBackward0',
		fn: Math.tanh,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]);
		},
		wgsl: 'tanh_ieee(a)',
		vjp: (ctx, g) => {
			const out = outputOf(ctx);
			return [g.mul(out.mul(out).neg().add(1))];
		},
		python: { methods: ['tanh'], torch: ['tanh'], functional: ['tanh'] },
		ui: {
			label: 'tanh',
			symbol: 'tanh',
			formula: '\\tanh(\\mathrm{input})',
			localGrad: `${localOf('input')} = 1 - \\tanh^2(\\mathrm{input})`
		}
	}),
	sigmoid: unary({
		id: 'sigmoid',
		category: 'activations',
		saves: 'output',
		gradFn: 'SigmoidBackward0',
		fn: (a) => 1 / (1 + Math.exp(-a)),
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-a[i]));
		},
		wgsl: '1.0 / (1.0 + exp_ieee(-a))',
		vjp: (ctx, g) => {
			const out = outputOf(ctx);
			return [g.mul(out.mul(out.neg().add(1)))];
		},
		python: { methods: ['sigmoid'], torch: ['sigmoid'], functional: ['sigmoid'] },
		ui: {
			label: 'sigmoid',
			symbol: 'σ',
			formula: '\\sigma(\\mathrm{input}) = \\frac{1}{1 + e^{-\\mathrm{input}}}',
			localGrad: `${localOf('input')} = \\sigma(\\mathrm{input})\\,(1 - \\sigma(\\mathrm{input}))`
		}
	}),
	threshold_backward: binary({
		id: 'threshold_backward',
		category: 'activations',
		internal: true,
		saves: 'inputs',
		gradFn: 'ThresholdBackwardBackward0',
		// input: the incoming gradient; other: relu's output. Passes the gradient where other > 0.
		// PyTorch's `output <= 0 ? 0 : grad`: a NaN output passes the gradient through.
		fn: (g, out) => (out <= 0 ? 0 : g),
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = b[i * s] <= 0 ? 0 : a[i];
		},
		wgsl: 'select(a, 0.0, b <= 0.0)',
		vjp: (ctx, g) => [need(ctx, 0) ? g.thresholdBackward(inputOf(ctx, 1)) : null, null],
		ui: {
			label: 'threshold_backward',
			symbol: '𝟙',
			formula: '\\mathrm{input} \\cdot \\mathbb{1}[\\mathrm{other} > 0]',
			localGrad: `${localOf('input')} = \\mathbb{1}[\\mathrm{other} > 0]`
		}
	}),
	log_softmax: {
		id: 'log_softmax',
		kind: 'custom',
		inputs: ['input'],
		attrs: [{ name: 'dim', kind: 'dim' }],
		category: 'activations',
		saves: 'output',
		gradFn: 'LogSoftmaxBackward0',
		shape: (shapes, attrs) => {
			attrs.dim = normalizeDim(attrs.dim as number, shapes[0]!.length);
			return shapes[0]!;
		},
		cpu: (inputs, out, shapes, _outShape, attrs) =>
			logSoftmaxKernel(inputs[0]!, shapes[0]!, attrs.dim as number, out),
		vjp: (ctx, g) => {
			const out = outputOf(ctx);
			const dim = ctx.attrs.dim as number;
			return [g.sub(out.exp().mul(g.sum(dim, true)))];
		},
		python: {
			methods: ['log_softmax'],
			torch: ['log_softmax'],
			functional: ['log_softmax'],
			attrs: 'keywords'
		},
		ui: {
			label: 'log_softmax',
			symbol: 'log σ',
			formula: '\\mathrm{input}_i - \\log\\sum_j e^{\\mathrm{input}_j}',
			localGrad:
				'\\frac{\\partial L}{\\partial\\,\\mathrm{input}_i} = g_i - \\mathrm{softmax}_i \\sum_j g_j'
		}
	}
} satisfies Record<string, OpDef>;
