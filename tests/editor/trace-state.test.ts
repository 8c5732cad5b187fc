import { nestedList, type TensorView } from '$lib/graph/tensor-view';
import { describe, expect, test } from 'vitest';
import { EXAMPLES } from '$lib/graph';
import { forwardTex } from '$lib/editor/ChainRulePanel/forward-tex';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { TraceState } from '$lib/editor/trace-state.svelte';
import { formatValue, tensorKind } from '$lib/viz/TensorView/format';

const values = (v: TensorView | null | undefined) => (v ? nestedList(v) : v);

const chain = EXAMPLES.find((e) => e.id === 'chain-rule')!.doc;
const basics = EXAMPLES.find((e) => e.id === 'autograd-basics')!.doc;
const idOf = (doc: typeof chain, name: string) => doc.nodes.find((n) => n.name === name)!.id;

describe('the trace replay', () => {
	test('values appear step by step; grads after the backward step that accumulates them', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		await trace.forward(false);
		expect(trace.steps).toHaveLength(5);
		expect(trace.nodes.get(idOf(chain, 'z'))?.value).not.toBeNull();
		await trace.backward(false);
		expect(trace.steps).toHaveLength(7);
		const w = idOf(chain, 'w');
		const x = idOf(chain, 'x');
		expect(values(trace.nodes.get(w)?.grad)).toEqual(values(trace.nodes.get(x)?.value));
		expect(trace.nodes.get(x)?.grad).toBeNull();
		expect(trace.nodes.get(idOf(chain, 'y'))?.grad).toBeNull();
		expect(trace.nodes.get(w)?.accumulations).toBe(1);
		// Back to the end of forward: no grads yet, values all there.
		trace.seek(4);
		expect(trace.nodes.get(w)?.grad).toBeNull();
		expect(trace.nodes.size).toBe(5);
		trace.seek(-1);
		expect(trace.nodes.size).toBe(0);
	});

	test('a second backward without retain_graph is refused and changes no grad', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		await trace.backward(false);
		const w = idOf(chain, 'w');
		const before = trace.nodes.get(w)?.grad;
		await trace.backward(false);
		expect(trace.error?.message).toMatch(/^Trying to backward through the graph a second time/);
		expect(trace.nodes.get(w)?.grad).toEqual(before);
	});

	test('retain graph accumulates; zero grad clears grads and counts', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		trace.retainGraph = true;
		await trace.backward(false);
		await trace.backward(false);
		const b = idOf(chain, 'b');
		expect(values(trace.nodes.get(b)?.grad)).toEqual([2]);
		expect(trace.nodes.get(b)?.accumulations).toBe(2);
		await trace.zeroGrad();
		expect(trace.nodes.get(b)?.grad).toBeNull();
		expect(trace.nodes.get(b)?.accumulations).toBe(0);
	});

	test('unchanged nodes keep the same view object from step to step', async () => {
		const trace = new TraceState(new EditorState({ initial: basics }));
		await trace.forward(false);
		const x = idOf(basics, 'x');
		const first = trace.nodes.get(x);
		trace.stepBack();
		expect(trace.nodes.get(x)).toBe(first);
		await trace.reset();
		expect(trace.steps).toHaveLength(0);
	});

	test('forward formula with the values, from the trace', async () => {
		const trace = new TraceState(new EditorState({ initial: chain }));
		await trace.forward(false);
		const names = new Map(chain.nodes.map((n) => [n.id, n.name]));
		const y = trace.steps.find((s) => s.nodeId === idOf(chain, 'y'));
		expect(y?.kind).toBe('forward');
		if (y?.kind !== 'forward') return;
		// A one-element step: one line, the formula with the numbers inline.
		const tex = forwardTex(y, names);
		expect(tex).toHaveLength(1);
		expect(tex[0]).toContain('\\mathit{y} =');
		expect(tex[0]).toContain('\\mathit{w}');
		expect(tex[0]).toContain((values(y.output) as number[])[0].toFixed(4));
	});

	test('tensor views: scalar, table up to 4x4, heatmap beyond', () => {
		expect(tensorKind([1])).toBe('scalar');
		expect(tensorKind([3, 4])).toBe('table');
		expect(tensorKind([11, 1])).toBe('heatmap');
		expect(formatValue(1)).toBe('1.');
		expect(formatValue(0.5)).toBe('0.5000');
	});
});
