/**
 * The ZIP container of PyTorch's model files: a reader for stored (uncompressed) entries, with
 * ZIP64 end records as PyTorch writes them, a writer that aligns each entry's data to 64 bytes as
 * `torch.save` does, and `storeDeflated`, which turns an archive zipped again with compression
 * back into a stored one (asynchronous, by DecompressionStream). Every offset and size is checked
 * against the file; a defect raises a message naming it.
 */
import { TorchError, valueError } from '../errors';
import { excerpt } from '../../util/excerpt';

/** Where each entry's data starts in the archive PyTorch writes (`.storage_alignment`). */
export const ZIP_ALIGNMENT = 64;

/** Each record's first four bytes. */
const SIGNATURES = {
	local: 0x04034b50,
	central: 0x02014b50,
	end: 0x06054b50,
	zip64End: 0x06064b50,
	zip64Locator: 0x07064b50
} as const;
const ZIP64_EXTRA = 0x0001;
/** PyTorch's extra field that pads a local header so the data starts aligned. */
const PADDING_EXTRA = 0x4246; // "FB"

let crcTables: Uint32Array | null = null;

/** Eight 256-entry tables: the byte-wise one, then each shifted on by a byte (slicing-by-8). */
function tables(): Uint32Array {
	if (crcTables) return crcTables;
	const t = new Uint32Array(256 * 8);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	for (let n = 0; n < 256; n++) {
		for (let k = 1; k < 8; k++)
			t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
	}
	crcTables = t;
	return t;
}

