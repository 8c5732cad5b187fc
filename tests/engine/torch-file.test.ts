/**
 * PyTorch's own model files (issue 13, part 2): the ZIP archive `torch.save(state_dict)` writes,
 * read with a restricted unpickler, and written so that `torch.load(weights_only=True)` reads it.
 * The fixtures under tests/fixtures/torch/ were written by PyTorch 2.13 with
 * scripts/torch-fixtures.py, which also loads app-saved.pt (pinned here) in PyTorch.
 * UPDATE_TORCH_FIXTURES=1 rewrites app-saved.pt; then run the script to check it in PyTorch.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { TorchError, type Tensor } from '$lib/engine';
import { inflateModelFile } from '$lib/engine/torch-file';
import { PickleWriter } from '$lib/engine/torch-file/pickle';
import { crc32, readZip, writeZip } from '$lib/engine/torch-file/zip';

const FIXTURES = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

interface Expected {
	dtype: string;
	shape: number[];
	data: number[];
}
const EXPECTED: Record<string, Record<string, Expected> | null> = JSON.parse(
	readFileSync(join(FIXTURES, 'expected.json'), 'utf8')
);

const described = (stateDict: Record<string, Tensor>) =>
	Object.fromEntries(
		Object.entries(stateDict).map(([key, t]) => [
			key,
			{ dtype: t.dtype, shape: t.shape.slice(), data: Array.from(t.data) }
		])
	);

/** The message a load raises (and that it is a TorchError, never a RangeError or a crash). */
function refusal(bytes: Uint8Array): string {
	try {
		torch.loadStateDict(bytes);
	} catch (error) {
		expect(error).toBeInstanceOf(TorchError);
		return (error as Error).message;
	}
	throw new Error('expected the file to be refused');
}

const text = (value: string) => new TextEncoder().encode(value);

/** An archive like torch.save's, with this data.pkl and these storages. */
const archive = (pickle: Uint8Array, extra: [string, Uint8Array][] = []) =>
	writeZip([
		['archive/data.pkl', pickle],
		['archive/byteorder', text('little')],
		...extra,
		['archive/version', text('3\n')]
	]);

/** data.pkl of `{key: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}`. */
function tensorPickle(
	options: {
		storage?: [string, string];
		numel?: number;
		offset?: number;
		size?: number[];
		stride?: number[];
	} = {}
): Uint8Array {
	const [module, type] = options.storage ?? ['torch', 'FloatStorage'];
	const writer = new PickleWriter();
	writer.op(0x7d).op(0x28).string('weight').global('torch._utils', '_rebuild_tensor_v2').op(0x28);
	writer
		.op(0x28)
		.string('storage')
		.global(module, type)
		.string('0')
		.string('cpu')
		.int(options.numel ?? 2)
		.op(0x74)
		.op(0x51);
	writer
		.int(options.offset ?? 0)
		.tuple(options.size ?? [2])
		.tuple(options.stride ?? [1])
		.op(0x89);
	writer.global('collections', 'OrderedDict').op(0x29).op(0x52).op(0x74).op(0x52).op(0x75);
	return writer.finish();
}

const twoFloats = new Uint8Array(new Float32Array([1.5, -2]).buffer);

