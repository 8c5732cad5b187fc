import type { NodeInfo } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/**
 * What a node says about itself: its missing inputs in the UI's language (the app's own words),
 * else PyTorch's error or warning verbatim, else nothing.
 */
export function nodeMessage(info: NodeInfo | undefined, t: Translate): string {
	if (!info) return '';
	if (info.incomplete && info.missingInputs.length > 0) {
		const key = info.missingInputs.length > 1 ? 'node.missingInputs' : 'node.missingInput';
		return t(key, { inputs: info.missingInputs.join(', ') });
	}
	return info.error ?? info.warning ?? '';
}
