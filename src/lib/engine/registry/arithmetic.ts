/**
 * The registry's arithmetic ops: +, -, ×, ÷, powers, exp, log, sqrt, abs, clamp, and the
 * gradients' own ops of pow, abs and clamp.
 */
import { runtimeError } from '../errors';
import { apply } from '../dispatch';
import {
	binary,
	inputOf,
	localOf,
	need,
	outputOf,
	unary,
	wgslNumber,
	type Attrs,
	type CustomOp,
	type OpDef
} from './define';

/** C's pow: 1 ** y and (-1) ** ±inf are 1, where JavaScript's Math.pow gives NaN. */
function ieeePow(x: number, y: number): number {
	if (y === 2) return x * x;
	if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
	return Math.pow(x, y);
}

/** PyTorch's sgn of a real number: -1, 0 or 1, and 0 for NaN. */
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** abs's gradient: the incoming gradient (input) times sign(other), other being abs's input. */
const absBackward = binary({
	id: 'abs_backward',
	category: 'arithmetic',
	internal: true,
	saves: 'inputs',
	gradFn: 'AbsBackwardBackward0',
	fn: (g, x) => g * sign(x),
	loop: (a, b, out, n, s) => {
		for (let i = 0; i < n; i++) out[i] = a[i] * sign(b[i * s]);
	},
	wgsl: 'a * select(select(0.0, -1.0, b < 0.0), 1.0, b > 0.0)',
	vjp: (ctx, g) => [need(ctx, 0) ? apply(absBackward, [g, inputOf(ctx, 1)]) : null, null],
	ui: {
		label: 'abs_backward',
		symbol: 'sgn',
		formula: '\\mathrm{input} \\cdot \\operatorname{sgn}(\\mathrm{other})',
		localGrad: `${localOf('input')} = \\operatorname{sgn}(\\mathrm{other})`
	}
});

/** clamp's bounds: None (absent) or a number. */
const boundsOf = (attrs: Attrs) => ({
	min: attrs.min == null ? null : (attrs.min as number),
	max: attrs.max == null ? null : (attrs.max as number)
});

/** clamp's forward in WGSL over `a`: NaN stays NaN, as in PyTorch. */
function clampWgsl(attrs: Attrs): string {
	const { min, max } = boundsOf(attrs);
	let e = 'a';
	if (min !== null) e = `max(${e}, ${wgslNumber(min)})`;
	if (max !== null) e = `min(${e}, ${wgslNumber(max)})`;
	return `select(${e}, a, is_nan_f32(a))`;
}

/** Where clamp passes the gradient: min <= x <= max, inclusive at the bounds (not at NaN). */
function insideWgsl(attrs: Attrs, x: string): string {
	const { min, max } = boundsOf(attrs);
	const tests = [`!is_nan_f32(${x})`];
	if (min !== null) tests.push(`${x} >= ${wgslNumber(min)}`);
	if (max !== null) tests.push(`${x} <= ${wgslNumber(max)}`);
	return tests.join(' && ');
}

const CLAMP_ATTRS = [
	{ name: 'min', kind: 'number', optional: true },
	{ name: 'max', kind: 'number', optional: true }
] as const;

/** clamp's gradient: the incoming gradient (grad) where input is within [min, max], else 0. */
const clampBackward: CustomOp & Required<Pick<CustomOp, 'wgsl'>> = {
	id: 'clamp_backward',
	kind: 'custom',
	inputs: ['grad', 'input'],
	attrs: CLAMP_ATTRS,
	category: 'arithmetic',
	internal: true,
	saves: 'inputs',
	gradFn: 'ClampBackwardBackward0',
	shape: (shapes) => shapes[1]!,
	cpu: (inputs, out, _shapes, _outShape, attrs) => {
		const [g, x] = [inputs[0]!, inputs[1]!];
		const lo = attrs.min == null ? -Infinity : (attrs.min as number);
		const hi = attrs.max == null ? Infinity : (attrs.max as number);
		for (let i = 0; i < out.length; i++) out[i] = x[i] >= lo && x[i] <= hi ? g[i] : 0;
	},
	wgsl: (attrs) => `select(0.0, a, ${insideWgsl(attrs, 'b')})`,
	vjp: (ctx, g) => [
		need(ctx, 0) ? apply(clampBackward, [g, inputOf(ctx, 1)], ctx.attrs) : null,
		null
	],
	ui: {
		label: 'clamp_backward',
		symbol: '𝟙',
		formula: '\\mathrm{grad} \\cdot \\mathbb{1}[\\min \\le \\mathrm{input} \\le \\max]',
		localGrad: `${localOf('grad')} = \\mathbb{1}[\\min \\le \\mathrm{input} \\le \\max]`
	}
};

