/**
 * State dicts as bytes: our JSON format, real safetensors (an 8-byte little-endian header
 * length, a JSON header of `{ name: { dtype, shape, data_offsets } }`, then raw little-endian
 * data), which Python reads with `safetensors.torch.load_file`, or PyTorch's own `torch.save`
 * format (torch-file/), which `torch.load(path, weights_only=True)` reads.
 */
import { dict } from '../util/dict';
import { excerpt, excerptValue } from '../util/excerpt';
import { allocate, type DType } from './dtype';
import { TorchError, valueError } from './errors';
import { checkShape, numel } from './shape';
import { Tensor } from './tensor';
import { isZipArchive, loadTorchFile, saveTorchFile } from './torch-file';
import type { StateDict } from './nn/module';

/** `pt` is PyTorch's own format: what `torch.save(model.state_dict(), 'model.pt')` writes. */
export type StateDictFormat = 'json' | 'safetensors' | 'pt';

const JSON_FORMAT = 'autograd-canvas.state_dict';
/** Refuse files whose header claims more than this (guards against hostile lengths). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/**
 * The most numbers the JSON format holds (about 100 MB of text): past that, JSON.stringify would
 * fail with "Invalid string length" after a long freeze. Safetensors holds any size.
 */
export const MAX_JSON_STATE_ELEMENTS = 4 * 1024 * 1024;

const SAFETENSORS_DTYPES: Record<DType, { code: string; bytes: number }> = {
	float32: { code: 'F32', bytes: 4 },
	float64: { code: 'F64', bytes: 8 }
};

export function saveStateDict(
	stateDict: StateDict,
	format: StateDictFormat = 'safetensors'
): Uint8Array {
	for (const [name, t] of Object.entries(stateDict)) {
		if (t.device !== 'cpu') {
			throw valueError(
				`${excerpt(name)} is on ${t.device}: move the model to the CPU first (await model.toAsync('cpu'))`
			);
		}
	}
	if (format === 'json') {
		let count = 0;
		for (const t of Object.values(stateDict)) count += t.data.length;
		if (count > MAX_JSON_STATE_ELEMENTS) {
			throw valueError(
				`a state dict of ${count} numbers is too big for the JSON format (at most ${MAX_JSON_STATE_ELEMENTS}): save it as safetensors`
			);
		}
		// Keys are the user's names: `__proto__` must be a key like any other.
		const tensors = dict<{ dtype: DType; shape: number[]; data: (number | string)[] }>();
		for (const [name, t] of Object.entries(stateDict)) {
			tensors[name] = {
				dtype: t.dtype,
				shape: t.shape.slice(),
				data: Array.from(t.data, encodeNumber)
			};
		}
		return new TextEncoder().encode(JSON.stringify({ format: JSON_FORMAT, version: 1, tensors }));
	}
	if (format === 'pt') return saveTorchFile(stateDict);
	if (format !== 'safetensors') {
		throw valueError(`unknown state dict format '${excerptValue(format)}'`);
	}
	if (Object.hasOwn(stateDict, '__metadata__')) {
		throw valueError(
			"'__metadata__' is reserved in safetensors: rename that parameter, or save as JSON"
		);
	}
	const header = dict<unknown>();
	header.__metadata__ = { format: 'pt' };
	let offset = 0;
	for (const [name, t] of Object.entries(stateDict)) {
		const size = t.data.length * SAFETENSORS_DTYPES[t.dtype].bytes;
		header[name] = {
			dtype: SAFETENSORS_DTYPES[t.dtype].code,
			shape: t.shape.slice(),
			data_offsets: [offset, offset + size]
		};
		offset += size;
	}
	let headerBytes = new TextEncoder().encode(JSON.stringify(header));
	// Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
	const padded = Math.ceil(headerBytes.length / 8) * 8;
	if (padded !== headerBytes.length) {
		const withSpaces = new Uint8Array(padded).fill(0x20);
		withSpaces.set(headerBytes);
		headerBytes = withSpaces;
	}
	const out = new Uint8Array(8 + headerBytes.length + offset);
	const view = new DataView(out.buffer);
	view.setBigUint64(0, BigInt(headerBytes.length), true);
	out.set(headerBytes, 8);
	let position = 8 + headerBytes.length;
	for (const t of Object.values(stateDict)) {
		for (let i = 0; i < t.data.length; i++) {
			if (t.dtype === 'float64') view.setFloat64(position, t.data[i], true);
			else view.setFloat32(position, t.data[i], true);
			position += SAFETENSORS_DTYPES[t.dtype].bytes;
		}
	}
	return out;
}

/**
 * Raised for bytes that are no state dict in any format `loadStateDict` reads: they start with
 * none of the formats' signatures, or they are JSON that is not our state dict format. (A file
 * of a known format with a defect raises a plain ValueError naming the defect.) The UI says
 * "not a model file" in its own words, with this message as the detail.
 */
