/**
 * A d3 chart as a Svelte attachment on its <svg>: d3 owns what is inside the element. The chart
 * is drawn at most once per animation frame however often its data changes, and again when the
 * element is resized or the colours change (the colour scheme, or a theme class on the page).
 *
 * Nothing in a draw reads layout: the size comes from a ResizeObserver and the colours are read
 * once per change, so three charts drawing in one frame never force each other's layout.
 */
import type { Attachment } from 'svelte/attachments';
import { untrack } from 'svelte';
import { chartTheme, type ChartTheme } from './theme';

export interface Size {
	width: number;
	height: number;
}

export interface ChartView<T> {
	/** Draw `input` at `size` (CSS pixels) in `theme`'s colours; called inside requestAnimationFrame. */
	draw(input: T, size: Size, theme: ChartTheme): void;
	destroy?(): void;
}

/** Counts draws per chart element (tests check the once-per-frame promise with it). */
export const drawCounts = new WeakMap<Element, number>();

/**
 * `{@attach chart(() => ({ losses, logScale }), createLossView)}`: `read` is tracked, so any
 * state it reads schedules a redraw; `create` runs once per element.
 */
export function chart<T>(
	read: () => T,
	create: (svg: SVGSVGElement) => ChartView<T>
): Attachment<SVGSVGElement> {
	return (svg) => {
		const view = untrack(() => create(svg));
		let frame = 0;
		let input: T;
		let size: Size | null = null;
		let theme: ChartTheme | null = null;
		const draw = () => {
			frame = 0;
			if (size === null || size.width === 0 || size.height === 0) return;
			theme ??= chartTheme(svg);
			view.draw(input, size, theme);
			drawCounts.set(svg, (drawCounts.get(svg) ?? 0) + 1);
		};
		const schedule = () => {
			if (frame === 0) frame = requestAnimationFrame(draw);
		};
		const recolour = () => {
			theme = null;
			schedule();
		};
		$effect(() => {
			input = read();
			schedule();
		});
		const resize = new ResizeObserver((entries) => {
			const box = entries[entries.length - 1].contentRect;
			size = { width: box.width, height: box.height };
			schedule();
		});
		resize.observe(svg);
		const scheme = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
		scheme?.addEventListener('change', recolour);
		// A theme switch on the page (a class or data attribute on <html> or <body>).
		const themeSwitch = new MutationObserver(recolour);
		for (const element of [document.documentElement, document.body]) {
			themeSwitch.observe(element, {
				attributes: true,
				attributeFilter: ['class', 'style', 'data-theme']
			});
		}
		return () => {
			cancelAnimationFrame(frame);
			resize.disconnect();
			themeSwitch.disconnect();
			scheme?.removeEventListener('change', recolour);
			view.destroy?.();
		};
	};
}
