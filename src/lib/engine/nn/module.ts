/** `nn.Module`: parameters, children, state dicts and repr, as in PyTorch. */
import { noGrad } from '../autograd';
import { device as checkDevice, type Device } from '../device';
import { runtimeError } from '../errors';
import { sameShape } from '../shape';
import type { Tensor } from '../tensor';
import { dict } from '../../util/dict';
import { excerpt } from '../../util/excerpt';

export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` returns; prints like PyTorch's `_IncompatibleKeys`. */
export class IncompatibleKeys {
	constructor(
		readonly missingKeys: string[],
		readonly unexpectedKeys: string[]
	) {}
	toString(): string {
		if (this.missingKeys.length === 0 && this.unexpectedKeys.length === 0) {
			return '<All keys matched successfully>';
		}
		return `_IncompatibleKeys(missing_keys=[${this.missingKeys.map((k) => `'${k}'`).join(', ')}], unexpected_keys=[${this.unexpectedKeys.map((k) => `'${k}'`).join(', ')}])`;
	}
}

/** Keys a load_state_dict message lists; past them it says how many more there are. */
export const MAX_LISTED_KEYS = 10;

/** PyTorch's `"a", "b"`, each key cut to 80 characters, and at most MAX_LISTED_KEYS of them. */
export function quoted(keys: readonly string[]): string {
	const listed = keys.slice(0, MAX_LISTED_KEYS).map((k) => `"${excerpt(k)}"`);
	if (keys.length > MAX_LISTED_KEYS) listed.push(`and ${keys.length - MAX_LISTED_KEYS} more`);
	return listed.join(', ');
}

const sizeText = (shape: readonly number[]) => `torch.Size([${excerpt(shape.join(', '))}])`;

export abstract class Module {
	private readonly parameterSlots = new Map<string, Tensor | null>();
	private readonly children = new Map<string, Module>();
	training = true;

	/** Modules are called with `forward` (JavaScript objects cannot be called). */
	abstract forward(...inputs: Tensor[]): Tensor;

	protected registerParameter(name: string, parameter: Tensor | null): void {
		if (parameter && !parameter.isLeaf) {
			throw runtimeError(`cannot assign a non-leaf tensor as parameter '${name}'`);
		}
		this.parameterSlots.set(name, parameter);
	}

	protected registerModule<M extends Module>(name: string, module: M): M {
		this.children.set(name, module);
		return module;
	}

	/** A parameter by its local name (subclasses expose them as properties). */
	protected parameter(name: string): Tensor | null {
		return this.parameterSlots.get(name) ?? null;
	}

	*namedParameters(prefix = ''): Generator<[string, Tensor]> {
		for (const [name, p] of this.parameterSlots) if (p) yield [prefix + name, p];
		for (const [name, child] of this.children) yield* child.namedParameters(`${prefix}${name}.`);
	}

	parameters(): Tensor[] {
		return Array.from(this.namedParameters(), ([, p]) => p);
	}

	*namedChildren(): Generator<[string, Module]> {
		yield* this.children;
	}

	/** Detached tensors keyed like PyTorch (`weight`, `linear.bias`). */
	stateDict(): StateDict {
		// Keys are parameter names, which may be `__proto__`: an object with no prototype.
		const out: StateDict = dict();
		for (const [name, p] of this.namedParameters()) out[name] = p.detach();
		return out;
	}

	/**
	 * Copy values in from a state dict. Size mismatches always raise; with `strict` (the default)
	 * missing and unexpected keys raise too. On any error nothing is loaded.
	 */
	loadStateDict(stateDict: StateDict, options: { strict?: boolean } = {}): IncompatibleKeys {
		const strict = options.strict ?? true;
		const own = new Map(this.namedParameters());
		const missing = [...own.keys()].filter((k) => !Object.hasOwn(stateDict, k));
		const unexpected = Object.keys(stateDict).filter((k) => !own.has(k));
		const errors: string[] = [];
		// PyTorch's order: missing keys, unexpected keys, then size mismatches.
		if (strict && missing.length) errors.push(`Missing key(s) in state_dict: ${quoted(missing)}. `);
		if (strict && unexpected.length) {
			errors.push(`Unexpected key(s) in state_dict: ${quoted(unexpected)}. `);
		}
		let mismatches = 0;
		for (const [key, p] of own) {
			if (!Object.hasOwn(stateDict, key)) continue;
			const value = stateDict[key];
			if (!sameShape(value.shape, p.shape) && mismatches++ < MAX_LISTED_KEYS) {
				errors.push(
					`size mismatch for ${excerpt(key)}: copying a param with shape ${sizeText(value.shape)} from checkpoint, the shape in current model is ${sizeText(p.shape)}.`
				);
			}
		}
		if (mismatches > MAX_LISTED_KEYS) {
			errors.push(`and ${mismatches - MAX_LISTED_KEYS} more size mismatches.`);
		}
		if (errors.length) {
			throw runtimeError(
				`Error(s) in loading state_dict for ${this.typeName}:\n\t${errors.join('\n\t')}`
			);
		}
		noGrad(() => {
			for (const [key, p] of own) if (Object.hasOwn(stateDict, key)) p.copy_(stateDict[key]);
		});
		return new IncompatibleKeys(missing, unexpected);
	}

	/**
	 * Moves every parameter (and its `.grad`) to `device`, in place in the module: each becomes
	 * a new leaf on that device that requires grad as before (PyTorch's `module.to`). As in
	 * PyTorch, build the optimizer after moving the model. Reading a device back to the CPU is
	 * asynchronous: use `toAsync('cpu')` for that.
	 */
	to(device: Device | string): this {
		const target = checkDevice(device);
		for (const [slot, p] of this.movable(target)) {
			const grad = p.gradSilently;
			const moved = noGrad(() => p.detach().to(target)).requiresGrad_(p.requiresGrad);
			if (grad) moved.grad = noGrad(() => grad.to(target));
			this.parameterSlots.set(slot, moved);
		}
		for (const child of this.children.values()) child.to(target);
		return this;
	}

	/** `to`, including moves from a device back to the CPU (which read the device's values). */
	async toAsync(device: Device | string): Promise<this> {
		const target = checkDevice(device);
		for (const [slot, p] of this.movable(target)) {
			const grad = p.gradSilently;
			const moved = (await p.detach().toAsync(target)).requiresGrad_(p.requiresGrad);
			if (grad) moved.grad = await grad.toAsync(target);
			this.parameterSlots.set(slot, moved);
		}
		for (const child of this.children.values()) await child.toAsync(target);
		return this;
	}

	private movable(device: Device): [string, Tensor][] {
		return [...this.parameterSlots].filter(
			(entry): entry is [string, Tensor] => entry[1] !== null && entry[1].device !== device
		);
	}

	train(mode = true): this {
		this.training = mode;
		for (const child of this.children.values()) child.train(mode);
		return this;
	}

	eval(): this {
		return this.train(false);
	}

	zeroGrad(options: { setToNone?: boolean } = {}): void {
		for (const p of this.parameters()) zeroGradOf(p, options.setToNone ?? true);
	}

	/** One-line description used inside the repr (`in_features=1, ...`). */
	protected extraRepr(): string {
		return '';
	}

	/**
	 * The class name PyTorch's repr and messages print: the class's own static `pythonName` when
	 * it sets one, else its JavaScript name. A bundler may rename a class whose name another class
	 * in the same chunk has (`Linear$1`): the engine's own classes name themselves.
	 */
	get typeName(): string {
		const type = this.constructor as { name: string; pythonName?: string };
		return Object.hasOwn(type, 'pythonName') && type.pythonName ? type.pythonName : type.name;
	}

	toString(): string {
		const name = this.typeName;
		if (this.children.size === 0) return `${name}(${this.extraRepr()})`;
		const lines = [...this.children].map(
			([childName, child]) => `  (${childName}): ${child.toString().split('\n').join('\n  ')}`
		);
		return `${name}(\n${lines.join('\n')}\n)`;
	}
}

export function zeroGradOf(p: Tensor, setToNone: boolean): void {
	const grad = p.gradSilently;
	if (grad === null) return;
	if (setToNone) p.grad = null;
	else noGrad(() => grad.zero_());
}
