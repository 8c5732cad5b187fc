/**
 * "Export SVG image" as real SVG: rects, lines, paths, text and the heatmaps' images, read from
 * the laid-out canvas (each box, border and line of text where the browser put it), so that
 * slide tools (PowerPoint, Google Slides, Inkscape), which draw no <foreignObject>, show it.
 * What it draws: backgrounds, borders and border radii, outlines, ring shadows (a node's trace
 * highlight), overflow clipping, <img>, text in its font, size, weight and colour, and the
 * wires' SVG shapes with their resolved fill and stroke. Not drawn: blurred shadows, gradients,
 * pseudo-elements. Text is set in the page's font stacks, so another machine may draw it in
 * another font (textLength keeps each run as wide as on screen); only the web fonts in use are
 * embedded (a Chinese name's slices), which browsers read and slide tools ignore.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The image's frame: its size in px and the flow-to-image transform (as for the PNG). */
export interface SvgFrame {
	width: number;
	height: number;
	view: { x: number; y: number; zoom: number };
	background: string;
	/** @font-face rules to embed (for browsers; slide tools use their own fonts). */
	fonts: string;
	/** Leaves out an element and everything in it. */
	skip: (element: Element) => boolean;
}

type Attributes = Record<string, string | number | undefined>;

/** Geometry attributes copied from an SVG shape as they are. */
const SHAPE_ATTRIBUTES = [
	'd',
	'x',
	'y',
	'width',
	'height',
	'rx',
	'ry',
	'cx',
	'cy',
	'r',
	'x1',
	'y1',
	'x2',
	'y2',
	'points'
];
const SHAPES = new Set(['path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon']);

class SvgWriter {
	readonly #document: XMLDocument;
	readonly #toFlow: DOMMatrix;
	readonly #scale: number;
	readonly #skip: (element: Element) => boolean;
	readonly #probe: CanvasRenderingContext2D;
	readonly #colours = new Map<string, { rgb: string; alpha: number } | null>();
	readonly #metrics = new Map<string, { ascent: number; descent: number }>();
	#clipCount = 0;
	readonly defs: SVGDefsElement;
	readonly root: SVGSVGElement;

