/**
 * Share links: the whole document, as compact JSON, DEFLATE-compressed (fflate) and written in
 * base64url after a version tag: `g1.<base64url>`. The app puts it in the URL's hash.
 *
 * Decoding treats the hash as hostile: bad characters, broken compression, and anything that
 * inflates to more than MAX_FILE_BYTES (a "zip bomb") are refused with a problem, never thrown.
 */
import { deflateSync, Inflate } from 'fflate';
import { MAX_FILE_BYTES } from './schema';
import { compactDocument } from './serialize';
import { parseDocument } from './validate';
import type { GraphDocument, Parsed, ShareProblemCode } from './types';

export const SHARE_PREFIX = 'g1.';
/**
 * The longest link the app makes: browsers refuse or cut longer URLs (Chromium's address bar and
 * many chat apps stop near 32 KB). Longer graphs are saved as files instead.
 */
export const MAX_SHARE_LINK_CHARS = 32 * 1024;
/** Hashes longer than this are refused before decoding (4/3 of the largest file, plus slack). */
export const MAX_SHARE_HASH_CHARS = Math.ceil((MAX_FILE_BYTES * 4) / 3) + 64;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

function toBase64Url(bytes: Uint8Array): string {
	let out = '';
	let i = 0;
	for (; i + 2 < bytes.length; i += 3) {
		const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
		out +=
			ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
	}
	const rest = bytes.length - i;
	if (rest === 1) {
		const n = bytes[i] << 16;
		out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
	} else if (rest === 2) {
		const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
		out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
	}
	return out;
}

/** Bytes from base64url (no padding), or null for a character outside the alphabet. */
function fromBase64Url(text: string): Uint8Array | null {
	if (text.length % 4 === 1) return null;
	const out = new Uint8Array(Math.floor((text.length * 3) / 4));
	let bits = 0;
	let value = 0;
	let o = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		const digit = code < 128 ? DECODE[code] : -1;
		if (digit < 0) return null;
		value = ((value << 6) | digit) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (value >> bits) & 0xff;
		}
	}
	return out.subarray(0, o);
}

/** Inflate `data`, stopping as soon as the output passes `limit` bytes (then null). */
function inflateBounded(data: Uint8Array, limit: number): Uint8Array | null {
	const chunks: Uint8Array[] = [];
	let total = 0;
	let over = false;
	const stream = new Inflate((chunk) => {
		total += chunk.length;
		if (total > limit) {
			over = true;
			throw new RangeError('too big');
		}
		chunks.push(chunk);
	});
	// Small input pieces bound how much one push can produce (DEFLATE expands at most ~1032x).
	const PIECE = 1024;
	try {
		for (let i = 0; i < data.length; i += PIECE) {
			stream.push(data.subarray(i, i + PIECE), i + PIECE >= data.length);
		}
		if (data.length === 0) stream.push(data, true);
	} catch (error) {
		if (over) return null;
		throw error;
	}
	const out = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.length;
	}
	return out;
}

/** The document as a URL-safe hash (without the leading `#`). */
export function encodeShareHash(doc: GraphDocument): string {
	const bytes = new TextEncoder().encode(compactDocument(doc));
	return SHARE_PREFIX + toBase64Url(deflateSync(bytes, { level: 9 }));
}

/**
 * The document in a share hash. Accepts the hash with or without `#`, or a whole URL. Never
 * throws: anything wrong comes back as problems (path `''`, or the document's own paths).
 */
export function decodeShareHash(hash: string): Parsed {
	const fail = (message: string, code: ShareProblemCode): Parsed => ({
		ok: false,
		problems: [{ path: '', message, code }]
	});
	try {
		if (typeof hash !== 'string') return fail('expected a share link', 'notLink');
		if (hash.length > MAX_SHARE_HASH_CHARS) return fail('this share link is too long', 'tooLong');
		const text = hash.slice(hash.lastIndexOf('#') + 1).trim();
		if (!text.startsWith(SHARE_PREFIX)) {
			return fail('not an Autograd Canvas share link (it should start with g1.)', 'notLink');
		}
		const compressed = fromBase64Url(text.slice(SHARE_PREFIX.length));
		if (compressed?.length === 0) {
			return fail('this share link is damaged (nothing follows g1.)', 'damaged');
		}
		if (compressed === null)
			return fail('this share link is damaged (unexpected characters)', 'damaged');
		let bytes: Uint8Array | null;
		try {
			bytes = inflateBounded(compressed, MAX_FILE_BYTES);
		} catch {
			return fail('this share link is damaged (it does not decompress)', 'damaged');
		}
		if (bytes === null) return fail('this share link holds more than a file may (5 MB)', 'tooBig');
		return parseDocument(bytes);
	} catch (error) {
		return fail(`could not read this share link: ${String(error)}`, 'unreadable');
	}
}
