/**
 * A lesson follows its document (QA): another document under it (New, an example, Recent, a
 * file, a link, Import code, Undo back past the lesson's example) pauses it; the edits its steps
 * ask for never do. Reopen brings its graph back at the same step through the document store, and
 * the tab keeps the lesson across a reload. A tab here is the page's startup, an editor, its
 * autosave and its lessons on the in-memory store; a reload is a new tab on the same
 * sessionStorage stand-in.
 */
import { describe, expect, test } from 'vitest';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { TraceState } from '$lib/editor/trace-state.svelte';
import {
	LessonState,
	readLessonMemory,
	TAB_LESSON_KEY,
	writeLessonMemory
} from '$lib/editor/Lesson/lesson-state.svelte';
import { Autosave } from '$lib/editor/store/autosave.svelte';
import { MemoryDocumentStore, type DocumentStore } from '$lib/editor/store/documents';
import { startDocument, type KeyValueStorage } from '$lib/editor/store/startup';
import { compactDocument, encodeShareHash, exampleDocument, serializeDocument } from '$lib/graph';

function memory(): KeyValueStorage & { items: Map<string, string> } {
	const items = new Map<string, string>();
	return {
		items,
		getItem: (key) => items.get(key) ?? null,
		setItem: (key, value) => void items.set(key, value),
		removeItem: (key) => void items.delete(key)
	};
}

/** Storage that refuses everything (a locked-down browser, or a full quota). */
const refusing: KeyValueStorage = {
	getItem: () => {
		throw new DOMException('denied', 'SecurityError');
	},
	setItem: () => {
		throw new DOMException('full', 'QuotaExceededError');
	},
	removeItem: () => {
		throw new DOMException('denied', 'SecurityError');
	}
};

const chainRule = exampleDocument('chain-rule')!;

/** A tab as the editor page wires it, with its lesson kept in `session` as the page keeps it. */
async function openTab(store: DocumentStore, session: KeyValueStorage = memory()) {
	const start = await startDocument(store, {
		legacy: null,
		tabMemory: session,
		first: () => ({ doc: chainRule, origin: { kind: 'new' } })
	});
	const editor: EditorState = new EditorState({
		initial: start.doc,
		info: start.info,
		session: start.session,
		noticeMs: 5,
		onChange: () => autosave.schedule()
	});
	const autosave: Autosave = new Autosave(editor, store, {
		...start.autosave,
		channel: null,
		tabMemory: session,
		later: () => {}
	});
	const trace = new TraceState(editor);
	const lessons = new LessonState(editor, trace, { documents: autosave });
	lessons.restore(readLessonMemory(session));
	/** What the page's effect writes after each change. */
	const keep = () => writeLessonMemory(session, lessons.memory);
	return { editor, autosave, trace, lessons, session, keep };
}

/** A tab in lesson 1 at step 2 (Forward), the student's graph before it stored. */
async function inLesson() {
	const store = new MemoryDocumentStore();
	const session = memory();
	const tab = await openTab(store, session);
	tab.editor.addNode('relu', { x: 400, y: 0 }); // the student's own graph
	await tab.autosave.flush();
	const before = tab.editor.documentInfo.id;
	tab.lessons.start('autograd-basics');
	await tab.autosave.flush();
	tab.lessons.next();
	expect(tab.lessons.step?.text).toBe('lesson.basics.forward');
	return { store, before, lessonDocument: tab.editor.documentInfo.id, ...tab, session };
}

const nodeNamed = (editor: EditorState, name: string) =>
	editor.doc.nodes.find((node) => node.name === name)!;

