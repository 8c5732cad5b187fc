import type { Attachment } from 'svelte/attachments';

/** The smallest a line's type may shrink to fit (of its size); a wider line scrolls. */
export const MIN_FIT_SCALE = 0.5;

/**
 * An attachment for a line that is read whole, such as a formula on a projector: when something
 * in it that cannot wrap (a matrix, a fraction) is wider than the line, its type shrinks until it
 * fits, down to `MIN_FIT_SCALE` of its size; past that the line scrolls (see
 * `focusableWhenScrolling`). It measures again when the line's width changes and, being a factory,
 * when `content` changes (pass what the line shows).
 *
 * It measures in an animation frame, not in the ResizeObserver's callback: changing the line's
 * size inside the callback would make Chromium report a ResizeObserver loop error.
 */
export function fitWidth(content: unknown): Attachment<HTMLElement> {
	void content;
	return (element) => {
		let frame = 0;
		const fit = () => {
			frame = 0;
			element.style.removeProperty('font-size');
			const room = element.clientWidth;
			const needed = element.scrollWidth;
			// A pixel or two past the edge is KaTeX's glyph overhang, not something cut off.
			if (room <= 0 || needed <= room + 2) return;
			const scale = Math.max(MIN_FIT_SCALE, Math.floor((room / needed) * 1000) / 1000);
			element.style.fontSize = `${scale}em`;
		};
		const observer = new ResizeObserver(() => {
			if (frame === 0) frame = requestAnimationFrame(fit);
		});
		observer.observe(element);
		return () => {
			observer.disconnect();
			if (frame !== 0) cancelAnimationFrame(frame);
			element.style.removeProperty('font-size');
		};
	};
}
