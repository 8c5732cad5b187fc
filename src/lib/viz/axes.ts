/** Axes, grid lines and axis titles in one style for every chart, from the resolved theme. */
import { axisBottom, axisLeft, type AxisScale, type Selection } from 'd3';
import type { Size } from './frame.svelte';
import type { ChartTheme } from './theme';

export interface Margin {
	top: number;
	right: number;
	bottom: number;
	left: number;
}

/** Room for large tick labels and the axis titles. */
export const MARGIN: Margin = { top: 14, right: 18, bottom: 58, left: 78 };

export interface AxesOptions {
	size: Size;
	margin: Margin;
	xLabel: string;
	yLabel: string;
	xTicks?: number;
	yTicks?: number;
	xFormat?: (value: number) => string;
	yFormat?: (value: number) => string;
}

type Layer = Selection<SVGGElement, unknown, null, undefined>;

/** The group of `layer` with this class, made on first use. */
function group(layer: Layer, name: string): Layer {
	const found = layer.select<SVGGElement>(`:scope > g.${name}`);
	return found.empty() ? layer.append('g').attr('class', name) : found;
}

/** The text of `layer` with this class, made on first use. */
function label(layer: Layer, name: string) {
	const found = layer.select<SVGTextElement>(`:scope > text.${name}`);
	return found.empty() ? layer.append('text').attr('class', name) : found;
}

/** Draw both axes with light grid lines into `layer`, updating what a previous draw made. */
export function renderAxes(
	layer: Layer,
	x: AxisScale<number>,
	y: AxisScale<number>,
	theme: ChartTheme,
	options: AxesOptions
): void {
	const { size, margin } = options;
	const innerWidth = size.width - margin.left - margin.right;
	const innerHeight = size.height - margin.top - margin.bottom;
	layer.selectAll(':scope > .empty').remove();
	layer.attr('font-family', theme.font);

	const xAxis = axisBottom(x)
		.ticks(options.xTicks ?? Math.max(2, Math.floor(innerWidth / 90)))
		.tickSize(-innerHeight)
		.tickPadding(8);
	if (options.xFormat) xAxis.tickFormat((v) => options.xFormat!(v as number));
	const yAxis = axisLeft(y)
		.ticks(options.yTicks ?? Math.max(2, Math.floor(innerHeight / 50)))
		.tickSize(-innerWidth)
		.tickPadding(8);
	if (options.yFormat) yAxis.tickFormat((v) => options.yFormat!(v as number));

	const style = (axis: Layer) => {
		axis.attr('font-size', theme.tickSize).attr('font-family', theme.font);
		axis.selectAll('.tick text').attr('fill', theme.text);
		axis.selectAll('.tick line').attr('stroke', theme.grid).attr('stroke-opacity', 0.7);
		axis.select('.domain').attr('stroke', theme.muted);
	};
	group(layer, 'x-axis')
		.attr('transform', `translate(${margin.left},${margin.top + innerHeight})`)
		.call(xAxis)
		.call(style);
	group(layer, 'y-axis')
		.attr('transform', `translate(${margin.left},${margin.top})`)
		.call(yAxis)
		.call(style);

	label(layer, 'x-label')
		.attr('x', margin.left + innerWidth / 2)
		.attr('y', size.height - 10)
		.attr('text-anchor', 'middle')
		.attr('font-size', theme.labelSize)
		.attr('font-weight', 600)
		.attr('fill', theme.text)
		.text(options.xLabel);
	label(layer, 'y-label')
		.attr('transform', `translate(18,${margin.top + innerHeight / 2}) rotate(-90)`)
		.attr('text-anchor', 'middle')
		.attr('font-size', theme.labelSize)
		.attr('font-weight', 600)
		.attr('fill', theme.text)
		.text(options.yLabel);
}

/** A message in the middle of an empty chart. */
export function renderEmpty(layer: Layer, size: Size, theme: ChartTheme, message: string): void {
	layer.selectAll('*').remove();
	layer
		.append('text')
		.attr('class', 'empty')
		.attr('x', size.width / 2)
		.attr('y', size.height / 2)
		.attr('text-anchor', 'middle')
		.attr('dominant-baseline', 'middle')
		.attr('font-family', theme.font)
		.attr('font-size', theme.labelSize)
		.attr('fill', theme.muted)
		.text(message);
}

let clipCounter = 0;

/** A clip path for the plot area; returns its url(). */
export function plotClip(
	defs: Selection<SVGDefsElement, unknown, null, undefined>,
	size: Size,
	margin: Margin
): string {
	let clip = defs.select<SVGClipPathElement>('clipPath');
	if (clip.empty()) {
		clip = defs.append('clipPath').attr('id', `plot-clip-${++clipCounter}`);
		clip.append('rect');
	}
	clip
		.select('rect')
		.attr('x', margin.left)
		.attr('y', margin.top)
		.attr('width', Math.max(0, size.width - margin.left - margin.right))
		.attr('height', Math.max(0, size.height - margin.top - margin.bottom));
	return `url(#${clip.attr('id')})`;
}
