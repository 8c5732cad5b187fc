/** How nodes print shapes and leaves (plain text). */
import { numel, tensorNumberFormat } from '$lib/engine/core';
import { LEAF_INITS } from '$lib/graph';
import { translate, type MessageKey, type MessageParams } from '$lib/i18n';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/**
 * A leaf's init in one line: `randn · seed 1`, `full 0.5`, `values` (in English; `t` words it
 * in the UI's language). The inits named after torch functions stay as they are.
 */
export function leafSummary(
	attrs: Record<string, unknown> | undefined,
	t: Translate = (key, params) => translate('en', key, params)
): string {
	const init = attrs?.init;
	if (typeof init !== 'string' || !(LEAF_INITS as readonly string[]).includes(init)) return '';
	if (init === 'rand' || init === 'randn') {
		return `${init} · ${t('node.seed', { seed: Number(attrs?.seed ?? 0) })}`;
	}
	if (init === 'full') return `full ${Number(attrs?.fill ?? 0)}`;
	if (init === 'values') return t('node.initValues');
	return init;
}

const LIVE_SHOWN = 4;

/**
 * Live parameter values in one short line, in their tensor's one format as PyTorch prints it
 * (the engine's, as the node's badges): `1.9983`, `0.5000, -1.2000, 3.0000, 0.2500, …`, `0.`;
 * '' for none. The format is judged as PyTorch's print judges it: on every value up to 1000,
 * past that on those a summarised print shows (of `shape`, when the values fill it), so a
 * million-value parameter costs a few reads every frame, not a million.
 */
export function formatLive(
	values: ArrayLike<number> | undefined,
	shape?: readonly number[]
): string {
	if (values === undefined || values.length === 0) return '';
	const fits = shape !== undefined && numel(shape) === values.length;
	const { format } = tensorNumberFormat(values, fits ? shape : [values.length]);
	const shown = Array.from({ length: Math.min(LIVE_SHOWN, values.length) }, (_, i) =>
		format(values[i])
	);
	return shown.join(', ') + (values.length > LIVE_SHOWN ? ', …' : '');
}
