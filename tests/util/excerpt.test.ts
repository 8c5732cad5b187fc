import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerpt, excerptValue, EXCERPT_CHARS } from '$lib/util/excerpt';

describe('excerpt', () => {
	it('keeps short text as it is', () => {
		expect(excerpt('weight')).toBe('weight');
		expect(excerpt('x'.repeat(EXCERPT_CHARS))).toBe('x'.repeat(EXCERPT_CHARS));
	});

	it('cuts long text to the limit, with an ellipsis', () => {
		const text = excerpt('a'.repeat(5_000_000));
		expect(Array.from(text)).toHaveLength(EXCERPT_CHARS);
		expect(text.endsWith('…')).toBe(true);
	});

	it('never splits a code point, and shows control characters as spaces', () => {
		expect(excerpt('😀'.repeat(100), 5)).toBe('😀😀😀😀…');
		expect(excerpt('a\nb\u0000c')).toBe('a b c');
	});

	it('is at most `max` code points for any text', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'grapheme', maxLength: 400 }),
				fc.integer({ min: 1, max: 120 }),
				(text, max) => {
					const shown = excerpt(text, max);
					expect(Array.from(shown).length).toBeLessThanOrEqual(max);
					if (Array.from(text).length <= max) expect(shown.length).toBe(text.length);
				}
			)
		);
	});

	it('shows any value', () => {
		expect(excerptValue(42)).toBe('42');
		expect(excerptValue(Object.create(null))).toBe('object');
	});
});
