/**
 * Dragging palette entries with a finger. HTML5 drag and drop, which the mouse uses, never fires
 * for touch on most devices, so touch has its own gesture on Pointer Events:
 *
 * - a press that moves sideways (towards the canvas) picks the entry up at once; one that moves
 *   up or down first is a scroll of the palette, left to the browser (the entries allow vertical
 *   panning only, `touch-action: pan-y`);
 * - a press held still for `LONG_PRESS_MS` picks it up too, and it may then go any way;
 * - while an entry is up, a ghost of it follows the finger and the palette does not scroll;
 *   lifting the finger drops it there (`drop` decides whether that is on the canvas);
 * - a tap is left alone: the button's click adds the entry, as a mouse click does.
 *
 * Mouse and pen keep HTML5 drag and drop; nothing here reacts to them.
 */

interface Point {
	x: number;
	y: number;
}

/** What follows the finger: the entry, and where its top left corner is (viewport px). */
export interface TouchGhost {
	kind: string;
	symbol: string;
	left: number;
	top: number;
	width: number;
}

/** How far (px) a finger moves before the move counts: a tap wobbles less. */
export const TOUCH_SLOP = 8;
/** How long (ms) a still press takes to pick an entry up; under the platforms' context menu. */
export const LONG_PRESS_MS = 400;
/** How long (ms) after a drop the click a browser may still send is ignored. */
const CLICK_AFTER_DROP_MS = 600;

interface Press {
	kind: string;
	symbol: string;
	pointerId: number;
	start: Point;
	/** Where in the entry the finger pressed: the ghost keeps that point under the finger. */
	grab: Point;
	width: number;
	timer: ReturnType<typeof setTimeout>;
}

export class PaletteTouchDrag {
	/** The entry being dragged, drawn under the finger; null when none. */
	ghost = $state.raw<TouchGhost | null>(null);

	#press: Press | null = null;
	#last: Point = { x: 0, y: 0 };
	#clickIgnoredUntil = 0;
	#clickIgnoredKind: string | null = null;
	readonly #drop: (kind: string, at: Point) => void;

	/** `drop`: the entry `kind` was let go at `at` (viewport px). */
	constructor(drop: (kind: string, at: Point) => void) {
		this.#drop = drop;
	}

	/** Whether a finger holds an entry down (pressed or picked up). */
	get active(): boolean {
		return this.#press !== null;
	}

	/** A pointerdown on the entry `kind`; anything but a primary touch is ignored. */
	pointerdown(event: PointerEvent, kind: string, symbol: string): void {
		if (event.pointerType !== 'touch' || !event.isPrimary) return;
		this.#end();
		const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
		const start = { x: event.clientX, y: event.clientY };
		this.#last = start;
		this.#press = {
			kind,
			symbol,
			pointerId: event.pointerId,
			start,
			grab: { x: start.x - rect.left, y: start.y - rect.top },
			width: rect.width,
			timer: setTimeout(() => this.#pickUp(), LONG_PRESS_MS)
		};
		window.addEventListener('pointermove', this.#move);
		window.addEventListener('pointerup', this.#up);
		window.addEventListener('pointercancel', this.#cancel);
	}

	/**
	 * For a non-passive touchmove listener on the palette: keeps the palette (and the page) from
	 * scrolling while an entry is up, which pointer events alone cannot do.
	 */
	touchmove = (event: TouchEvent): void => {
		if (this.ghost && event.cancelable) event.preventDefault();
	};

	/**
	 * Whether a click on the entry `kind` now is the tail of its own touch drag (a browser may
	 * send one): ignore it. A tap on another entry just after a drop is a tap.
	 */
	ignoresClick(kind: string): boolean {
		return (
			this.ghost !== null ||
			(kind === this.#clickIgnoredKind && performance.now() < this.#clickIgnoredUntil)
		);
	}

	/** Lets go of everything, dropping nothing (the palette is going away). */
	destroy(): void {
		this.#end();
	}

	#pickUp(): void {
		const press = this.#press;
		if (!press) return;
		clearTimeout(press.timer);
		this.ghost = {
			kind: press.kind,
			symbol: press.symbol,
			left: this.#last.x - press.grab.x,
			top: this.#last.y - press.grab.y,
			width: press.width
		};
	}

	#move = (event: PointerEvent): void => {
		const press = this.#press;
		if (!press || event.pointerId !== press.pointerId) return;
		this.#last = { x: event.clientX, y: event.clientY };
		if (!this.ghost) {
			const dx = this.#last.x - press.start.x;
			const dy = this.#last.y - press.start.y;
			if (Math.hypot(dx, dy) < TOUCH_SLOP) return;
			// Up or down first: the palette scrolls (the browser's); sideways: the entry comes along.
			if (Math.abs(dy) >= Math.abs(dx)) {
				this.#end();
				return;
			}
		}
		this.#pickUp();
	};

	#up = (event: PointerEvent): void => {
		const press = this.#press;
		if (!press || event.pointerId !== press.pointerId) return;
		const carried = this.ghost !== null;
		this.#end();
		if (!carried) return;
		this.#clickIgnoredUntil = performance.now() + CLICK_AFTER_DROP_MS;
		this.#clickIgnoredKind = press.kind;
		this.#drop(press.kind, { x: event.clientX, y: event.clientY });
	};

	/** The browser took the touch (a scroll, a system gesture): nothing is dropped. */
	#cancel = (event: PointerEvent): void => {
		if (this.#press && event.pointerId === this.#press.pointerId) this.#end();
	};

	#end(): void {
		if (this.#press) clearTimeout(this.#press.timer);
		this.#press = null;
		this.ghost = null;
		window.removeEventListener('pointermove', this.#move);
		window.removeEventListener('pointerup', this.#up);
		window.removeEventListener('pointercancel', this.#cancel);
	}
}
