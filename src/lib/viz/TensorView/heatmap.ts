/**
 * A heatmap of a tensor seen as a matrix, as a tiny image: one pixel per cell, coloured with d3's
 * diverging red-blue scale, scaled up without smoothing by the <img> that shows it. One element
 * per heatmap, not one <rect> per cell: a 200-node graph of 4x8 values and grads was 20,000 rects,
 * whose layout and paint took most of a trace step.
 */
import { interpolateRdBu, scaleDiverging } from 'd3';
import { pooledSize, type Pooled } from '$lib/graph';

/**
 * The most room a heatmap takes on a node, in px: it fits the node's value area beside its label
 * (about 150 px wide in the usual node), and two of them (a value and its .grad) keep a node short
 * enough to sit in a column of the canvas.
 */
export const HEATMAP_MAX = { width: 128, height: 80 } as const;
/** The largest cell (a 5x5 tensor is not drawn as one big block), and the thinnest side. */
const MAX_CELL = 14;
const MIN_SIDE = 12;

/**
 * The size in px a heatmap of a tensor of `shape` is drawn at, known from the shape alone (the
 * node reserves it before Forward): square cells of a whole number of px, as large as fit
 * `HEATMAP_MAX`; a single row or column is drawn at least `MIN_SIDE` px thick.
 */
export function heatmapSize(shape: readonly number[]): { width: number; height: number } {
	const { rows, cols } = pooledSize(shape);
	const cell = Math.max(
		1,
		Math.min(
			MAX_CELL,
			Math.floor(HEATMAP_MAX.width / Math.max(1, cols)),
			Math.floor(HEATMAP_MAX.height / Math.max(1, rows))
		)
	);
	return {
		width: Math.min(HEATMAP_MAX.width, Math.max(MIN_SIDE, cols * cell)),
		height: Math.min(HEATMAP_MAX.height, Math.max(MIN_SIDE, rows * cell))
	};
}

/** The colour of each value: blue below 0, white at 0, red above, saturated at the extent. */
export function heatmapColour(map: Pooled): (value: number) => { r: number; g: number; b: number } {
	const extent = Math.max(1e-12, map.extent);
	const colour = scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]);
	return (value) => (Number.isFinite(value) ? rgb(colour(value)) : GREY);
}

const images = new WeakMap<Pooled, string>();
const legends = new WeakMap<Pooled, string>();

/**
 * The heatmap as a BMP data URL (24-bit, one pixel per cell), made once per pooled matrix. Built
 * by hand: no canvas to allocate and no PNG to compress, for hundreds of small heatmaps a step.
 */
export function heatmapImage(map: Pooled): string {
	const cached = images.get(map);
	if (cached) return cached;
	const colour = heatmapColour(map);
	const url = bmp(map.cols, map.rows, (i, j) => colour(map.cells[i * map.cols + j]));
	images.set(map, url);
	return url;
}

/** Pixels in the legend's colour bar. */
const LEGEND_STEPS = 32;

/**
 * The legend's colour bar: the heatmap's colours from the tensor's least value (left) to its
 * greatest (right), a one-row BMP data URL ('' when no value is finite).
 */
export function legendImage(map: Pooled): string {
	const cached = legends.get(map);
	if (cached !== undefined) return cached;
	const colour = heatmapColour(map);
	const url =
		map.min <= map.max
			? bmp(LEGEND_STEPS, 1, (_, j) =>
					colour(map.min + ((map.max - map.min) * j) / (LEGEND_STEPS - 1))
				)
			: '';
	legends.set(map, url);
	return url;
}

/** A 24-bit BMP data URL, `width` x `height` pixels, rows top to bottom. */
function bmp(
	width: number,
	height: number,
	pixel: (row: number, col: number) => { r: number; g: number; b: number }
): string {
	width = Math.max(1, width);
	height = Math.max(1, height);
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
	for (let i = 0; i < height; i++) {
		for (let j = 0; j < width; j++) {
			const { r, g, b } = pixel(i, j);
			const at = 54 + i * stride + j * 3;
			bytes[at] = b;
			bytes[at + 1] = g;
			bytes[at + 2] = r;
		}
	}
	let binary = '';
	for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
	return `data:image/bmp;base64,${btoa(binary)}`;
}

const GREY = { r: 136, g: 136, b: 136 };

/** d3's colour strings (`rgb(r, g, b)`) as numbers. */
function rgb(colour: string): { r: number; g: number; b: number } {
	const match = /(\d+),\s*(\d+),\s*(\d+)/.exec(colour);
	return match ? { r: +match[1], g: +match[2], b: +match[3] } : GREY;
}
