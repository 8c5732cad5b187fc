/** Writing documents: pretty JSON in a stable key order, with number lists kept on one line. */
import { canonicalEdge, canonicalNode } from './schema';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from './types';

export function emptyDocument(): GraphDocument {
	return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] };
}

/** A copy of `doc` with every object's keys in their declared order. */
export function canonicalDocument(doc: GraphDocument): GraphDocument {
	return {
		format: doc.format,
		version: doc.version,
		nodes: doc.nodes.map(canonicalNode),
		edges: doc.edges.map(canonicalEdge)
	};
}

const isPrimitive = (value: unknown) => value === null || typeof value !== 'object';

/** The longest object written on one line. */
const INLINE_WIDTH = 90;

/**
 * JSON with tabs: lists of plain values on one line (`[3, 4]`), small flat objects too
 * (`{ "x": 0, "y": 140 }`, edges), anything else one entry a line.
 */
function pretty(value: unknown, indent: string): string {
	if (isPrimitive(value)) return JSON.stringify(value) ?? 'null';
	const inner = indent + '\t';
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		if (value.every(isPrimitive)) {
			return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
		}
		return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
	}
	const entries = Object.entries(value as Record<string, unknown>).filter(
		([, v]) => v !== undefined
	);
	if (entries.length === 0) return '{}';
	if (entries.every(([, v]) => isPrimitive(v))) {
		const line = `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
		if (line.length <= INLINE_WIDTH) return line;
	}
	const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`);
	return `{\n${lines.join(',\n')}\n${indent}}`;
}

/**
 * The document as a file: pretty JSON, keys in a stable order (format, version, nodes, edges;
 * id, op, name, position, attrs; attrs in their declared order), ending with a newline.
 * `parseDocument(serializeDocument(doc))` gives back an equal document.
 */
export function serializeDocument(doc: GraphDocument): string {
	return pretty(canonicalDocument(doc), '') + '\n';
}

/** The document as compact JSON (for share links), in the same key order. */
export function compactDocument(doc: GraphDocument): string {
	return JSON.stringify(canonicalDocument(doc));
}

const utf8 = new TextEncoder();
/** Each node's and edge's bytes in the saved file (they are immutable: computed once each). */
const elementBytes = new WeakMap<object, number>();

/** The bytes `pretty` writes for one element of the nodes or edges list. */
function listElementBytes<T extends object>(item: T, canonical: (item: T) => unknown): number {
	let bytes = elementBytes.get(item);
	if (bytes === undefined) {
		bytes = utf8.encode(pretty(canonical(item), '\t\t')).length;
		elementBytes.set(item, bytes);
	}
	return bytes;
}

/** The bytes `pretty` writes for a list of objects at the document's first level. */
function listBytes<T extends object>(items: readonly T[], canonical: (item: T) => unknown): number {
	if (items.length === 0) return 2; // []
	let sum = 0;
	for (const item of items) sum += listElementBytes(item, canonical);
	// "[\n", then each item indented by two tabs, joined by ",\n", then "\n\t]".
	return 2 + items.length * 2 + sum + (items.length - 1) * 2 + 3;
}

/**
 * The size in bytes of `serializeDocument(doc)`, without writing it: each node and edge is
 * measured once (documents are immutable, and an edit shares the nodes it did not change), so an
 * edit to a graph holding 100,000-value leaves costs almost nothing. The one size limit
 * (MAX_FILE_BYTES) applies to this number: what the editor holds, Save writes and Open reads.
 */
export function documentBytes(doc: GraphDocument): number {
	const skeleton = utf8.encode(
		serializeDocument({ format: doc.format, version: doc.version, nodes: [], edges: [] })
	).length;
	return skeleton - 4 + listBytes(doc.nodes, canonicalNode) + listBytes(doc.edges, canonicalEdge);
}
