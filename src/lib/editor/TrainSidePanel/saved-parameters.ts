/**
 * Autosave of the last trained parameters: written while training runs, read back when the
 * Train panel opens again (after closing it, or a reload), for the leaves that still fit.
 */
import type { GraphDocument } from '$lib/graph';
import { dict, own } from '$lib/util/dict';
import type { DocumentStorage } from '../persistence';

export const PARAMETERS_STORAGE_KEY = 'autograd-canvas.parameters';

export type ParameterValues = Record<string, number[]>;

const elementCount = (shape: readonly number[]) => shape.reduce((n, size) => n * size, 1);

/** Saves `values` (by node id); false when the storage refused them. */
export function saveParameters(
	storage: DocumentStorage | null,
	values: Readonly<Record<string, readonly number[]>>
): boolean {
	if (!storage) return false;
	try {
		storage.setItem(PARAMETERS_STORAGE_KEY, JSON.stringify({ version: 1, values }));
		return true;
	} catch {
		return false;
	}
}

/**
 * The saved parameters that still fit `doc`: leaves that require grad, with as many finite
 * numbers as their shape holds. Undefined when none do.
 */
export function loadParameters(
	storage: DocumentStorage | null,
	doc: GraphDocument
): ParameterValues | undefined {
	let saved: unknown;
	try {
		const text = storage?.getItem(PARAMETERS_STORAGE_KEY);
		if (!text) return undefined;
		saved = (JSON.parse(text) as { values?: unknown }).values;
	} catch {
		return undefined;
	}
	if (typeof saved !== 'object' || saved === null) return undefined;
	const values: ParameterValues = dict(); // by node id, which may be `__proto__`
	for (const node of doc.nodes) {
		const given = own(saved as Record<string, unknown>, node.id);
		const attrs = node.attrs as { shape?: number[]; requiresGrad?: boolean } | undefined;
		if (node.op !== 'tensor' || !attrs?.requiresGrad || !Array.isArray(attrs.shape)) continue;
		if (!Array.isArray(given) || given.length !== elementCount(attrs.shape)) continue;
		if (!given.every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
		values[node.id] = given as number[];
	}
	return Object.keys(values).length > 0 ? values : undefined;
}
