/** What a Python expression stands for while code is imported (nothing is ever run). */
import type { Stmt } from '../ast';
import type { ProblemReason } from '../problem-codes';
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
	/** A value the canvas does not model but code may print or pass around (a device, a grad). */
	| { kind: 'opaque'; what: string }
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

export function describeValue(value: Value): string {
	switch (value.kind) {
		case 'tensor':
		case 'fresh':
			return 'a tensor';
		case 'number':
			return value.integer ? 'an int' : 'a float';
		case 'bool':
			return 'a bool';
		case 'none':
			return 'None';
		case 'string':
			return 'a string';
		case 'sequence':
			return value.tuple ? 'a tuple' : 'a list';
		case 'dict':
			return 'a dict';
		case 'module':
			return excerpt(value.path);
		case 'method':
			return `the method ${excerpt(value.name)}`;
		case 'linear':
			return 'an nn.Linear module';
		case 'mse':
			return 'an nn.MSELoss module';
		case 'dtype':
			return `torch.${excerpt(value.name)}`;
		case 'opaque':
			return excerpt(value.what);
		case 'failed':
			return 'a value that was not imported';
		case 'array':
			return 'a numpy array';
		case 'class':
			return `the class ${excerpt(value.name)}`;
		case 'object':
			return `a ${excerpt(value.className)} module`;
		case 'optimizer':
			return 'an SGD optimizer';
		case 'device':
			return 'a device';
	}
}
