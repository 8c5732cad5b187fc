/**
 * A heatmap of a tensor seen as a matrix, as a tiny image: one pixel per cell, coloured with d3's
 * diverging red-blue scale, scaled up without smoothing by the <img> that shows it. One element
 * per heatmap, not one <rect> per cell: a 200-node graph of 4x8 values and grads was 20,000 rects,
 * whose layout and paint took most of a trace step.
 */
import { interpolateRdBu, scaleDiverging } from 'd3';
import type { Pooled } from '$lib/graph';

let canvas: HTMLCanvasElement | null = null;
const images = new WeakMap<Pooled, string>();

/** The heatmap as a PNG data URL (one pixel per cell), made once per pooled matrix. */
export function heatmapImage(map: Pooled): string {
	const cached = images.get(map);
	if (cached) return cached;
	canvas ??= document.createElement('canvas');
	canvas.width = Math.max(1, map.cols);
	canvas.height = Math.max(1, map.rows);
	const context = canvas.getContext('2d');
	if (!context) return '';
	const extent = Math.max(1e-12, map.extent);
	const colour = scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]);
	const image = context.createImageData(canvas.width, canvas.height);
	for (let k = 0; k < map.rows * map.cols; k++) {
		const value = map.cells[k];
		const { r, g, b } = Number.isFinite(value) ? rgb(colour(value)) : { r: 136, g: 136, b: 136 };
		image.data[4 * k] = r;
		image.data[4 * k + 1] = g;
		image.data[4 * k + 2] = b;
		image.data[4 * k + 3] = 255;
	}
	context.putImageData(image, 0, 0);
	const url = canvas.toDataURL('image/png');
	images.set(map, url);
	return url;
}

/** d3's colour strings (`rgb(r, g, b)`) as numbers. */
function rgb(colour: string): { r: number; g: number; b: number } {
	const match = /(\d+),\s*(\d+),\s*(\d+)/.exec(colour);
	return match ? { r: +match[1], g: +match[2], b: +match[3] } : { r: 136, g: 136, b: 136 };
}