describe('reading files written by PyTorch 2.13', () => {
	for (const [name, expected] of Object.entries(EXPECTED)) {
		if (expected === null) continue;
		it(`${name} reads back every key, dtype, shape and value`, async () => {
			const stateDict = torch.loadStateDict(await inflateModelFile(fixture(name)));
			expect(Object.keys(stateDict)).toEqual(Object.keys(expected));
			expect(described(stateDict)).toEqual(expected);
		});
	}

	it("the tutorial's model.pkl holds linear.weight and linear.bias near w = 2, b = 1", () => {
		const stateDict = torch.loadStateDict(fixture('model.pkl'));
		expect(stateDict['linear.weight'].shape).toEqual([1, 1]);
		expect(Math.abs(stateDict['linear.weight'].item() - 2)).toBeLessThan(0.01);
		expect(Math.abs(stateDict['linear.bias'].item() - 1)).toBeLessThan(0.01);
	});

	it('a transposed view and an offset slice of one storage come out in row-major order', () => {
		const { slice, transposed } = torch.loadStateDict(fixture('views.pt'));
		expect(Array.from(slice.data)).toEqual([0.75, 1, 1.25, 1.5]);
		// base[:6].view(2, 3).t() of base = arange(12) / 4
		expect(transposed.tolist()).toEqual([
			[0, 0.75],
			[0.25, 1],
			[0.5, 1.25]
		]);
	});

	it('deflated.pt (zipped again with compression) is refused as it is, and read once inflated', async () => {
		expect(refusal(fixture('deflated.pt'))).toMatch(
			/^model\/data\.pkl is compressed \(ZIP method 8\): PyTorch writes its model files uncompressed/
		);
		const stored = await inflateModelFile(fixture('deflated.pt'));
		for (const data of readZip(stored).values()) expect(data.byteOffset % 64).toBe(0);
		const bytes = fixture('model.pkl');
		expect(await inflateModelFile(bytes)).toBe(bytes);
	});

	it('a pickle that calls os.system is refused, naming the global, and nothing runs', () => {
		expect(refusal(fixture('forbidden.pt'))).toMatch(
			/^Weights only load failed: Unsupported global: GLOBAL os\.system was not an allowed global by default\./
		);
	});
});

