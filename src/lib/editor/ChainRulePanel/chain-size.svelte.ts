/**
 * How tall the chain-rule panel is below the canvas: by default it takes at most what leaves the
 * canvas 60% of the window's height (about 240 px at 1280x800); dragged (or moved from the
 * keyboard) it is a share of the editor's middle area, the canvas above it refitting. The choice
 * is kept for the next visit (localStorage), per browser, as a projector's room keeps it.
 */

/** Where the share is kept (a number in [MIN_SHARE, MAX_SHARE]). */
export const CHAIN_SIZE_KEY = 'autograd-canvas.chain-share';
/** The least share of the middle area the panel can be given (a step's heading and a line). */
export const MIN_SHARE = 0.15;
/** The most: the canvas keeps 30% above it. */
export const MAX_SHARE = 0.7;
/** One arrow key press. */
export const KEY_STEP = 0.05;

type ShareStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function clampShare(share: number): number {
	return Math.min(MAX_SHARE, Math.max(MIN_SHARE, share));
}

export class ChainSize {
	#storage: ShareStorage | null;

	/** The panel's share of the area, or null: the default size. */
	share = $state.raw<number | null>(null);

	/** @param storage where the choice is kept (null: this page only). */
	constructor(storage: ShareStorage | null) {
		this.#storage = storage;
		let stored: string | null = null;
		try {
			stored = storage?.getItem(CHAIN_SIZE_KEY) ?? null;
		} catch {
			// Storage refused: the default size.
		}
		const value = stored === null || stored.trim() === '' ? NaN : Number(stored);
		if (Number.isFinite(value)) this.share = clampShare(value);
	}

	/** Gives the panel `share` of the area (clamped), and keeps it. */
	set(share: number): void {
		this.share = clampShare(share);
		this.#write(String(this.share));
	}

	/** Back to the default size. */
	reset(): void {
		this.share = null;
		this.#write(null);
	}

	#write(value: string | null): void {
		try {
			if (value === null) this.#storage?.removeItem(CHAIN_SIZE_KEY);
			else this.#storage?.setItem(CHAIN_SIZE_KEY, value);
		} catch {
			// Storage refused (private mode, full): the size holds for this page.
		}
	}
}
