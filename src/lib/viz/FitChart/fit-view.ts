/** The fit: the data points and the model's current line y = w x + b. */
import { extent, format, scaleLinear, select } from 'd3';
import { MARGIN, plotClip, renderAxes, renderEmpty } from '../axes';
import { strideIndices } from '../downsample';
import type { ChartView } from '../frame.svelte';
import type { ChartTheme } from '../theme';
import type { Line } from '../types';

export interface FitInput {
	x: ArrayLike<number>;
	y: ArrayLike<number>;
	line: Line | null;
	/** Shown when there is no data, in the UI's language. */
	empty: string;
}

/** Points drawn at most (a sample of larger data sets). */
const MAX_POINTS = 3000;
const tick = format('~g');

function padded([lo, hi]: [number, number]): [number, number] {
	const span = hi - lo || Math.max(1, Math.abs(lo));
	return [lo - span * 0.06, hi + span * 0.06];
}

export function createFitView(svg: SVGSVGElement): ChartView<FitInput> {
	const root = select(svg);
	const defs = root.append('defs');
	const axes = root.append('g').attr('class', 'axes');
	const points = root.append('g').attr('class', 'points');
	const fitted = root.append('line').attr('class', 'fitted');
	/** What the axes and points were last drawn for: while it holds, only the line moves. */
	let drawnFor: {
		x: FitInput['x'];
		y: FitInput['y'];
		width: number;
		height: number;
		theme: ChartTheme;
	} | null = null;
	/** The plot area's clip-path reference. */
	let clip = '';
	return {
		draw(input, size, theme) {
			const n = Math.min(input.x.length, input.y.length);
			if (n === 0) {
				renderEmpty(axes, size, theme, input.empty);
				points.selectAll('*').remove();
				fitted.attr('display', 'none');
				drawnFor = null;
				return;
			}
			const xs = Array.from(input.x);
			const ys = Array.from(input.y);
			const x = scaleLinear()
				.domain(padded(extent(xs) as [number, number]))
				.range([MARGIN.left, size.width - MARGIN.right])
				.nice();
			const y = scaleLinear()
				.domain(padded(extent(ys) as [number, number]))
				.range([size.height - MARGIN.bottom, MARGIN.top])
				.nice();
			const innerWidth = size.width - MARGIN.left - MARGIN.right;
			const innerHeight = size.height - MARGIN.top - MARGIN.bottom;
			// Redrawing unchanged points and axes costs layout and paint every frame while training:
			// redo them only when the data, the size or the colours change.
			const same =
				drawnFor !== null &&
				drawnFor.x === input.x &&
				drawnFor.y === input.y &&
				drawnFor.width === size.width &&
				drawnFor.height === size.height &&
				drawnFor.theme === theme;
			if (!same) {
				clip = plotClip(defs, size, MARGIN);
				renderAxes(axes, x.copy().range([0, innerWidth]), y.copy().range([innerHeight, 0]), theme, {
					size,
					margin: MARGIN,
					xLabel: 'x',
					yLabel: 'y',
					xFormat: tick,
					yFormat: tick
				});
				points
					.attr('clip-path', clip)
					.selectAll('circle')
					.data(strideIndices(n, MAX_POINTS))
					.join('circle')
					.attr('cx', (i) => x(xs[i]))
					.attr('cy', (i) => y(ys[i]))
					.attr('r', n > 500 ? 2.5 : 5.5)
					.attr('fill', theme.points)
					.attr('fill-opacity', 0.85)
					.attr('stroke', theme.surface)
					.attr('stroke-width', 1);
				drawnFor = { x: input.x, y: input.y, width: size.width, height: size.height, theme };
			}
			const line = input.line;
			if (line === null || !Number.isFinite(line.w) || !Number.isFinite(line.b)) {
				fitted.attr('display', 'none');
				return;
			}
			const [x0, x1] = x.domain();
			fitted
				.attr('display', null)
				.attr('clip-path', clip)
				.attr('x1', x(x0))
				.attr('y1', y(line.w * x0 + line.b))
				.attr('x2', x(x1))
				.attr('y2', y(line.w * x1 + line.b))
				.attr('stroke', theme.accent)
				.attr('stroke-width', 3.5)
				.attr('stroke-linecap', 'round')
				.raise();
		}
	};
}
