/**
 * saveStateDict / loadStateDict: the JSON format and real safetensors (the format
 * `safetensors.torch.save_file` writes and `load_file` reads). The committed fixture
 * tests/engine/fixtures/linear.safetensors was written by the reference Python writer:
 * see scripts/golden/make_safetensors_fixture.py.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import type { Tensor } from '$lib/engine';

type StateDict = Record<string, Tensor>;

const FIXTURE = fileURLToPath(new URL('./fixtures/linear.safetensors', import.meta.url));

const encode = (text: string) => new TextEncoder().encode(text);

/** A safetensors file from a header object and raw data bytes (header padded to 8 bytes). */
function safetensorsFile(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
	return safetensorsFromHeaderText(JSON.stringify(header), data);
}

function safetensorsFromHeaderText(text: string, data: Uint8Array = new Uint8Array(0)) {
	let header = encode(text);
	const padded = Math.ceil(header.length / 8) * 8;
	if (padded !== header.length) {
		const withSpaces = new Uint8Array(padded).fill(0x20);
		withSpaces.set(header);
		header = withSpaces;
	}
	const out = new Uint8Array(8 + header.length + data.length);
	new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
	out.set(header, 8);
	out.set(data, 8 + header.length);
	return out;
}

function f32Bytes(values: number[]): Uint8Array {
	return new Uint8Array(new Float32Array(values).buffer);
}

/** Parse a safetensors file by the spec, independently of the engine. */
function parseSafetensors(bytes: Uint8Array) {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const headerLength = Number(view.getBigUint64(0, true));
	const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
	return { view, headerLength, header, dataStart: 8 + headerLength };
}

function sampleDict(dtype: 'float32' | 'float64'): StateDict {
	return {
		'linear.weight': torch.tensor(
			[
				[0.5, -1.25, 3],
				[1e-7, 0, 123456.789]
			],
			{ dtype }
		),
		'linear.bias': torch.tensor([Math.PI, -1 / 3], { dtype }),
		scalar: torch.tensor(2.5, { dtype }),
		empty: torch.zeros([0, 4], { dtype })
	};
}

function expectSameDict(actual: StateDict, expected: StateDict) {
	expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
	for (const [key, t] of Object.entries(expected)) {
		const got = actual[key];
		expect(got.dtype, key).toBe(t.dtype);
		expect(got.shape, key).toEqual(t.shape);
		// Bit-exact: float32 values survive as float32, float64 as float64.
		expect(Array.from(got.data), key).toEqual(Array.from(t.data));
		expect(got.requiresGrad, key).toBe(false);
	}
}

/** The error a call raises; fails the test if it raises none or a non-engine error. */
function thrownBy(fn: () => unknown): torch.TorchError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(torch.TorchError);
		return error as torch.TorchError;
	}
	throw new Error('expected an error, none was thrown');
}

