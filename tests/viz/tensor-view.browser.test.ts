/**
 * The node's value table writes a tensor in one format, with 2 decimals for space: a gradient
 * of integers and halves reads `3.00 7.00 -0.50 -2.00`, never `3.  7.  -0.50  -2.`. A heatmap is
 * drawn whole, with a legend in the tensor's format and a readout over it while pointed at.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { TensorView } from '$lib/viz/TensorView';
import { heatmapSize } from '$lib/viz/TensorView/heatmap';

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

describe('TensorView heatmap', () => {
	const legend = (container: HTMLElement) =>
		container
			.querySelector('[data-testid="tensor-legend"]')
			?.textContent?.replace(/\s+/g, ' ')
			.trim();
	const readout = (container: HTMLElement) =>
		container.querySelector<HTMLElement>('[data-testid="tensor-readout"]');

	/** A pointer move over the heatmap at a fraction of its width and height. */
	function point(image: HTMLImageElement, fx: number, fy: number) {
		const r = image.getBoundingClientRect();
		image.dispatchEvent(
			new PointerEvent('pointermove', {
				bubbles: true,
				clientX: r.left + r.width * fx,
				clientY: r.top + r.height * fy
			})
		);
	}

	test('a grad of ones: drawn whole, and the legend says all = 1.', async () => {
		const tensor = { shape: [1024, 1024], data: new Float32Array(1024 * 1024).fill(1) };
		const { container } = await render(TensorView, { tensor, role: 'grad' });
		const image = container.querySelector<HTMLImageElement>('img.heatmap')!;
		expect({ width: image.width, height: image.height }).toEqual(heatmapSize([1024, 1024]));
		expect(legend(container)).toBe('all = 1.');
	});

	test("the legend: the least and the greatest value, in the tensor's one format", async () => {
		const data = new Float32Array(100).fill(1.5);
		data[37] = -2.5;
		data[98] = 3.25;
		const { container } = await render(TensorView, {
			tensor: { shape: [10, 10], data },
			role: 'value'
		});
		expect(legend(container)).toBe('-2.5000 3.2500');
		// Spanning more than 1000x: scientific, as PyTorch prints it.
		const wide = Float32Array.from({ length: 25 }, (_, i) => (i === 0 ? 1e-6 : i));
		document.body.innerHTML = '';
		const second = await render(TensorView, {
			tensor: { shape: [5, 5], data: wide },
			role: 'value'
		});
		expect(legend(second.container)).toBe('1.0000e-06 2.4000e+01');
	});

	test('the readout: only while pointed at, over the heatmap, away from the pointer', async () => {
		// Each element is its row's index.
		const data = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.floor(i / 64));
		const { container } = await render(TensorView, {
			tensor: { shape: [64, 64], data },
			role: 'value'
		});
		const image = container.querySelector<HTMLImageElement>('img.heatmap')!;
		expect(readout(container)).toBeNull();

		point(image, 0.01, 0.99);
		await expect.poll(() => readout(container)?.textContent).toBe('[63, 0] = 63.');
		const area = container
			.querySelector<HTMLElement>('[data-role="value"]')!
			.getBoundingClientRect();
		let r = readout(container)!.getBoundingClientRect();
		let i = image.getBoundingClientRect();
		expect(r.top).toBeCloseTo(i.top, 0);
		expect(r.left).toBeGreaterThanOrEqual(area.left);
		expect(r.right).toBeLessThanOrEqual(area.right);

		point(image, 0.99, 0.01);
		await expect.poll(() => readout(container)?.textContent).toBe('[0, 63] = 0.');
		r = readout(container)!.getBoundingClientRect();
		i = image.getBoundingClientRect();
		expect(r.bottom).toBeCloseTo(i.bottom, 0);

		image.dispatchEvent(new PointerEvent('pointerleave'));
		await expect.poll(() => readout(container)).toBeNull();
	});
});
