/**
 * Calls as the importer reads them: torch functions, `torch.nn.functional`, `nn.Linear`,
 * `nn.MSELoss`, `nn.Parameter`, tensor methods and nn.Linear's methods. Each gives a value, a
 * node on the canvas, or a problem with PyTorch's wording where PyTorch has one.
 */
import type { OpDef } from '$lib/engine';
import type { AttrSpec } from '$lib/engine/registry';
import { inferReshape } from '$lib/engine/registry';
import { quoted } from '$lib/engine/nn/module';
import { isLeaf, LEAF_OP, MAX_VALUES } from '$lib/graph';
import {
	asBool,
	asDims,
	asInteger,
	asReduction,
	asSize,
	bindArgs,
	ImportProblem,
	integerGradProblem,
	need,
	sizeFromCall,
	unsupported,
	valueProblem,
	type Arg,
	type Call
} from './import-args';
import { FUNCTIONAL_OPS, METHOD_OPS, TORCH_OPS } from './bindings';
import { TensorCreation } from './import-creation';
import { linearInit } from './leaves';
import type { Value } from './values';
import { excerpt } from '$lib/util/excerpt';

const OPAQUE_METHODS = new Set([
	'item',
	'tolist',
	'numpy',
	'size',
	'dim',
	'numel',
	'type',
	'element_size'
]);
const IDENTITY_METHODS = new Set(['to', 'cuda', 'cpu', 'float', 'contiguous']);

type Linear = Extract<Value, { kind: 'linear' }>;

/**
 * Reads a registry attribute from a call's arguments into `attrs`, by its kind; a default
 * (`keepdim=False`, `reduction='mean'`) is left out, as the canvas stores it.
 */
function readAttr(
	spec: AttrSpec,
	call: Call,
	args: Map<string, Arg>,
	sizeMethod: boolean,
	attrs: Record<string, unknown>
): void {
	const name = spec.name;
	const arg = args.get(name);
	switch (spec.kind) {
		case 'shape':
			attrs[name] = sizeMethod
				? sizeFromCall(call, name)
				: asSize([need(call, args, name)], name, true);
			return;
		case 'dims':
			if (arg !== undefined && arg.value.kind !== 'none') attrs[name] = asDims(arg);
			return;
		case 'dim':
			attrs[name] = asInteger(need(call, args, name), name);
			return;
		case 'bool':
		case 'reduction': {
			if (arg === undefined) return;
			const value = spec.kind === 'bool' ? asBool(arg, name) : asReduction(arg);
			if (value !== spec.default) attrs[name] = value;
			return;
		}
		case 'number': {
			// An optional number left out or given as None stays out (PyTorch's None).
			if (spec.optional && (arg === undefined || arg.value.kind === 'none')) return;
			const value = need(call, args, name).value;
			if (value.kind !== 'number') throw valueProblem(call.start, `${name} must be a number`);
			attrs[name] = value.value;
			return;
		}
	}
}

export abstract class CallImporter extends TensorCreation {
	protected callFunction(path: string, call: Call): Value {
		const root = path.split('.')[0];
		if (root === 'builtins') {
			throw unsupported(
				call.start,
				`${excerpt(path.slice('builtins.'.length))}() is outside the subset`
			);
		}
		if (root !== 'torch') {
			const what =
				root === 'numpy'
					? 'numpy is outside the subset: write torch.tensor(...) instead'
					: `${excerpt(root)} is outside the subset`;
			throw unsupported(call.start, `${call.callee}: ${what}`);
		}
		const name = path.slice(path.lastIndexOf('.') + 1);
		const module = path.slice(0, path.lastIndexOf('.'));
		if (module === 'torch') {
			const value = this.torchFunction(name, call);
			if (value !== null) return value;
		} else if (module === 'torch.nn.functional') {
			const value = this.functional(name, call);
			if (value !== null) return value;
		} else if (module === 'torch.nn') {
			const value = this.nnModule(name, call);
			if (value !== null) return value;
		} else if (module === 'torch.optim') {
			return { kind: 'opaque', what: 'an optimizer' };
		} else if (path === 'torch.cuda.is_available') {
			return { kind: 'opaque', what: 'torch.cuda.is_available()' };
		}
		throw new ImportProblem(
			call.start,
			`${call.callee} is not one of the functions the canvas imports`,
			'unknown-function'
		);
	}

