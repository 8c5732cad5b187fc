/** One problem as a list shows it. */
export interface Problem {
	/** Where it is, already formatted (`nodes[2].attrs:`, `3:14`); empty or absent for none. */
	where?: string;
	message: string;
	/**
	 * The message in pieces, shown instead of `message` when given: a `verbatim` piece quotes
	 * words as written in every language (PyTorch's, a parser's).
	 */
	parts?: readonly { text: string; verbatim?: boolean }[];
	/**
	 * What kind of problem it is, in the UI's language, shown before a message that is not (the
	 * code importer's diagnostics are English, as Python's and PyTorch's own messages are).
	 */
	summary?: string;
	/** Kept on the item as `data-kind`, for styling and tests. */
	kind?: string;
}
