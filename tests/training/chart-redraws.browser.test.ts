/**
 * While training, the fit and landscape charts move only what moved: a new line or a longer
 * trajectory leaves the data points, the contours and the axes untouched (rewriting them, even
 * unchanged, costs a layout and a repaint of every contour each frame); a new grid or new data
 * redraws them. Observed as DOM mutations, never as times.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { formulaData, landscapeBounds, lossGrid, lossStats } from '$lib/training';
import { drawCounts, FitChart, LandscapeChart } from '$lib/viz';

afterEach(() => {
	document.body.innerHTML = '';
});

/** Mutations under `selector` in `svg`, from now until `stop()`. */
function watch(svg: SVGSVGElement, selector: string) {
	const seen: MutationRecord[] = [];
	const observer = new MutationObserver((records) => seen.push(...records));
	observer.observe(svg.querySelector(selector)!, {
		attributes: true,
		childList: true,
		subtree: true,
		characterData: true
	});
	return () => {
		seen.push(...observer.takeRecords());
		observer.disconnect();
		return seen.length;
	};
}

/** Waits until `svg` has been drawn more than `count` times. */
const drawnAfter = (svg: SVGSVGElement, count: number) =>
	expect.poll(() => drawCounts.get(svg) ?? 0).toBeGreaterThan(count);

describe('chart redraws while training', () => {
	test('the landscape: a longer path moves the overlay only; a new grid redraws the contours', async () => {
		const data = formulaData();
		const stats = lossStats(data);
		const grid = lossGrid(stats, landscapeBounds(stats, null));
		const trajectory = (n: number) => ({
			w: Float64Array.from({ length: n }, (_, i) => (2 * i) / n),
			b: Float64Array.from({ length: n }, (_, i) => i / n)
		});
		const screen = await render(LandscapeChart, {
			grid,
			trajectory: trajectory(10),
			current: { w: 0.5, b: 0.2 }
		});
		const svg = screen.container.querySelector('svg.plot') as SVGSVGElement;
		await drawnAfter(svg, 0);
		await expect.poll(() => svg.querySelectorAll('.contours path').length).toBeGreaterThan(3);
		const contours = watch(svg, '.contours');
		const axes = watch(svg, '.axes');
		const overlay = watch(svg, '.overlay');
		let count = drawCounts.get(svg)!;
		await screen.rerender({ grid, trajectory: trajectory(200), current: { w: 1.9, b: 0.9 } });
		await drawnAfter(svg, count);
		expect([contours(), axes()]).toEqual([0, 0]);
		expect(overlay()).toBeGreaterThan(0);
		// Another grid: the contours are drawn again.
		const wider = lossGrid(stats, { w: [-5, 9], b: [-6, 8] });
		const again = watch(svg, '.contours');
		count = drawCounts.get(svg)!;
		await screen.rerender({
			grid: wider,
			trajectory: trajectory(200),
			current: { w: 1.9, b: 0.9 }
		});
		await drawnAfter(svg, count);
		expect(again()).toBeGreaterThan(0);
	});

	test('the fit: a new line moves the line only; new data redraws the points', async () => {
		const data = formulaData();
		const screen = await render(FitChart, { x: data.x, y: data.y, line: { w: 0.5, b: 0 } });
		const svg = screen.container.querySelector('svg.plot') as SVGSVGElement;
		await drawnAfter(svg, 0);
		await expect.poll(() => svg.querySelectorAll('.points circle').length).toBe(11);
		const points = watch(svg, '.points');
		const axes = watch(svg, '.axes');
		let count = drawCounts.get(svg)!;
		await screen.rerender({ x: data.x, y: data.y, line: { w: 1.9, b: 0.9 } });
		await drawnAfter(svg, count);
		expect([points(), axes()]).toEqual([0, 0]);
		expect(svg.querySelector('line.fitted')?.getAttribute('display')).toBeNull();
		const more = watch(svg, '.points');
		count = drawCounts.get(svg)!;
		await screen.rerender({ x: [...data.x, 11], y: [...data.y, 30], line: { w: 1.9, b: 0.9 } });
		await drawnAfter(svg, count);
		expect(more()).toBeGreaterThan(0);
		expect(svg.querySelectorAll('.points circle')).toHaveLength(12);
	});
});
