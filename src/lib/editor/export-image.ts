/**
 * "Export image": the whole graph (not just what is visible) as PNG or SVG, drawn from the
 * canvas's DOM by html-to-image. Loaded on first use.
 */
import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/svelte';

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
	const { toPng, toSvg } = await import('html-to-image');
	const options = {
		backgroundColor: background,
		width,
		height,
		// Handles and edge hit areas are for the pointer; keep the picture clean.
		filter: (element: HTMLElement) =>
			!(
				element.classList?.contains('svelte-flow__minimap') ||
				element.classList?.contains('svelte-flow__controls')
			),
		style: {
			width: `${width}px`,
			height: `${height}px`,
			transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`
		}
	};
	return format === 'png'
		? toPng(viewport, { ...options, pixelRatio: 2 })
		: toSvg(viewport, options);
}
