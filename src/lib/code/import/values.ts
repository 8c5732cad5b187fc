/** What a Python expression stands for while code is imported (nothing is ever run). */
import type { Stmt } from '../ast';
import type { Phrase, PhraseCode, ProblemReason } from '../problem-codes';
import type { LeafAttrs } from '$lib/graph';
import { excerpt } from '$lib/util/excerpt';

export type Value =
	/** A node on the canvas. */
	| { kind: 'tensor'; node: string }
	/**
	 * A new leaf not on the canvas yet (`torch.randn(3, 4)`): it becomes a node when it is named
	 * or used, so `torch.arange(6.).reshape(2, 3)` stays one leaf, as in PyTorch.
	 */
	| { kind: 'fresh'; attrs: LeafAttrs; integer: boolean; start: number }
	| { kind: 'number'; value: number; integer: boolean }
	| { kind: 'bool'; value: boolean }
	| { kind: 'none' }
	| { kind: 'string'; value: string }
	| { kind: 'sequence'; items: Value[]; tuple: boolean }
	| { kind: 'dict'; entries: Map<string, { value: Value; start: number }> }
	/** A module, or a function in one: `torch`, `torch.nn`, `torch.randn`, `np.array`. */
	| { kind: 'module'; path: string }
	/** A bound method: `x.sum`, `model.load_state_dict`. */
	| { kind: 'method'; self: Value; name: string }
	/** `nn.Linear(...)`: its weight and bias are leaves on the canvas. */
	| { kind: 'linear'; weight: string; bias: string | null; inFeatures: number; outFeatures: number }
	/** `nn.MSELoss(...)`. */
	| { kind: 'mse'; reduction: string }
	| { kind: 'dtype'; name: string }
	/**
	 * A value the canvas does not model but code may print or pass around: the code it comes
	 * from (`x.grad`), or what it is (a device, an optimizer).
	 */
	| { kind: 'opaque'; what: string | Phrase }
	/** A name whose statement was not imported. */
	| { kind: 'failed'; line: number; reason: string; name: string; why: ProblemReason }
	/** A numpy array of constants (`np.array([...], dtype=np.float32)`): not on the canvas. */
	| { kind: 'array'; values: number[]; shape: number[]; integer: boolean }
	/** `class Name(nn.Module):` and its methods. */
	| { kind: 'class'; name: string; methods: Map<string, FunctionDef> }
	/** An instance of such a class: its attributes (`self.linear`) and its class's methods. */
	| {
			kind: 'object';
			className: string;
			attrs: Map<string, Value>;
			methods: Map<string, FunctionDef>;
	  }
	/** `torch.optim.SGD(params, lr=..., momentum=...)`. */
	| { kind: 'optimizer'; lr: number; momentum: number }
	/** `torch.device(...)`, or `"cuda:0" if torch.cuda.is_available() else "cpu"` ('auto'). */
	| { kind: 'device'; choice: 'auto' | 'cpu' | 'webgpu' };

/** A `def` inside a class: its parameters (self first) and its block. */
export interface FunctionDef {
	params: { name: string; start: number }[];
	body: Stmt[];
	start: number;
}

/** A tensor: a node on the canvas, or a new leaf that is not one yet. */
export type TensorValue = Extract<Value, { kind: 'tensor' | 'fresh' }>;

/** An `nn.Linear` module. */
export type Linear = Extract<Value, { kind: 'linear' }>;

/** What a value is, for problems: a phrase, or the code it stands for (an excerpt). */
export function describeValue(value: Value): string | Phrase {
	switch (value.kind) {
		case 'tensor':
		case 'fresh':
			return { phrase: 'tensor' };
		case 'number':
			return { phrase: value.integer ? 'int' : 'float' };
		case 'bool':
		case 'string':
		case 'dict':
		case 'linear':
		case 'mse':
		case 'failed':
		case 'array':
		case 'device':
			return { phrase: value.kind };
		case 'none':
			return 'None';
		case 'sequence':
			return { phrase: value.tuple ? 'tuple' : 'list' };
		case 'module':
			return excerpt(value.path);
		case 'method':
			return { phrase: 'method', params: { name: excerpt(value.name) } };
		case 'dtype':
			return `torch.${excerpt(value.name)}`;
		case 'opaque':
			return typeof value.what === 'string' ? excerpt(value.what) : value.what;
		case 'class':
			return { phrase: 'class', params: { name: excerpt(value.name) } };
		case 'object':
			return { phrase: 'object', params: { name: excerpt(value.className) } };
		case 'optimizer':
			return { phrase: 'sgd' };
	}
}

/** Whether `value` is the opaque value that `phrase` says. */
export const isOpaque = (value: Value, phrase: PhraseCode): boolean =>
	value.kind === 'opaque' && typeof value.what === 'object' && value.what.phrase === phrase;
