/**
 * The loss landscape: filled contours of the loss over (w, b), the least-squares optimum, and
 * SGD's path from the first parameters to the current ones.
 */
import { contours, format, geoPath, geoTransform, interpolateLab, scaleLinear, select } from 'd3';
import type { ContourMultiPolygon } from 'd3';
import { MARGIN, plotClip, renderAxes, renderEmpty } from '../axes';
import { strideIndices } from '../downsample';
import type { ChartView } from '../frame.svelte';
import type { ChartTheme } from '../theme';
import type { ContourGrid, Line, Trajectory } from '../types';

export interface LandscapeInput {
	grid: ContourGrid | null;
	trajectory: Trajectory | null;
	/** The current parameters (the end of the path). */
	current: Line | null;
	/** Where the loss is lowest (the least-squares line). */
	minimum: Line | null;
	/** The words on the chart, in the UI's language (the same object while they stay). */
	text: LandscapeText;
}

export interface LandscapeText {
	/** Shown without a grid. */
	empty: string;
	/** The axes' labels. */
	w: string;
	b: string;
}

const MAX_PATH_POINTS = 1500;
const tick = format('~g');

export function createLandscapeView(svg: SVGSVGElement): ChartView<LandscapeInput> {
	const root = select(svg);
	const defs = root.append('defs');
	const bands = root.append('g').attr('class', 'contours');
	const axes = root.append('g').attr('class', 'axes');
	const overlay = root.append('g').attr('class', 'overlay');
	const path = overlay.append('path').attr('class', 'trajectory').attr('fill', 'none');
	const start = overlay.append('circle').attr('class', 'start').attr('r', 6);
	const minimum = overlay.append('path').attr('class', 'minimum');
	const current = overlay.append('circle').attr('class', 'current').attr('r', 7);
	let contourCache: { grid: ContourGrid; shapes: ContourMultiPolygon[] } | null = null;
	/** What the bands and axes were last drawn for: while it holds, only the overlay moves. */
	let drawnFor: {
		grid: ContourGrid;
		width: number;
		height: number;
		theme: ChartTheme;
		text: LandscapeText;
	} | null = null;

	return {
		draw(input, size, theme) {
			const grid = input.grid;
			if (grid === null) {
				renderEmpty(axes, size, theme, input.text.empty);
				bands.selectAll('*').remove();
				overlay.attr('display', 'none');
				drawnFor = null;
				return;
			}
			overlay.attr('display', null);
			const x = scaleLinear()
				.domain(grid.w)
				.range([MARGIN.left, size.width - MARGIN.right]);
			const y = scaleLinear()
				.domain(grid.b)
				.range([size.height - MARGIN.bottom, MARGIN.top]);
			const innerWidth = size.width - MARGIN.left - MARGIN.right;
			const innerHeight = size.height - MARGIN.top - MARGIN.bottom;
			// Rewriting the bands' paths (even unchanged) makes the browser lay out and repaint every
			// contour: redo them and the axes only when the grid, the size or the colours change.
			const same =
				drawnFor !== null &&
				drawnFor.grid === grid &&
				drawnFor.width === size.width &&
				drawnFor.height === size.height &&
				drawnFor.theme === theme &&
				drawnFor.text === input.text;
			if (!same) {
				if (contourCache?.grid !== grid) {
					const shapes = contours().size([grid.cols, grid.rows]).thresholds(grid.thresholds)(
						Array.from(grid.values)
					);
					contourCache = { grid, shapes };
				}
				// d3-contour puts sample i at i + 0.5 in grid units.
				const dw = (grid.w[1] - grid.w[0]) / (grid.cols - 1);
				const db = (grid.b[1] - grid.b[0]) / (grid.rows - 1);
				const project = geoTransform({
					point(gx, gy) {
						this.stream.point(x(grid.w[0] + (gx - 0.5) * dw), y(grid.b[0] + (gy - 0.5) * db));
					}
				});
				const colour = interpolateLab(theme.low, theme.high);
				const levels = Math.max(1, grid.thresholds.length - 1);
				bands
					.attr('clip-path', plotClip(defs, size, MARGIN))
					.selectAll('path')
					.data(contourCache.shapes)
					.join('path')
					.attr('d', geoPath(project))
					.attr('fill', (_, i) => colour(i / levels))
					.attr('stroke', theme.surface)
					.attr('stroke-opacity', 0.35)
					.attr('stroke-width', 0.75);
				renderAxes(axes, x.copy().range([0, innerWidth]), y.copy().range([innerHeight, 0]), theme, {
					size,
					margin: MARGIN,
					xLabel: input.text.w,
					yLabel: input.text.b,
					xFormat: tick,
					yFormat: tick
				});
				axes.selectAll('.tick line').attr('stroke-opacity', 0.25);
				axes.raise();
				overlay.attr('clip-path', plotClip(defs, size, MARGIN)).raise();
				drawnFor = { grid, width: size.width, height: size.height, theme, text: input.text };
			}

			const trajectory = input.trajectory;
			const n = trajectory === null ? 0 : Math.min(trajectory.w.length, trajectory.b.length);
			const finite = (w: number, b: number) => Number.isFinite(w) && Number.isFinite(b);
			let d = '';
			if (trajectory !== null) {
				for (const i of strideIndices(n, MAX_PATH_POINTS)) {
					const [w, b] = [trajectory.w[i], trajectory.b[i]];
					if (!finite(w, b)) continue;
					d += `${d === '' ? 'M' : 'L'}${x(w)},${y(b)}`;
				}
			}
			const now = input.current;
			if (now !== null && finite(now.w, now.b)) {
				d += `${d === '' ? 'M' : 'L'}${x(now.w)},${y(now.b)}`;
			}
			path
				.attr('d', d === '' ? null : d)
				.attr('stroke', theme.accent)
				.attr('stroke-width', 3)
				.attr('stroke-linejoin', 'round');
			/** Puts a dot at `at` (hidden where there is none or it is not finite). */
			const placeDot = (
				dot: typeof start,
				at: Line | null,
				look: { fill: string; stroke: string; width: number }
			) =>
				dot
					.attr('display', at !== null && finite(at.w, at.b) ? null : 'none')
					.attr('cx', at ? x(at.w) : 0)
					.attr('cy', at ? y(at.b) : 0)
					.attr('fill', look.fill)
					.attr('stroke', look.stroke)
					.attr('stroke-width', look.width);
			const first = n > 0 ? { w: trajectory!.w[0], b: trajectory!.b[0] } : null;
			placeDot(start, first, { fill: theme.surface, stroke: theme.accent, width: 3 });
			placeDot(current, now, { fill: theme.accent, stroke: theme.surface, width: 2.5 });
			const best = input.minimum;
			minimum
				.attr('display', best !== null && finite(best.w, best.b) ? null : 'none')
				.attr(
					'd',
					best === null
						? null
						: `M${x(best.w) - 8},${y(best.b)}h16M${x(best.w)},${y(best.b) - 8}v16`
				)
				.attr('stroke', theme.marker)
				.attr('stroke-width', 3)
				.attr('stroke-linecap', 'round');
		}
	};
}