	constructor(viewport: HTMLElement, frame: SvgFrame) {
		this.#document = document.implementation.createDocument(SVG_NS, 'svg', null);
		this.root = this.#document.documentElement as unknown as SVGSVGElement;
		this.#skip = frame.skip;
		// Client px to flow units: the viewport's transform (translate, then scale from 0 0)
		// inside its pane.
		const pane = (viewport.parentElement ?? viewport).getBoundingClientRect();
		const m = new DOMMatrix(getComputedStyle(viewport).transform);
		this.#scale = m.a || 1;
		this.#toFlow = new DOMMatrix()
			.translate(pane.left + m.e, pane.top + m.f)
			.scale(this.#scale)
			.inverse();
		const canvas = document.createElement('canvas');
		canvas.width = canvas.height = 1;
		this.#probe = canvas.getContext('2d', { willReadFrequently: true })!;
		this.defs = this.element('defs', {});
	}

	element<K extends keyof SVGElementTagNameMap>(
		name: K,
		attributes: Attributes,
		parent?: Element
	): SVGElementTagNameMap[K] {
		const element = this.#document.createElementNS(SVG_NS, name) as SVGElementTagNameMap[K];
		for (const [key, value] of Object.entries(attributes)) {
			if (value !== undefined)
				element.setAttribute(key, typeof value === 'number' ? round(value) : value);
		}
		parent?.append(element);
		return element;
	}

	/** A client rect in flow units. */
	rect(box: DOMRectReadOnly): { x: number; y: number; width: number; height: number } {
		const p = this.#toFlow.transformPoint(new DOMPoint(box.left, box.top));
		return { x: p.x, y: p.y, width: box.width / this.#scale, height: box.height / this.#scale };
	}

	/**
	 * A CSS colour as SVG 1.1 reads it (rgb() and an opacity): the browser's computed colours
	 * can be color(srgb ...) or carry alpha, which slide tools do not read. Null: transparent.
	 */
	colour(css: string): { rgb: string; alpha: number } | null {
		let known = this.#colours.get(css);
		if (known !== undefined) return known;
		const probe = this.#probe;
		probe.clearRect(0, 0, 1, 1);
		// A value the canvas does not take (SVG's `none`) leaves it transparent.
		probe.fillStyle = 'transparent';
		probe.fillStyle = css;
		probe.fillRect(0, 0, 1, 1);
		const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
		known =
			a === 0 ? null : { rgb: `rgb(${r},${g},${b})`, alpha: Math.round((a / 255) * 100) / 100 };
		this.#colours.set(css, known);
		return known;
	}

	paint(kind: 'fill' | 'stroke', css: string): Attributes {
		const colour = this.colour(css);
		if (!colour) return { [kind]: 'none' };
		return { [kind]: colour.rgb, [`${kind}-opacity`]: colour.alpha < 1 ? colour.alpha : undefined };
	}

	/** The font's ascent and descent at its size, as the browser lays out a line box of it. */
	fontMetrics(font: string): { ascent: number; descent: number } {
		let metrics = this.#metrics.get(font);
		if (!metrics) {
			this.#probe.font = font;
			const measured = this.#probe.measureText('Hg');
			metrics = {
				ascent: measured.fontBoundingBoxAscent,
				descent: measured.fontBoundingBoxDescent
			};
			this.#metrics.set(font, metrics);
		}
		return metrics;
	}

	/** Draws `element` and what it contains into `parent`. */
	draw(element: Element, parent: Element) {
		if (this.#skip(element)) return;
		const style = getComputedStyle(element);
		if (style.display === 'none' || Number(style.opacity) === 0) return;
		if (element instanceof SVGElement) this.#drawSvg(element, style, parent);
		else if (element instanceof HTMLElement) this.#drawHtml(element, style, parent);
	}

	#drawHtml(element: HTMLElement, style: CSSStyleDeclaration, parent: Element) {
		const box = element.getBoundingClientRect();
		const visible = style.visibility !== 'hidden';
		let target = parent;
		if (box.width > 0 && box.height > 0) {
			const r = this.rect(box);
			const radius = Math.min(
				r.width / 2,
				r.height / 2,
				length(style.borderTopLeftRadius, r.width)
			);
			if (visible) this.#drawBox(style, r, radius, parent);
			if (element instanceof HTMLImageElement && visible && element.currentSrc) {
				this.element(
					'image',
					{
						href: element.currentSrc,
						...r,
						preserveAspectRatio: 'none',
						// SVG 1.1's word for it, and CSS's for browsers.
						'image-rendering': style.imageRendering === 'pixelated' ? 'optimizeSpeed' : undefined,
						style: style.imageRendering === 'pixelated' ? 'image-rendering:pixelated' : undefined
					},
					parent
				);
				return;
			}
			if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
				const id = `clip${++this.#clipCount}`;
				const clip = this.element('clipPath', { id }, this.defs);
				this.element('rect', { ...r, rx: radius || undefined }, clip);
				target = this.element('g', { 'clip-path': `url(#${id})` }, parent);
			}
		}
		let last: Rect | null = null;
		for (const child of element.childNodes) {
			if (child instanceof Text) {
				if (visible) last = this.#drawText(child, style, target) ?? last;
			} else if (child instanceof Element) this.draw(child, target);
		}
		// A text ::after (an optional input's "?"), set right after the element's text.
		const after = getComputedStyle(element, '::after');
		const content = after.content.match(/^"(.*)"$/)?.[1];
		if (content && last && visible) {
			const font = `${after.fontStyle} ${after.fontWeight} ${after.fontSize} ${after.fontFamily}`;
			const { ascent, descent } = this.fontMetrics(font);
			this.#text(
				content,
				last.x + last.width,
				last.y + (last.height - ascent - descent) / 2 + ascent,
				0,
				{ ...fontAttributes(after), ...this.paint('fill', after.color) },
				target
			);
		}
	}

