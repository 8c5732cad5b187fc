/**
 * Saving what a chart shows: the SVG drawn on a canvas as PNG, and text (CSV) files. Needs a
 * browser (DOM, canvas); nothing here runs in a worker.
 */

/** Offer `blob` as a download named `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	link.rel = 'noopener';
	link.style.display = 'none';
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type = 'text/csv'): void {
	downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), fileName);
}

/** The SVG as standalone markup, at its on-screen size, on a `background` rectangle. */
export function serializeSvg(svg: SVGSVGElement, background: string): string {
	const width = svg.clientWidth;
	const height = svg.clientHeight;
	const copy = svg.cloneNode(true) as SVGSVGElement;
	copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	copy.setAttribute('width', String(width));
	copy.setAttribute('height', String(height));
	copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
	const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	rect.setAttribute('width', '100%');
	rect.setAttribute('height', '100%');
	rect.setAttribute('fill', background);
	copy.insertBefore(rect, copy.firstChild);
	return new XMLSerializer().serializeToString(copy);
}

/** The SVG drawn on a canvas (at `scale` times its size) and encoded as PNG. */
export async function svgToPng(svg: SVGSVGElement, background: string, scale = 2): Promise<Blob> {
	const markup = serializeSvg(svg, background);
	const image = new Image();
	image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
	await image.decode();
	const canvas = document.createElement('canvas');
	canvas.width = Math.round(svg.clientWidth * scale);
	canvas.height = Math.round(svg.clientHeight * scale);
	const context = canvas.getContext('2d');
	if (context === null) throw new Error('this browser cannot draw on a canvas');
	context.scale(scale, scale);
	context.drawImage(image, 0, 0);
	return await new Promise<Blob>((resolve, reject) =>
		canvas.toBlob(
			(blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be made'))),
			'image/png'
		)
	);
}

/** Save PNG: draw the chart on a canvas and download it. */
export async function savePng(svg: SVGSVGElement, fileName: string, background: string) {
	downloadBlob(await svgToPng(svg, background), fileName);
}

/**
 * CSV of a series by epoch: `epoch,loss` then `1,161` ... `epochOf(i)` is the epoch of
 * `values[i]` (by default i + 1).
 */
export function seriesCsv(
	values: ArrayLike<number>,
	header = 'epoch,loss',
	epochOf: (index: number) => number = (i) => i + 1
): string {
	const lines = [header];
	for (let i = 0; i < values.length; i++) lines.push(`${epochOf(i)},${values[i]}`);
	return lines.join('\n') + '\n';
}
