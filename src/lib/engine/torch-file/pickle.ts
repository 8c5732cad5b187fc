/**
 * A restricted unpickler for `torch.save(state_dict)`'s data.pkl, after PyTorch's own
 * `torch/_weights_only_unpickler.py`: it knows the opcodes protocol 2 pickles use, builds plain
 * values, and calls nothing but a closed list of globals, each of which it implements itself
 * (an OrderedDict, the tensor rebuild functions, a storage type). Any other global, callable or
 * opcode is refused with PyTorch's message, before anything of it is used. Nothing executes.
 */
import { valueError } from '../errors';
import { excerpt } from '../../util/excerpt';

/** A Python tuple (lists are JavaScript arrays). */
export class PyTuple {
	constructor(readonly items: readonly PyValue[]) {}
}

/** A dict or an `collections.OrderedDict`, with the attributes BUILD sets on the latter. */
export class PyDict {
	readonly entries = new Map<string | number, PyValue>();
	readonly attributes = new Map<string, PyValue>();
	constructor(readonly ordered: boolean) {}
}

/** An allowed global, by its dotted path (`torch._utils._rebuild_tensor_v2`). */
export class PyGlobal {
	constructor(readonly path: string) {}
}

/** What persistent_load and the rebuild functions return, supplied by the caller. */
export interface PyObject {
	readonly pyObject: true;
}

export type PyValue =
	null | boolean | number | string | PyTuple | PyValue[] | PyDict | PyGlobal | PyObject;

/** The globals a state_dict needs; each is implemented by `call` (and `persistentLoad`). */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
	'collections.OrderedDict',
	'torch._utils._rebuild_tensor_v2',
	'torch._utils._rebuild_parameter',
	'torch.FloatStorage',
	'torch.DoubleStorage',
	'torch.HalfStorage',
	'torch.BFloat16Storage',
	'torch.LongStorage',
	'torch.IntStorage',
	'torch.ShortStorage',
	'torch.CharStorage',
	'torch.ByteStorage',
	'torch.BoolStorage'
]);

export interface UnpickleHooks {
	/** `persistent_load(pid)`: the pid is `('storage', type, key, location, numel)`. */
	persistentLoad(pid: PyTuple): PyValue;
	/** A call of an allowed global (REDUCE) other than OrderedDict. */
	call(global: PyGlobal, args: readonly PyValue[]): PyValue;
}

const unpicklingError = (message: string) => valueError(`Weights only load failed: ${message}`);