export class NotAStateDictError extends TorchError {
	constructor(message: string) {
		super('ValueError', message);
	}
}

/**
 * Read a state dict saved as JSON, safetensors or by `torch.save` (told apart by content, not by
 * the file's name); any defect raises a message naming it, and bytes in none of these formats
 * raise a `NotAStateDictError`.
 */
export function loadStateDict(bytes: Uint8Array): StateDict {
	if (!(bytes instanceof Uint8Array))
		throw valueError('loadStateDict expects bytes (a Uint8Array)');
	if (bytes.length === 0) throw new NotAStateDictError('the file is empty');
	if (isZipArchive(bytes)) return loadTorchFile(bytes);
	if (isJsonText(bytes)) return loadJson(bytes);
	if (isBarePickle(bytes)) {
		throw valueError(
			"this file is a pickle without PyTorch's ZIP archive (torch.save before PyTorch 1.6, or pickle.dump): save it again with torch.save(model.state_dict(), path) in PyTorch 1.6 or newer"
		);
	}
	if (isSafetensors(bytes)) return loadSafetensors(bytes);
	throw new NotAStateDictError(
		'the file starts with none of the signatures of a ZIP archive (torch.save), JSON text or safetensors (an 8-byte header length, then its JSON header)'
	);
}

/**
 * Safetensors' signature: an 8-byte little-endian header length that fits the file, or the
 * header's opening `{` right after it (the format requires one; a file cut short still has it, and
 * is read as safetensors to say where it ends). Text that is not JSON has neither: its first 8
 * bytes, read as a length, run far past its end.
 */
function isSafetensors(bytes: Uint8Array): boolean {
	if (bytes.length < 8) return false;
	if (bytes.length > 8 && bytes[8] === 0x7b) return true;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	return view.getBigUint64(0, true) <= BigInt(bytes.length - 8);
}

/** A pickle's PROTO opcode first, and not a safetensors header length whose header follows. */
const isBarePickle = (bytes: Uint8Array) =>
	bytes.length >= 2 &&
	bytes[0] === 0x80 &&
	bytes[1] >= 2 &&
	bytes[1] <= 5 &&
	!(bytes.length >= 9 && bytes[8] === 0x7b);

const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Whether the bytes are our JSON format rather than safetensors, by content: a safetensors file
 * starts with its header length (8 bytes, little-endian, that fit the file) and a header that
 * begins with `{` (the format requires it); JSON text starts with `{` after an optional UTF-8
 * byte order mark and whitespace, and has no NUL byte where the length would be.
 */
function isJsonText(bytes: Uint8Array): boolean {
	if (bytes.length >= 9 && bytes[8] === 0x7b) {
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		if (view.getBigUint64(0, true) <= BigInt(bytes.length - 8)) return false;
	}
	let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	const bom = i === 3;
	while (i < bytes.length && isSpace(bytes[i])) i++;
	if (i < bytes.length && bytes[i] === 0x7b) return true;
	// A byte order mark or leading whitespace says text even before something that is not JSON.
	return (bom || i > 0) && !bytes.subarray(0, 8).includes(0);
}

/** A value from a file, as a message may quote it (at most 80 characters of it). */
function quote(value: unknown): string {
	if (typeof value === 'string') return `"${excerpt(value)}"`;
	try {
		return excerptValue(JSON.stringify(value) ?? String(value));
	} catch {
		return typeof value;
	}
}

function parseJson(text: string, what: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw valueError(`${what} is not valid JSON: ${excerptValue((error as Error).message, 100)}`);
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkTensorShape(shape: unknown, where: string): number[] {
	if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
		throw valueError(`${where}.shape: expected a list of non-negative integers`);
	}
	checkShape(shape);
	return shape as number[];
}

const shapeText = (shape: readonly number[]) => `[${excerpt(shape.join(', '))}]`;