	protected torchFunction(name: string, call: Call): Value | null {
		switch (name) {
			case 'tensor':
				return this.tensorLiteral(call);
			case 'zeros':
			case 'ones':
			case 'rand':
			case 'randn':
				return this.filled(name, call);
			case 'full':
				return this.full(call);
			case 'arange':
				return this.arange(call);
			case 'manual_seed': {
				const args = bindArgs(call, ['seed']);
				const seed = asInteger(need(call, args, 'seed'), 'seed');
				this.seedBase = ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32;
				this.draws = 0;
				this.sideEffect = true;
				return { kind: 'opaque', what: 'a generator' };
			}
			case 't': {
				const args = bindArgs(call, ['input']);
				return this.transposeT(need(call, args, 'input').value, call.start);
			}
			case 'device':
				return { kind: 'opaque', what: 'a device' };
			case 'no_grad':
			case 'enable_grad':
				return { kind: 'opaque', what: `torch.${name}()` };
			case 'save':
			case 'set_printoptions':
				return { kind: 'none' };
			case 'load':
				throw unsupported(call.start, 'torch.load reads a file: outside the subset');
			case 'from_numpy':
				throw unsupported(
					call.start,
					'numpy arrays are outside the subset: write torch.tensor(...) instead'
				);
		}
		const op = TORCH_OPS.get(name);
		return op === undefined ? null : this.registryOp(op, call, null);
	}

	protected functional(name: string, call: Call): Value | null {
		switch (name) {
			case 'mse_loss': {
				const args = bindArgs(call, ['input', 'target', 'size_average', 'reduce', 'reduction']);
				for (const legacy of ['size_average', 'reduce']) {
					if (args.has(legacy))
						throw unsupported(
							args.get(legacy)!.start,
							`${legacy} is deprecated in PyTorch: use reduction=`
						);
				}
				const reduction = args.has('reduction') ? asReduction(args.get('reduction')!) : 'mean';
				return this.mseLoss(call, need(call, args, 'input'), need(call, args, 'target'), reduction);
			}
			case 'linear': {
				const args = bindArgs(call, ['input', 'weight', 'bias']);
				const input = need(call, args, 'input');
				const weight = need(call, args, 'weight');
				const bias = args.get('bias');
				const inputs: [string, Value | null, number][] = [
					['input', input.value, input.start],
					['weight', weight.value, weight.start]
				];
				if (bias !== undefined && bias.value.kind !== 'none')
					inputs.push(['bias', bias.value, bias.start]);
				return this.op('linear', call.start, inputs);
			}
		}
		const op = FUNCTIONAL_OPS.get(name);
		if (op === undefined) return null;
		// F.relu(x, inplace=True): the activations' in-place flag.
		return this.registryOp(op, call, null, op.kind === 'unary' ? ['inplace'] : []);
	}

