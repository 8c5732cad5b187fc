import { describe, expect, it } from 'vitest';
import {
	boxInView,
	FOCUS_MARGIN_PX,
	mustFollow,
	union,
	viewAround,
	type Focus
} from '$lib/editor/readable-view';

/**
 * The readable view of presenter mode and of an embed (QA: a small projector fitted the whole
 * graph at 12.5 px names and 9 px op labels): a graph too large for the canvas at the readable zoom
 * is shown around the node being explained, with its inputs where they fit, never past the
 * graph's edges; the view moves only when that node (or its context) leaves the canvas.
 */
const canvas = { width: 800, height: 400 };
const MARGIN = 20;
const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
const at = (node: ReturnType<typeof box>, ...inputs: ReturnType<typeof box>[]): Focus => ({
	node,
	context: union([node, ...inputs])
});

describe('viewAround', () => {
	it('centres a graph that fits at the zoom, whatever the focus', () => {
		const graph = box(0, 0, 400, 200);
		const view = viewAround(graph, canvas, 1, MARGIN, at(box(0, 0, 100, 50)));
		expect(view).toEqual({ x: 200, y: 100, zoom: 1 });
	});

	it('shows a larger graph from its first column and top without a focus', () => {
		const graph = box(100, 50, 2000, 1000);
		expect(viewAround(graph, canvas, 1, MARGIN, null)).toEqual({ x: -80, y: -30, zoom: 1 });
	});

	it("centres the focus's context where it fits", () => {
		const graph = box(0, 0, 2000, 1000);
		const node = box(900, 400, 200, 100);
		const input = box(600, 400, 200, 100);
		const view = viewAround(graph, canvas, 1, MARGIN, at(node, input));
		// The context spans x 600..1100 and y 400..500: its centre at the canvas's centre.
		expect(view).toEqual({ x: 400 - 850, y: 200 - 450, zoom: 1 });
		expect(boxInView(view, canvas, node)).toBe(true);
		expect(boxInView(view, canvas, input)).toBe(true);
	});

	it('keeps the node whole when its context is too large, leaning toward the inputs', () => {
		const graph = box(0, 0, 2000, 2000);
		const node = box(900, 900, 200, 100);
		const inputs = [box(0, 900, 200, 100), box(300, 1500, 200, 100)];
		const view = viewAround(graph, canvas, 1, MARGIN, at(node, ...inputs));
		expect(boxInView(view, canvas, node)).toBe(true);
		// As far toward the inputs (left, and down) as the node allows: it rests at the margins.
		expect(1100 + view.x).toBe(canvas.width - FOCUS_MARGIN_PX);
		expect(900 + view.y).toBe(FOCUS_MARGIN_PX);
	});

	it('never shows past the graph’s edges', () => {
		const graph = box(0, 0, 2000, 1000);
		const view = viewAround(graph, canvas, 1, MARGIN, at(box(0, 0, 100, 50)));
		expect(view).toEqual({ x: MARGIN, y: MARGIN, zoom: 1 });
		const end = viewAround(graph, canvas, 1, MARGIN, at(box(1900, 950, 100, 50)));
		expect(end).toEqual({
			x: canvas.width - MARGIN - 2000,
			y: canvas.height - MARGIN - 1000,
			zoom: 1
		});
	});

	it('shows a node larger than the canvas from its start', () => {
		const graph = box(0, 0, 2000, 2000);
		const view = viewAround(graph, canvas, 2, MARGIN, at(box(500, 500, 500, 300)));
		expect(view).toEqual({ x: FOCUS_MARGIN_PX - 1000, y: FOCUS_MARGIN_PX - 1000, zoom: 2 });
	});
});

describe('mustFollow', () => {
	const view = { x: 0, y: 0, zoom: 1 };

	it('moves for a node out of the canvas, or partly out', () => {
		expect(mustFollow(view, canvas, at(box(900, 0, 100, 100)))).toBe(true);
		expect(mustFollow(view, canvas, at(box(750, 0, 100, 100)))).toBe(true);
	});

	it('stays for a node in view with its inputs', () => {
		expect(mustFollow(view, canvas, at(box(500, 100, 100, 100), box(100, 100, 100, 100)))).toBe(
			false
		);
	});

	it('moves for inputs out of view that would fit beside the node', () => {
		const focus = at(box(100, 100, 100, 100), box(-300, 100, 100, 100));
		expect(mustFollow(view, canvas, focus)).toBe(true);
	});

	it('brings in inputs that fit beside the node only nearer the edges than the graph keeps', () => {
		// Linear regression at 1280x800: pred with x, weight and bias, 783 px wide on an 870 px canvas.
		const wide = { width: 870, height: 700 };
		const focus = at(box(462, 300, 340, 200), box(0, 300, 340, 200));
		expect(mustFollow({ x: -300, y: 0, zoom: 1 }, wide, focus)).toBe(true);
		const view = viewAround(box(0, 0, 1300, 1000), wide, 1, 48, focus);
		expect(boxInView(view, wide, focus.context, FOCUS_MARGIN_PX)).toBe(true);
	});

	it('stays where the inputs could not fit anyway: no move at every step', () => {
		const focus = at(box(100, 100, 100, 100), box(100, 1200, 100, 100));
		expect(mustFollow(view, canvas, focus)).toBe(false);
	});
});
