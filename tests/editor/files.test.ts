import { describe, expect, it } from 'vitest';
import { datedName, titledName } from '$lib/editor/files';
import { cleanTitle, MAX_TITLE } from '$lib/editor/store/documents';

describe('file names', () => {
	it('titledName keeps a name readable and safe on every file system', () => {
		expect(titledName('Week 3: ReLU', 'json')).toBe('Week 3- ReLU.json');
		expect(titledName('a/b\\c?*<>|"d', 'json')).toBe('a-b-c------d.json');
		expect(titledName('tab\there\u0000', 'json')).toBe('tab-here-.json');
		expect(titledName(' ... ', 'json')).toBe('graph.json');
		expect(titledName('第三周：线性回归', 'json')).toBe('第三周：线性回归.json');
		expect(titledName('x'.repeat(200), 'json')).toBe(`${'x'.repeat(60)}.json`);
		// A name that ends in the extension gets it once.
		expect(titledName('a/b.json', 'json')).toBe('a-b.json');
	});

	it('datedName names by the day', () => {
		expect(datedName('graph', 'json', new Date('2026-12-07T10:00:00Z'))).toBe(
			'graph-2026-12-07.json'
		);
	});

	it('cleanTitle: one line, trimmed, at most MAX_TITLE characters, empty is none', () => {
		expect(cleanTitle('  a \n b  ')).toBe('a b');
		expect(cleanTitle('   ')).toBeNull();
		expect(cleanTitle(null)).toBeNull();
		expect(cleanTitle('😀'.repeat(100))).toBe('😀'.repeat(MAX_TITLE));
		// Characters as a reader counts them: an emoji family is never cut in the middle.
		const family = '👩‍👩‍👧‍👦';
		expect(cleanTitle(family.repeat(100))).toBe(family.repeat(MAX_TITLE));
	});
});
