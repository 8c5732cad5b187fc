/**
 * Issue 10, section 6: the engine's repr and tolist of tensors of millions of elements work
 * (no spreading elements into a call, no recursion over elements) and print exactly as PyTorch
 * does: `...` with 3 edge items along every dim longer than 6. Expected texts were recorded with
 * PyTorch by scripts/golden/make_big_reprs.py (tests/engine/fixtures/big-reprs.json).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as torch from '$lib/engine';

interface BigCase {
	id: string;
	shape: number[];
	divisor?: number;
	offset?: number;
	repr?: string;
	length?: number;
	sha256?: string;
}

interface SmallCase {
	values: (number | string)[];
	repr: string;
}

const fixture: {
	torch: string;
	cases: BigCase[];
	small: SmallCase[];
	scalars: { value: number | string; repr: string }[];
} = JSON.parse(readFileSync(new URL('./fixtures/big-reprs.json', import.meta.url), 'utf8'));

/** The case's tensor, by the same float32 steps as the script. */
function build(c: BigCase): torch.Tensor {
	const count = c.shape.reduce((a, b) => a * b, 1);
	let t = torch.arange(count).reshape(c.shape);
	if (c.divisor !== undefined) t = t.div(c.divisor);
	if (c.offset !== undefined) t = t.sub(c.offset);
	return t;
}

describe('big-reprs fixture', () => {
	test('was made by PyTorch and holds summarised and full cases', () => {
		expect(fixture.torch).toMatch(/^\d+\.\d+/);
		expect(fixture.cases.some((c) => c.repr?.includes('...'))).toBe(true);
		expect(fixture.cases.some((c) => c.sha256 !== undefined)).toBe(true);
		expect(fixture.small.length).toBeGreaterThanOrEqual(5);
	});
});

describe("String(tensor) of big tensors is PyTorch's", () => {
	test.each(fixture.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
		const text = String(build(c));
		if (c.repr !== undefined) {
			expect(text).toBe(c.repr);
			// Summarised: at most 7 items along each dim, whatever the size.
			expect(text.length).toBeLessThan(10_000);
		} else {
			// Every dim is at most 6 long: PyTorch prints all 1,679,616 elements.
			expect(text.length).toBe(c.length);
			expect(createHash('sha256').update(text).digest('hex')).toBe(c.sha256);
		}
	});

	test('summarises a 2048 x 2048 randn with 3 edge items per dim', () => {
		torch.manualSeed(0);
		const t = torch.randn([2048, 2048]);
		const lines = String(t).split('\n');
		// 3 rows, the `...` row, 3 rows.
		expect(lines).toHaveLength(7);
		expect(lines[3].trim()).toBe('...,');
		// Each row: 3 values, `...`, 3 values.
		const first = lines[0].replace(/^tensor\(\[\[/, '').replace(/\],$/, '');
		const items = first.split(',').map((s) => s.trim());
		expect(items).toHaveLength(7);
		expect(items[3]).toBe('...');
		expect(Number(items[0])).toBeCloseTo((t.tolist() as number[][])[0][0], 4);
	});
});

describe('small reprs that fix the formatter mode and width', () => {
	test.each(fixture.small.map((c) => [c.repr, c] as const))('%s', (repr, c) => {
		const values = c.values.map((v) =>
			typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v
		);
		expect(String(torch.tensor(values))).toBe(repr);
	});

	test.each(fixture.scalars.map((c) => [c.repr, c] as const))('0-d: %s', (repr, c) => {
		const value =
			typeof c.value === 'string' ? Number(c.value.replace('inf', 'Infinity')) : c.value;
		expect(String(torch.tensor(value))).toBe(repr);
	});
});

describe('tolist of big tensors', () => {
	test('a 2048 x 2048 tensor gives 2048 rows of 2048 numbers, in order', () => {
		const t = torch.arange(2048 * 2048).reshape([2048, 2048]);
		const rows = t.tolist() as number[][];
		expect(rows).toHaveLength(2048);
		expect(rows[2047]).toHaveLength(2048);
		expect(rows[0][1]).toBe(1);
		expect(rows[1][0]).toBe(2048);
		expect(rows[2047][2047]).toBe(2048 * 2048 - 1);
	});

	test('a tensor of 6^8 elements in 8 dims nests 8 deep', () => {
		const t = torch.arange(6 ** 8).reshape([6, 6, 6, 6, 6, 6, 6, 6]);
		let level: unknown = t.tolist();
		for (let d = 0; d < 8; d++) {
			expect(level).toHaveLength(6);
			level = (level as unknown[])[5];
		}
		expect(level).toBe(6 ** 8 - 1);
	});
});

describe('saving a big state dict', () => {
	test('the JSON format refuses it up front with a clear message; safetensors saves it', () => {
		const weight = torch.zeros([2048, 2049]);
		expect(() => torch.saveStateDict({ weight }, 'json')).toThrow(
			'a state dict of 4196352 numbers is too big for the JSON format (at most 4194304): save it as safetensors'
		);
		const bytes = torch.saveStateDict({ weight }, 'safetensors');
		expect(bytes.length).toBeGreaterThan(4 * 2048 * 2049);
		expect(torch.loadStateDict(bytes).weight.shape).toEqual([2048, 2049]);
	});
});