describe('writing the torch.save format', () => {
	const stateDict = () => ({
		'linear.weight': torch.tensor([[2.5]]),
		'linear.bias': torch.tensor([-0.75]),
		'layer.weight': torch.tensor(
			[
				[1, -2, 0.5],
				[3.25, 0, -0.125]
			],
			{ dtype: 'float64' }
		)
	});

	it('is the file scripts/torch-fixtures.py checked in PyTorch (weights_only=True), byte for byte', () => {
		const bytes = torch.saveStateDict(stateDict(), 'pt');
		const dir = join(tmpdir(), 'autograd-canvas-torch');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'app-saved.pt'), bytes);
		if (process.env.UPDATE_TORCH_FIXTURES === '1') {
			writeFileSync(join(FIXTURES, 'app-saved.pt'), bytes);
		}
		expect(Buffer.from(bytes).equals(Buffer.from(fixture('app-saved.pt')))).toBe(true);
	});

	it("lays the archive out as torch.save does: 64-byte aligned data, PyTorch's entries", () => {
		const bytes = torch.saveStateDict(stateDict(), 'pt');
		const entries = readZip(bytes);
		expect([...entries.keys()]).toEqual([
			'archive/data.pkl',
			'archive/.format_version',
			'archive/.storage_alignment',
			'archive/byteorder',
			'archive/data/0',
			'archive/data/1',
			'archive/data/2',
			'archive/version'
		]);
		for (const data of entries.values()) expect(data.byteOffset % 64).toBe(0);
		expect(new TextDecoder().decode(entries.get('archive/byteorder'))).toBe('little');
		expect(entries.get('archive/data/2')!.length).toBe(6 * 8);
	});

	it('round-trips any float32 or float64 state dict, NaN, infinities and -0 included', () => {
		const value = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0));
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						key: fc.string({ maxLength: 12 }),
						shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
						float64: fc.boolean(),
						seed: fc.array(value, { minLength: 64, maxLength: 64 })
					}),
					{ maxLength: 4 }
				),
				(specs) => {
					const input: Record<string, Tensor> = Object.create(null);
					for (const { key, shape, float64, seed } of specs) {
						const count = shape.reduce((a, b) => a * b, 1);
						input[key] = torch.tensor(seed.slice(0, count), {
							shape,
							dtype: float64 ? 'float64' : 'float32'
						});
					}
					const output = torch.loadStateDict(torch.saveStateDict(input, 'pt'));
					expect(Object.keys(output)).toEqual(Object.keys(input));
					for (const key of Object.keys(input)) {
						expect(output[key].dtype).toBe(input[key].dtype);
						expect(output[key].shape).toEqual(input[key].shape);
						expect(Array.from(output[key].data)).toEqual(Array.from(input[key].data));
					}
				}
			),
			{ numRuns: 60 }
		);
	});

	it('reads an archive whose end record points to ZIP64 records (as for files past 4 GB)', () => {
		const plain = archive(tensorPickle(), [['archive/data/0', twoFloats]]);
		const end = plain.length - 22;
		const old = new DataView(plain.buffer, end);
		const count = old.getUint16(10, true);
		const size = old.getUint32(12, true);
		const offset = old.getUint32(16, true);
		const out = new Uint8Array(end + 56 + 20 + 22);
		out.set(plain.subarray(0, end));
		const view = new DataView(out.buffer);
		view.setUint32(end, 0x06064b50, true); // ZIP64 end record
		view.setBigUint64(end + 4, 44n, true);
		view.setBigUint64(end + 24, BigInt(count), true);
		view.setBigUint64(end + 32, BigInt(count), true);
		view.setBigUint64(end + 40, BigInt(size), true);
		view.setBigUint64(end + 48, BigInt(offset), true);
		view.setUint32(end + 56, 0x07064b50, true); // its locator
		view.setBigUint64(end + 64, BigInt(end), true);
		view.setUint32(end + 72, 1, true);
		view.setUint32(end + 76, 0x06054b50, true); // the end record, every field full
		view.setUint16(end + 84, 0xffff, true);
		view.setUint16(end + 86, 0xffff, true);
		view.setUint32(end + 88, 0xffffffff, true);
		view.setUint32(end + 92, 0xffffffff, true);
		expect(Array.from(torch.loadStateDict(out).weight.data)).toEqual([1.5, -2]);
		view.setBigUint64(end + 64, BigInt(end + 1), true);
		expect(refusal(out)).toMatch(/the ZIP64 end record is missing/);
	});

	it('computes the CRC-32 that ZIP readers check, as the bit-by-bit definition does', () => {
		expect(crc32(text('123456789'))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
		const bitwise = (bytes: Uint8Array) => {
			let crc = 0xffffffff;
			for (const byte of bytes) {
				crc ^= byte;
				for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
			}
			return (crc ^ 0xffffffff) >>> 0;
		};
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
				expect(crc32(bytes)).toBe(bitwise(bytes));
			})
		);
	});
});

