/**
 * PyTorch's own model files, both ways: what `torch.save(model.state_dict(), path)` writes (a
 * ZIP archive of `<name>/data.pkl`, the pickled state_dict, and `<name>/data/<key>`, one raw
 * little-endian storage each) read with a restricted unpickler, and the same format written so
 * that `torch.load(path, weights_only=True)` reads it.
 */
import { dict } from '../../util/dict';
import { excerpt } from '../../util/excerpt';
import { allocate, type DType, type Storage } from '../dtype';
import { valueError } from '../errors';
import { checkShape, contiguousStrides, numel } from '../shape';
import { Tensor } from '../tensor';
import type { StateDict } from '../nn/module';
import { PickleWriter, PyDict, PyGlobal, PyTuple, unpickle, type PyValue } from './pickle';
import { readZip, storeDeflated, writeZip } from './zip';

export { isZipArchive } from './zip';

/** The most tensor data a model file holds: the engine's largest tensor as float32, 256 MiB. */
export const MAX_TORCH_FILE_BYTES = 256 * 1024 * 1024;
/** What the archive adds around the data (headers, data.pkl), allowed on top when reading. */
const ARCHIVE_OVERHEAD_BYTES = 1024 * 1024;

const STORAGE_TYPES: Record<string, { dtype: DType; bytes: number } | string> = {
	'torch.FloatStorage': { dtype: 'float32', bytes: 4 },
	'torch.DoubleStorage': { dtype: 'float64', bytes: 8 },
	'torch.HalfStorage': 'float16',
	'torch.BFloat16Storage': 'bfloat16',
	'torch.LongStorage': 'int64',
	'torch.IntStorage': 'int32',
	'torch.ShortStorage': 'int16',
	'torch.CharStorage': 'int8',
	'torch.ByteStorage': 'uint8',
	'torch.BoolStorage': 'bool'
};

/** Typed arrays use the host's byte order: little-endian wherever browsers run, checked once. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `count` little-endian values of `dtype` from the start of `data`. */
function readStorage(data: Uint8Array, dtype: DType, count: number): Storage {
	const values = allocate(dtype, count);
	const width = values.BYTES_PER_ELEMENT;
	if (LITTLE_ENDIAN) {
		new Uint8Array(values.buffer).set(data.subarray(0, count * width));
		return values;
	}
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	for (let i = 0; i < count; i++) {
		values[i] = width === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
	}
	return values;
}

/** The values as little-endian bytes (a view of them, on a little-endian host). */
function storageBytes(values: Storage): Uint8Array {
	if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
	const width = values.BYTES_PER_ELEMENT;
	const out = new Uint8Array(values.length * width);
	const view = new DataView(out.buffer);
	for (let i = 0; i < values.length; i++) {
		if (width === 8) view.setFloat64(i * 8, values[i], true);
		else view.setFloat32(i * 4, values[i], true);
	}
	return out;
}

/**
 * A model file made ready for `loadStateDict`: a PyTorch archive that was unzipped and zipped
 * again with compression comes back inflated and stored, as torch.save writes it (asynchronous:
 * DecompressionStream). Anything else comes back as it is.
 */
export function inflateModelFile(bytes: Uint8Array): Promise<Uint8Array> {
	return storeDeflated(bytes, MAX_TORCH_FILE_BYTES + ARCHIVE_OVERHEAD_BYTES);
}

/** A storage read through persistent_load: its values, as a flat typed array. */
class StorageValue {
	readonly pyObject = true;
	constructor(readonly values: Storage) {}
}

/** A tensor built by `_rebuild_tensor_v2` or `_rebuild_parameter`. */
class TensorValue {
	readonly pyObject = true;
	constructor(readonly tensor: Tensor) {}
}

const isIntList = (value: PyValue): value is PyTuple =>
	value instanceof PyTuple && value.items.every((v) => Number.isInteger(v) && (v as number) >= 0);

