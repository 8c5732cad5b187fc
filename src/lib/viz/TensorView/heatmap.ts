/**
 * A heatmap of a tensor seen as a matrix, as a tiny image: one pixel per cell, coloured with d3's
 * diverging red-blue scale, scaled up without smoothing by the <img> that shows it. One element
 * per heatmap, not one <rect> per cell: a 200-node graph of 4x8 values and grads was 20,000 rects,
 * whose layout and paint took most of a trace step.
 */
import { interpolateRdBu, scaleDiverging } from 'd3';
import type { Pooled } from '$lib/graph';

const images = new WeakMap<Pooled, string>();

/**
 * The heatmap as a BMP data URL (24-bit, one pixel per cell), made once per pooled matrix. Built
 * by hand: no canvas to allocate and no PNG to compress, for hundreds of small heatmaps a step.
 */
export function heatmapImage(map: Pooled): string {
	const cached = images.get(map);
	if (cached) return cached;
	const width = Math.max(1, map.cols);
	const height = Math.max(1, map.rows);
	const stride = (width * 3 + 3) & ~3;
	const size = 54 + stride * height;
	const bytes = new Uint8Array(size);
	const view = new DataView(bytes.buffer);
	bytes[0] = 0x42; // 'B'
	bytes[1] = 0x4d; // 'M'
	view.setUint32(2, size, true);
	view.setUint32(10, 54, true); // pixel data offset
	view.setUint32(14, 40, true); // BITMAPINFOHEADER
	view.setInt32(18, width, true);
	view.setInt32(22, -height, true); // negative: rows top to bottom
	view.setUint16(26, 1, true); // planes
	view.setUint16(28, 24, true); // bits per pixel
	view.setUint32(34, stride * height, true);
	const extent = Math.max(1e-12, map.extent);
	const colour = scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]);
	for (let i = 0; i < map.rows; i++) {
		for (let j = 0; j < map.cols; j++) {
			const value = map.cells[i * map.cols + j];
			const { r, g, b } = Number.isFinite(value) ? rgb(colour(value)) : GREY;
			const at = 54 + i * stride + j * 3;
			bytes[at] = b;
			bytes[at + 1] = g;
			bytes[at + 2] = r;
		}
	}
	let binary = '';
	for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
	const url = `data:image/bmp;base64,${btoa(binary)}`;
	images.set(map, url);
	return url;
}

const GREY = { r: 136, g: 136, b: 136 };

/** d3's colour strings (`rgb(r, g, b)`) as numbers. */
function rgb(colour: string): { r: number; g: number; b: number } {
	const match = /(\d+),\s*(\d+),\s*(\d+)/.exec(colour);
	return match ? { r: +match[1], g: +match[2], b: +match[3] } : GREY;
}