describe('refusals, each with a message', () => {
	it('reads a tensor at an offset with strides from a hand-made archive', () => {
		const bytes = archive(tensorPickle({ numel: 4, offset: 1, size: [2], stride: [2] }), [
			['archive/data/0', new Uint8Array(new Float32Array([9, 1, 9, 2]).buffer)]
		]);
		expect(Array.from(torch.loadStateDict(bytes).weight.data)).toEqual([1, 2]);
	});

	it('a tensor reaching past its storage', () => {
		const bytes = archive(tensorPickle({ offset: 1, size: [2] }), [['archive/data/0', twoFloats]]);
		expect(refusal(bytes)).toMatch(/reads past its storage of 2 elements/);
	});

	it('a storage shorter than its numel, or missing', () => {
		const short = archive(tensorPickle({ numel: 3 }), [['archive/data/0', twoFloats]]);
		expect(refusal(short)).toMatch(/archive\/data\/0 holds 8 bytes, not 3 elements of float32/);
		expect(refusal(archive(tensorPickle()))).toMatch(/the storage archive\/data\/0 is missing/);
	});

	it('an int64 tensor, a big-endian file, a compressed entry', async () => {
		const long = archive(tensorPickle({ storage: ['torch', 'LongStorage'] }), [
			['archive/data/0', new Uint8Array(16)]
		]);
		expect(refusal(long)).toMatch(/int64 \(torch\.LongStorage\): the app's tensors are float32/);
		const big = writeZip([
			['archive/data.pkl', tensorPickle()],
			['archive/byteorder', text('big')],
			['archive/data/0', twoFloats]
		]);
		expect(refusal(big)).toMatch(/byte order is 'big': only little-endian/);
		const deflated = archive(tensorPickle(), [['archive/data/0', twoFloats]]);
		// Mark the first entry as deflated (method 8) in both of its headers.
		const view = new DataView(deflated.buffer);
		view.setUint16(8, 8, true);
		const central = deflated.length - 22 - view.getUint32(deflated.length - 22 + 12, true);
		view.setUint16(central + 10, 8, true);
		expect(refusal(deflated)).toMatch(/archive\/data\.pkl is compressed \(ZIP method 8\)/);
		await expect(inflateModelFile(deflated)).rejects.toThrow(/archive\/data\.pkl does not inflate/);
	});

	it('a deflated entry stops inflating at its stated size (a ZIP bomb), and a huge one is refused', async () => {
		const bomb = writeZip([
			['archive/data.pkl', new Uint8Array(deflateRawSync(new Uint8Array(1 << 20)))]
		]);
		const view = new DataView(bomb.buffer);
		const central = bomb.length - 22 - view.getUint32(bomb.length - 22 + 12, true);
		view.setUint16(central + 10, 8, true);
		view.setUint32(central + 24, 1000, true);
		await expect(inflateModelFile(bomb)).rejects.toThrow(/data\.pkl inflates past its stated size/);
		view.setUint32(central + 24, 2 ** 31, true);
		await expect(inflateModelFile(bomb)).rejects.toThrow(/inflates to 2147483648 bytes; at most/);
	});

	it('any global outside the allowlist, and opcodes the weights_only unpickler lacks', () => {
		const call = (module: string, name: string) =>
			new PickleWriter().global(module, name).op(0x29).op(0x52).finish();
		expect(refusal(archive(call('builtins', 'eval')))).toMatch(/GLOBAL eval was not an allowed/);
		expect(refusal(archive(call('torch', 'load')))).toMatch(/GLOBAL torch\.load was not/);
		// INST (i), OBJ (o), NEWOBJ (\x81): never run.
		for (const opcode of [0x69, 0x6f, 0x81]) {
			const pickle = new PickleWriter().op(0x28).op(opcode).finish();
			expect(refusal(archive(pickle))).toMatch(new RegExp(`Unsupported operand ${opcode}$`));
		}
	});

	it('something other than a state_dict of tensors', () => {
		const list = new PickleWriter().op(0x5d).finish();
		expect(refusal(archive(list))).toMatch(/something other than a state_dict/);
		const nested = new PickleWriter().op(0x7d).string('model').op(0x7d).op(0x73).finish();
		expect(refusal(archive(nested))).toMatch(/model is not a tensor/);
	});

	it('a bare pickle (the format before PyTorch 1.6), and a ZIP without data.pkl', () => {
		expect(refusal(new PickleWriter().op(0x7d).finish())).toMatch(/a pickle without PyTorch's ZIP/);
		expect(refusal(writeZip([['notes.txt', text('hi')]]))).toMatch(/no <name>\/data\.pkl/);
	});

	it('every truncation of model.pkl, and corrupted bytes, give a message, never a crash', () => {
		const bytes = fixture('model.pkl');
		for (let length = 1; length < bytes.length; length++) refusal(bytes.subarray(0, length));
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
					minLength: 1,
					maxLength: 4
				}),
				(edits) => {
					const copy = bytes.slice();
					for (const [at, value] of edits) copy[at] = value;
					try {
						torch.loadStateDict(copy);
					} catch (error) {
						expect(error).toBeInstanceOf(TorchError);
					}
				}
			),
			{ numRuns: 400 }
		);
	});
});