function loadJson(bytes: Uint8Array): StateDict {
	// TextDecoder drops a leading byte order mark; JSON.parse skips whitespace.
	let doc: unknown;
	try {
		doc = parseJson(new TextDecoder().decode(bytes), 'the state dict');
	} catch (error) {
		// Text that starts like JSON and is not: no model file of ours.
		throw new NotAStateDictError((error as Error).message);
	}
	if (!isRecord(doc) || doc.format !== JSON_FORMAT) {
		throw new NotAStateDictError(`format: expected "${JSON_FORMAT}"`);
	}
	if (doc.version !== 1) throw valueError(`version: expected 1, got ${quote(doc.version)}`);
	if (!isRecord(doc.tensors)) throw valueError('tensors: expected an object');
	// Keys are the user's names (JSON.parse keeps `__proto__` as an own key): no prototype here.
	const out: StateDict = dict();
	for (const [name, entry] of Object.entries(doc.tensors)) {
		const where = `tensors.${excerpt(name)}`;
		if (!isRecord(entry)) throw valueError(`${where}: expected an object`);
		const dtype = entry.dtype;
		if (dtype !== 'float32' && dtype !== 'float64')
			throw valueError(`${where}.dtype: expected float32 or float64, got ${quote(dtype)}`);
		const shape = checkTensorShape(entry.shape, where);
		const data = entry.data;
		if (!Array.isArray(data) || data.length !== numel(shape)) {
			const count = numel(shape);
			const found = Array.isArray(data) ? `, found ${data.length}` : '';
			throw valueError(
				`${where}.data: expected ${count} number${count === 1 ? '' : 's'} for shape [${shape.join(', ')}]${found}`
			);
		}
		const storage = allocate(dtype, data.length);
		for (let i = 0; i < data.length; i++) {
			const value = decodeNumber(data[i]);
			if (value === null) {
				throw valueError(`${where}.data[${i}]: expected a number, got ${quote(data[i])}`);
			}
			storage[i] = value;
		}
		out[name] = new Tensor(storage, shape, dtype);
	}
	return out;
}

function loadSafetensors(bytes: Uint8Array): StateDict {
	if (bytes.length < 8)
		throw valueError('safetensors: the file is shorter than its 8-byte header length');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const headerLength = Number(view.getBigUint64(0, true));
	if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
		throw valueError(
			`safetensors: the header length (${headerLength}) runs past the end of the file (${bytes.length} bytes)`
		);
	}
	const header = parseJson(
		new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)),
		'safetensors header'
	);
	if (!isRecord(header)) throw valueError('safetensors: the header is not a JSON object');
	const dataStart = 8 + headerLength;
	const dataLength = bytes.length - dataStart;
	const out: StateDict = dict();
	const spans: [number, number, string][] = [];
	for (const [key, entry] of Object.entries(header)) {
		if (key === '__metadata__') continue;
		const name = excerpt(key);
		if (!isRecord(entry)) throw valueError(`safetensors: ${name}: expected an object`);
		const dtype = entry.dtype === 'F32' ? 'float32' : entry.dtype === 'F64' ? 'float64' : null;
		if (!dtype)
			throw valueError(
				`safetensors: ${name}.dtype: ${quote(entry.dtype)} is not supported (F32 or F64)`
			);
		const shape = checkTensorShape(entry.shape, `safetensors: ${name}`);
		const offsets = entry.data_offsets;
		const width = SAFETENSORS_DTYPES[dtype].bytes;
		if (
			!Array.isArray(offsets) ||
			offsets.length !== 2 ||
			!offsets.every((o) => Number.isInteger(o) && o >= 0) ||
			offsets[1] < offsets[0] ||
			offsets[1] > dataLength
		) {
			throw valueError(
				`safetensors: ${name}.data_offsets: expected [begin, end] within the ${dataLength} data bytes`
			);
		}
		if (offsets[1] - offsets[0] !== numel(shape) * width) {
			throw valueError(
				`safetensors: ${name}: ${offsets[1] - offsets[0]} bytes do not hold shape ${shapeText(shape)} of ${entry.dtype}`
			);
		}
		spans.push([offsets[0], offsets[1], name]);
		const storage = allocate(dtype, numel(shape));
		for (let i = 0; i < storage.length; i++) {
			const at = dataStart + offsets[0] + i * width;
			storage[i] = dtype === 'float64' ? view.getFloat64(at, true) : view.getFloat32(at, true);
		}
		out[key] = new Tensor(storage, shape, dtype);
	}
	// As the reference loader: tensors tile the data exactly, with no gap and no overlap.
	spans.sort((x, y) => x[0] - y[0]);
	let end = 0;
	for (const [begin, finish, name] of spans) {
		if (begin !== end) {
			throw valueError(
				`safetensors: ${name}.data_offsets: ${begin < end ? 'overlaps the previous tensor' : 'leaves a gap before it'}`
			);
		}
		end = finish;
	}
	if (end !== dataLength)
		throw valueError(`safetensors: ${dataLength - end} bytes after the last tensor`);
	return out;
}

/** JSON has no NaN, Infinity or -0: those are written as strings. */
function encodeNumber(value: number): number | string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return 'Infinity';
	if (value === -Infinity) return '-Infinity';
	if (Object.is(value, -0)) return '-0';
	return value;
}

function decodeNumber(value: unknown): number | null {
	if (typeof value === 'number') return value;
	if (value === 'NaN') return NaN;
	if (value === 'Infinity') return Infinity;
	if (value === '-Infinity') return -Infinity;
	if (value === '-0') return -0;
	return null;
}
