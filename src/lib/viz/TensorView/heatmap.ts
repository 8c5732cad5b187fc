/** A d3 heatmap of a tensor's rows, one <rect> per element with a <title> tooltip. */
import { scaleDiverging, select, interpolateRdBu } from 'd3';

export function drawHeatmap(svg: SVGSVGElement, cells: number[][], cellSize: number): void {
	const flat = cells.flat().filter((v) => Number.isFinite(v));
	const extent = flat.reduce((max, v) => Math.max(max, Math.abs(v)), 1e-12);
	const colour = scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]);
	const width = cells.reduce((max, row) => Math.max(max, row.length), 1);
	select(svg)
		.attr('viewBox', `0 0 ${width * cellSize} ${cells.length * cellSize}`)
		.selectAll('g')
		.data(cells)
		.join('g')
		.attr('transform', (_, i) => `translate(0, ${i * cellSize})`)
		.selectAll('rect')
		.data((row, i) => row.map((value, j) => ({ value, i, j })))
		.join('rect')
		.attr('x', (d) => d.j * cellSize)
		.attr('width', cellSize)
		.attr('height', cellSize)
		.attr('fill', (d) => (Number.isFinite(d.value) ? colour(d.value) : '#888'))
		.selectAll('title')
		.data((d) => [d])
		.join('title')
		.text((d) => `[${d.i}, ${d.j}] = ${d.value}`);
}
