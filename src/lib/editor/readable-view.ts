/**
 * The readable view of presenter mode and of an embed: the canvas's fit never zooms out past the
 * zoom at which its text keeps a floor on the screen (presenter mode's node names 16 px, its op
 * labels, badges and value labels 14 px; every text of an embed 11 px). A graph that fits at that
 * zoom or more is fitted whole, as before. A larger one (a small projector, a slide's frame) is
 * shown at that zoom around what is being explained: the trace's current node, else the selected
 * node, else the graph's first column; the view follows that node when it leaves the canvas, and
 * the user pans to the rest.
 *
 * The floors are read against the type as rendered (`readableZoom`), so a change of the node's CSS
 * moves the zoom with it; the rest is plain arithmetic on flow boxes.
 */

/** Texts on the canvas (`selector`, matched inside it) and the size they need on the screen. */
export interface TypeFloor {
	selector: string;
	px: number;
}

/** What a class reads from the back of the room (presenter mode). */
export const PRESENTER_TYPE: readonly TypeFloor[] = [
	{ selector: '.graph-node .name', px: 16 },
	{ selector: '.graph-node .op, .graph-node .badge, .graph-node .trace .label', px: 14 }
];

/** Every text on a node, and the wire chips, in an embed's small frame (a slide, a course page). */
export const EMBED_TYPE: readonly TypeFloor[] = [
	{
		selector: [
			'.graph-node .name',
			'.graph-node .op',
			'.graph-node .detail',
			'.graph-node .shape',
			'.graph-node .inputs li',
			'.graph-node .badge',
			'.graph-node .trace .label',
			'.graph-node .tensor td',
			'.graph-node .tensor span',
			'.graph-node .message',
			'[data-token] text'
		].join(', '),
		px: 11
	}
];

/** The elements read per floor: every node's texts share their classes' sizes. */
const SAMPLE = 64;

/**
 * The smallest zoom at which every text of `floors` shown in `root` is at least its size on the
 * screen; 0 when none shows (nothing rendered yet).
 */
export function readableZoom(root: ParentNode, floors: readonly TypeFloor[]): number {
	let zoom = 0;
	for (const floor of floors) {
		let read = 0;
		for (const element of root.querySelectorAll<HTMLElement>(floor.selector)) {
			if (read++ >= SAMPLE) break;
			if (!element.textContent?.trim() || element.getClientRects().length === 0) continue;
			const size = parseFloat(getComputedStyle(element).fontSize);
			if (size > 0) zoom = Math.max(zoom, floor.px / size);
		}
	}
	return zoom;
}

/** A box in flow coordinates. */
export interface FlowBox {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** Svelte Flow's viewport: a screen point is a flow point times `zoom`, plus (x, y). */
export interface View {
	x: number;
	y: number;
	zoom: number;
}

export interface CanvasSize {
	width: number;
	height: number;
}

/**
 * What a readable view keeps in view: the node being explained, and its context (the node with
 * the nodes its inputs come from: where its value comes from, where its gradient goes).
 */
export interface Focus {
	node: FlowBox;
	context: FlowBox;
}

/**
 * How close to the canvas's edges the node being explained and its inputs may come: closer than
 * the graph's own edges (`margin`, clear of what stands over the canvas's corners), so that a
 * node's inputs fit beside it a little more often.
 */
export const FOCUS_MARGIN_PX = 8;

interface Span {
	start: number;
	length: number;
}

/**
 * The translation along one axis (a screen coordinate is a flow one times `zoom`, plus it).
 * Content that fits, with its margins, is centred. Larger content is shown from its start, or
 * around the focus: its context centred where the context fits, else as much of the context as
 * leaves the node whole (a node larger than the canvas from its start). Never past the content's
 * ends: no empty canvas where there is more graph to show.
 */
function place(
	size: number,
	zoom: number,
	margin: number,
	content: Span,
	focus: { node: Span; context: Span } | null
): number {
	const length = content.length * zoom;
	if (length + 2 * margin <= size) return (size - length) / 2 - content.start * zoom;
	const atStart = margin - content.start * zoom;
	const atEnd = size - margin - (content.start + content.length) * zoom;
	if (focus === null) return atStart;
	const { node, context } = focus;
	let wanted = size / 2 - (context.start + context.length / 2) * zoom;
	if (context.length * zoom + 2 * FOCUS_MARGIN_PX > size) {
		// The node whole: from its start at the near margin (lowest) to its end at the far one.
		const lowest = FOCUS_MARGIN_PX - node.start * zoom;
		const highest = size - FOCUS_MARGIN_PX - (node.start + node.length) * zoom;
		wanted = lowest > highest ? lowest : Math.min(highest, Math.max(lowest, wanted));
	}
	return Math.min(atStart, Math.max(atEnd, wanted));
}

const xSpan = (box: FlowBox): Span => ({ start: box.x, length: box.width });
const ySpan = (box: FlowBox): Span => ({ start: box.y, length: box.height });

/**
 * The view of `content` (the graph's bounds) at `zoom` in a canvas of `size`, `margin` px from its
 * edges: around `focus` where the graph is larger than the canvas, else centred.
 */
export function viewAround(
	content: FlowBox,
	size: CanvasSize,
	zoom: number,
	margin: number,
	focus: Focus | null
): View {
	return {
		x: place(
			size.width,
			zoom,
			margin,
			xSpan(content),
			focus && { node: xSpan(focus.node), context: xSpan(focus.context) }
		),
		y: place(
			size.height,
			zoom,
			margin,
			ySpan(content),
			focus && { node: ySpan(focus.node), context: ySpan(focus.context) }
		),
		zoom
	};
}

/** Whether `box` lies whole inside the canvas, `margin` px from its edges, in `view`. */
export function boxInView(view: View, size: CanvasSize, box: FlowBox, margin = 0): boolean {
	const left = box.x * view.zoom + view.x;
	const top = box.y * view.zoom + view.y;
	return (
		left >= margin &&
		top >= margin &&
		left + box.width * view.zoom <= size.width - margin &&
		top + box.height * view.zoom <= size.height - margin
	);
}

/**
 * Whether the view must move to show `focus`: its node is not whole in view, or its context is
 * not, along an axis where the context would fit at this zoom. (Along an axis where it is too
 * large, a view that shows the node whole stays: following it would move the view at every step.)
 */
export function mustFollow(view: View, size: CanvasSize, focus: Focus): boolean {
	if (!boxInView(view, size, focus.node)) return true;
	const { context } = focus;
	const left = context.x * view.zoom + view.x;
	const top = context.y * view.zoom + view.y;
	const width = context.width * view.zoom;
	const height = context.height * view.zoom;
	const margins = 2 * FOCUS_MARGIN_PX;
	const cutAcross = width + margins <= size.width && (left < 0 || left + width > size.width);
	const cutDown = height + margins <= size.height && (top < 0 || top + height > size.height);
	return cutAcross || cutDown;
}

/** The smallest box holding all of `boxes` (at least one). */
export function union(boxes: readonly FlowBox[]): FlowBox {
	let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
	for (const box of boxes) {
		left = Math.min(left, box.x);
		top = Math.min(top, box.y);
		right = Math.max(right, box.x + box.width);
		bottom = Math.max(bottom, box.y + box.height);
	}
	return { x: left, y: top, width: right - left, height: bottom - top };
}
