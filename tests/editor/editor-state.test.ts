import { afterEach, describe, expect, test, vi } from 'vitest';
import { EXAMPLES, type Refusal } from '$lib/graph';
import { EditorState, freeSpot } from '$lib/editor/editor-state.svelte';
import { refusalText } from '$lib/editor/refusal-text';
import { translate } from '$lib/i18n';

const chain = EXAMPLES.find((e) => e.id === 'chain-rule')!.doc;

const editorWith = () => new EditorState({ initial: chain, noticeMs: 10 });

describe('editor state', () => {
	test('edits are undoable steps, and redo brings them back', () => {
		const editor = editorWith();
		const id = editor.addNode('relu', { x: 500, y: 0 });
		expect(id).not.toBeNull();
		expect(editor.connect({ source: 'n5', target: id!, targetInput: 'input' })).toBe(true);
		expect(editor.doc.nodes).toHaveLength(6);
		expect(editor.infos.get(id!)?.shape).toEqual([1]);
		editor.undo();
		expect(editor.doc.edges).toHaveLength(4);
		editor.undo();
		expect(editor.doc).toBe(chain);
		expect(editor.canUndo).toBe(false);
		editor.redo();
		editor.redo();
		expect(editor.doc.edges).toHaveLength(5);
		expect(editor.canRedo).toBe(false);
	});

	test('palette adds never land on another node, on an empty or a full canvas', () => {
		for (const initial of [{ ...chain, nodes: [], edges: [] }, chain]) {
			const editor = new EditorState({ initial, noticeMs: 10 });
			for (let i = 0; i < 12; i++) expect(editor.addNode(i % 2 ? 'relu' : 'tensor')).not.toBeNull();
			const boxes = editor.doc.nodes.map((n) => n.position);
			// Every added node against every other node (the example's own layout is its own).
			for (let j = initial.nodes.length; j < boxes.length; j++) {
				for (let i = 0; i < j; i++) {
					const apart =
						Math.abs(boxes[i].x - boxes[j].x) >= 250 || Math.abs(boxes[i].y - boxes[j].y) >= 260;
					expect(apart, `${JSON.stringify(boxes[i])} / ${JSON.stringify(boxes[j])}`).toBe(true);
				}
			}
		}
	});

	test('freeSpot: the start when free, else the nearest free room', () => {
		expect(freeSpot([], { x: 10, y: 20 })).toEqual({ x: 10, y: 20 });
		expect(freeSpot([{ position: { x: 0, y: 0 } }], { x: 100, y: 100 })).toEqual({
			x: 350,
			y: 100
		});
		expect(freeSpot([{ position: { x: 0, y: 0 } }], { x: 300, y: 0 })).toEqual({ x: 300, y: 0 });
	});

	test('freeSpot: a node as tall as drawn (a linear with its values is taller than a room)', () => {
		const tall = [{ id: 'pred', position: { x: 0, y: 0 } }];
		const sizeOf = (id: string) => (id === 'pred' ? { width: 220, height: 291 } : undefined);
		// Below it by a room's height would cut into its last rows.
		const spot = freeSpot(tall, { x: 0, y: 262 }, sizeOf);
		expect(spot).not.toEqual({ x: 0, y: 262 });
		const apart = spot.x >= 220 || spot.x + 226 <= 0 || spot.y >= 291 || spot.y + 236 <= 0;
		expect(apart).toBe(true);
		// Unmeasured, it is taken as a room: the old answer.
		expect(freeSpot(tall, { x: 0, y: 262 })).toEqual({ x: 0, y: 262 });
	});

	test('a refused wire changes nothing and says why', () => {
		const editor = editorWith();
		expect(editor.connect({ source: 'n1', target: 'n5', targetInput: 'other' })).toBe(false);
		expect(editor.doc).toBe(chain);
		expect(editor.notice).toMatchObject({ key: 'notice.wireRefused', tone: 'error' });
		expect(String(editor.notice?.params?.reason)).toContain('already connected');
		expect(editor.connect({ source: 'n5', target: 'n4', targetInput: 'input' })).toBe(false);
		expect(String(editor.notice?.params?.reason)).toMatch(/cycle|already connected/);
	});

	test('bad input never changes the loaded graph', () => {
		const editor = editorWith();
		const bad = [
			'{"format": "autograd-canvas.graph", "version": 1, "nodes": [',
			JSON.stringify({ ...chain, version: 2 }),
			JSON.stringify({ ...chain, format: 'x' }),
			JSON.stringify({
				...chain,
				nodes: chain.nodes.map((n) =>
					n.id === 'n1' ? { ...n, attrs: { ...n.attrs, shape: [1000, 1000, 1000] } } : n
				)
			}),
			JSON.stringify({
				...chain,
				edges: [...chain.edges, { id: 'e9', source: 'n99', target: 'n4', targetInput: 'input' }]
			}),
			' '.repeat(6 * 1024 * 1024)
		];
		for (const input of bad) {
			expect(editor.open(input, 'file', 'bad.json')).toBe(false);
			expect(editor.doc).toBe(chain);
			expect(editor.problems?.problems.length).toBeGreaterThan(0);
			editor.dismissProblems();
		}
		expect(editor.openShareHash('#g1.AAAA')).toBe(false);
		expect(editor.openShareHash('not a link')).toBe(false);
		expect(editor.doc).toBe(chain);
		expect(editor.canUndo).toBe(false);
	});

	test('the inspector edits are refused with a reason, and nothing changes', () => {
		const editor = editorWith();
		expect(editor.rename('n1', 'w')?.reason).toMatch(/already named w/);
		expect(editor.rename('n1', 'class')?.reason).toMatch(/keyword/);
		expect(editor.updateAttrs('n1', { shape: [0] })).not.toBeNull();
		expect(editor.updateAttrs('n1', { shape: [100000, 100000] })?.reason).toMatch(/limit/);
		expect(editor.doc).toBe(chain);
		expect(editor.rename('n1', 'inputs')).toBeNull();
		expect(editor.doc.nodes[0].name).toBe('inputs');
	});

	test("a refused edit is worded in the UI's language, on the Inspector and the status line", () => {
		const editor = editorWith();
		const inZh = (refusal: Refusal | null | undefined) =>
			refusalText(refusal!, (key, params) => translate('zh', key, params));
		const inEn = (refusal: Refusal | null | undefined) =>
			refusalText(refusal!, (key, params) => translate('en', key, params));
		// The QA audit's two: a negative size, and a name that is no Python identifier.
		const shape = editor.updateAttrs('n1', { shape: [3, -4] });
		expect(inZh(shape)).toBe('shape：各维大小必须是正整数，如 3, 4');
		expect(inEn(shape)).toBe('shape: the sizes must be positive integers, e.g. 3, 4');
		expect(inZh(editor.rename('n1', '2x'))).toBe(
			'名称必须是 Python 标识符：由字母、数字和 _ 组成，且不能以数字开头'
		);
		expect(inZh(editor.rename('n1', 'w'))).toBe('已有另一个节点名为 w');
		expect(inZh(editor.rename('n1', 'class'))).toBe('“class”是 Python 关键字，请换一个名称');
		expect(inZh(editor.updateAttrs('n1', { shape: [100000, 100000] }))).toBe(
			'张量有 10,000,000,000 个元素，超过了 67,108,864 个元素的上限；请用更小的形状'
		);
		expect(inZh(editor.updateAttrs('n1', { seed: -1 }))).toBe(
			'seed：应为 0 到 4,294,967,295 之间的整数'
		);
		expect(editor.doc).toBe(chain);

		// A refusal the status line shows (a select, a checkbox, a wire) keeps its code.
		editor.removeNode('no-such-node');
		expect(editor.notice?.key).toBe('notice.refused');
		expect(inZh(editor.notice?.refusal)).toBe('没有 id 为 no-such-node 的节点');
		expect(editor.doc).toBe(chain);
	});

	test('copy, paste, duplicate, select all and delete', () => {
		const editor = editorWith();
		editor.select(['n1', 'n2']);
		editor.copy();
		editor.paste();
		expect(editor.doc.nodes.map((n) => n.name)).toEqual(['x', 'w', 'b', 'y', 'z', 'x1', 'w1']);
		expect([...editor.selectedNodeIds]).toHaveLength(2);
		editor.duplicate();
		expect(editor.doc.nodes).toHaveLength(9);
		editor.selectAll();
		editor.deleteSelection();
		expect(editor.doc.nodes).toHaveLength(0);
		editor.undo();
		expect(editor.doc.nodes).toHaveLength(9);
	});

	test('positions come back from the canvas as one undo step', async () => {
		const editor = editorWith();
		editor.flowNodes = editor.flowNodes.map((n) =>
			n.id === 'n1' ? { ...n, position: { x: 40, y: 50 }, dragging: true } : n
		);
		await Promise.resolve();
		expect(editor.doc).toBe(chain);
		editor.flowNodes = editor.flowNodes.map((n) =>
			n.id === 'n1' ? { ...n, position: { x: 41.4, y: 50 }, dragging: false } : n
		);
		await Promise.resolve();
		expect(editor.doc.nodes[0].position).toEqual({ x: 41, y: 50 });
		editor.undo();
		expect(editor.doc).toBe(chain);
	});
});

