/**
 * An attachment for an element that may scroll sideways (a wide formula): while its content
 * overflows, it takes a place in the Tab order, so keyboard users can scroll it with the arrow
 * keys (axe's scrollable-region-focusable); while it fits, it is left out of the Tab order.
 */
export function focusableWhenScrolling(element: HTMLElement) {
	const update = () => {
		const scrolls = element.scrollWidth > element.clientWidth;
		if (scrolls) element.tabIndex = 0;
		else element.removeAttribute('tabindex');
	};
	update();
	const observer = new ResizeObserver(update);
	observer.observe(element);
	for (const child of element.children) observer.observe(child);
	return () => observer.disconnect();
}