/** CRC-32 (the ZIP and PNG one: polynomial 0xEDB88320, reflected), eight bytes a step. */
export function crc32(bytes: Uint8Array): number {
	const t = tables();
	let crc = 0xffffffff;
	let i = 0;
	for (const end = bytes.length - 8; i <= end; i += 8) {
		const low =
			crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
		const high = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
		crc =
			t[1792 + (low & 0xff)] ^
			t[1536 + ((low >>> 8) & 0xff)] ^
			t[1280 + ((low >>> 16) & 0xff)] ^
			t[1024 + (low >>> 24)] ^
			t[768 + (high & 0xff)] ^
			t[512 + ((high >>> 8) & 0xff)] ^
			t[256 + ((high >>> 16) & 0xff)] ^
			t[high >>> 24];
	}
	for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** Whether the bytes start like a ZIP archive (a local header, or an empty archive's end). */
export function isZipArchive(bytes: Uint8Array): boolean {
	return (
		bytes.length >= 4 &&
		bytes[0] === 0x50 &&
		bytes[1] === 0x4b &&
		((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
	);
}

const broken = (what: string) => valueError(`not a valid PyTorch model file: ${what}`);

/** A little-endian view that refuses reads past its end with a message, never a RangeError. */
class Reader {
	private readonly view: DataView;
	constructor(readonly bytes: Uint8Array) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	private check(at: number, width: number, what: string): void {
		if (!(at >= 0 && at + width <= this.bytes.length)) {
			throw broken(`the ${what} runs past the end of the file`);
		}
	}
	u16(at: number, what: string): number {
		this.check(at, 2, what);
		return this.view.getUint16(at, true);
	}
	u32(at: number, what: string): number {
		this.check(at, 4, what);
		return this.view.getUint32(at, true);
	}
	u64(at: number, what: string): number {
		this.check(at, 8, what);
		const value = this.view.getBigUint64(at, true);
		if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw broken(`the ${what} is out of range`);
		return Number(value);
	}
	span(at: number, length: number, what: string): Uint8Array {
		this.check(at, length, what);
		return this.bytes.subarray(at, at + length);
	}
}

interface Directory {
	count: number;
	offset: number;
	size: number;
}

function findDirectory(reader: Reader): Directory {
	const bytes = reader.bytes;
	// The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
	let end = -1;
	for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
		if (reader.u32(at, 'end record') === SIGNATURES.end) {
			end = at;
			break;
		}
	}
	if (end < 0) throw broken('no ZIP end record (the file is cut short or is not a ZIP archive)');
	let count = reader.u16(end + 10, 'end record');
	let size = reader.u32(end + 12, 'end record');
	let offset = reader.u32(end + 16, 'end record');
	if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
		const locator = end - 20;
		if (locator < 0 || reader.u32(locator, 'ZIP64 locator') !== SIGNATURES.zip64Locator) {
			throw broken('the ZIP64 end record is missing');
		}
		const record = reader.u64(locator + 8, 'ZIP64 locator');
		if (reader.u32(record, 'ZIP64 end record') !== SIGNATURES.zip64End) {
			throw broken('the ZIP64 end record is missing');
		}
		count = reader.u64(record + 32, 'ZIP64 end record');
		size = reader.u64(record + 40, 'ZIP64 end record');
		offset = reader.u64(record + 48, 'ZIP64 end record');
	}
	if (offset + size > bytes.length) throw broken('the central directory runs past the end');
	return { count, offset, size };
}

/** Sizes and offset from a central header, with its ZIP64 extra field where a field is full. */
function zip64Fields(
	reader: Reader,
	extra: number,
	extraLength: number,
	fields: { size: number; compressed: number; local: number }
): void {
	for (let at = extra; at + 4 <= extra + extraLength;) {
		const id = reader.u16(at, 'extra field');
		const length = reader.u16(at + 2, 'extra field');
		if (id === ZIP64_EXTRA) {
			let field = at + 4;
			for (const key of ['size', 'compressed', 'local'] as const) {
				if (fields[key] !== 0xffffffff) continue;
				if (field + 8 > at + 4 + length) throw broken('a ZIP64 extra field is too short');
				fields[key] = reader.u64(field, 'ZIP64 extra field');
				field += 8;
			}
		}
		at += 4 + length;
	}
}

/** One entry as the central directory lists it; `data` is its stored (maybe compressed) bytes. */
interface Entry {
	name: string;
	method: number;
	crc: number;
	size: number;
	data: Uint8Array;
}

/** Every entry of the archive, in directory order, each checked to lie inside the file. */
function listZip(bytes: Uint8Array): Entry[] {
	const reader = new Reader(bytes);
	const directory = findDirectory(reader);
	const entries: Entry[] = [];
	const names = new Set<string>();
	const decoder = new TextDecoder();
	let at = directory.offset;
	for (let i = 0; i < directory.count; i++) {
		if (reader.u32(at, 'central directory') !== SIGNATURES.central) {
			throw broken(`central directory entry ${i} is damaged`);
		}
		const flags = reader.u16(at + 8, 'central directory');
		const method = reader.u16(at + 10, 'central directory');
		const crc = reader.u32(at + 16, 'central directory');
		const fields = {
			compressed: reader.u32(at + 20, 'central directory'),
			size: reader.u32(at + 24, 'central directory'),
			local: reader.u32(at + 42, 'central directory')
		};
		const nameLength = reader.u16(at + 28, 'central directory');
		const extraLength = reader.u16(at + 30, 'central directory');
		const commentLength = reader.u16(at + 32, 'central directory');
		const name = decoder.decode(reader.span(at + 46, nameLength, 'central directory'));
		zip64Fields(reader, at + 46 + nameLength, extraLength, fields);
		at += 46 + nameLength + extraLength + commentLength;

		const shown = excerpt(name);
		if (flags & 1) throw broken(`${shown} is encrypted`);
		if (method === 0 && fields.compressed !== fields.size) {
			throw broken(`${shown}: its two sizes differ`);
		}
		if (reader.u32(fields.local, `local header of ${shown}`) !== SIGNATURES.local) {
			throw broken(`the local header of ${shown} is missing`);
		}
		const start =
			fields.local +
			30 +
			reader.u16(fields.local + 26, `local header of ${shown}`) +
			reader.u16(fields.local + 28, `local header of ${shown}`);
		const data = reader.span(start, fields.compressed, `data of ${shown}`);
		if (names.has(name)) throw broken(`${shown} is in the archive twice`);
		names.add(name);
		entries.push({ name, method, crc, size: fields.size, data });
	}
	return entries;
}

/**
 * The entries of a ZIP archive by name, as views into `bytes` (nothing is copied). Refuses
 * compressed or encrypted entries, names given twice, and data whose CRC-32 does not match.
 */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
	const entries = new Map<string, Uint8Array>();
	for (const { name, method, crc, data } of listZip(bytes)) {
		const shown = excerpt(name);
		if (method !== 0) {
			throw valueError(
				`${shown} is compressed (ZIP method ${method}): PyTorch writes its model files uncompressed; save the model again with torch.save, or zip the folder again with no compression (zip -0)`
			);
		}
		if (crc32(data) !== crc) throw broken(`${shown} is damaged (its CRC-32 does not match)`);
		entries.set(name, data);
	}
	return entries;
}

/** `bytes` inflated (raw deflate), refused past `size` bytes: a ZIP bomb stops there. */
async function inflate(bytes: Uint8Array, size: number, name: string): Promise<Uint8Array> {
	const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
		.stream()
		.pipeThrough(new DecompressionStream('deflate-raw'));
	const reader = stream.getReader();
	const out = new Uint8Array(size);
	let length = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (length + value.length > size) throw broken(`${name} inflates past its stated size`);
			out.set(value, length);
			length += value.length;
		}
	} catch (error) {
		await reader.cancel().catch(() => {});
		throw error instanceof TorchError ? error : broken(`${name} does not inflate`);
	}
	if (length !== size) throw broken(`${name} inflates to ${length} bytes, not ${size}`);
	return out;
}