describe('round trips', () => {
	for (const format of ['json', 'safetensors'] as const) {
		for (const dtype of ['float32', 'float64'] as const) {
			it(`${format}, ${dtype}: keys, dtypes, shapes and values come back exactly`, () => {
				const dict = sampleDict(dtype);
				const bytes = torch.saveStateDict(dict, format);
				expect(bytes).toBeInstanceOf(Uint8Array);
				expect(bytes.length).toBeGreaterThan(8);
				expectSameDict(torch.loadStateDict(bytes), dict);
			});
		}
	}

	for (const format of ['json', 'safetensors'] as const) {
		it(`${format}: NaN, +-Infinity and -0 come back too (as torch.save / safetensors keep them)`, () => {
			for (const dtype of ['float32', 'float64'] as const) {
				const dict = { w: torch.tensor([NaN, Infinity, -Infinity, -0, 1], { dtype }) };
				const loaded = torch.loadStateDict(torch.saveStateDict(dict, format));
				const data = Array.from(loaded.w.data);
				expect(data[0], dtype).toBeNaN();
				expect(data.slice(1, 3), dtype).toEqual([Infinity, -Infinity]);
				expect(Object.is(data[3], -0), `${dtype}: -0 keeps its sign`).toBe(true);
				expect(data[4], dtype).toBe(1);
			}
		});
	}

	it('the default format is safetensors', () => {
		const bytes = torch.saveStateDict({ w: torch.tensor([1]) });
		expect(bytes[0]).not.toBe(0x7b); // not JSON's '{'
		expect(parseSafetensors(bytes).header.w.dtype).toBe('F32');
	});

	it('a model state dict survives the trip and loads into a fresh model', () => {
		torch.manualSeed(3);
		const a = new torch.nn.Linear(3, 2);
		const b = new torch.nn.Linear(3, 2);
		for (const format of ['json', 'safetensors'] as const) {
			const loaded = torch.loadStateDict(torch.saveStateDict(a.stateDict(), format));
			expect(Object.keys(loaded)).toEqual(['weight', 'bias']);
			expect(String(b.loadStateDict(loaded))).toBe('<All keys matched successfully>');
			expect(b.weight.tolist()).toEqual(a.weight.tolist());
			expect(b.bias!.tolist()).toEqual(a.bias!.tolist());
		}
	});

	it('saving reads the values but leaves the tensors alone', () => {
		const w = torch.tensor([1, 2], { requiresGrad: true });
		torch.saveStateDict({ w }, 'safetensors');
		torch.saveStateDict({ w }, 'json');
		expect(w.tolist()).toEqual([1, 2]);
		expect(w.requiresGrad).toBe(true);
	});

	it('loads from a view into a larger buffer (non-zero byteOffset, like a Node Buffer)', () => {
		const bytes = torch.saveStateDict(sampleDict('float64'), 'safetensors');
		const big = new Uint8Array(bytes.length + 13);
		big.set(bytes, 5);
		expectSameDict(torch.loadStateDict(big.subarray(5, 5 + bytes.length)), sampleDict('float64'));
	});
});

describe('the safetensors bytes follow the spec', () => {
	it('u64 LE header length, JSON header with F32/shape/data_offsets, aligned raw LE floats', () => {
		const dict = {
			weight: torch.tensor([[0.5, -2]]),
			bias: torch.tensor([-0.25])
		};
		const bytes = torch.saveStateDict(dict, 'safetensors');
		const { view, headerLength, header, dataStart } = parseSafetensors(bytes);
		expect(headerLength).toBeGreaterThan(0);
		expect(dataStart % 8).toBe(0);
		// The header is exactly N bytes of JSON (trailing spaces allowed as padding).
		expect(header.weight).toEqual({ dtype: 'F32', shape: [1, 2], data_offsets: expect.any(Array) });
		expect(header.bias).toEqual({ dtype: 'F32', shape: [1], data_offsets: expect.any(Array) });
		const keys = Object.keys(header).filter((k) => k !== '__metadata__');
		expect(keys.sort()).toEqual(['bias', 'weight']);
		if ('__metadata__' in header) {
			// The spec allows only a string-to-string map here.
			expect(Object.values(header.__metadata__).every((v: unknown) => typeof v === 'string')).toBe(
				true
			);
		}
		// Offsets are relative to the data section, tile it with no gaps, and size each tensor.
		const spans = keys
			.map((k) => header[k].data_offsets as [number, number])
			.sort((a, b) => a[0] - b[0]);
		expect(spans[0][0]).toBe(0);
		expect(spans[1][0]).toBe(spans[0][1]);
		expect(spans[1][1]).toBe(bytes.length - dataStart);
		const [wBegin, wEnd] = header.weight.data_offsets;
		const [bBegin, bEnd] = header.bias.data_offsets;
		expect(wEnd - wBegin).toBe(8);
		expect(bEnd - bBegin).toBe(4);
		expect(view.getFloat32(dataStart + wBegin, true)).toBe(0.5);
		expect(view.getFloat32(dataStart + wBegin + 4, true)).toBe(-2);
		expect(view.getFloat32(dataStart + bBegin, true)).toBe(-0.25);
	});

	it('float64 tensors are written as F64, 8 bytes per value', () => {
		const bytes = torch.saveStateDict({ x: torch.tensor([1 / 3, -7], { dtype: 'float64' }) });
		const { view, header, dataStart } = parseSafetensors(bytes);
		expect(header.x.dtype).toBe('F64');
		expect(header.x.shape).toEqual([2]);
		expect(header.x.data_offsets).toEqual([0, 16]);
		expect(view.getFloat64(dataStart, true)).toBe(1 / 3);
		expect(view.getFloat64(dataStart + 8, true)).toBe(-7);
	});

	it('the header length is written little-endian in all 8 bytes', () => {
		const bytes = torch.saveStateDict({ w: torch.tensor([1]) });
		const { headerLength } = parseSafetensors(bytes);
		expect(bytes[0] + 256 * bytes[1]).toBe(headerLength);
		expect(Array.from(bytes.subarray(2, 8))).toEqual([0, 0, 0, 0, 0, 0]);
	});
});

