/**
 * The golden cases' format and how the engine runs them: shared by golden.test.ts (Node, CPU)
 * and webgpu-golden.browser.test.ts (Chromium, WebGPU). The fixture is made by
 * scripts/golden/make_golden.py with real PyTorch.
 */
import * as torch from '$lib/engine';
import { getOp, OPS, Tensor, type Device, type DType, type NestedList } from '$lib/engine';
import { apply } from '$lib/engine/dispatch';

export interface TensorRecord {
	shape: number[];
	dtype: DType;
	values: NestedList;
}

export type InputRecord =
	| (TensorRecord & { name: string; requires_grad: boolean })
	| { name: string; number: number }
	| { name: string; ref: string };

export interface OpCase {
	id: string;
	op: string;
	attrs: Record<string, unknown>;
	inputs: InputRecord[];
	output: TensorRecord;
	grad_fn: string | null;
	upstream: NestedList;
	grads: (TensorRecord | null)[];
	note?: string;
}

export interface ErrorCase {
	id: string;
	python: string;
	kind: string;
	message: string;
}

export interface ReprCase {
	id: string;
	input: TensorRecord & { requires_grad: boolean };
	then?: { op: 'add' | 'mul' | 'pow'; number: number };
	repr: string;
}

export interface Golden {
	torch: string;
	command: string;
	cases: OpCase[];
	errors: ErrorCase[];
	reprs: ReprCase[];
}

/** float32: rtol 1e-5, atol 1e-6; float64: rtol 1e-10, atol 1e-12. */
export const TOLERANCE: Record<DType, { rtol: number; atol: number }> = {
	float32: { rtol: 1e-5, atol: 1e-6 },
	float64: { rtol: 1e-10, atol: 1e-12 }
};

export function flatten(values: NestedList): number[] {
	return Array.isArray(values) ? values.flatMap(flatten) : [values];
}

/** Elements that differ beyond the tolerance (the dtype's unless given), as readable lines. */
export function mismatches(
	actual: NestedList,
	expected: NestedList,
	dtype: DType,
	tolerance: { rtol: number; atol: number } = TOLERANCE[dtype]
): string[] {
	const a = flatten(actual);
	const e = flatten(expected);
	if (a.length !== e.length) return [`${a.length} values, expected ${e.length}`];
	const { rtol, atol } = tolerance;
	const out: string[] = [];
	for (let i = 0; i < e.length; i++) {
		const ok =
			Object.is(a[i], e[i]) ||
			(Number.isFinite(e[i]) && Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]));
		if (!ok) out.push(`[${i}] got ${a[i]}, expected ${e[i]}`);
	}
	return out.length > 5 ? [...out.slice(0, 5), `... ${out.length - 5} more`] : out;
}

export function isTensorInput(input: InputRecord): input is TensorRecord & {
	name: string;
	requires_grad: boolean;
} {
	return 'values' in input;
}

/** The engine's tensors (or numbers) for a case's recorded inputs. */
export function buildInputs(inputs: InputRecord[], device: Device = 'cpu'): (Tensor | number)[] {
	const built = new Map<string, Tensor>();
	return inputs.map((input) => {
		if ('number' in input) return input.number;
		if ('ref' in input) return built.get(input.ref)!;
		const t = torch.tensor(input.values, {
			dtype: input.dtype,
			requiresGrad: input.requires_grad,
			device
		});
		built.set(input.name, t);
		return t;
	});
}

const asTensor = (value: Tensor | number | undefined) => value as Tensor;

/** Runs a case's op with the engine's API, as a user would call it. */
export function runOp(
	op: string,
	args: (Tensor | number)[],
	attrs: Record<string, unknown>
): Tensor {
	const [a, b] = [asTensor(args[0]), args[1]];
	switch (op) {
		case 'add':
			return a.add(b);
		case 'sub':
			return a.sub(b);
		case 'mul':
			return a.mul(b);
		case 'div':
			return a.div(b);
		case 'pow':
			return a.pow(b);
		case 'neg':
			return a.neg();
		case 'exp':
			return a.exp();
		case 'log':
			return a.log();
		case 'sqrt':
			return a.sqrt();
		case 'relu':
			return a.relu();
		case 'tanh':
			return a.tanh();
		case 'sigmoid':
			return a.sigmoid();
		case 'sum':
			return a.sum(attrs.dim as number | number[] | undefined, Boolean(attrs.keepdim));
		case 'mean':
			return a.mean(attrs.dim as number | number[] | undefined, Boolean(attrs.keepdim));
		case 'matmul':
			return a.matmul(asTensor(b));
		case 't':
			return a.t();
		case 'transpose':
			return a.transpose(attrs.dim0 as number, attrs.dim1 as number);
		case 'reshape':
			return a.reshape(attrs.shape as number[]);
		case 'unsqueeze':
			return a.unsqueeze(attrs.dim as number);
		case 'squeeze':
			return a.squeeze(attrs.dim as number | undefined);
		case 'expand':
			return a.expand(attrs.size as number[]);
		case 'mse_loss':
			return a.mseLoss(asTensor(b), { reduction: attrs.reduction as 'mean' | 'sum' | 'none' });
		case 'linear':
			// F.linear(input, weight, bias): what nn.Linear's forward applies.
			return apply(
				OPS.linear,
				[a, asTensor(b), args[2] === undefined ? null : asTensor(args[2])],
				{}
			);
		case 'log_softmax':
			return a.logSoftmax(attrs.dim as number);
		default: {
			// Any other registry op: its tensor inputs in order, its attrs as recorded.
			const def = getOp(op);
			if (!def) throw new Error(`golden case op '${op}' is not in the registry`);
			return apply(def, args.map(asTensor), attrs);
		}
	}
}

/** The registry entry each case op runs (t, unsqueeze and squeeze are forms of other entries). */
export const REGISTRY_ID: Record<string, string> = {
	t: 'transpose',
	unsqueeze: 'reshape',
	squeeze: 'reshape'
};
