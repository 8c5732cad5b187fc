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