/** Python's repr of a global as the weights_only unpickler names it. */
const globalPath = (module: string, name: string) => {
	const path = `${module}.${name}`;
	return path.startsWith('builtins.') ? path.slice('builtins.'.length) : path;
};

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Reads one protocol 2 pickle; `hooks` builds what the allowed globals make. */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): PyValue {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const decoder = new TextDecoder('utf-8', { fatal: true });
	let at = 0;
	const stack: Slot[] = [];
	const memo = new Map<number, PyValue>();

	const need = (count: number) => {
		if (at + count > bytes.length) throw unpicklingError('the pickle data was truncated');
		const start = at;
		at += count;
		return start;
	};
	const line = () => {
		const end = bytes.indexOf(0x0a, at);
		if (end < 0) throw unpicklingError('the pickle data was truncated');
		const text = decoder.decode(bytes.subarray(at, end));
		at = end + 1;
		return text;
	};
	const text = (length: number) => {
		const start = need(length);
		try {
			return decoder.decode(bytes.subarray(start, start + length));
		} catch {
			throw unpicklingError('a string in the pickle is not valid UTF-8');
		}
	};
	const pop = (): PyValue => {
		const value = stack.pop();
		if (value === undefined || value === MARK)
			throw unpicklingError('the pickle stack underflowed');
		return value;
	};
	const top = (): PyValue => {
		const value = stack[stack.length - 1];
		if (value === undefined || value === MARK)
			throw unpicklingError('the pickle stack underflowed');
		return value;
	};
	const popMark = (): PyValue[] => {
		const mark = stack.lastIndexOf(MARK);
		if (mark < 0) throw unpicklingError('could not find MARK');
		const items = stack.splice(mark) as PyValue[];
		items.shift();
		return items;
	};
	const setItems = (items: PyValue[], opcode: string) => {
		const target = top();
		if (!(target instanceof PyDict)) {
			throw unpicklingError(`Can only ${opcode} for dict, collections.OrderedDict`);
		}
		for (let i = 0; i + 1 < items.length; i += 2) {
			const key = items[i];
			if (typeof key !== 'string' && typeof key !== 'number') {
				throw unpicklingError('dict keys must be strings or numbers here');
			}
			target.entries.set(key, items[i + 1]);
		}
	};

	for (;;) {
		const opcode = bytes[need(1)];
		switch (opcode) {
			case 0x80: // PROTO
				need(1);
				break;
			case 0x2e: // STOP
				return pop();
			case 0x63: {
				// GLOBAL: refused unless allowed, before anything else happens
				const path = globalPath(line(), line());
				if (!ALLOWED_GLOBALS.has(path)) {
					throw unpicklingError(
						`Unsupported global: GLOBAL ${excerpt(path)} was not an allowed global by default. The app reads state_dicts only: tensors in a dict or an OrderedDict; it never runs code from a file.`
					);
				}
				stack.push(new PyGlobal(path));
				break;
			}
			case 0x52: {
				// REDUCE
				const args = pop();
				const callable = pop();
				if (!(callable instanceof PyGlobal) || !(args instanceof PyTuple)) {
					throw unpicklingError('Trying to call reduce for unrecognized function');
				}
				if (callable.path === 'collections.OrderedDict') {
					if (args.items.length > 0) throw unpicklingError('OrderedDict() takes no items here');
					stack.push(new PyDict(true));
				} else {
					stack.push(hooks.call(callable, args.items));
				}
				break;
			}
			case 0x62: {
				// BUILD: only the attributes torch sets on an OrderedDict (`_metadata`)
				const state = pop();
				const target = top();
				if (!(target instanceof PyDict && target.ordered) || !(state instanceof PyDict)) {
					throw unpicklingError('Can only build Tensor, Parameter or OrderedDict');
				}
				for (const [key, value] of state.entries) target.attributes.set(String(key), value);
				break;
			}
			case 0x28: // MARK
				stack.push(MARK);
				break;
			case 0x74: // TUPLE
				stack.push(new PyTuple(popMark()));
				break;
			case 0x85: // TUPLE1
				stack.push(new PyTuple([pop()]));
				break;
			case 0x86: {
				// TUPLE2
				const second = pop();
				stack.push(new PyTuple([pop(), second]));
				break;
			}
			case 0x87: {
				// TUPLE3
				const third = pop();
				const second = pop();
				stack.push(new PyTuple([pop(), second, third]));
				break;
			}
			case 0x29: // EMPTY_TUPLE
				stack.push(new PyTuple([]));
				break;
			case 0x5d: // EMPTY_LIST
				stack.push([]);
				break;
			case 0x7d: // EMPTY_DICT
				stack.push(new PyDict(false));
				break;
			case 0x61: {
				// APPEND
				const item = pop();
				const list = top();
				if (!Array.isArray(list)) throw unpicklingError('Can only append to lists');
				list.push(item);
				break;
			}
			case 0x65: {
				// APPENDS
				const items = popMark();
				const list = top();
				if (!Array.isArray(list)) throw unpicklingError('Can only extend lists');
				for (const item of items) list.push(item);
				break;
			}
			case 0x73: {
				// SETITEM
				const value = pop();
				setItems([pop(), value], 'SETITEM');
				break;
			}
			case 0x75: // SETITEMS
				setItems(popMark(), 'SETITEMS');
				break;
			case 0x4e: // NONE
				stack.push(null);
				break;
			case 0x88: // NEWTRUE
				stack.push(true);
				break;
			case 0x89: // NEWFALSE
				stack.push(false);
				break;
			case 0x4a: // BININT
				stack.push(view.getInt32(need(4), true));
				break;
			case 0x4b: // BININT1
				stack.push(bytes[need(1)]);
				break;
			case 0x4d: // BININT2
				stack.push(view.getUint16(need(2), true));
				break;
			case 0x8a: {
				// LONG1: a little-endian two's complement integer of n bytes
				const length = bytes[need(1)];
				const start = need(length);
				let value = 0n;
				for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[start + i]);
				if (length > 0 && bytes[start + length - 1] & 0x80) value -= 1n << BigInt(8 * length);
				if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
					throw unpicklingError('an integer in the pickle is too large');
				}
				stack.push(Number(value));
				break;
			}
			case 0x47: // BINFLOAT (big-endian)
				stack.push(view.getFloat64(need(8), false));
				break;
			case 0x58: // BINUNICODE
				stack.push(text(view.getUint32(need(4), true)));
				break;
			case 0x55: // SHORT_BINSTRING (ASCII, as torch.load decodes it)
				stack.push(text(bytes[need(1)]));
				break;
			case 0x51: {
				// BINPERSID: only storages
				const pid = pop();
				if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage') {
					throw unpicklingError('Only persistent_load of storage is allowed');
				}
				stack.push(hooks.persistentLoad(pid));
				break;
			}
			case 0x68: // BINGET
			case 0x6a: {
				// LONG_BINGET
				const index = opcode === 0x68 ? bytes[need(1)] : view.getUint32(need(4), true);
				const value = memo.get(index);
				if (value === undefined) throw unpicklingError(`Memo value not found at index ${index}`);
				stack.push(value);
				break;
			}
			case 0x71: // BINPUT
			case 0x72: // LONG_BINPUT
				memo.set(opcode === 0x71 ? bytes[need(1)] : view.getUint32(need(4), true), top());
				break;
			default:
				throw unpicklingError(`Unsupported operand ${opcode}`);
		}
	}
}

/** Writes protocol 2 pickle opcodes, as `torch.save` does for a state_dict. */
export class PickleWriter {
	private readonly chunks: number[] = [0x80, 2];
	private readonly encoder = new TextEncoder();

	private bytes(values: ArrayLike<number>): this {
		for (let i = 0; i < values.length; i++) this.chunks.push(values[i]);
		return this;
	}
	op(code: number): this {
		this.chunks.push(code);
		return this;
	}
	global(module: string, name: string): this {
		return this.op(0x63).bytes(this.encoder.encode(`${module}\n${name}\n`));
	}
	string(value: string): this {
		const encoded = this.encoder.encode(value);
		const length = new Uint8Array(4);
		new DataView(length.buffer).setUint32(0, encoded.length, true);
		return this.op(0x58).bytes(length).bytes(encoded);
	}
	int(value: number): this {
		if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
			throw valueError(`cannot pickle ${value} as an int here`);
		}
		if (value < 0x100) return this.op(0x4b).op(value);
		if (value < 0x10000)
			return this.op(0x4d)
				.op(value & 0xff)
				.op(value >>> 8);
		const word = new Uint8Array(4);
		new DataView(word.buffer).setInt32(0, value, true);
		return this.op(0x4a).bytes(word);
	}
	tuple(values: readonly number[]): this {
		if (values.length === 0) return this.op(0x29);
		this.op(0x28);
		for (const value of values) this.int(value);
		return this.op(0x74);
	}
	finish(): Uint8Array {
		return Uint8Array.from(this.op(0x2e).chunks);
	}
}
