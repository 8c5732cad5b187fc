/**
 * What a screen reader hears at each step of the trace: one short sentence, with the step's
 * values when they are few (a tensor past `SPOKEN_ELEMENTS` is named by its shape instead).
 */
import { numel } from '$lib/engine/core';
import type { TensorView, TraceStep } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';
import { shortNumber } from '$lib/viz/format';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** Tensors of at most this many elements are read out in full. */
export const SPOKEN_ELEMENTS = 6;

/** A tensor in words: `6`, `[1, 2, 3]`, `[[1, 2], [3, 4]]`, or "a tensor of shape [3, 4]". */
export function spokenTensor(view: TensorView, t: Translate): string {
	const count = numel(view.shape);
	if (count > SPOKEN_ELEMENTS) {
		return t('announce.shape', { shape: `[${view.shape.join(', ')}]` });
	}
	const numbers = Array.from(view.data, (value) => shortNumber(value));
	if (view.shape.length === 0) return numbers[0] ?? '';
	if (view.shape.length === 1) return `[${numbers.join(', ')}]`;
	const cols = view.shape[view.shape.length - 1];
	const rows: string[] = [];
	for (let start = 0; start < numbers.length; start += Math.max(1, cols)) {
		rows.push(`[${numbers.slice(start, start + cols).join(', ')}]`);
	}
	return `[${rows.join(', ')}]`;
}

/** The sentence for step `index` (0-based) of `total`; empty before the first step. */
export function announceStep(
	step: TraceStep | null,
	index: number,
	total: number,
	names: ReadonlyMap<string, string>,
	t: Translate
): string {
	if (!step) return '';
	const where = { index: index + 1, total };
	if (step.kind === 'forward') {
		return t('announce.forward', {
			...where,
			name: step.name,
			value: spokenTensor(step.output, t)
		});
	}
	const parts = [
		t('announce.backward', { ...where, name: step.name, grad: spokenTensor(step.upstream, t) })
	];
	for (const acc of step.accumulated) {
		parts.push(
			t('announce.leafGrad', {
				name: names.get(acc.nodeId) ?? acc.nodeId,
				grad: spokenTensor(acc.grad, t)
			})
		);
	}
	return parts.join(t('announce.separator'));
}
