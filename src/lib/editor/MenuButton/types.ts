export interface MenuItem {
	/** Stable key. */
	id: string;
	/** The item's text (and accessible name). */
	label: string;
	onselect: () => void;
}