describe('what pauses a lesson', () => {
	test('the edits its steps ask for never do; the step just reads the graph as it is', async () => {
		const { editor, trace, lessons } = await inLesson();
		await trace.forward(false);
		expect(lessons.ready).toBe(true);
		editor.addNode('relu', { x: 600, y: 0 });
		editor.rename(nodeNamed(editor, 'b').id, 'bias');
		editor.rename(nodeNamed(editor, 'bias').id, 'b');
		editor.moveNodes({ [nodeNamed(editor, 'x').id]: { x: 10, y: 10 } });
		editor.toggleSidePanel('code');
		expect(lessons.paused).toBe(false);
		expect(lessons.ready).toBe(true);
		// An edit that changes what y computes: its forward step drops out, and Next waits again.
		expect(editor.updateAttrs(nodeNamed(editor, 'x').id, { init: 'ones' })).toBeNull();
		expect(lessons.ready).toBe(false);
		// Undo inside the same document: not a pause, the condition holds again.
		editor.undo();
		expect(lessons.paused).toBe(false);
		expect(lessons.ready).toBe(true);
	});

	test('File › New pauses it: Next and Back do nothing; Undo of the New resumes it', async () => {
		const { editor, trace, lessons } = await inLesson();
		await trace.forward(false);
		expect(lessons.ready).toBe(true);
		editor.newDocument();
		expect(lessons.paused).toBe(true);
		expect(lessons.ready).toBe(false);
		lessons.next();
		lessons.back();
		expect(lessons.index).toBe(1);
		editor.undo(); // the lesson's graph again, the same document
		expect(lessons.paused).toBe(false);
		expect(lessons.index).toBe(1);
		editor.redo();
		expect(lessons.paused).toBe(true);
	});

	test('Undo back past the example the lesson opened pauses it; Redo resumes it', async () => {
		const { editor, lessons, before } = await inLesson();
		editor.undo();
		expect(editor.documentInfo.id).toBe(before);
		expect(lessons.paused).toBe(true);
		expect(lessons.ready).toBe(false);
		editor.redo();
		expect(lessons.paused).toBe(false);
	});

	test('every other way of opening a document pauses it', async () => {
		const openers: [string, (tab: Awaited<ReturnType<typeof inLesson>>) => unknown][] = [
			['an example', ({ editor }) => editor.replaceDocument(chainRule, { origin: example })],
			['the same example again', ({ editor }) => editor.replaceDocument(basics, { origin: same })],
			['Recent', ({ autosave, before }) => autosave.open(before)],
			['a file', ({ editor }) => editor.open(serializeDocument(chainRule), 'file', 'g.json')],
			['a link', ({ editor }) => editor.openShareHash(encodeShareHash(chainRule))],
			['Import code', ({ editor }) => editor.replaceDocument(chainRule, { origin: code })]
		];
		const example = { kind: 'example', id: 'chain-rule' } as const;
		const same = { kind: 'example', id: 'autograd-basics' } as const;
		const code = { kind: 'code' } as const;
		const basics = exampleDocument('autograd-basics')!;
		for (const [name, open] of openers) {
			const tab = await inLesson();
			await open(tab);
			expect(tab.lessons.paused, name).toBe(true);
			expect(tab.lessons.documentId, name).toBe(tab.lessonDocument);
		}
	});

	test('a "keep mine" copy after a conflict is still the lesson’s document', async () => {
		const { editor, autosave, lessons, lessonDocument } = await inLesson();
		autosave.keepMine();
		expect(editor.documentInfo.id).not.toBe(lessonDocument);
		expect(lessons.paused).toBe(false);
		expect(lessons.memory?.document).toBe(editor.documentInfo.id);
		// Paused later, Reopen opens the copy (the tab's own version), not the other tab's.
		const copy = editor.documentInfo.id;
		await autosave.flush();
		editor.newDocument();
		expect(lessons.documentId).toBe(copy);
	});
});

describe('Reopen', () => {
	test('opens the lesson’s graph at the same step, as Recent does; the other graph is kept', async () => {
		const { store, editor, autosave, trace, lessons, lessonDocument } = await inLesson();
		editor.addNode('relu', { x: 600, y: 0 }); // the student's edit, in the lesson's graph
		const edited = compactDocument(editor.doc);
		await autosave.flush(); // (the page writes it when the browser is next idle)
		editor.newDocument();
		editor.addNode('exp', { x: 0, y: 0 }); // work on the new graph, not written yet
		const other = editor.documentInfo.id;
		expect(lessons.paused).toBe(true);
		expect(await lessons.reopen()).toBe(true);
		expect(lessons.paused).toBe(false);
		expect(lessons.index).toBe(1);
		expect(editor.documentInfo.id).toBe(lessonDocument);
		expect(compactDocument(editor.doc)).toBe(edited);
		expect(store.records.get(other)?.nodes).toBe(1);
		// The step's condition reads the reopened graph as it is: Forward is to be pressed again.
		expect(lessons.ready).toBe(false);
		await trace.forward(false);
		expect(lessons.ready).toBe(true);
		lessons.next();
		expect(lessons.index).toBe(2);
	});

	test('a lesson graph no longer stored: its example opens anew, the other graph is kept', async () => {
		const { store, editor, autosave, lessons, lessonDocument } = await inLesson();
		editor.newDocument();
		editor.addNode('exp', { x: 0, y: 0 });
		const other = editor.documentInfo.id;
		await autosave.discard(lessonDocument);
		expect(store.records.has(lessonDocument)).toBe(false);
		expect(await lessons.reopen()).toBe(true);
		expect(lessons.paused).toBe(false);
		expect(editor.documentInfo.origin).toEqual({ kind: 'example', id: 'autograd-basics' });
		expect(lessons.index).toBe(1);
		expect(store.records.get(other)?.nodes).toBe(1);
	});

	test('exited while it opens: the lesson stays ended', async () => {
		const { editor, lessons } = await inLesson();
		editor.newDocument();
		const reopening = lessons.reopen();
		lessons.exit();
		expect(await reopening).toBe(false);
		expect(lessons.lesson).toBeNull();
		expect(lessons.paused).toBe(false);
	});
});

