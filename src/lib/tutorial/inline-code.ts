/**
 * The tutorial's prose comes from the message catalog as plain text in which `backticks` mark
 * code (`requires_grad`, `y.backward()`): this splits such a message into text and code runs,
 * which the page renders as text and `<code>` text (never as HTML).
 */

/** One run of a message: prose, or code to show in `<code>`. */
export interface ProseRun {
	text: string;
	code: boolean;
}

/**
 * The runs of `message`, in order; empty runs are left out. An unpaired backtick stays as it
 * is, in the text.
 */
export function inlineCode(message: string): ProseRun[] {
	const parts = message.split('`');
	// An even number of parts means an unpaired backtick: glue the last two back together.
	if (parts.length % 2 === 0) {
		const tail = parts.pop() ?? '';
		parts[parts.length - 1] += '`' + tail;
	}
	return parts
		.map((text, index) => ({ text, code: index % 2 === 1 }))
		.filter((run) => run.text !== '');
}
