/**
 * The web fonts an exported image needs, as @font-face rules with the font files inlined: only
 * the faces (family, weight, unicode-range slice) that the page has loaded, that a font stack in
 * the exported element names, and whose slice holds a character of its text. In practice that
 * is the Noto Sans SC slices of a graph with Chinese names on a machine with no CJK font (the
 * rest of the graph is in system fonts), and nothing otherwise: not the 20 KaTeX fonts of the
 * Chain rule panel, which html-to-image inlined into every image.
 */

const unquote = (family: string) => family.trim().replace(/^["']|["']$/g, '');
const normalise = (css: string) => css.toLowerCase().replace(/\s+/g, '');

/** Whether the unicode-range `range` ("U+4E00-4E0F, U+3000") holds a code point of `codes`. */
function covers(range: string, codes: number[]): boolean {
	if (!range.trim()) return true;
	return range.split(',').some((part) => {
		const [from, to] = part
			.trim()
			.replace(/^u\+/i, '')
			.split('-')
			.map((hex) => parseInt(hex.replace(/\?/g, '0'), 16));
		const last = to ?? parseInt(part.trim().replace(/^u\+/i, '').replace(/\?/g, 'f'), 16);
		return codes.some((code) => code >= from && code <= last);
	});
}

function dataUrl(blob: Blob): Promise<string> {
	return new Promise((resolve, reject) => {
		const reader = new FileReader();
		reader.onload = () => resolve(String(reader.result));
		reader.onerror = () => reject(reader.error);
		reader.readAsDataURL(blob);
	});
}

/** The @font-face rules `element`'s text is drawn with, their files inlined; '' for none. */
export async function usedFontFaces(element: Element): Promise<string> {
	const codes = [...new Set(element.textContent ?? '')]
		.map((c) => c.codePointAt(0)!)
		.filter((code) => code > 0x7f);
	if (codes.length === 0) return '';
	const families = new Set<string>();
	for (const child of [element, ...element.querySelectorAll('*')]) {
		for (const family of getComputedStyle(child).fontFamily.split(','))
			families.add(unquote(family));
	}
	const loaded = new Set(
		[...document.fonts]
			.filter((face) => face.status === 'loaded')
			.map((face) => `${unquote(face.family)}|${face.weight}|${normalise(face.unicodeRange)}`)
	);
	const rules: Promise<string>[] = [];
	for (const sheet of document.styleSheets) {
		let list: CSSRuleList;
		try {
			list = sheet.cssRules;
		} catch {
			continue; // another origin's sheet
		}
		for (const rule of list) {
			if (!(rule instanceof CSSFontFaceRule)) continue;
			const style = rule.style;
			const family = unquote(style.getPropertyValue('font-family'));
			const weight = style.getPropertyValue('font-weight') || '400';
			const range = style.getPropertyValue('unicode-range');
			if (!families.has(family) || !covers(range, codes)) continue;
			if (!loaded.has(`${family}|${weight}|${normalise(range || 'U+0-10FFFF')}`)) continue;
			const url = style.getPropertyValue('src').match(/url\(["']?([^"')]+)["']?\)/)?.[1];
			if (!url) continue;
			const href = new URL(url, sheet.href ?? location.href).href;
			rules.push(
				fetch(href)
					.then((response) => {
						if (!response.ok) throw new Error(`${response.status} for ${href}`);
						return response.blob();
					})
					.then(dataUrl)
					.then(
						(data) =>
							`@font-face{font-family:${JSON.stringify(family)};font-weight:${weight};` +
							`font-style:${style.getPropertyValue('font-style') || 'normal'};` +
							(range ? `unicode-range:${range};` : '') +
							`src:url(${data})}`,
						// A file that cannot be read now (offline, not cached) is left out: the image
						// still comes, its text in the viewer's fonts, rather than no image at all.
						() => ''
					)
			);
		}
	}
	return (await Promise.all(rules)).filter(Boolean).join('\n');
}