	/** Ring shadows, background, border and outline of a box `r` (flow units). */
	#drawBox(style: CSSStyleDeclaration, r: Rect, radius: number, parent: Element) {
		for (const shadow of style.boxShadow.split(/,(?![^(]*\))/)) {
			// A ring: "colour 0px 0px 0px 4px" (no offset, no blur, a spread).
			const ring = shadow.trim().match(/^(.*\S)\s+0px\s+0px\s+0px\s+([\d.]+)px$/);
			if (!ring || shadow.includes('inset')) continue;
			const spread = Number(ring[2]);
			this.element(
				'rect',
				{ ...grow(r, spread), rx: radius + spread, ...this.paint('fill', ring[1]) },
				parent
			);
		}
		const fill = this.colour(style.backgroundColor);
		if (fill)
			this.element(
				'rect',
				{ ...r, rx: radius || undefined, ...this.paint('fill', style.backgroundColor) },
				parent
			);
		const sides = (['Top', 'Right', 'Bottom', 'Left'] as const).map((side) => ({
			width: parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) || 0,
			style: style.getPropertyValue(`border-${side.toLowerCase()}-style`),
			colour: style.getPropertyValue(`border-${side.toLowerCase()}-color`)
		}));
		const drawn = sides.map((s) => s.width > 0 && s.style !== 'none' && s.style !== 'hidden');
		const same = sides.every(
			(s, i) =>
				drawn[i] &&
				s.width === sides[0].width &&
				s.style === sides[0].style &&
				s.colour === sides[0].colour
		);
		if (same) {
			const w = sides[0].width;
			this.element(
				'rect',
				{
					...grow(r, -w / 2),
					rx: radius > 0 ? Math.max(0, radius - w / 2) : undefined,
					fill: 'none',
					'stroke-width': w,
					'stroke-dasharray': dashes(sides[0].style, w),
					...this.paint('stroke', sides[0].colour)
				},
				parent
			);
		} else {
			const { x, y, width, height } = r;
			const ends = [
				[x, y, x + width, y],
				[x + width, y, x + width, y + height],
				[x, y + height, x + width, y + height],
				[x, y, x, y + height]
			];
			sides.forEach((side, i) => {
				if (!drawn[i]) return;
				const w = side.width;
				// Inset by half the width, as the border lies inside the box.
				const inset = [w / 2, -w / 2, -w / 2, w / 2][i];
				const [x1, y1, x2, y2] = ends[i];
				const vertical = i === 1 || i === 3;
				this.element(
					'line',
					{
						x1: vertical ? x1 + inset : x1,
						y1: vertical ? y1 : y1 + inset,
						x2: vertical ? x2 + inset : x2,
						y2: vertical ? y2 : y2 + inset,
						'stroke-width': w,
						'stroke-dasharray': dashes(side.style, w),
						...this.paint('stroke', side.colour)
					},
					parent
				);
			});
		}
		const outline = parseFloat(style.outlineWidth) || 0;
		if (outline > 0 && style.outlineStyle !== 'none') {
			const out = (parseFloat(style.outlineOffset) || 0) + outline / 2;
			this.element(
				'rect',
				{
					...grow(r, out),
					rx: radius > 0 ? radius + out : undefined,
					fill: 'none',
					'stroke-width': outline,
					'stroke-dasharray': dashes(style.outlineStyle, outline),
					...this.paint('stroke', style.outlineColor)
				},
				parent
			);
		}
	}

	/** A text node, one <text> per line the browser broke it into; returns its last line's box. */
	#drawText(node: Text, style: CSSStyleDeclaration, parent: Element): Rect | null {
		const text = node.data;
		const start = text.search(/\S/);
		if (start < 0) return null;
		const end = text.trimEnd().length;
		const pre = /^(pre|break-spaces)/.test(style.whiteSpace);
		const range = document.createRange();
		range.setStart(node, start);
		range.setEnd(node, end);
		const rects = [...range.getClientRects()].filter((r) => r.width > 0);
		if (rects.length === 0) return null;
		const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
		const attributes: Attributes = {
			...fontAttributes(style),
			'xml:space': pre ? 'preserve' : undefined,
			...this.paint('fill', style.color)
		};
		const lines: { text: string; box: DOMRect }[] = [];
		if (rects.length === 1) lines.push({ text: text.slice(start, end), box: rects[0] });
		else {
			// Wrapped: each word's line is where its box is.
			for (const word of text.slice(0, end).matchAll(/\S+/g)) {
				range.setStart(node, word.index);
				range.setEnd(node, word.index + word[0].length);
				const box = range.getBoundingClientRect();
				const line = lines.at(-1);
				if (line && Math.abs(line.box.top - box.top) < 1) {
					line.text += ' ' + word[0];
					line.box = unite(line.box, box);
				} else lines.push({ text: word[0], box });
			}
		}
		const { ascent, descent } = this.fontMetrics(font);
		let r: Rect | null = null;
		for (const line of lines) {
			r = this.rect(line.box);
			const content = pre ? line.text : line.text.replace(/\s+/g, ' ');
			this.#text(
				content,
				r.x,
				r.y + (r.height - ascent - descent) / 2 + ascent,
				r.width,
				attributes,
				parent
			);
		}
		return r;
	}

	#text(
		content: string,
		x: number,
		y: number,
		width: number,
		attributes: Attributes,
		parent: Element
	) {
		const element = this.element(
			'text',
			{ x, y, textLength: content.length > 1 ? width : undefined, ...attributes },
			parent
		);
		element.textContent = content;
	}

	#drawSvg(element: SVGElement, style: CSSStyleDeclaration, parent: Element) {
		const name = element.localName;
		if (name === 'svg' || name === 'g') {
			for (const child of element.children) this.draw(child, parent);
			return;
		}
		if (style.visibility === 'hidden') return;
		if (name === 'text' && element instanceof SVGTextElement) {
			const content = element.textContent?.trim() ?? '';
			if (!content) return;
			const r = this.rect(element.getBoundingClientRect());
			const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
			const { ascent, descent } = this.fontMetrics(font);
			// Set on its baseline from where the browser drew it (dominant-baseline and
			// text-anchor are read unevenly by other programs).
			this.#text(
				content,
				r.x,
				r.y + (r.height - ascent - descent) / 2 + ascent,
				r.width,
				{ ...fontAttributes(style), ...this.paint('fill', style.fill) },
				parent
			);
			return;
		}
		if (!SHAPES.has(name) || !(element instanceof SVGGraphicsElement)) return;
		const screen = element.getScreenCTM();
		if (!screen) return;
		const matrix = this.#toFlow.multiply(screen);
		const attributes: Attributes = {};
		for (const key of SHAPE_ATTRIBUTES) {
			const value = element.getAttribute(key);
			if (value !== null) attributes[key] = value;
		}
		const strokeWidth = parseFloat(style.strokeWidth) || 0;
		const shape = this.element(
			name as 'path',
			{
				...attributes,
				...this.paint('fill', style.fill),
				...(strokeWidth > 0 ? this.paint('stroke', style.stroke) : {}),
				'stroke-width': strokeWidth > 0 && style.stroke !== 'none' ? strokeWidth : undefined,
				'stroke-dasharray': style.strokeDasharray === 'none' ? undefined : style.strokeDasharray,
				'stroke-linecap': style.strokeLinecap === 'butt' ? undefined : style.strokeLinecap,
				opacity: Number(style.opacity) < 1 ? style.opacity : undefined,
				transform: matrix.isIdentity
					? undefined
					: `matrix(${[matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f].map(round).join(' ')})`
			},
			parent
		);
		if (style.stroke === 'none' || strokeWidth === 0) shape.removeAttribute('stroke');
	}
}