/** A tensor of `size` and `stride` at `offset` in a storage: copied out in row-major order. */
function rebuildTensor(args: readonly PyValue[]): TensorValue {
	const [storage, offset, size, stride] = args;
	if (
		!(storage instanceof StorageValue) ||
		!Number.isInteger(offset) ||
		(offset as number) < 0 ||
		!isIntList(size) ||
		!isIntList(stride) ||
		size.items.length !== stride.items.length
	) {
		throw valueError('Weights only load failed: _rebuild_tensor_v2 got arguments it does not take');
	}
	const shape = size.items as number[];
	const strides = stride.items as number[];
	checkShape(shape);
	const count = numel(shape);
	const start = offset as number;
	let last = start;
	for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * strides[d];
	if (count > 0 && last >= storage.values.length) {
		throw valueError(
			`not a valid PyTorch model file: a tensor of size [${shape.join(', ')}] at offset ${start} with strides [${strides.join(', ')}] reads past its storage of ${storage.values.length} elements`
		);
	}
	const dtype: DType = storage.values instanceof Float64Array ? 'float64' : 'float32';
	const values = allocate(dtype, count);
	const contiguous = contiguousStrides(shape);
	if (contiguous.every((s, d) => s === strides[d] || shape[d] === 1)) {
		values.set(storage.values.subarray(start, start + count));
	} else {
		// A view (a transpose, a slice with a step): walk its indices.
		for (let i = 0; i < count; i++) {
			let at = start;
			for (let d = 0; d < shape.length; d++) {
				at += (Math.floor(i / contiguous[d]) % shape[d]) * strides[d];
			}
			values[i] = storage.values[at];
		}
	}
	return new TensorValue(new Tensor(values, shape, dtype));
}

/**
 * Reads a `torch.save(state_dict)` archive into a state dict (float32 and float64 tensors).
 * Refuses anything that is not a state_dict, and every defect, with a message.
 */
export function loadTorchFile(bytes: Uint8Array): StateDict {
	if (bytes.length > MAX_TORCH_FILE_BYTES + ARCHIVE_OVERHEAD_BYTES) {
		throw valueError(
			`the model file is ${bytes.length} bytes; at most ${MAX_TORCH_FILE_BYTES + ARCHIVE_OVERHEAD_BYTES} can be loaded`
		);
	}
	const entries = readZip(bytes);
	const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
	if (pickles.length !== 1) {
		throw valueError(
			pickles.length === 0
				? 'not a PyTorch model file: the ZIP archive has no <name>/data.pkl (write it with torch.save)'
				: 'not a valid PyTorch model file: the archive holds more than one data.pkl'
		);
	}
	const prefix = pickles[0].slice(0, -'data.pkl'.length);
	const byteorder = entries.get(`${prefix}byteorder`);
	if (byteorder !== undefined) {
		const order = new TextDecoder().decode(byteorder);
		if (order !== 'little') {
			throw valueError(
				`the model file's byte order is '${excerpt(order)}': only little-endian files can be loaded`
			);
		}
	}
	const storages = new Map<string, StorageValue>();
	const persistentLoad = (pid: PyTuple): StorageValue => {
		const [, type, key, , count] = pid.items;
		if (pid.items.length !== 5 || !(type instanceof PyGlobal) || typeof key !== 'string') {
			throw valueError(
				'Weights only load failed: a storage id is not (storage, type, key, location, numel)'
			);
		}
		const kind = STORAGE_TYPES[type.path];
		if (typeof kind !== 'object') {
			throw valueError(
				`a tensor in the file is ${kind ?? type.path} (${type.path}): the app's tensors are float32 or float64`
			);
		}
		const cached = storages.get(key);
		if (cached) return cached;
		const data = entries.get(`${prefix}data/${key}`);
		if (data === undefined) {
			throw valueError(
				`not a valid PyTorch model file: the storage ${prefix}data/${excerpt(key)} is missing`
			);
		}
		if (!Number.isInteger(count) || (count as number) * kind.bytes > data.length) {
			throw valueError(
				`not a valid PyTorch model file: ${prefix}data/${excerpt(key)} holds ${data.length} bytes, not ${String(count)} elements of ${kind.dtype}`
			);
		}
		const storage = new StorageValue(readStorage(data, kind.dtype, count as number));
		storages.set(key, storage);
		return storage;
	};
	const root = unpickle(entries.get(pickles[0])!, {
		persistentLoad,
		call(global, args) {
			if (global.path === 'torch._utils._rebuild_tensor_v2') return rebuildTensor(args);
			if (global.path === 'torch._utils._rebuild_parameter' && args[0] instanceof TensorValue) {
				return args[0];
			}
			throw valueError(
				`Weights only load failed: Trying to call reduce for unrecognized function ${global.path}`
			);
		}
	});
	return stateDictOf(root);
}

