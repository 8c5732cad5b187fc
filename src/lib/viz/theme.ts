/**
 * The charts' colours and fonts, read from CSS custom properties (`--chart-text`, ...) set by
 * ChartFigure for light and dark schemes. d3 writes the resolved values as attributes, so a
 * chart saved as PNG looks the same outside the page.
 */
export interface ChartTheme {
	text: string;
	muted: string;
	grid: string;
	surface: string;
	/** The loss curve, the fitted line, the SGD trajectory. */
	accent: string;
	/** Data points. */
	points: string;
	/** The least-squares optimum and the current parameters. */
	marker: string;
	/** The landscape's colours from low to high loss. */
	low: string;
	high: string;
	font: string;
	/** Tick labels and axis titles, in px (large enough for a projector). */
	tickSize: number;
	labelSize: number;
}

export function chartTheme(element: Element): ChartTheme {
	const style = getComputedStyle(element);
	const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
	const size = (name: string, fallback: number) => {
		const value = Number.parseFloat(style.getPropertyValue(name));
		return Number.isFinite(value) ? value : fallback;
	};
	return {
		text: read('--chart-text', '#111318'),
		muted: read('--chart-muted', '#3d4350'),
		grid: read('--chart-grid', '#d5d7dc'),
		surface: read('--chart-surface', '#ffffff'),
		accent: read('--chart-accent', '#c2410c'),
		points: read('--chart-points', '#1546c0'),
		marker: read('--chart-marker', '#111318'),
		low: read('--chart-low', '#f7fbff'),
		high: read('--chart-high', '#08306b'),
		font: style.fontFamily || 'system-ui, sans-serif',
		tickSize: size('--chart-tick-size', 14),
		labelSize: size('--chart-label-size', 15)
	};
}
