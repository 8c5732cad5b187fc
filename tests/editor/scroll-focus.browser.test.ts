/**
 * A formula line that scrolls sideways takes a place in the Tab order, measured once the browser
 * has laid it out: reading its widths while it is attached forced a layout in the middle of
 * mounting the Chain rule's lines (a 1024x1024 step spent 200 ms there).
 */
import { afterEach, expect, test } from 'vitest';
import { focusableWhenScrolling } from '$lib/editor/scroll-focus';

afterEach(() => {
	document.body.innerHTML = '';
});

/** Counts reads of the layout sizes the attachment measures, on `element` only. */
function countReads(element: HTMLElement): { count: number } {
	const reads = { count: 0 };
	for (const name of ['scrollWidth', 'clientWidth'] as const) {
		const own = Object.getOwnPropertyDescriptor(Element.prototype, name)!;
		Object.defineProperty(element, name, {
			configurable: true,
			get() {
				reads.count++;
				return own.get!.call(this);
			}
		});
	}
	return reads;
}

test('nothing is measured while attaching; the Tab order follows the overflow after layout', async () => {
	const line = document.createElement('div');
	line.style.cssText = 'width: 100px; overflow-x: auto; white-space: nowrap';
	const content = document.createElement('span');
	content.style.cssText = 'display: inline-block; width: 300px';
	line.append(content);
	document.body.append(line);
	const reads = countReads(line);

	const detach = focusableWhenScrolling(line);
	expect(reads.count).toBe(0);
	await expect.poll(() => line.getAttribute('tabindex')).toBe('0');

	// The content now fits: the line leaves the Tab order.
	content.style.width = '50px';
	await expect.poll(() => line.hasAttribute('tabindex')).toBe(false);
	detach();
});
