/**
 * "Export image": the whole graph (not just what is visible) as PNG or SVG. The PNG is the
 * canvas's DOM drawn by html-to-image; the SVG is real SVG drawn from the same layout
 * (export-svg.ts), which slide tools can open. Loaded on first use.
 */
import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/svelte';
import { usedFontFaces } from './export-fonts';
import { viewportToSvg } from './export-svg';

export type ImageFormat = 'png' | 'svg';

const PADDING = 40;
const MAX_SIDE = 4096;

/**
 * Renders the flow's viewport element (`.svelte-flow__viewport` inside `flowElement`) framed on
 * `nodes`, with `background` behind it. Returns a data URL.
 */
export async function exportImage(
	flowElement: HTMLElement,
	nodes: Node[],
	format: ImageFormat,
	background: string
): Promise<string> {
	const viewport = flowElement.querySelector<HTMLElement>('.svelte-flow__viewport');
	if (!viewport) throw new Error('the canvas is not ready');
	const bounds = getNodesBounds(nodes);
	const width = Math.min(MAX_SIDE, Math.max(320, Math.ceil(bounds.width + 2 * PADDING)));
	const height = Math.min(MAX_SIDE, Math.max(200, Math.ceil(bounds.height + 2 * PADDING)));
	const view = getViewportForBounds(bounds, width, height, 0.2, 2, 0.08);
	// Only the web fonts the graph's text is drawn with (Chinese names' slices), not every font
	// of the page: html-to-image inlined the Chain rule panel's 20 KaTeX fonts into every image.
	const fonts = await usedFontFaces(viewport);
	if (format === 'svg') {
		const svg = viewportToSvg(viewport, { width, height, view, background, fonts, skip: leftOut });
		return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
	}
	const { toPng } = await import('html-to-image');
	return toPng(viewport, {
		backgroundColor: background,
		width,
		height,
		pixelRatio: 2,
		filter: (element: HTMLElement) => !leftOut(element),
		fontEmbedCSS: fonts,
		style: {
			width: `${width}px`,
			height: `${height}px`,
			transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`
		}
	});
}

/**
 * What an image leaves out: the minimap and controls, and a trace token still moving along its
 * wire. A copy does not run its animation, so it would stand at the wire's origin; the image
 * shows the tokens that have arrived, where they rest on screen (TraceEdge), and never one
 * caught mid-flight.
 */
function leftOut(element: Element): boolean {
	const classes = element.classList;
	if (!classes) return false;
	return (
		classes.contains('svelte-flow__minimap') ||
		classes.contains('svelte-flow__controls') ||
		(classes.contains('token') && !element.hasAttribute('data-at-rest'))
	);
}
