/**
 * When "Check gradient" may run (TraceState.canCheckGradient) and what it answers: only after a
 * Backward of the document exactly as it is now.
 */
import { describe, expect, test } from 'vitest';
import { EXAMPLES } from '$lib/graph';
import { EditorState } from '$lib/editor/editor-state.svelte';
import { TraceState } from '$lib/editor/trace-state.svelte';

const chain = EXAMPLES.find((e) => e.id === 'chain-rule')!.doc;
const idOf = (name: string) => chain.nodes.find((n) => n.name === name)!.id;

describe('Check gradient in the trace state', () => {
	test('off before Backward, on after it, off again after zero grad or an edit', async () => {
		const editor = new EditorState({ initial: chain });
		const trace = new TraceState(editor);
		trace.retainGraph = true;
		expect(trace.canCheckGradient).toBe(false);
		expect(await trace.checkGradient(idOf('z'))).toBeNull();
		await trace.forward(false);
		expect(trace.canCheckGradient).toBe(false);
		await trace.backward(false);
		expect(trace.canCheckGradient).toBe(true);
		const report = await trace.checkGradient(idOf('z'));
		expect(report?.ok && report.leaves.map((l) => [l.name, l.elements[0].status])).toEqual([
			['w', 'ok'],
			['b', 'ok']
		]);
		await trace.zeroGrad();
		expect(trace.canCheckGradient).toBe(false);
		await trace.backward(false);
		expect(trace.canCheckGradient).toBe(true);
		// An edit upstream of the output: the Backward no longer describes the document.
		expect(editor.updateAttrs(idOf('b'), { seed: 9 })).toBeNull();
		expect(trace.canCheckGradient).toBe(false);
		expect(await trace.checkGradient(idOf('z'))).toBeNull();
	});
});
