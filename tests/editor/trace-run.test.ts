/**
 * The trace derives from (document, run): what shows belongs to the document on screen, and an
 * edit drops exactly the steps that depend on it. Stepping starts from nothing and runs on into
 * backward.
 */
import { describe, expect, test } from 'vitest';
import { EXAMPLES } from '$lib/graph';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { TraceState } from '$lib/editor/trace-state.svelte';

const example = (id: string) => EXAMPLES.find((e) => e.id === id)!.doc;
const chain = example('chain-rule');
const regression = example('linear-regression');
const idOf = (editor: EditorState, name: string) =>
	editor.doc.nodes.find((n) => n.name === name)!.id;

function setup(initial = chain) {
	const editor = new EditorState({ initial });
	const trace = new TraceState(editor);
	return { editor, trace };
}

describe('nothing stale', () => {
	test('another document shows nothing of the last run, even after an error', async () => {
		const { editor, trace } = setup();
		await trace.forward(false);
		await trace.backward(false);
		await trace.backward(false);
		expect(trace.error?.message).toMatch(/^Trying to backward through the graph a second time/);
		editor.replaceDocument(regression);
		expect(trace.steps).toHaveLength(0);
		expect(trace.nodes.size).toBe(0);
		expect(trace.error).toBeNull();
		expect(trace.index).toBe(-1);
		// Its own forward pass starts clean: no grads carried over, counts at 0.
		await trace.forward(false);
		expect(trace.nodes.get(idOf(editor, 'weight'))?.grad).toBeNull();
		expect(trace.nodes.get(idOf(editor, 'weight'))?.accumulations).toBe(0);
		expect(trace.nodes.get(idOf(editor, 'y'))?.gradFn).toBeNull();
	});

	test('the same example opened again starts a fresh session (Backward works again)', async () => {
		const { editor, trace } = setup();
		await trace.backward(false);
		await trace.backward(false);
		expect(trace.error).not.toBeNull();
		editor.replaceDocument(chain);
		expect(trace.error).toBeNull();
		trace.retainGraph = true;
		await trace.backward(false);
		expect(trace.error).toBeNull();
		expect(trace.nodes.get(idOf(editor, 'w'))?.accumulations).toBe(1);
	});

	test('New, and undo or redo across a replacement, show nothing of the run', async () => {
		const { editor, trace } = setup();
		await trace.backward(false);
		expect(trace.steps).toHaveLength(7);
		editor.newDocument();
		expect(trace.steps).toHaveLength(0);
		editor.undo();
		expect(editor.doc.nodes).toHaveLength(5);
		expect(trace.steps).toHaveLength(0);
		expect(trace.nodes.size).toBe(0);
		await trace.forward(false);
		expect(trace.steps).toHaveLength(5);
		editor.redo();
		expect(trace.steps).toHaveLength(0);
	});

	test('an edit drops exactly the steps that depend on it', async () => {
		const { editor, trace } = setup();
		await trace.backward(false);
		expect(trace.steps).toHaveLength(7);
		// b feeds z only: x, w and y still hold; b, z and the backward pass (from z) do not.
		expect(editor.updateAttrs(idOf(editor, 'b'), { seed: 9 })).toBeNull();
		expect(trace.steps.map((s) => `${s.kind} ${s.name}`)).toEqual([
			'forward x',
			'forward w',
			'forward y'
		]);
		expect(trace.nodes.has(idOf(editor, 'b'))).toBe(false);
		expect(trace.nodes.get(idOf(editor, 'y'))?.value).not.toBeNull();
		// Undo brings the document back as it was: the run holds again, whole.
		editor.undo();
		expect(trace.steps).toHaveLength(7);
	});

	test('moving or renaming a node changes no value: the run holds', async () => {
		const { editor, trace } = setup();
		await trace.backward(false);
		editor.moveNodes({ [idOf(editor, 'x')]: { x: 300, y: 300 } });
		expect(editor.rename(idOf(editor, 'w'), 'weight')).toBeNull();
		expect(trace.steps).toHaveLength(7);
	});

	test('Backward after an edit runs Forward again on the edited graph', async () => {
		const { editor, trace } = setup();
		await trace.backward(false);
		const first = trace.nodes.get(idOf(editor, 'w'))!.grad!.data[0];
		editor.updateAttrs(idOf(editor, 'x'), { init: 'values', values: [3] });
		trace.retainGraph = true;
		await trace.backward(false);
		expect(trace.error).toBeNull();
		expect(trace.steps).toHaveLength(7);
		// w is a leaf whose attributes did not change: like a parameter across iterations, its
		// .grad accumulates (0.627... + 3), as PyTorch's would.
		expect(trace.nodes.get(idOf(editor, 'w'))?.grad?.data[0]).toBeCloseTo(first + 3, 5);
		expect(trace.nodes.get(idOf(editor, 'w'))?.accumulations).toBe(2);
	});
});

describe('stepping from nothing', () => {
	test('step forward walks forward node by node, then on into backward; step back to nothing', async () => {
		const { editor, trace } = setup();
		expect(trace.canStepForward).toBe(true);
		await trace.stepForward();
		expect(trace.index).toBe(0);
		expect(trace.current?.kind).toBe('forward');
		expect(trace.nodes.size).toBe(1);
		for (let i = 1; i < 5; i++) await trace.stepForward();
		expect(trace.index).toBe(4);
		expect(trace.steps).toHaveLength(5);
		await trace.stepForward();
		expect(trace.current?.kind).toBe('backward');
		expect(trace.current?.nodeId).toBe(idOf(editor, 'z'));
		await trace.stepForward();
		expect(trace.index).toBe(6);
		expect(trace.canStepForward).toBe(false);
		for (let i = 0; i < 7; i++) trace.stepBack();
		expect(trace.index).toBe(-1);
		expect(trace.nodes.size).toBe(0);
	});

	test('key presses queue: three quick presses are three steps', async () => {
		const { trace } = setup();
		void trace.stepForward();
		void trace.stepForward();
		await trace.stepForward();
		expect(trace.index).toBe(2);
	});

	test('play from nothing plays forward and backward to the end', async () => {
		const { trace } = setup();
		trace.speed = 4;
		await trace.play();
		await expect.poll(() => trace.playing, { timeout: 20_000 }).toBe(false);
		expect(trace.steps).toHaveLength(7);
		expect(trace.index).toBe(6);
	});
});

describe('the work budget', () => {
	test('a graph past the budget is refused up front, naming the node; nothing runs', async () => {
		const big = {
			...chain,
			nodes: chain.nodes.map((n) =>
				n.op === 'tensor' ? { ...n, attrs: { ...n.attrs, shape: [8192, 8192] } } : n
			)
		};
		const { editor, trace } = setup(big);
		await trace.forward(false);
		expect(trace.steps).toHaveLength(0);
		expect(trace.refusal?.resource).toBe('bytes');
		expect(trace.refusal?.amount).toMatch(/^[\d.]+ [MG]B$/);
		expect(trace.refusal?.limit).toBe('1 GB');
		expect(['x', 'w', 'b', 'y', 'z']).toContain(trace.refusal?.name);
		await trace.stepForward();
		expect(trace.steps).toHaveLength(0);
		// Another document: the refusal does not follow it.
		editor.replaceDocument(chain);
		expect(trace.refusal).toBeNull();
		await trace.forward(false);
		expect(trace.steps).toHaveLength(5);
	});
});
