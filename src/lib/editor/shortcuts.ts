/**
 * The editor's keyboard shortcuts. Ctrl on Windows and Linux, Cmd on macOS. C alone connects the
 * selected node's output from the keyboard.
 */
export type ShortcutAction =
	'undo' | 'redo' | 'copy' | 'paste' | 'duplicate' | 'delete' | 'selectAll' | 'connect';

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** The action a key press asks for, or null. */
export function shortcutFor(event: Keys): ShortcutAction | null {
	if (event.altKey) return null;
	const command = event.ctrlKey || event.metaKey;
	const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
	if (!command) {
		if (key === 'c' && !event.shiftKey) return 'connect';
		return key === 'Delete' || key === 'Backspace' ? 'delete' : null;
	}
	switch (key) {
		case 'z':
			return event.shiftKey ? 'redo' : 'undo';
		case 'y':
			return 'redo';
		case 'c':
			return event.shiftKey ? null : 'copy';
		case 'v':
			return event.shiftKey ? null : 'paste';
		case 'd':
			return 'duplicate';
		case 'a':
			return 'selectAll';
		default:
			return null;
	}
}

/**
 * Marks a text field whose text is what the document holds (nothing typed since it was applied,
 * as the Inspector's fields after Enter): its Undo and Redo are the document's, since the field
 * has no edit of its own to undo. Without it, the browser's Undo inside the field would bring back
 * the text from before the rename while the node keeps the new name.
 */
export const DOCUMENT_UNDO_ATTRIBUTE = 'data-document-undo';

/** Whether the editor's shortcut `action`, pressed in `target`, is the editor's to run. */
export function isEditorKey(action: ShortcutAction, target: EventTarget | null): boolean {
	if (!isEditableTarget(target)) return true;
	return (
		(action === 'undo' || action === 'redo') &&
		(target as HTMLElement).hasAttribute(DOCUMENT_UNDO_ATTRIBUTE)
	);
}

/** Whether a key press belongs to a text field (then the editor leaves it alone). */
export function isEditableTarget(target: EventTarget | null): boolean {
	if (!(target instanceof HTMLElement)) return false;
	if (target.isContentEditable) return true;
	if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
	if (target instanceof HTMLInputElement) {
		return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(
			target.type
		);
	}
	return false;
}