	protected nnModule(name: string, call: Call): Value | null {
		switch (name) {
			case 'Linear': {
				const args = bindArgs(call, ['in_features', 'out_features', 'bias', 'device', 'dtype']);
				const inFeatures = asInteger(need(call, args, 'in_features'), 'in_features');
				const outFeatures = asInteger(need(call, args, 'out_features'), 'out_features');
				for (const [what, n] of [
					['in_features', inFeatures],
					['out_features', outFeatures]
				] as const) {
					if (n < 1)
						throw valueProblem(call.start, `${what} must be at least 1 on the canvas, got ${n}`);
				}
				if (inFeatures * outFeatures > MAX_VALUES) {
					throw valueProblem(
						call.start,
						`nn.Linear(${inFeatures}, ${outFeatures}) has more than ${MAX_VALUES} weights`
					);
				}
				const hasBias = args.has('bias') ? asBool(args.get('bias')!, 'bias') : true;
				this.checkDtype(args);
				const seed = this.nextSeed();
				const init = linearInit(inFeatures, outFeatures, hasBias, seed);
				const weight = this.addNode(
					LEAF_OP,
					this.paramName('weight'),
					{
						shape: [outFeatures, inFeatures],
						init: 'values',
						values: init.weight,
						requiresGrad: true
					},
					call.start
				);
				const bias =
					init.bias === null
						? null
						: this.addNode(
								LEAF_OP,
								this.paramName('bias'),
								{ shape: [outFeatures], init: 'values', values: init.bias, requiresGrad: true },
								call.start
							);
				return { kind: 'linear', weight, bias, inFeatures, outFeatures };
			}
			case 'MSELoss': {
				const args = bindArgs(call, ['size_average', 'reduce', 'reduction']);
				for (const legacy of ['size_average', 'reduce']) {
					if (args.has(legacy))
						throw unsupported(
							args.get(legacy)!.start,
							`${legacy} is deprecated in PyTorch: use reduction=`
						);
				}
				return {
					kind: 'mse',
					reduction: args.has('reduction') ? asReduction(args.get('reduction')!) : 'mean'
				};
			}
			case 'Parameter': {
				const args = bindArgs(call, ['data', 'requires_grad']);
				const data = need(call, args, 'data');
				if (data.value.kind !== 'fresh') {
					throw unsupported(
						data.start,
						'nn.Parameter takes a new tensor here, such as torch.tensor([...]) or torch.zeros(...)'
					);
				}
				const flag = args.has('requires_grad')
					? asBool(args.get('requires_grad')!, 'requires_grad')
					: true;
				return { ...data.value, attrs: { ...data.value.attrs, requiresGrad: flag } };
			}
		}
		return null;
	}

	/**
	 * A registry op called by one of its Python names (see `PythonBinding`). `self` is the tensor
	 * a method is called on, its first input; the other inputs and the attributes are bound by
	 * their registry names, after them `extra` keywords the call may pass.
	 */
	protected registryOp(
		op: OpDef,
		call: Call,
		self: Arg | null,
		extra: readonly string[] = []
	): Value {
		const specs = op.attrs ?? [];
		// x.reshape(3, 2), x.expand(2, 3): a method takes the size's numbers as its arguments.
		const sizeMethod = self !== null && op.python?.attrs === 'size';
		const tensorNames = self === null ? op.inputs : op.inputs.slice(1);
		const args = sizeMethod
			? new Map<string, Arg>()
			: bindArgs(call, [...tensorNames, ...specs.map((spec) => spec.name), ...extra]);
		const inplace = args.get('inplace');
		if (inplace !== undefined && asBool(inplace, 'inplace')) {
			throw unsupported(call.start, 'in-place operations are outside the subset');
		}
		const attrs: Record<string, unknown> = {};
		const read = (spec: AttrSpec) => readAttr(spec, call, args, sizeMethod, attrs);
		// A size is read before the tensor (torch.reshape reports a bad size first).
		for (const spec of specs) if (spec.kind === 'shape') read(spec);
		const tensors = tensorNames.map((name) => need(call, args, name));
		if (self !== null) tensors.unshift(self);
		if (tensors.length > 1 && tensors.every((arg) => arg.value.kind === 'number')) {
			throw valueProblem(call.start, `${call.callee} needs at least one tensor`);
		}
		for (const spec of specs) if (spec.kind !== 'shape') read(spec);
		// A new tensor that needs no grad stays a leaf when reshaped, as in PyTorch.
		if (op.id === 'reshape') return this.reshape(call, tensors[0], attrs.shape as number[]);
		return this.op(
			op.id,
			call.start,
			tensors.map((arg, i) => [op.inputs[i], arg.value, arg.start]),
			attrs
		);
	}

	protected mseLoss(call: Call, input: Arg, target: Arg, reduction: string): Value {
		return this.op(
			'mse_loss',
			call.start,
			[
				['input', input.value, input.start],
				['target', target.value, target.start]
			],
			reduction === 'mean' ? {} : { reduction }
		);
	}

	protected reduction(name: string, call: Call, input: Arg, args: Map<string, Arg>): Value {
		const attrs: Record<string, unknown> = {};
		const dim = args.get('dim');
		if (dim !== undefined && dim.value.kind !== 'none') attrs.dim = asDims(dim);
		const keepdim = args.get('keepdim');
		if (keepdim !== undefined && asBool(keepdim, 'keepdim')) attrs.keepdim = true;
		return this.op(name, call.start, [['input', input.value, input.start]], attrs);
	}