type Rect = { x: number; y: number; width: number; height: number };

/** A text's font, as SVG attributes (leaving out the defaults). */
function fontAttributes(style: CSSStyleDeclaration): Attributes {
	return {
		'font-family': style.fontFamily,
		'font-size': style.fontSize,
		'font-weight': style.fontWeight === '400' ? undefined : style.fontWeight,
		'font-style': style.fontStyle === 'normal' ? undefined : style.fontStyle,
		'letter-spacing': style.letterSpacing === 'normal' ? undefined : style.letterSpacing
	};
}

function round(value: number): string {
	return String(Math.round(value * 100) / 100);
}

function grow(r: Rect, by: number): Rect {
	return { x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by };
}

function unite(a: DOMRect, b: DOMRect): DOMRect {
	const left = Math.min(a.left, b.left);
	const top = Math.min(a.top, b.top);
	return new DOMRect(
		left,
		top,
		Math.max(a.right, b.right) - left,
		Math.max(a.bottom, b.bottom) - top
	);
}

/** A CSS length in px, a percentage of `of`. */
function length(css: string, of: number): number {
	const value = parseFloat(css) || 0;
	return css.trim().endsWith('%') ? (value / 100) * of : value;
}

function dashes(style: string, width: number): string | undefined {
	if (style === 'dashed') return `${round(3 * width)} ${round(3 * width)}`;
	if (style === 'dotted') return `${round(width)} ${round(width)}`;
	return undefined;
}

/**
 * The canvas's viewport element (`.svelte-flow__viewport`) drawn as SVG markup, framed by
 * `frame` as the PNG is.
 */
export function viewportToSvg(viewport: HTMLElement, frame: SvgFrame): string {
	const writer = new SvgWriter(viewport, frame);
	const { root } = writer;
	root.setAttribute('width', String(frame.width));
	root.setAttribute('height', String(frame.height));
	root.setAttribute('viewBox', `0 0 ${frame.width} ${frame.height}`);
	root.append(writer.defs);
	if (frame.fonts) writer.element('style', {}, writer.defs).textContent = frame.fonts;
	writer.element(
		'rect',
		{ width: frame.width, height: frame.height, ...writer.paint('fill', frame.background) },
		root
	);
	const { x, y, zoom } = frame.view;
	const transform = `translate(${round(x)} ${round(y)}) scale(${Number(zoom.toFixed(5))})`;
	const flow = writer.element('g', { transform }, root);
	for (const child of viewport.children) writer.draw(child, flow);
	if (!writer.defs.hasChildNodes()) writer.defs.remove();
	return new XMLSerializer().serializeToString(root);
}
