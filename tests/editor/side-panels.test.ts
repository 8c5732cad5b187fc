import { describe, expect, test } from 'vitest';
import { exampleDocument } from '$lib/graph';
import { EditorState } from '$lib/editor/editor-state.svelte';

const linear = exampleDocument('linear-regression')!;

describe('the side panels in the editor state', () => {
	test('a toggle opens its panel, switches panels, and closes its own', () => {
		const editor = new EditorState({ initial: linear });
		expect(editor.sidePanel).toBeNull();
		editor.toggleSidePanel('train');
		expect(editor.sidePanel).toBe('train');
		editor.toggleSidePanel('code');
		expect(editor.sidePanel).toBe('code');
		editor.toggleSidePanel('code');
		expect(editor.sidePanel).toBeNull();
	});

	test('live parameters make no undo step; writing them back is one, and Undo restores', () => {
		const editor = new EditorState({ initial: linear });
		const before = editor.doc;
		editor.liveParameters = { n2: [1.9983], n3: [1.01] };
		expect(editor.doc).toBe(before);
		expect(editor.canUndo).toBe(false);

		expect(editor.writeParameters(editor.liveParameters)).toBe(true);
		expect(editor.liveParameters).toBeNull();
		const weight = editor.doc.nodes.find((n) => n.id === 'n2')!;
		expect(weight.attrs).toMatchObject({ init: 'values', values: [1.9983], shape: [1, 1] });
		editor.undo();
		expect(editor.doc).toBe(before);
		expect(editor.canUndo).toBe(false);
	});

	test('values that do not fit a leaf change nothing', () => {
		const editor = new EditorState({ initial: linear, noticeMs: 10 });
		const before = editor.doc;
		expect(editor.writeParameters({ n2: [1, 2, 3] })).toBe(false);
		expect(editor.doc).toBe(before);
		expect(editor.notice?.tone).toBe('error');
	});

	test('a new document clears the live parameters', () => {
		const editor = new EditorState({ initial: linear });
		editor.liveParameters = { n2: [2] };
		editor.newDocument();
		expect(editor.liveParameters).toBeNull();
	});
});
