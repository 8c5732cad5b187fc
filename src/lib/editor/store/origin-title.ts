/** A stored document's title in the Recent list and in messages. */
import { EXAMPLES } from '$lib/graph';
import type { I18n } from '$lib/i18n';
import { excerpt } from '$lib/util/excerpt';
import type { DocumentMeta, DocumentOrigin } from './documents';

/** The title a document has from where it came (until the user names it). */
export function originTitle(origin: DocumentOrigin, i18n: I18n): string {
	let title: string;
	switch (origin.kind) {
		case 'example': {
			const example = EXAMPLES.find((e) => e.id === origin.id);
			title = i18n.t('recent.origin.example', {
				title: example ? example.title[i18n.locale] : excerpt(origin.id, 40)
			});
			break;
		}
		case 'file':
			title = i18n.t('recent.origin.file', { name: excerpt(origin.name, 60) });
			break;
		default:
			title = i18n.t(`recent.origin.${origin.kind}`);
	}
	return origin.copy ? i18n.t('recent.copy', { title }) : title;
}

/** A stored document's title: the name the user gave it, else from where it came. */
export function documentTitle(
	meta: { origin: DocumentOrigin; title?: string },
	i18n: I18n
): string {
	if (meta.title === undefined) return originTitle(meta.origin, i18n);
	return meta.origin.copy ? i18n.t('recent.copy', { title: meta.title }) : meta.title;
}

/** A date and time as the user's locale writes it. */
export function formatWhen(ms: number, i18n: I18n): string {
	try {
		return new Date(ms).toLocaleString(i18n.locale === 'zh' ? 'zh-CN' : 'en-GB', {
			dateStyle: 'medium',
			timeStyle: 'short'
		});
	} catch {
		return '';
	}
}

/** The name the user gave the stored document `id` (in Recent), or null. */
export function givenTitle(recent: readonly DocumentMeta[], id: string): string | null {
	return recent.find((meta) => meta.id === id)?.title ?? null;
}
