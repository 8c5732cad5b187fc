/** The editor state, shared with every component of the editor through context. */
import { getContext, setContext } from 'svelte';
import type { EditorState } from './editor-state.svelte';
import type { Autosave } from './store/autosave.svelte';

const KEY = Symbol('editor');

export function setEditor(editor: EditorState): EditorState {
	setContext(KEY, editor);
	return editor;
}

/** The editor state set by the `Editor` component above this one. */
export function getEditor(): EditorState {
	const editor = getContext<EditorState | undefined>(KEY);
	if (!editor) {
		throw new Error(
			'getEditor() found no editor: use this component inside <Editor>, which calls setEditor().'
		);
	}
	return editor;
}

const AUTOSAVE_KEY = Symbol('autosave');

export function setAutosave(autosave: Autosave): Autosave {
	setContext(AUTOSAVE_KEY, autosave);
	return autosave;
}

/** The autosave of the editor above, or null (components shown without one, in tests). */
export function getAutosave(): Autosave | null {
	return getContext<Autosave | undefined>(AUTOSAVE_KEY) ?? null;
}