describe('a reload', () => {
	test('keeps the lesson at its step on its document', async () => {
		const { store, lessons, session, keep, autosave, editor } = await inLesson();
		keep();
		expect(JSON.parse(session.items.get(TAB_LESSON_KEY)!)).toEqual({
			lesson: 'autograd-basics',
			step: 1,
			document: editor.documentInfo.id
		});
		await autosave.flush();
		const again = await openTab(store, session);
		expect(again.editor.documentInfo.id).toBe(editor.documentInfo.id);
		expect(again.lessons.lesson?.id).toBe('autograd-basics');
		expect(again.lessons.index).toBe(1);
		expect(again.lessons.paused).toBe(false);
		lessons.exit();
		keep();
		expect(session.items.has(TAB_LESSON_KEY)).toBe(false);
	});

	test('with another document open, it comes back paused; Reopen opens the lesson’s', async () => {
		const { store, lessons, session, keep, autosave, editor, lessonDocument } = await inLesson();
		editor.newDocument();
		editor.addNode('exp', { x: 0, y: 0 });
		keep();
		expect(lessons.memory?.document).toBe(lessonDocument);
		await autosave.flush();
		const again = await openTab(store, session);
		expect(again.lessons.index).toBe(1);
		expect(again.lessons.paused).toBe(true);
		expect(await again.lessons.reopen()).toBe(true);
		expect(again.editor.documentInfo.id).toBe(lessonDocument);
		expect(again.lessons.paused).toBe(false);
		// Then New again pauses it (it knows its document in this page now).
		again.editor.newDocument();
		expect(again.lessons.paused).toBe(true);
	});

	test('another tab (its own sessionStorage) has no lesson', async () => {
		const { store, keep, autosave } = await inLesson();
		keep();
		await autosave.flush();
		const other = await openTab(store);
		expect(other.lessons.lesson).toBeNull();
	});

	test('storage that refuses, or holds something else, restores nothing and throws nothing', async () => {
		expect(readLessonMemory(refusing)).toBeNull();
		expect(() => writeLessonMemory(refusing, null)).not.toThrow();
		expect(() =>
			writeLessonMemory(refusing, { lesson: 'chain-rule', step: 1, document: 'x' })
		).not.toThrow();
		expect(readLessonMemory(null)).toBeNull();
		for (const text of [
			'not json',
			'null',
			'[]',
			'{"lesson":"chain-rule","step":"1","document":"x"}',
			'{"lesson":"chain-rule","step":1.5,"document":"x"}',
			'{"lesson":"chain-rule","step":1}'
		]) {
			const session = memory();
			session.setItem(TAB_LESSON_KEY, text);
			expect(readLessonMemory(session), text).toBeNull();
		}
		// Read, but not a lesson or a step of one: nothing is restored.
		const store = new MemoryDocumentStore();
		for (const kept of [
			{ lesson: 'no-such-lesson', step: 0, document: 'x' },
			{ lesson: 'chain-rule', step: 99, document: 'x' },
			{ lesson: 'chain-rule', step: -1, document: 'x' },
			{ lesson: '__proto__', step: 0, document: 'x' }
		]) {
			const session = memory();
			session.setItem(TAB_LESSON_KEY, JSON.stringify(kept));
			const tab = await openTab(store, session);
			expect(tab.lessons.lesson, JSON.stringify(kept)).toBeNull();
		}
		// A tab whose storage refuses everything still starts and follows a lesson.
		const tab = await openTab(store, refusing);
		tab.lessons.start('chain-rule');
		tab.keep();
		expect(tab.lessons.index).toBe(0);
		tab.lessons.next();
		expect(tab.lessons.index).toBe(1);
	});
});
