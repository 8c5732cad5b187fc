/** How nodes print shapes and leaves (plain text). */
import { numberFormat } from '$lib/engine/core';
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
 * '' for none.
 */
export function formatLive(values: readonly number[] | undefined): string {
	if (values === undefined || values.length === 0) return '';
	const { format } = numberFormat(values);
	const shown = values.slice(0, LIVE_SHOWN).map(format);
	return shown.join(', ') + (values.length > LIVE_SHOWN ? ', …' : '');
}
