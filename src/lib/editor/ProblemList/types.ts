/** One problem as a list shows it. */
export interface Problem {
	/** Where it is, already formatted (`nodes[2].attrs:`, `3:14`); empty or absent for none. */
	where?: string;
	message: string;
	/** Kept on the item as `data-kind`, for styling and tests. */
	kind?: string;
}