function stateDictOf(root: PyValue): StateDict {
	if (!(root instanceof PyDict)) {
		throw valueError(
			'the file holds something other than a state_dict: save the model with torch.save(model.state_dict(), path)'
		);
	}
	const out: StateDict = dict();
	for (const [key, value] of root.entries) {
		if (!(value instanceof TensorValue)) {
			throw valueError(
				`the file is not a state_dict of tensors: ${excerpt(String(key))} is not a tensor (a checkpoint holding the model's state_dict under a key? save model.state_dict() itself)`
			);
		}
		out[String(key)] = value.tensor;
	}
	return out;
}

/** The archive's folder name, as `torch.save` names it when writing to a buffer. */
const ARCHIVE = 'archive';

/**
 * `torch.save(state_dict, path)`'s format: an OrderedDict of `_rebuild_tensor_v2` calls over one
 * little-endian storage per tensor, in a stored ZIP archive with 64-byte aligned data.
 */
export function saveTorchFile(stateDict: StateDict): Uint8Array {
	let total = 0;
	for (const t of Object.values(stateDict))
		total += t.data.length * (t.dtype === 'float64' ? 8 : 4);
	if (total > MAX_TORCH_FILE_BYTES) {
		throw valueError(
			`a state dict of ${total} bytes is too big for a model file (at most ${MAX_TORCH_FILE_BYTES})`
		);
	}
	const pickle = new PickleWriter();
	const orderedDict = () => pickle.global('collections', 'OrderedDict').op(0x29).op(0x52);
	orderedDict().op(0x28); // OrderedDict(), then MARK for SETITEMS
	const storages: [string, Uint8Array][] = [];
	for (const [name, t] of Object.entries(stateDict)) {
		const key = String(storages.length);
		const float64 = t.dtype === 'float64';
		pickle.string(name).global('torch._utils', '_rebuild_tensor_v2').op(0x28); // MARK: args
		pickle
			.op(0x28) // MARK: the persistent id
			.string('storage')
			.global('torch', float64 ? 'DoubleStorage' : 'FloatStorage')
			.string(key)
			.string('cpu')
			.int(t.data.length)
			.op(0x74) // TUPLE
			.op(0x51); // BINPERSID
		pickle.int(0).tuple(t.shape).tuple(contiguousStrides(t.shape)).op(0x89); // requires_grad False
		orderedDict(); // backward_hooks
		pickle.op(0x74).op(0x52); // TUPLE, REDUCE
		storages.push([`${ARCHIVE}/data/${key}`, storageBytes(t.data)]);
	}
	pickle.op(0x75); // SETITEMS
	const text = (value: string) => new TextEncoder().encode(value);
	return writeZip([
		[`${ARCHIVE}/data.pkl`, pickle.finish()],
		[`${ARCHIVE}/.format_version`, text('1')],
		[`${ARCHIVE}/.storage_alignment`, text('64')],
		[`${ARCHIVE}/byteorder`, text('little')],
		...storages,
		[`${ARCHIVE}/version`, text('3\n')]
	]);
}
