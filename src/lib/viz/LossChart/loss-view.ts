/** The loss curve: loss against epoch, on a linear or log y axis. */
import { format, line, scaleLinear, scaleLog, select } from 'd3';
import { MARGIN, plotClip, renderAxes, renderEmpty } from '../axes';
import { minMaxIndices } from '../downsample';
import type { ChartView } from '../frame.svelte';

export interface LossInput {
	/** losses[i] is the loss of epoch epochOf(i), in increasing epochs. */
	losses: ArrayLike<number>;
	epochOf: (index: number) => number;
	logScale: boolean;
	/** The words on the chart, in the UI's language. */
	text: { empty: string; epoch: string; loss: string; lossLog: string };
}

const epochFormat = format('~s');
const lossFormat = format('~g');
const tinyFormat = format('~e');
/** `~g` for everyday sizes, `1e-6` for small and large ones. */
const lossTick = (v: number) =>
	v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? tinyFormat(v) : lossFormat(v);

export function createLossView(svg: SVGSVGElement): ChartView<LossInput> {
	const root = select(svg);
	const defs = root.append('defs');
	const axes = root.append('g').attr('class', 'axes');
	const curve = root.append('path').attr('class', 'curve').attr('fill', 'none');
	const last = root.append('circle').attr('class', 'last').attr('r', 5);
	return {
		draw({ losses, epochOf, logScale, text }, size, theme) {
			const n = losses.length;
			const width = size.width - MARGIN.left - MARGIN.right;
			if (n === 0) {
				renderEmpty(axes, size, theme, text.empty);
				curve.attr('d', null);
				last.attr('display', 'none');
				return;
			}
			let max = 0;
			let minPositive = Infinity;
			for (let i = 0; i < n; i++) {
				const v = losses[i];
				if (!Number.isFinite(v)) continue;
				max = Math.max(max, v);
				if (v > 0) minPositive = Math.min(minPositive, v);
			}
			if (!(max > 0)) max = 1;
			if (!Number.isFinite(minPositive)) minPositive = max / 10;
			const first = epochOf(0);
			const x = scaleLinear()
				.domain([first, Math.max(first + 1, epochOf(n - 1))])
				.range([MARGIN.left, size.width - MARGIN.right]);
			const top = MARGIN.top;
			const bottom = size.height - MARGIN.bottom;
			const y = logScale
				? scaleLog()
						.domain([minPositive, max === minPositive ? max * 10 : max])
						.range([bottom, top])
						.nice()
				: scaleLinear().domain([0, max]).range([bottom, top]).nice();
			const floor = y.domain()[0];
			const yOf = (v: number) => y(logScale ? Math.max(v, floor) : v);
			const yTicks = Math.max(2, Math.floor((bottom - top) / 50));
			renderAxes(axes, x.copy().range([0, width]), y.copy().range([bottom - top, 0]), theme, {
				size,
				margin: MARGIN,
				xLabel: text.epoch,
				yLabel: logScale ? text.lossLog : text.loss,
				yTicks,
				xFormat: (v) => (Number.isInteger(v) ? epochFormat(v) : ''),
				// A log axis labels only some of its ticks (1, 10, 100, ...), as d3 chooses.
				yFormat: logScale ? (v) => (y.tickFormat(yTicks)(v) === '' ? '' : lossTick(v)) : lossTick
			});
			const indices = minMaxIndices(losses, Math.max(100, 2 * width)).filter((i) =>
				Number.isFinite(losses[i])
			);
			curve
				.attr('clip-path', plotClip(defs, size, MARGIN))
				.attr('stroke', theme.accent)
				.attr('stroke-width', 3)
				.attr('stroke-linejoin', 'round')
				.attr(
					'd',
					line<number>()
						.x((i) => x(epochOf(i)))
						.y((i) => yOf(losses[i]))(indices)
				)
				.raise();
			const lastValue = losses[n - 1];
			last
				.attr('display', Number.isFinite(lastValue) ? null : 'none')
				.attr('cx', x(epochOf(n - 1)))
				.attr('cy', yOf(lastValue))
				.attr('fill', theme.accent)
				.attr('stroke', theme.surface)
				.attr('stroke-width', 2)
				.raise();
		}
	};
}