describe('the committed fixture written by Python safetensors.torch.save_file', () => {
	const bytes = new Uint8Array(readFileSync(FIXTURE));

	it('loads to weight [[0.5]] and bias [-0.25], float32', () => {
		const dict = torch.loadStateDict(bytes);
		expect(Object.keys(dict).sort()).toEqual(['bias', 'weight']);
		expect(dict.weight.dtype).toBe('float32');
		expect(dict.weight.shape).toEqual([1, 1]);
		expect(dict.weight.tolist()).toEqual([[0.5]]);
		expect(dict.bias.dtype).toBe('float32');
		expect(dict.bias.shape).toEqual([1]);
		expect(dict.bias.tolist()).toEqual([-0.25]);
	});

	it('loads into nn.Linear(1, 1)', () => {
		const layer = new torch.nn.Linear(1, 1);
		expect(String(layer.loadStateDict(torch.loadStateDict(bytes)))).toBe(
			'<All keys matched successfully>'
		);
		expect(layer.weight.item()).toBe(0.5);
		expect(layer.bias!.item()).toBe(-0.25);
	});

	it('the engine writes the same header entries for the same dict', () => {
		const ours = torch.saveStateDict({
			weight: torch.tensor([[0.5]]),
			bias: torch.tensor([-0.25])
		});
		const reference = parseSafetensors(bytes);
		const mine = parseSafetensors(ours);
		for (const key of ['weight', 'bias']) {
			expect(mine.header[key].dtype).toBe(reference.header[key].dtype);
			expect(mine.header[key].shape).toEqual(reference.header[key].shape);
			const [b0, b1] = mine.header[key].data_offsets;
			const [r0, r1] = reference.header[key].data_offsets;
			expect(Array.from(ours.subarray(mine.dataStart + b0, mine.dataStart + b1))).toEqual(
				Array.from(bytes.subarray(reference.dataStart + r0, reference.dataStart + r1))
			);
		}
	});
});