describe('the status line notice: until the document changes, or its time (info)', () => {
	const basics = EXAMPLES.find((e) => e.id === 'autograd-basics')!.doc;
	afterEach(() => void vi.useRealTimers());

	/** An editor on the chain example that has just opened the basics example, and said so. */
	function loadedExample() {
		vi.useFakeTimers();
		const editor = new EditorState({ initial: chain, noticeMs: 6000 });
		editor.replaceDocument(basics, { origin: { kind: 'example', id: 'autograd-basics' } });
		editor.notify('notice.loadedExample', { title: 'Autograd basics' });
		return editor;
	}

	test('"Loaded the example" goes when Undo brings the graph before back, or Redo another', () => {
		const editor = loadedExample();
		expect(editor.notice?.key).toBe('notice.loadedExample');
		editor.undo();
		expect(editor.doc).toBe(chain);
		expect(editor.notice).toBeNull();
		editor.notify('notice.copied', { count: 1 });
		editor.redo();
		expect(editor.notice).toBeNull();
	});

	test('a notice goes at the next edit, and after its time when nothing changes', () => {
		const editor = loadedExample();
		editor.addNode('relu', { x: 0, y: 0 });
		expect(editor.notice).toBeNull();
		// Another tab's changes merged (one undo step), then the user edits on.
		editor.adoptVersion({ ...editor.doc, nodes: editor.doc.nodes.slice(0, 2), edges: [] }, null);
		editor.notify('notice.updatedFromTab');
		editor.setTrainingSession({ epoch: 3 }); // a training's progress is no change of the graph
		expect(editor.notice?.key).toBe('notice.updatedFromTab');
		editor.moveNodes({ [editor.doc.nodes[0].id]: { x: 5, y: 5 } });
		expect(editor.notice).toBeNull();
		editor.notify('notice.updatedFromTab');
		vi.advanceTimersByTime(5999);
		expect(editor.notice?.key).toBe('notice.updatedFromTab');
		vi.advanceTimersByTime(1);
		expect(editor.notice).toBeNull();
	});

	test('an error stays until the user changes the graph; a newer notice replaces it', () => {
		const editor = loadedExample();
		expect(editor.connect({ source: 'no-such', target: 'n1', targetInput: 'input' })).toBe(false);
		expect(editor.notice).toMatchObject({ key: 'notice.wireRefused', tone: 'error' });
		vi.advanceTimersByTime(10 * 60_000);
		expect(editor.notice?.key).toBe('notice.wireRefused');
		editor.addNode('relu', { x: 0, y: 0 });
		expect(editor.notice).toBeNull();
		editor.notify('notice.exportFailed', { reason: 'x' }, 'error');
		editor.notify('notice.exported', { file: 'graph.png' });
		expect(editor.notice?.key).toBe('notice.exported');
		// The error's timer, had it one, does not take away the notice after it early.
		vi.advanceTimersByTime(5999);
		expect(editor.notice?.key).toBe('notice.exported');
	});

	test("the app's own layout of a graph just opened keeps the notice that says it opened", () => {
		const editor = loadedExample();
		const [first] = editor.doc.nodes;
		expect(editor.moveNodes({ [first.id]: { x: 900, y: 900 } }, { keepNotice: true })).toBe(true);
		expect(editor.notice?.key).toBe('notice.loadedExample');
	});
});
