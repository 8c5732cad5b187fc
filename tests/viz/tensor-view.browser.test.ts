/**
 * The node's value table writes a tensor in one format, with 2 decimals for space: a gradient
 * of integers and halves reads `3.00 7.00 -0.50 -2.00`, never `3.  7.  -0.50  -2.`.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { TensorView } from '$lib/viz/TensorView';

afterEach(() => {
	document.body.innerHTML = '';
});

const cells = (container: HTMLElement) =>
	Array.from(container.querySelectorAll('td'), (td) => td.textContent);

describe('TensorView table', () => {
	test('integers beside a fraction: every cell in fixed notation', async () => {
		const tensor = { shape: [2, 2], data: Float32Array.from([3, 7, -0.5, -2]) };
		const { container } = await render(TensorView, { tensor, role: 'grad' });
		expect(cells(container)).toEqual(['3.00', '7.00', '-0.50', '-2.00']);
	});

	test('all integers: every cell with a trailing dot', async () => {
		const tensor = { shape: [4], data: Float32Array.from([3, 7, -1, 0]) };
		const { container } = await render(TensorView, { tensor, role: 'value' });
		expect(cells(container)).toEqual(['3.', '7.', '-1.', '0.']);
	});

	test('tiny beside large: every cell in scientific notation', async () => {
		const tensor = { shape: [3], data: Float32Array.from([0, 1e-12, 0.5]) };
		const { container } = await render(TensorView, { tensor, role: 'grad' });
		expect(cells(container)).toEqual(['0.00e+00', '1.00e-12', '5.00e-01']);
	});
});