	protected transpose(call: Call, input: Arg, args: Map<string, Arg>): Value {
		const dim0 = asInteger(need(call, args, 'dim0'), 'dim0');
		const dim1 = asInteger(need(call, args, 'dim1'), 'dim1');
		return this.op('transpose', call.start, [['input', input.value, input.start]], { dim0, dim1 });
	}

	protected reshape(call: Call, input: Arg, shape: number[]): Value {
		const value = input.value;
		if (value.kind === 'fresh' && !value.attrs.requiresGrad) {
			let newShape: number[];
			try {
				newShape = [...inferReshape(value.attrs.shape, shape)];
			} catch (error) {
				throw valueProblem(call.start, error instanceof Error ? error.message : String(error));
			}
			this.checkShape(newShape, call.start);
			return { ...value, attrs: { ...value.attrs, shape: newShape } };
		}
		return this.op('reshape', call.start, [['input', value, input.start]], { shape });
	}

	protected callMethod(self: Value, name: string, call: Call): Value {
		switch (self.kind) {
			case 'tensor':
			case 'fresh':
				return this.tensorMethod(self, name, call);
			case 'linear':
				return this.linearMethod(self, name, call);
			case 'opaque':
				if (self.what === 'an optimizer' && name === 'step') {
					throw unsupported(
						call.start,
						'optimizer.step() is outside the subset: the canvas shows one forward and backward pass (its Train button runs SGD)'
					);
				}
				return { kind: 'opaque', what: `${call.callee}()` };
			case 'string':
			case 'number':
			case 'sequence':
			case 'dict':
			case 'mse':
			case 'none':
			case 'bool':
			case 'dtype':
				return { kind: 'opaque', what: `${call.callee}()` };
			default:
				throw new ImportProblem(
					call.start,
					`${call.callee}() is not one of the functions the canvas imports`,
					'unknown-function'
				);
		}
	}

	protected tensorMethod(self: Value, name: string, call: Call): Value {
		const selfArg: Arg = { value: self, start: call.start };
		const op = METHOD_OPS.get(name);
		if (op !== undefined) return this.registryOp(op, call, selfArg);
		switch (name) {
			case 't':
				bindArgs(call, []);
				return this.transposeT(self, call.start);
			case 'backward': {
				const args = bindArgs(call, ['gradient', 'retain_graph', 'create_graph', 'inputs']);
				const gradient = args.get('gradient');
				if (gradient !== undefined && gradient.value.kind !== 'none') {
					throw unsupported(
						gradient.start,
						'backward(gradient) is outside the subset: call backward() on a one-element output'
					);
				}
				if (args.has('inputs'))
					throw unsupported(
						args.get('inputs')!.start,
						'backward(inputs=...) is outside the subset'
					);
				this.output = this.materialize(self, call.start, 'backward()');
				this.unnamed.delete(this.output);
				this.sideEffect = true;
				return { kind: 'none' };
			}
			case 'retain_grad': {
				bindArgs(call, []);
				const id = this.materialize(self, call.start, 'retain_grad()');
				this.setAttrs(id, { ...(this.node(id).attrs ?? {}), retainGrad: true });
				this.sideEffect = true;
				return { kind: 'tensor', node: id };
			}
			case 'requires_grad_': {
				const args = bindArgs(call, ['requires_grad']);
				const flag = args.has('requires_grad')
					? asBool(args.get('requires_grad')!, 'requires_grad')
					: true;
				if (self.kind === 'fresh') {
					if (flag && self.integer) throw integerGradProblem(call.start);
					return { ...self, attrs: { ...self.attrs, requiresGrad: flag } };
				}
				this.setRequiresGrad((self as { node: string }).node, flag, call.start);
				this.sideEffect = true;
				return self;
			}
			case 'detach':
				bindArgs(call, []);
				if (self.kind === 'fresh')
					return { ...self, attrs: { ...self.attrs, requiresGrad: false } };
				throw unsupported(call.start, 'detach() is outside the subset');
			case 'double':
				throw valueProblem(
					call.start,
					'the canvas computes in float32: .double() is outside the subset'
				);
		}
		if (IDENTITY_METHODS.has(name)) {
			const dtype = call.keywords.get('dtype') ?? call.args.find((a) => a.value.kind === 'dtype');
			if (dtype !== undefined) this.checkDtypeValue(dtype);
			return self;
		}
		if (OPAQUE_METHODS.has(name)) return { kind: 'opaque', what: `${call.callee}()` };
		if (name.endsWith('_') && !name.endsWith('__')) {
			throw unsupported(
				call.start,
				`in-place operations (${call.callee}()) are outside the subset`
			);
		}
		throw new ImportProblem(
			call.start,
			`${call.callee}(): Tensor.${excerpt(name)} is not one of the methods the canvas imports`,
			'unknown-function'
		);
	}

