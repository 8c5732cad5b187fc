/** A d3 heatmap of a tensor seen as a matrix: one <rect> per cell (a block of a large tensor). */
import { interpolateRdBu, scaleDiverging, select } from 'd3';
import type { Pooled } from '$lib/graph';

export function drawHeatmap(svg: SVGSVGElement, map: Pooled, cellSize: number): void {
	const extent = Math.max(1e-12, map.extent);
	const colour = scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]);
	const cells = Array.from({ length: map.rows * map.cols }, (_, k) => ({
		i: Math.floor(k / map.cols),
		j: k % map.cols,
		value: map.cells[k]
	}));
	select(svg)
		.attr('viewBox', `0 0 ${map.cols * cellSize} ${map.rows * cellSize}`)
		.selectAll('rect')
		.data(cells)
		.join('rect')
		.attr('x', (d) => d.j * cellSize)
		.attr('y', (d) => d.i * cellSize)
		.attr('width', cellSize)
		.attr('height', cellSize)
		.attr('fill', (d) => (Number.isFinite(d.value) ? colour(d.value) : '#888'));
}
