import { MediaQuery } from 'svelte/reactivity';

/**
 * Windows narrower than this fold the inspector while a side panel (Train, Code) is open: the
 * panel (36rem) and the inspector (17rem) would leave the canvas less than 40rem (432 px at
 * 1280 px; 664 px with the inspector folded). Keep in step with `EditorPage`'s grid.
 */
export const FOLD_QUERY = '(width < 1500px)';

/**
 * Whether the inspector's column is open or folded to a strip beside an open side panel. The
 * fold is offered only while a side panel is open in a narrow window; there it starts folded,
 * and the user opens or folds it again. Whenever the fold starts or stops being offered (a side
 * panel opens or closes, the window crosses the width) the column goes back to that default, so
 * the inspector comes back as it was when the side panel closes.
 */
export class InspectorFold {
	readonly #narrow = new MediaQuery(FOLD_QUERY);
	readonly #panelOpen: () => boolean;

	/** A side panel is open in a window too narrow for it, the inspector and the canvas. */
	readonly offered: boolean = $derived.by(() => this.#panelOpen() && this.#narrow.current);

	/** The column is open; the user's choice until `offered` changes. */
	open: boolean = $derived(!this.offered);

	/** @param panelOpen Whether a side panel (Train, Code) is open beside the canvas. */
	constructor(panelOpen: () => boolean) {
		this.#panelOpen = panelOpen;
	}

	/** The column is a strip, the inspector hidden (still there, with what its fields hold). */
	get folded(): boolean {
		return !this.open;
	}

	/** Opens the folded column, or folds the open one (only while the fold is offered). */
	toggle(): void {
		if (this.offered) this.open = !this.open;
	}
}