/**
 * A ZIP archive whose entries were deflated (a model file unzipped and zipped again), written
 * again stored and aligned as PyTorch writes it, so that `readZip` reads it. Any other bytes,
 * and archives too damaged to list, come back as they are, for the reader to name the defect.
 * `maxBytes` bounds the inflated total (checked on the sizes stated, before inflating).
 */
export async function storeDeflated(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
	if (!isZipArchive(bytes)) return bytes;
	let entries: Entry[];
	try {
		entries = listZip(bytes);
	} catch {
		return bytes;
	}
	if (!entries.some((entry) => entry.method === 8)) return bytes;
	const total = entries.reduce((sum, entry) => sum + entry.size, 0);
	if (total > maxBytes) {
		throw valueError(
			`the model file inflates to ${total} bytes; at most ${maxBytes} can be loaded`
		);
	}
	const stored: [string, Uint8Array][] = [];
	for (const { name, method, crc, size, data } of entries) {
		const inflated = method === 8 ? await inflate(data, size, excerpt(name)) : data;
		if (crc32(inflated) !== crc) {
			throw broken(`${excerpt(name)} is damaged (its CRC-32 does not match)`);
		}
		stored.push([name, inflated]);
	}
	return writeZip(stored);
}

type Field = readonly [at: number, width: 2 | 4, value: number];

/** A little-endian record of `length` bytes with these fields set (the rest zero). */
function record(length: number, fields: readonly Field[]): Uint8Array {
	const out = new Uint8Array(length);
	const view = new DataView(out.buffer);
	for (const [at, width, value] of fields) {
		if (width === 2) view.setUint16(at, value, true);
		else view.setUint32(at, value, true);
	}
	return out;
}

/** A stored ZIP archive of these entries, in order, each entry's data 64-byte aligned. */
export function writeZip(entries: readonly (readonly [string, Uint8Array])[]): Uint8Array {
	const encoder = new TextEncoder();
	const parts: Uint8Array[] = [];
	const central: Uint8Array[] = [];
	let offset = 0;
	for (const [name, data] of entries) {
		const nameBytes = encoder.encode(name);
		let padding =
			(ZIP_ALIGNMENT - ((offset + 30 + nameBytes.length) % ZIP_ALIGNMENT)) % ZIP_ALIGNMENT;
		if (padding > 0 && padding < 4) padding += ZIP_ALIGNMENT; // an extra field takes 4 bytes
		// The fields both headers hold, from "version needed" on (2 bytes later in the central one).
		const shared = (shift: number): Field[] => [
			[4 + shift, 2, 20], // version needed: 2.0
			[12 + shift, 2, 0x21], // 1980-01-01, a fixed date: the bytes are reproducible
			[14 + shift, 4, crc32(data)],
			[18 + shift, 4, data.length],
			[22 + shift, 4, data.length],
			[26 + shift, 2, nameBytes.length]
		];
		const extra: Field[] = padding
			? [
					[30 + nameBytes.length, 2, PADDING_EXTRA],
					[32 + nameBytes.length, 2, padding - 4]
				]
			: [];
		const local = record(30 + nameBytes.length + padding, [
			[0, 4, SIGNATURES.local],
			...shared(0),
			[28, 2, padding],
			...extra
		]);
		local.set(nameBytes, 30);
		if (padding > 0) local.fill(0x5a, 34 + nameBytes.length); // "Z", as PyTorch pads
		const header = record(46 + nameBytes.length, [
			[0, 4, SIGNATURES.central],
			[4, 2, 20], // made by: 2.0
			...shared(2),
			[42, 4, offset]
		]);
		header.set(nameBytes, 46);
		parts.push(local, data);
		central.push(header);
		offset += local.length + data.length;
	}
	const centralSize = central.reduce((sum, part) => sum + part.length, 0);
	const end = record(22, [
		[0, 4, SIGNATURES.end],
		[8, 2, entries.length],
		[10, 2, entries.length],
		[12, 4, centralSize],
		[16, 4, offset]
	]);
	const out = new Uint8Array(offset + centralSize + end.length);
	let at = 0;
	for (const part of [...parts, ...central, end]) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}
