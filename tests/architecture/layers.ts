/**
 * The layers of src/ and which way imports may go (docs/ARCHITECTURE.md draws it). A module may
 * import from its own layer and from the layers listed for it, nothing else.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Each layer and the layers it may import from (besides itself). */
export const ALLOWED: Record<string, readonly string[]> = {
	util: [],
	i18n: ['util'],
	engine: ['util'],
	graph: ['engine', 'util'],
	viz: ['graph', 'engine', 'util', 'i18n'],
	// The generated program's comments are in the UI's language: the message catalog.
	code: ['graph', 'engine', 'util', 'i18n'],
	training: ['graph', 'engine', 'util'],
	lessons: ['training', 'graph', 'engine', 'util', 'i18n'],
	tutorial: ['lessons', 'training', 'code', 'graph', 'engine', 'util', 'viz', 'i18n', '$app'],
	editor: ['lessons', 'training', 'code', 'graph', 'engine', 'util', 'viz', 'i18n', '$app'],
	routes: [
		'editor',
		'tutorial',
		'training',
		'code',
		'graph',
		'engine',
		'util',
		'viz',
		'i18n',
		'$app'
	]
};

export interface Import {
	file: string;
	from: string;
	to: string;
	specifier: string;
}

const IMPORT =
	/(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The layer of a file under `src/` (its first folder under lib/, or `routes`), or null. */
export function layerOf(src: string, file: string): string | null {
	const parts = relative(src, file).split(sep);
	if (parts[0] === 'routes') return 'routes';
	if (parts[0] === 'lib' && parts.length > 2) return parts[1];
	return null;
}

/** The layer an import specifier points into, from `file` (null: a package, not ours). */
export function targetOf(src: string, file: string, specifier: string): string | null {
	if (specifier.startsWith('$app/')) return '$app';
	if (specifier.startsWith('$lib/')) return specifier.slice(5).split('/')[0];
	if (specifier === '$lib') return 'lib';
	if (specifier.startsWith('.')) return layerOf(src, resolve(dirname(file), specifier));
	return null;
}

/** Every import of one file's text between our layers. */
export function importsOf(src: string, file: string, text: string): Import[] {
	const from = layerOf(src, file);
	if (from === null) return [];
	const out: Import[] = [];
	for (const match of text.matchAll(IMPORT)) {
		const specifier = match[1] ?? match[2];
		const to = targetOf(src, file, specifier);
		if (to !== null && to !== from) out.push({ file: relative(src, file), from, to, specifier });
	}
	return out;
}

/** The imports that point the wrong way. */
export function violations(imports: readonly Import[]): Import[] {
	return imports.filter((i) => !(ALLOWED[i.from] ?? []).includes(i.to));
}

/** Every .ts and .svelte file under `dir`. */
export function sourceFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
		else if (/\.(ts|svelte)$/.test(name)) out.push(path);
	}
	return out;
}

export function readImports(src: string): Import[] {
	return sourceFiles(src).flatMap((file) => importsOf(src, file, readFileSync(file, 'utf8')));
}
