/**
 * Files and links in the browser: downloads, reading a chosen file within the size limit, and
 * share URLs. The document itself is read and written by `$lib/graph`.
 */
import { MAX_FILE_BYTES, serializeDocument, type GraphDocument } from '$lib/graph';
import { downloadBlob } from '$lib/viz/export';

/** Starts a download of `content` as `filename`. */
export function download(filename: string, content: Blob | string, type = 'application/json') {
	downloadBlob(typeof content === 'string' ? new Blob([content], { type }) : content, filename);
}

/** The file chosen in a file input, which is cleared so that choosing the same file again works. */
export function takeChosenFile(input: HTMLInputElement): File | undefined {
	const file = input.files?.[0];
	input.value = '';
	return file;
}

/** Starts a download of a `data:` URL (an exported image). */
export function downloadDataUrl(filename: string, dataUrl: string) {
	const link = document.createElement('a');
	link.href = dataUrl;
	link.download = filename;
	document.body.append(link);
	link.click();
	link.remove();
}

export function formatMegabytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(mb >= 1 ? 1 : 2)} MB`;
}

/** `32 KB`, `2.4 MB`: a size for a sentence. */
export function formatKilobytes(bytes: number): string {
	return bytes >= 1024 * 1024 ? formatMegabytes(bytes) : `${Math.round(bytes / 1024)} KB`;
}

export type FileRead =
	| { ok: true; bytes: Uint8Array }
	| { ok: false; reason: 'too-big'; size: number }
	| { ok: false; reason: 'unreadable'; message: string };

/** The bytes of `file`, unless it is over the size limit (then it is not read at all). */
export async function readChosenFile(file: File): Promise<FileRead> {
	if (file.size > MAX_FILE_BYTES) return { ok: false, reason: 'too-big', size: file.size };
	try {
		return { ok: true, bytes: new Uint8Array(await file.arrayBuffer()) };
	} catch (error) {
		return { ok: false, reason: 'unreadable', message: String(error) };
	}
}

/** This page's address with `hash` as its fragment. */
export function shareUrl(hash: string, location: Location = window.location): string {
	return `${location.origin}${location.pathname}#${hash}`;
}

/** Copies `text` to the clipboard; false where the browser does not allow it. */
export async function copyText(text: string): Promise<boolean> {
	try {
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		return false;
	}
}

/** A file name for a download: `graph-2025-01-31.json`. */
export function datedName(base: string, extension: string, date = new Date()): string {
	const day = date.toISOString().slice(0, 10);
	return `${base}-${day}.${extension}`;
}

/**
 * A file name made of a document's name: the characters file systems refuse (and control
 * characters) become '-', at most 60 of them (`My lesson: y = 2x + 1` -> `My lesson- y = 2x + 1.json`).
 */
export function titledName(title: string, extension: string): string {
	const bare = title.toLowerCase().endsWith(`.${extension}`)
		? title.slice(0, -extension.length - 1)
		: title;
	// eslint-disable-next-line no-control-regex -- control characters are what it removes
	const base = [...bare.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '-').trim()]
		.slice(0, 60)
		.join('')
		.replace(/^[.\s]+|[.\s]+$/g, '');
	return `${base === '' ? 'graph' : base}.${extension}`;
}

/**
 * Downloads `doc` as a graph file, named by the name the user gave it (`title`) or by the day
 * (`graph-2025-01-31.json`); returns the file's name.
 */
export function downloadDocument(doc: GraphDocument, title: string | null = null): string {
	const name = title ? titledName(title, 'json') : datedName('graph', 'json');
	download(name, serializeDocument(doc));
	return name;
}
