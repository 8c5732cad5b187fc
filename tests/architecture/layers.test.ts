/** Imports point one way (docs/ARCHITECTURE.md): engine <- graph <- code/viz/training <- editor <- routes. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ALLOWED, importsOf, readImports, sourceFiles, violations } from './layers';

const src = fileURLToPath(new URL('../../src', import.meta.url));

describe('layers', () => {
	test('no import in src/ points the wrong way', () => {
		const imports = readImports(src);
		// The scan finds the imports there are (a regex that found none would pass anything).
		expect(imports.filter((i) => i.from === 'graph' && i.to === 'engine').length).toBeGreaterThan(
			10
		);
		expect(imports.filter((i) => i.from === 'editor').length).toBeGreaterThan(20);
		expect(violations(imports).map((i) => `${i.file}: ${i.specifier}`)).toEqual([]);
	});

	test('every layer of src/lib is declared', () => {
		const layers = new Set(readImports(src).flatMap((i) => [i.from, i.to]));
		for (const layer of layers) expect(Object.keys(ALLOWED).concat('$app')).toContain(layer);
	});

	test('training is plain TypeScript: its Svelte components live in the editor', () => {
		const files = sourceFiles(join(src, 'lib/training'));
		expect(files.length).toBeGreaterThan(5);
		expect(files.filter((f) => /\.svelte(\.ts)?$/.test(f))).toEqual([]);
	});

	test("code reads only i18n's plain catalog: no Svelte in the generator", () => {
		const specifiers = readImports(src)
			.filter((i) => i.from === 'code' && i.to === 'i18n')
			.map((i) => i.specifier);
		expect(specifiers.length).toBeGreaterThan(0);
		expect(new Set(specifiers)).toEqual(new Set(['$lib/i18n/messages']));
	});

	test('the check catches each kind of wrong import', () => {
		const file = (path: string) => join(src, path);
		const wrong = [
			importsOf(src, file('lib/engine/tensor.ts'), "import { x } from '$lib/graph';"),
			importsOf(
				src,
				file('lib/engine/nn/module.ts'),
				"import type { Y } from '../../graph/types';"
			),
			importsOf(src, file('lib/graph/trace.ts'), "export { z } from '$lib/editor/context';"),
			importsOf(src, file('lib/code/parser.ts'), "const m = await import('$lib/training/client');"),
			importsOf(src, file('lib/training/model.ts'), "import '../../routes/+page.svelte';"),
			importsOf(src, file('lib/training/landscape.ts'), "import type { G } from '$lib/viz';"),
			importsOf(src, file('lib/training/session.ts'), "import { t } from '$lib/i18n';"),
			importsOf(src, file('lib/util/excerpt.ts'), "import { e } from '$lib/engine';")
		];
		for (const imports of wrong) {
			expect(imports).toHaveLength(1);
			expect(violations(imports)).toHaveLength(1);
		}
		const right = importsOf(
			src,
			file('lib/graph/trace.ts'),
			"import { a } from '$lib/engine';\nimport { b } from './types';"
		);
		expect(right).toHaveLength(1); // './types' stays in graph
		expect(violations(right)).toEqual([]);
	});
});
