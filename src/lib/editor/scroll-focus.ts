/**
 * An attachment for an element that may scroll sideways (a wide formula): while its content
 * overflows, it takes a place in the Tab order, so keyboard users can scroll it with the arrow
 * keys (axe's scrollable-region-focusable); while it fits, it is left out of the Tab order.
 *
 * It measures only in the ResizeObserver's callback, which runs once the browser has laid the
 * page out (the first one right after the element is drawn): measuring when attached forced a
 * layout in the middle of mounting the Chain rule's lines, one per line (a 1024x1024 step spent
 * 200 ms there on a loaded machine). It writes the attribute only when it changes.
 */
export function focusableWhenScrolling(element: HTMLElement) {
	const update = () => {
		const scrolls = element.scrollWidth > element.clientWidth;
		if (scrolls && element.tabIndex !== 0) element.tabIndex = 0;
		else if (!scrolls && element.hasAttribute('tabindex')) element.removeAttribute('tabindex');
	};
	const observer = new ResizeObserver(update);
	observer.observe(element);
	for (const child of element.children) observer.observe(child);
	return () => observer.disconnect();
}
