/**
 * One format per tensor, as PyTorch picks it (torch/_tensor_str.py `_Formatter`), wherever the UI
 * shows a tensor's numbers: the node's table (2 decimals for space), the heatmap's readout, the
 * chain-rule panel's matrices and its picked element. Expected texts are PyTorch's own prints,
 * recorded by scripts/golden/make_big_reprs.py (tests/engine/fixtures/big-reprs.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { elementText, texElement, texTensor } from '$lib/editor/ChainRulePanel/tex-values';
import type { TensorView } from '$lib/graph';
import { formatValue, tensorFormat } from '$lib/viz/TensorView/format';

interface SmallCase {
	values: (number | string)[];
	repr: string;
}

const fixture: {
	small: SmallCase[];
	scalars: { value: number | string; repr: string }[];
} = JSON.parse(readFileSync(new URL('../engine/fixtures/big-reprs.json', import.meta.url), 'utf8'));

const number = (v: number | string) =>
	typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v;
const view = (values: readonly number[], shape = [values.length]): TensorView => ({
	shape,
	data: Float32Array.from(values)
});
/** The elements of a 1-d repr as PyTorch wrote them, without the padding. */
const elements = (repr: string) =>
	repr
		.replace(/^tensor\(\[/, '')
		.replace(/\]\)$/, '')
		.split(',')
		.map((s) => s.trim());

describe("a tensor's numbers share PyTorch's format", () => {
	test.each(fixture.small.map((c) => [c.repr, c] as const))('%s', (repr, c) => {
		const tensor = view(c.values.map(number));
		const format = tensorFormat(tensor);
		expect(Array.from(tensor.data, format)).toEqual(elements(repr));
	});

	test.each(fixture.scalars.map((c) => [c.repr, c] as const))('alone: %s', (repr, c) => {
		expect(formatValue(Math.fround(number(c.value)))).toBe(repr.slice('tensor('.length, -1));
	});

	test('fewer decimals for space (the badge), the same mode for every element', () => {
		const mixed = tensorFormat(view([3, 7, -0.5, -2], [2, 2]), 2);
		expect([3, 7, -0.5, -2].map(mixed)).toEqual(['3.00', '7.00', '-0.50', '-2.00']);
		const integers = tensorFormat(view([3, 7, -1, -2], [2, 2]), 2);
		expect([3, 7, -1, -2].map(integers)).toEqual(['3.', '7.', '-1.', '-2.']);
		const tiny = tensorFormat(view([0, 7.9581e-12, 0.5, -2]), 2);
		expect([0, Math.fround(7.9581e-12), 0.5, -2].map(tiny)).toEqual([
			'0.00e+00',
			'7.96e-12',
			'5.00e-01',
			'-2.00e+00'
		]);
	});

	test('a big tensor is judged on what PyTorch prints of it: the first and last 3 along each dim', () => {
		// 1024x1024, zeros but tiny values at the corners: PyTorch prints all of it in scientific notation.
		const data = new Float32Array(1024 * 1024);
		data[0] = 7.9581e-12;
		data[1] = 0.5;
		data[data.length - 1] = 0.25;
		const big = { shape: [1024, 1024], data };
		const format = tensorFormat(big);
		expect(format(data[0])).toBe('7.9581e-12');
		expect(format(0)).toBe('0.0000e+00');
		expect(format(data[1])).toBe('5.0000e-01');
		// An element PyTorch does not print does not change the choice.
		data[5000] = 1e9;
		expect(tensorFormat({ shape: [1024, 1024], data })(0.5)).toBe('5.0000e-01');
	});
});

describe('the chain-rule panel writes a tensor in one format', () => {
	test('every entry of the matrix, and the picked element, as PyTorch prints the tensor', () => {
		const grad = view([3, 7, -0.5, -2], [2, 2]);
		const tex = texTensor(grad, 'g0', [0, 0]);
		expect(tex).toContain('{3.0000}');
		expect(tex).toContain('{-0.5000}');
		expect(tex).not.toMatch(/\{3\}/);
		expect(elementText(grad, [0, 0])).toBe('3.0000');
		expect(texElement(grad, [0, 0])).toBe('3.0000');
		expect(elementText(view([3, 7, -1, -2], [2, 2]), [0, 0])).toBe('3.');
	});

	test('a 1024x1024 gradient with tiny values: every entry shown in scientific notation', () => {
		const data = new Float32Array(1024 * 1024);
		for (let i = 0; i < data.length; i++) data[i] = (i % 7) * 1e-12;
		data[1] = 0.5;
		const grad = { shape: [1024, 1024], data };
		const tex = texTensor(grad, 'u', [0, 0]);
		const shown = [...tex.matchAll(/\\htmlData\{[^}]*\}\{((?:[^{}]|\{[^{}]*\})*)\}/g)].map(
			(m) => m[1]
		);
		expect(shown).toHaveLength(36);
		for (const entry of shown) expect(entry).toMatch(/^-?\d\.\d{4}\\mathrm\{e\}\{[+-]\d\d\}$/);
		expect(elementText(grad, [0, 0])).toBe('0.0000e+00');
		expect(elementText(grad, [0, 1])).toBe('5.0000e-01');
	});

	test('nan and infinities take no part in the choice', () => {
		const tensor = view([NaN, -Infinity, 2.5, 1], [2, 2]);
		expect(elementText(tensor, [0, 0])).toBe('nan');
		expect(elementText(tensor, [0, 1])).toBe('-inf');
		expect(elementText(tensor, [1, 1])).toBe('1.0000');
		expect(texTensor(tensor, 'o', [0, 0])).toContain('\\text{nan}');
	});
});
