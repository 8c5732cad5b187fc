/**
 * Objects keyed by the user's text (node ids, names, state dict keys) that never meet
 * Object.prototype: `__proto__`, `constructor` or `toString` are keys like any other. Writing
 * `out[key] = value` into `{}` with key `__proto__` would set the prototype instead of a key, and
 * reading a missing `constructor` from `{}` would find Object's. Where a Map does not fit (the
 * object is sent to a worker, written as JSON, or part of a public type), make it with `dict()`
 * and read it with `own()`.
 */

/** An empty object with no prototype. */
export function dict<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

/** A prototype-free copy of `entries` (later entries win). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
	const out = dict<T>();
	for (const [key, value] of entries) out[key] = value;
	return out;
}

/** `object[key]` when it is the object's own property; undefined otherwise (never inherited). */
export function own<T>(object: Readonly<Record<string, T>> | null | undefined, key: string) {
	return object != null && Object.hasOwn(object, key) ? object[key] : undefined;
}