export const ARITHMETIC_OPS = {
	add: binary({
		id: 'add',
		category: 'arithmetic',
		saves: 'none',
		gradFn: 'AddBackward0',
		fn: (a, b) => a + b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] + b[i * s];
		},
		wgsl: 'a + b',
		vjp: (_ctx, g) => [g, g],
		python: {
			infix: { symbol: '+', level: 'arith' },
			numberOperand: true,
			methods: ['add'],
			torch: ['add']
		},
		ui: {
			label: 'add',
			symbol: '+',
			formula: '\\mathrm{input} + \\mathrm{other}',
			localGrad: `${localOf('input')} = 1,\\quad ${localOf('other')} = 1`
		}
	}),
	sub: binary({
		id: 'sub',
		category: 'arithmetic',
		saves: 'none',
		gradFn: 'SubBackward0',
		fn: (a, b) => a - b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] - b[i * s];
		},
		wgsl: 'a - b',
		vjp: (ctx, g) => [g, need(ctx, 1) ? g.neg() : null],
		python: {
			infix: { symbol: '-', level: 'arith' },
			numberOperand: true,
			methods: ['sub'],
			torch: ['sub']
		},
		ui: {
			label: 'sub',
			symbol: '−',
			formula: '\\mathrm{input} - \\mathrm{other}',
			localGrad: `${localOf('input')} = 1,\\quad ${localOf('other')} = -1`
		}
	}),
	mul: binary({
		id: 'mul',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'MulBackward0',
		fn: (a, b) => a * b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] * b[i * s];
		},
		wgsl: 'a * b',
		vjp: (ctx, g) => [
			need(ctx, 0) ? g.mul(inputOf(ctx, 1)) : null,
			need(ctx, 1) ? g.mul(inputOf(ctx, 0)) : null
		],
		python: {
			infix: { symbol: '*', level: 'term' },
			numberOperand: true,
			methods: ['mul'],
			torch: ['mul']
		},
		ui: {
			label: 'mul',
			symbol: '×',
			formula: '\\mathrm{input} \\cdot \\mathrm{other}',
			localGrad: `${localOf('input')} = \\mathrm{other},\\quad ${localOf('other')} = \\mathrm{input}`
		}
	}),
	div: binary({
		id: 'div',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'DivBackward0',
		fn: (a, b) => a / b,
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) out[i] = a[i] / b[i * s];
		},
		wgsl: 'a / b',
		vjp: (ctx, g) => {
			const [a, b] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			return [need(ctx, 0) ? g.div(b) : null, need(ctx, 1) ? g.neg().mul(a).div(b.mul(b)) : null];
		},
		python: {
			infix: { symbol: '/', level: 'term' },
			numberOperand: true,
			methods: ['div'],
			torch: ['div']
		},
		ui: {
			label: 'div',
			symbol: '÷',
			formula: '\\frac{\\mathrm{input}}{\\mathrm{other}}',
			localGrad: `${localOf('input')} = \\frac{1}{\\mathrm{other}},\\quad ${localOf('other')} = -\\frac{\\mathrm{input}}{\\mathrm{other}^2}`
		}
	}),
	pow: {
		...binary({
			id: 'pow',
			category: 'arithmetic',
			saves: 'inputs',
			gradFn: (attrs) =>
				attrs.scalarExponent !== undefined
					? 'PowBackward0'
					: attrs.scalarBase
						? 'PowBackward2'
						: 'PowBackward1',
			fn: ieeePow,
			loop: (a, b, out, n, s) => {
				for (let i = 0; i < n; i++) {
					const e = b[i * s];
					out[i] = e === 2 ? a[i] * a[i] : ieeePow(a[i], e);
				}
			},
			wgsl: 'pow_signed(a, b)',
			vjp: (ctx, g) => {
				const [x, e] = [inputOf(ctx, 0), inputOf(ctx, 1)];
				// PyTorch's pow_backward: zero where the exponent is 0 (input) or where the base is 0
				// and the exponent >= 0 (exponent), even where the plain formula gives NaN.
				const inputGrad =
					ctx.attrs.scalarExponent === 2 ? g.mul(x.mul(2)) : g.mul(x.powBackwardSelf(e));
				return [
					need(ctx, 0) ? inputGrad : null,
					need(ctx, 1) ? g.mul(x.powBackwardExponent(e)) : null
				];
			},
			python: {
				infix: { symbol: '**', level: 'power' },
				numberOperand: true,
				methods: ['pow'],
				torch: ['pow']
			},
			ui: {
				label: 'pow',
				symbol: 'xⁿ',
				formula: '\\mathrm{input}^{\\mathrm{exponent}}',
				localGrad: `${localOf('input')} = \\mathrm{exponent}\\cdot\\mathrm{input}^{\\mathrm{exponent}-1},\\quad ${localOf('exponent')} = \\mathrm{input}^{\\mathrm{exponent}}\\ln \\mathrm{input}`
			}
		}),
		inputs: ['input', 'exponent']
	},
	neg: unary({
		id: 'neg',
		category: 'arithmetic',
		saves: 'none',
		gradFn: 'NegBackward0',
		fn: (a) => -a,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = -a[i];
		},
		wgsl: '-a',
		vjp: (_ctx, g) => [g.neg()],
		python: { prefix: '-', methods: ['neg'], torch: ['neg'] },
		ui: {
			label: 'neg',
			symbol: '−x',
			formula: '-\\mathrm{input}',
			localGrad: `${localOf('input')} = -1`
		}
	}),
	exp: unary({
		id: 'exp',
		category: 'arithmetic',
		saves: 'output',
		gradFn: 'ExpBackward0',
		fn: Math.exp,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
		},
		wgsl: 'exp_ieee(a)',
		vjp: (ctx, g) => [g.mul(outputOf(ctx))],
		python: { methods: ['exp'], torch: ['exp'] },
		ui: {
			label: 'exp',
			symbol: 'eˣ',
			formula: 'e^{\\mathrm{input}}',
			localGrad: `${localOf('input')} = e^{\\mathrm{input}} = \\mathrm{out}`
		}
	}),
	log: unary({
		id: 'log',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'LogBackward0',
		fn: Math.log,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
		},
		wgsl: 'log_ieee(a)',
		vjp: (ctx, g) => [g.div(inputOf(ctx, 0))],
		python: { methods: ['log'], torch: ['log'] },
		ui: {
			label: 'log',
			symbol: 'ln',
			formula: '\\ln \\mathrm{input}',
			localGrad: `${localOf('input')} = \\frac{1}{\\mathrm{input}}`
		}
	}),
	sqrt: unary({
		id: 'sqrt',
		category: 'arithmetic',
		saves: 'output',
		gradFn: 'SqrtBackward0',
		fn: Math.sqrt,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
		},
		wgsl: 'sqrt_ieee(a)',
		vjp: (ctx, g) => [g.div(outputOf(ctx).mul(2))],
		python: { methods: ['sqrt'], torch: ['sqrt'] },
		ui: {
			label: 'sqrt',
			symbol: '√',
			formula: '\\sqrt{\\mathrm{input}}',
			localGrad: `${localOf('input')} = \\frac{1}{2\\sqrt{\\mathrm{input}}}`
		}
	}),
	abs: unary({
		id: 'abs',
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'AbsBackward0',
		fn: Math.abs,
		loop: (a, out, n) => {
			for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
		},
		wgsl: 'abs(a)',
		vjp: (ctx, g) => [apply(absBackward, [g, inputOf(ctx, 0)])],
		python: { methods: ['abs'], torch: ['abs'] },
		ui: {
			label: 'abs',
			symbol: '|x|',
			formula: '|\\mathrm{input}|',
			localGrad: `${localOf('input')} = \\operatorname{sgn}(\\mathrm{input}) = \\begin{cases} 1 & \\mathrm{input} > 0 \\\\ 0 & \\mathrm{input} = 0 \\\\ -1 & \\mathrm{input} < 0 \\end{cases}`
		}
	}),
	clamp: {
		id: 'clamp',
		kind: 'custom',
		inputs: ['input'],
		attrs: CLAMP_ATTRS,
		category: 'arithmetic',
		saves: 'inputs',
		gradFn: 'ClampBackward1',
		shape: (shapes, attrs) => {
			if (attrs.min == null && attrs.max == null) {
				throw runtimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
			}
			return shapes[0]!;
		},
		cpu: (inputs, out, _shapes, _outShape, attrs) => {
			const x = inputs[0]!;
			const { min, max } = boundsOf(attrs);
			for (let i = 0; i < out.length; i++) {
				let v = x[i];
				if (min !== null && v < min) v = min;
				if (max !== null && v > max) v = max;
				out[i] = v;
			}
		},
		wgsl: clampWgsl,
		vjp: (ctx, g) => [apply(clampBackward, [g, inputOf(ctx, 0)], ctx.attrs)],
		python: { methods: ['clamp'], torch: ['clamp'], attrs: 'keywords' },
		ui: {
			label: 'clamp',
			symbol: '⌊x⌉',
			formula: '\\min(\\max(\\mathrm{input}, \\mathrm{min}), \\mathrm{max})',
			localGrad: `${localOf('input')} = \\begin{cases} 1 & \\mathrm{min} \\le \\mathrm{input} \\le \\mathrm{max} \\\\ 0 & \\text{otherwise} \\end{cases}`
		}
	} satisfies CustomOp,
	abs_backward: absBackward,
	clamp_backward: clampBackward,
	pow_backward_self: binary({
		id: 'pow_backward_self',
		category: 'arithmetic',
		internal: true,
		saves: 'inputs',
		gradFn: 'PowBackwardSelfBackward0',
		// d(input^exponent)/d(input), zero where the exponent is 0.
		fn: (x, e) => (e === 0 ? 0 : e * ieeePow(x, e - 1)),
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) {
				const e = b[i * s];
				out[i] = e === 0 ? 0 : e * ieeePow(a[i], e - 1);
			}
		},
		wgsl: 'select(b * pow_signed(a, b - 1.0), 0.0, b == 0.0)',
		vjp: (ctx, g) => {
			const [x, e] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			return [
				need(ctx, 0) ? g.mul(e).mul(x.powBackwardSelf(e.sub(1))) : null,
				need(ctx, 1) ? g.mul(x.pow(e.sub(1))).mul(e.mul(x.log()).add(1)) : null
			];
		},
		ui: {
			label: 'pow_backward_self',
			symbol: 'n·xⁿ⁻¹',
			formula: '\\mathrm{exponent}\\cdot\\mathrm{input}^{\\mathrm{exponent}-1}',
			localGrad: '\\mathrm{exponent}(\\mathrm{exponent}-1)\\,\\mathrm{input}^{\\mathrm{exponent}-2}'
		}
	}),
	pow_backward_exponent: binary({
		id: 'pow_backward_exponent',
		category: 'arithmetic',
		internal: true,
		saves: 'inputs',
		gradFn: 'PowBackwardExponentBackward0',
		// d(input^exponent)/d(exponent), zero where the base is 0 and the exponent >= 0.
		fn: (x, e) => (x === 0 && e >= 0 ? 0 : ieeePow(x, e) * Math.log(x)),
		loop: (a, b, out, n, s) => {
			for (let i = 0; i < n; i++) {
				const x = a[i];
				const e = b[i * s];
				out[i] = x === 0 && e >= 0 ? 0 : ieeePow(x, e) * Math.log(x);
			}
		},
		wgsl: 'select(pow_signed(a, b) * log_ieee(a), 0.0, a == 0.0 && b >= 0.0)',
		vjp: (ctx, g) => {
			const [x, e] = [inputOf(ctx, 0), inputOf(ctx, 1)];
			const logX = x.log();
			return [
				need(ctx, 0) ? g.mul(x.pow(e.sub(1))).mul(e.mul(logX).add(1)) : null,
				need(ctx, 1) ? g.mul(x.pow(e)).mul(logX.mul(logX)) : null
			];
		},
		ui: {
			label: 'pow_backward_exponent',
			symbol: 'xⁿ ln x',
			formula: '\\mathrm{input}^{\\mathrm{exponent}}\\ln\\mathrm{input}',
			localGrad: '\\mathrm{input}^{\\mathrm{exponent}}(\\ln\\mathrm{input})^2'
		}
	})
} satisfies Record<string, OpDef>;
