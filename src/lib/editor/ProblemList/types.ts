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
	 * What kind of problem it is, in the UI's language, shown before the message (the code
	 * importer's labels in languages other than English; Python's syntax errors stay verbatim).
	 */
	summary?: string;
	/** Kept on the item as `data-kind`, for styling and tests. */
	kind?: string;
}