	protected linearForward(module: Linear, call: Call): Value {
		const args = bindArgs(call, ['input']);
		const input = need(call, args, 'input');
		const inputs: [string, Value | null, number][] = [
			['input', input.value, input.start],
			['weight', { kind: 'tensor', node: module.weight }, call.start]
		];
		if (module.bias !== null)
			inputs.push(['bias', { kind: 'tensor', node: module.bias }, call.start]);
		return this.op('linear', call.start, inputs);
	}

	protected linearMethod(module: Linear, name: string, call: Call): Value {
		switch (name) {
			case 'forward':
				return this.linearForward(module, call);
			case 'to':
			case 'cuda':
			case 'cpu':
			case 'float':
			case 'train':
			case 'eval':
				return module;
			case 'parameters':
			case 'named_parameters':
			case 'state_dict':
				return { kind: 'opaque', what: `${call.callee}()` };
			case 'zero_grad':
				return { kind: 'none' };
			case 'load_state_dict': {
				const args = bindArgs(call, ['state_dict', 'strict', 'assign']);
				this.loadStateDict(module, need(call, args, 'state_dict'));
				this.sideEffect = true;
				return { kind: 'opaque', what: '<All keys matched successfully>' };
			}
		}
		throw new ImportProblem(
			call.start,
			`${call.callee}(): nn.Linear.${excerpt(name)} is not one of the methods the canvas imports`,
			'unknown-function'
		);
	}

	protected loadStateDict(module: Linear, arg: Arg): void {
		if (arg.value.kind !== 'dict') {
			throw unsupported(
				arg.start,
				'load_state_dict takes a dict literal here: {"weight": torch.tensor(...), "bias": ...}'
			);
		}
		const expected = module.bias === null ? ['weight'] : ['weight', 'bias'];
		const keys = [...arg.value.entries.keys()];
		const missing = expected.filter((k) => !keys.includes(k));
		const unexpected = keys.filter((k) => !expected.includes(k));
		if (missing.length > 0 || unexpected.length > 0) {
			const lines = ['Error(s) in loading state_dict for Linear:'];
			if (missing.length > 0) lines.push(`Missing key(s) in state_dict: ${quoted(missing)}.`);
			if (unexpected.length > 0) {
				lines.push(`Unexpected key(s) in state_dict: ${quoted(unexpected)}.`);
			}
			throw valueProblem(arg.start, lines.join(' '));
		}
		for (const key of expected) {
			const entry = arg.value.entries.get(key)!;
			if (entry.value.kind !== 'fresh') {
				throw unsupported(
					entry.start,
					`load_state_dict takes new tensors here, such as torch.tensor([...]) or torch.zeros(...), for "${excerpt(key)}"`
				);
			}
			const id = key === 'weight' ? module.weight : module.bias!;
			const parameter = this.node(id);
			const current = isLeaf(parameter) ? parameter.attrs.shape : [];
			const shape = entry.value.attrs.shape;
			if (shape.join(',') !== current.join(',')) {
				throw valueProblem(
					entry.start,
					`size mismatch for ${key}: copying a param with shape torch.Size([${shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${current.join(', ')}]).`
				);
			}
			const retain = this.node(id).attrs?.retainGrad;
			this.setAttrs(id, {
				...entry.value.attrs,
				requiresGrad: true,
				...(retain === true ? { retainGrad: true } : {})
			});
		}
	}
}