describe('bad files raise a clear error, never crash', () => {
	const good = () =>
		safetensorsFile(
			{ weight: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } },
			f32Bytes([1, 2])
		);

	it('the hand-made good file loads (so the cases below fail for their defect alone)', () => {
		expect(torch.loadStateDict(good()).weight.tolist()).toEqual([[1, 2]]);
	});

	it('an empty file', () => {
		const error = thrownBy(() => torch.loadStateDict(new Uint8Array(0)));
		expect(error.message).toMatch(/empty/);
	});

	it('not bytes at all', () => {
		const error = thrownBy(() => torch.loadStateDict('weights' as unknown as Uint8Array));
		expect(error.message).toMatch(/Uint8Array/);
	});

	it('truncated inside the 8-byte length', () => {
		const error = thrownBy(() => torch.loadStateDict(good().subarray(0, 5)));
		expect(error.message).toMatch(/safetensors.*8-byte/);
	});

	it('truncated inside the header', () => {
		const bytes = good();
		const error = thrownBy(() => torch.loadStateDict(bytes.subarray(0, 20)));
		expect(error.message).toMatch(/header length .* past the end/);
	});

	it('truncated inside the data', () => {
		const bytes = good();
		const error = thrownBy(() => torch.loadStateDict(bytes.subarray(0, bytes.length - 3)));
		expect(error.message).toMatch(/weight\.data_offsets/);
	});

	it('a truncated engine-written file', () => {
		const bytes = torch.saveStateDict(sampleDict('float32'));
		const error = thrownBy(() => torch.loadStateDict(bytes.subarray(0, bytes.length - 1)));
		expect(error.message).toMatch(/data_offsets/);
	});

	it('a header length past the end of the file (by one, and absurdly)', () => {
		const bytes = good();
		const view = new DataView(bytes.buffer);
		view.setBigUint64(0, BigInt(bytes.length - 8 + 1), true);
		expect(thrownBy(() => torch.loadStateDict(bytes)).message).toMatch(
			/header length \(\d+\) runs past the end of the file/
		);
		view.setBigUint64(0, 0xffffffffffffffffn, true);
		expect(thrownBy(() => torch.loadStateDict(bytes)).message).toMatch(/header length/);
	});

	it('a header that is not valid JSON', () => {
		const error = thrownBy(() =>
			torch.loadStateDict(safetensorsFromHeaderText('{"weight": {"dtype": "F32",', f32Bytes([1])))
		);
		expect(error.message).toMatch(/header is not valid JSON/);
	});

	it('a header that is not valid UTF-8 JSON bytes', () => {
		const bytes = good();
		bytes[8] = 0xff;
		const error = thrownBy(() => torch.loadStateDict(bytes));
		expect(error.message).toMatch(/not valid JSON/);
	});

	it('a header that is JSON but not an object', () => {
		const error = thrownBy(() => torch.loadStateDict(safetensorsFile([1, 2, 3])));
		expect(error.message).toMatch(/not a JSON object/);
	});

	it('a tensor entry that is not an object', () => {
		const error = thrownBy(() => torch.loadStateDict(safetensorsFile({ weight: 3 })));
		expect(error.message).toMatch(/weight: expected an object/);
	});

	it.each(['I64', 'BF16', 'F16', 'float32', null])('an unsupported dtype %s', (dtype) => {
		const error = thrownBy(() =>
			torch.loadStateDict(
				safetensorsFile({ weight: { dtype, shape: [2], data_offsets: [0, 8] } }, f32Bytes([1, 2]))
			)
		);
		expect(error.message).toMatch(/weight\.dtype: .* is not supported/);
	});

	it.each([
		['past the data', [0, 12]],
		['end before begin', [8, 0]],
		['negative', [-4, 4]],
		['not integers', [0, 7.5]],
		['wrong arity', [0]],
		['missing', undefined]
	])('data_offsets %s', (_, offsets) => {
		const error = thrownBy(() =>
			torch.loadStateDict(
				safetensorsFile(
					{ weight: { dtype: 'F32', shape: [2], data_offsets: offsets } },
					f32Bytes([1, 2])
				)
			)
		);
		expect(error.message).toMatch(/weight\.data_offsets/);
	});

	it('data_offsets that do not hold the shape', () => {
		const error = thrownBy(() =>
			torch.loadStateDict(
				safetensorsFile(
					{ weight: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } },
					f32Bytes([1, 2])
				)
			)
		);
		expect(error.message).toMatch(/8 bytes do not hold shape \[3\]/);
	});

	it.each([
		['negative', [-1, 2]],
		['fractional', [1.5]],
		['not a list', 'big'],
		['huge', [1e9, 1e9]]
	])('a bad shape (%s)', (_, shape) => {
		const error = thrownBy(() =>
			torch.loadStateDict(
				safetensorsFile({ weight: { dtype: 'F32', shape, data_offsets: [0, 8] } }, f32Bytes([1, 2]))
			)
		);
		expect(error.message).toMatch(/shape|elements|dimension/);
	});

	it('bytes in no format (a text file named broken.pt) are a NotAStateDictError, not safetensors', () => {
		for (const text of ['this is not a model\n', 'hello', '']) {
			const error = thrownBy(() => torch.loadStateDict(encode(text)));
			expect(error).toBeInstanceOf(torch.NotAStateDictError);
			expect(error.message).not.toMatch(/^safetensors:/);
		}
		expect(thrownBy(() => torch.loadStateDict(encode('this is not a model\n'))).message).toBe(
			'the file starts with none of the signatures of a ZIP archive (torch.save), JSON text or safetensors (an 8-byte header length, then its JSON header)'
		);
		expect(thrownBy(() => torch.loadStateDict(new Uint8Array([1, 2, 3])))).toBeInstanceOf(
			torch.NotAStateDictError
		);
	});

	it('JSON that is not our state dict is a NotAStateDictError; a damaged model file is not', () => {
		for (const text of ['{"hello": 1}', '{"format": ', '[1, 2]']) {
			const error = thrownBy(() => torch.loadStateDict(encode(text)));
			expect(error).toBeInstanceOf(torch.NotAStateDictError);
		}
		const good = torch.saveStateDict({ w: torch.tensor([1]) });
		const cut = thrownBy(() => torch.loadStateDict(good.subarray(0, good.length - 1)));
		expect(cut).toBeInstanceOf(torch.TorchError);
		expect(cut).not.toBeInstanceOf(torch.NotAStateDictError);
		const badVersion = encode(JSON.stringify({ format: 'autograd-canvas.state_dict', version: 2 }));
		expect(thrownBy(() => torch.loadStateDict(badVersion))).not.toBeInstanceOf(
			torch.NotAStateDictError
		);
	});

	it('JSON with the wrong format field', () => {
		const good = new TextDecoder().decode(torch.saveStateDict({ w: torch.tensor([1]) }, 'json'));
		const doc = JSON.parse(good);
		expect(torch.loadStateDict(encode(good)).w.tolist()).toEqual([1]);
		for (const format of ['pt', 'safetensors', undefined, 1]) {
			const error = thrownBy(() => torch.loadStateDict(encode(JSON.stringify({ ...doc, format }))));
			expect(error.message).toMatch(/^format: expected "autograd-canvas\.state_dict"/);
		}
	});

	it('JSON that does not parse, or is not an object', () => {
		expect(thrownBy(() => torch.loadStateDict(encode('{"format": '))).message).toMatch(
			/not valid JSON/
		);
		expect(thrownBy(() => torch.loadStateDict(encode('{}'))).message).toMatch(/format/);
	});

	it('JSON with a bad version, tensors, dtype, shape or data', () => {
		const base = JSON.parse(
			new TextDecoder().decode(torch.saveStateDict({ w: torch.tensor([1, 2]) }, 'json'))
		);
		const cases: [unknown, RegExp][] = [
			[{ ...base, version: 2 }, /version/],
			[{ ...base, tensors: [] }, /tensors: expected an object/],
			[{ ...base, tensors: { w: 1 } }, /tensors\.w: expected an object/],
			[{ ...base, tensors: { w: { ...base.tensors.w, dtype: 'int64' } } }, /tensors\.w\.dtype/],
			[{ ...base, tensors: { w: { ...base.tensors.w, shape: [-2] } } }, /tensors\.w\.shape/],
			[
				{ ...base, tensors: { w: { ...base.tensors.w, data: [1] } } },
				/^tensors\.w\.data: expected 2 numbers for shape \[2\], found 1$/
			],
			[
				{ ...base, tensors: { w: { ...base.tensors.w, shape: [1], data: [1, 2] } } },
				/^tensors\.w\.data: expected 1 number for shape \[1\], found 2$/
			],
			[{ ...base, tensors: { w: { ...base.tensors.w, data: [1, 'x'] } } }, /tensors\.w\.data/]
		];
		for (const [doc, pattern] of cases) {
			const error = thrownBy(() => torch.loadStateDict(encode(JSON.stringify(doc))));
			expect(error.message).toMatch(pattern);
		}
	});

	it('any corruption of a good file either loads or raises an engine error', () => {
		const valid = torch.saveStateDict(sampleDict('float32'));
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
					minLength: 1,
					maxLength: 8
				}),
				fc.nat(valid.length),
				(edits, cut) => {
					const bytes = valid.slice(0, Math.max(cut, 1));
					for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
					try {
						torch.loadStateDict(bytes);
					} catch (error) {
						expect(error).toBeInstanceOf(torch.TorchError);
					}
				}
			),
			{ numRuns: 300, seed: 20240601 }
		);
	});

	it('random bytes either load or raise an engine error', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
				try {
					torch.loadStateDict(bytes);
				} catch (error) {
					expect(error).toBeInstanceOf(torch.TorchError);
				}
			}),
			{ numRuns: 300, seed: 7 }
		);
	});
});
