/**
 * A loaded state dict's keys matched to the model's. PyTorch names a parameter by the module
 * path to it: the tutorial's `LinearRegressionModel` holds `self.linear = nn.Linear(1, 1)`, so
 * its file says `linear.weight`, where a bare `nn.Linear` (the app's Linear regression) says
 * `weight`. A file keyed either way loads: when no key matches as it is, the file's common module
 * prefix is swapped for the model's. Anything else is left to load_state_dict, whose messages
 * (missing, unexpected keys, size mismatches) are PyTorch's.
 */
import { dict } from '$lib/util/dict';
import type { Tensor } from '$lib/engine/core';

/** The dotted module path every key shares (`linear.`), never a whole key; '' when none. */
export function commonModulePrefix(keys: readonly string[]): string {
	if (keys.length === 0) return '';
	const split = keys.map((key) => key.split('.'));
	let shortest = Infinity;
	for (const parts of split) shortest = Math.min(shortest, parts.length);
	const shared: string[] = [];
	for (let i = 0; i < shortest - 1; i++) {
		const part = split[0][i];
		if (!split.every((parts) => parts[i] === part)) break;
		shared.push(part);
	}
	return shared.length ? `${shared.join('.')}.` : '';
}

/**
 * `stateDict` as is when one of `modelKeys` is in it, or when renaming cannot help; else with its
 * module prefix replaced by the model's (`linear.weight` -> `weight`, or back), in its order.
 */
export function alignStateDictKeys(
	stateDict: Readonly<Record<string, Tensor>>,
	modelKeys: readonly string[]
): Record<string, Tensor> {
	const keys = Object.keys(stateDict);
	if (modelKeys.some((key) => Object.hasOwn(stateDict, key))) return stateDict;
	const from = commonModulePrefix(keys);
	const to = commonModulePrefix(modelKeys);
	if (from === to) return stateDict;
	const renamed = dict<Tensor>(); // keys from a file, which may be `__proto__`
	for (const key of keys) renamed[to + key.slice(from.length)] = stateDict[key];
	return modelKeys.some((key) => Object.hasOwn(renamed, key)) ? renamed : stateDict;
}
