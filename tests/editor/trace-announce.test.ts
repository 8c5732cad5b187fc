/**
 * The trace's screen-reader sentences, from a real trace of the chain-rule example: each step's
 * phase, position and values, leaves' grads at the step that completes them, and big tensors
 * named by their shape rather than read out.
 */
import { describe, expect, it } from 'vitest';
import { exampleDocument, TraceSession, type TensorView } from '$lib/graph';
import { translate, type MessageKey, type MessageParams } from '$lib/i18n';
import { announceStep, spokenTensor, SPOKEN_ELEMENTS } from '$lib/editor/TraceAnnouncer/announce';

const en = (key: MessageKey, params?: MessageParams) => translate('en', key, params);
const zh = (key: MessageKey, params?: MessageParams) => translate('zh', key, params);
const view = (shape: number[], values: number[]): TensorView => ({
	shape,
	data: Float64Array.from(values)
});

describe('spokenTensor', () => {
	it('reads scalars, vectors and matrices out', () => {
		expect(spokenTensor(view([], [6]), en)).toBe('6');
		expect(spokenTensor(view([3], [1, 2.5, -3]), en)).toBe('[1, 2.5, -3]');
		expect(spokenTensor(view([2, 2], [1, 2, 3, 4]), en)).toBe('[[1, 2], [3, 4]]');
	});

	it('names a tensor past the limit by its shape', () => {
		const big = view(
			[3, 4],
			Array.from({ length: 12 }, (_, i) => i)
		);
		expect(12).toBeGreaterThan(SPOKEN_ELEMENTS);
		expect(spokenTensor(big, en)).toBe('a tensor of shape [3, 4]');
		expect(spokenTensor(big, zh)).toBe('形状为 [3, 4] 的张量');
	});
});

describe('announceStep on the chain-rule example', () => {
	const doc = exampleDocument('chain-rule')!;
	const names = new Map(doc.nodes.map((n) => [n.id, n.name]));
	const session = new TraceSession();
	const forward = session.forward(doc);
	const backward = session.backward(null);
	const steps = [...forward.steps, ...backward.steps];

	it('says nothing before the first step', () => {
		expect(announceStep(null, -1, steps.length, names, en)).toBe('');
	});

	it('says each forward step with its position and value', () => {
		expect(forward.error).toBeNull();
		forward.steps.forEach((step, i) => {
			const text = announceStep(step, i, steps.length, names, en);
			expect(text).toBe(
				`Forward, step ${i + 1} of ${steps.length}: ${step.name} = ${spokenTensor(step.output, en)}`
			);
		});
	});

	it('says each backward step, with the leaves whose grad it completes', () => {
		expect(backward.error).toBeNull();
		const heard = backward.steps.map((step, i) =>
			announceStep(step, forward.steps.length + i, steps.length, names, en)
		);
		expect(heard[0]).toMatch(
			new RegExp(
				`^Backward, step ${forward.steps.length + 1} of ${steps.length}: the gradient at z is \\[1\\]`
			)
		);
		// Every leaf that requires grad is heard with its .grad exactly once.
		const w = doc.nodes.find((n) => n.name === 'w')!;
		const wGrad = backward.steps.flatMap((s) => s.accumulated).find((a) => a.nodeId === w.id)!;
		expect(heard.filter((text) => text.includes('w.grad = '))).toEqual([
			expect.stringContaining(`w.grad = ${spokenTensor(wGrad.grad, en)}`)
		]);
		expect(heard.join(' ')).toContain('b.grad = [1]');
	});

	it('speaks Chinese in Chinese', () => {
		expect(announceStep(forward.steps[0], 0, steps.length, names, zh)).toMatch(
			new RegExp(`^前向，第 1 步，共 ${steps.length} 步：`)
		);
	});
});
