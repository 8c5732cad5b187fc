/**
 * Issue #11, defects 5 and 7: the state dict entry point (Train panel > Load model, and
 * `torch.loadStateDict`) against thousands of hostile files: random bytes, mutated and truncated
 * valid files in both formats, and hostile headers (huge strings, prototype-ish keys, wrong
 * types). Each either loads or raises the engine's TorchError with a bounded message that quotes
 * at most 80 characters of any one input; a refused file changes no parameter; a JSON file with
 * a byte order mark or leading whitespace is read as JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { TorchError } from '$lib/engine';
import type { StateDict } from '$lib/engine/nn/module';
import { DEFAULT_SETTINGS, formulaData } from '$lib/training';
import { Trainer } from '$lib/training/trainer';
import { exampleDocument } from '$lib/graph';
import { doc, leaf, opNode } from '../graph/helpers';
import { PROTOTYPE_KEYS } from './keys';

/** A file's message (the engine's loader alone) stays short. */
const MAX_LOAD_MESSAGE = 300;
/** load_state_dict lists at most 10 keys per kind, each cut to 80 characters. */
const MAX_MISMATCH_MESSAGE = 3000;

const encode = (text: string) => new TextEncoder().encode(text);

/** Long strings a message must never echo whole (at most 80 characters of them). */
const longText = fc
	.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min: 15, max: 400 }))
	.map(([unit, times]) => unit.repeat(times))
	.filter((s) => s.length > 81);
const key = fc.oneof(
	fc.constantFrom(...PROTOTYPE_KEYS, 'weight', 'bias', '__metadata__', ''),
	fc.string({ maxLength: 12 }),
	longText
);
const hostileValue = fc.oneof(
	longText,
	fc.constantFrom(null, true, 1.5, -1, 1e300, 'F32', 'F64', 'float32', 'float64', 'NaN', '-0'),
	fc.array(fc.oneof(fc.integer({ min: -2, max: 2 ** 40 }), fc.double(), longText), {
		maxLength: 5
	}),
	fc.dictionary(key, fc.oneof(fc.integer(), longText), { maxKeys: 3 })
);

/** A safetensors header entry or a JSON tensor entry with some fields hostile. */
const entry = (dtypes: string[]) =>
	fc.record(
		{
			dtype: fc.oneof(fc.constantFrom(...dtypes), hostileValue),
			shape: fc.oneof(
				fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
				fc.constant([1e300, 1e300, 0]),
				hostileValue
			),
			data_offsets: fc.oneof(
				fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 16 })),
				hostileValue
			),
			data: fc.oneof(fc.array(fc.oneof(fc.double(), fc.constantFrom('NaN', '-0'))), hostileValue)
		},
		{ requiredKeys: [] }
	);

/** The long strings inside a value (to check that no message echoes one whole). */
function longStrings(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string' && value.length > 81) out.push(value);
	else if (Array.isArray(value)) for (const v of value) longStrings(v, out);
	else if (typeof value === 'object' && value !== null) {
		for (const [k, v] of Object.entries(value)) {
			longStrings(k, out);
			longStrings(v, out);
		}
	}
	return out;
}

/** Whether `message` holds 81 consecutive characters of any of `texts`. */
const echoes = (message: string, texts: string[]) =>
	texts.some((t) => message.includes(t.slice(0, 81)) || message.includes(t.slice(-81)));

/**
 * Load `bytes` with the engine's loader: it returns a state dict of tensors or throws a
 * TorchError whose message is bounded and echoes none of `texts` whole.
 */
function loadChecked(bytes: Uint8Array, texts: string[] = []): StateDict | null {
	const copy = Buffer.from(bytes);
	try {
		const stateDict = torch.loadStateDict(bytes);
		for (const k of Object.keys(stateDict)) expect(stateDict[k]).toBeInstanceOf(torch.Tensor);
		return stateDict;
	} catch (error) {
		expect(error).toBeInstanceOf(TorchError);
		const message = (error as TorchError).message;
		expect(typeof message).toBe('string');
		expect(message.length).toBeGreaterThan(0);
		expect(message.length).toBeLessThanOrEqual(MAX_LOAD_MESSAGE);
		expect(echoes(message, texts)).toBe(false);
		return null;
	} finally {
		expect(copy.equals(bytes)).toBe(true); // the input is never changed
	}
}

function safetensorsBytes(header: unknown, dataLength: number): Uint8Array {
	const text = encode(JSON.stringify(header));
	const out = new Uint8Array(8 + text.length + dataLength);
	new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
	out.set(text, 8);
	return out;
}

/** Trainers whose parameters a refused file must leave alone: nn.Linear's keys, and names. */
function trainers(): Trainer[] {
	const named = doc(
		[
			leaf('__proto__', 'x', [11, 1]),
			leaf('constructor', '__proto__', [1], true),
			leaf('toString', 'constructor', [1], true),
			leaf('valueOf', 'y', [11, 1]),
			opNode('hasOwnProperty', 'mul', 'product'),
			opNode('n6', 'add', 'pred'),
			opNode('n7', 'mse_loss', 'loss', { reduction: 'mean' })
		],
		[
			['__proto__', 'hasOwnProperty', 'input'],
			['constructor', 'hasOwnProperty', 'other'],
			['hasOwnProperty', 'n6', 'input'],
			['toString', 'n6', 'other'],
			['n6', 'n7', 'input'],
			['valueOf', 'n7', 'target']
		]
	);
	return [exampleDocument('linear-regression')!, named].map(
		(d) =>
			new Trainer({
				doc: d,
				data: formulaData(),
				settings: { ...DEFAULT_SETTINGS },
				onLog: () => {}
			})
	);
}

/** Load into each trainer: loaded, or refused with a bounded message and nothing changed. */
function loadIntoTrainers(list: Trainer[], bytes: Uint8Array, texts: string[]) {
	for (const trainer of list) {
		const before = trainer.parameters();
		try {
			trainer.loadState(bytes);
		} catch (error) {
			expect(error).toBeInstanceOf(TorchError);
			const message = (error as TorchError).message;
			expect(message.length).toBeLessThanOrEqual(MAX_MISMATCH_MESSAGE);
			expect(echoes(message, texts)).toBe(false);
			expect(trainer.parameters()).toEqual(before);
		}
	}
}

describe('the state dict loader against hostile files (fast-check)', () => {
	const list = trainers();
	const validFiles = list.flatMap((t) => [t.saveState('safetensors'), t.saveState('json')]);

	it('random bytes: a state dict or a TorchError, never a raw TypeError or RangeError', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
				loadChecked(bytes);
				loadIntoTrainers(list, bytes, []);
			}),
			{ numRuns: 3000 }
		);
	});

	it('mutated and truncated valid files in both formats', () => {
		fc.assert(
			fc.property(
				fc.nat(validFiles.length - 1),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
				fc.nat(),
				(which, edits, cut) => {
					const valid = validFiles[which];
					const bytes = valid.slice(0, 1 + (cut % valid.length));
					for (const [at, value] of edits) bytes[at % bytes.length] = value;
					loadChecked(bytes);
					loadIntoTrainers(list, bytes, []);
				}
			),
			{ numRuns: 3000 }
		);
	});

	it('hostile safetensors headers: prototype-ish keys, huge strings, wrong types', () => {
		fc.assert(
			fc.property(
				fc.dictionary(key, fc.oneof(entry(['F32', 'F64']), hostileValue), { maxKeys: 4 }),
				fc.integer({ min: 0, max: 24 }),
				(header, dataLength) => {
					const bytes = safetensorsBytes(header, dataLength);
					const texts = longStrings(header);
					loadChecked(bytes, texts);
					loadIntoTrainers(list, bytes, texts);
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('hostile JSON state dicts: huge format strings, prototype-ish keys, wrong types', () => {
		fc.assert(
			fc.property(
				fc.record(
					{
						format: fc.oneof(fc.constant('autograd-canvas.state_dict'), hostileValue),
						version: fc.oneof(fc.constant(1), hostileValue),
						tensors: fc.oneof(
							fc.dictionary(key, fc.oneof(entry(['float32', 'float64']), hostileValue), {
								maxKeys: 4
							}),
							hostileValue
						)
					},
					{ requiredKeys: [] }
				),
				fc.constantFrom('', '\uFEFF', ' \n\t', '\uFEFF\r\n  '),
				(file, prefix) => {
					const bytes = encode(prefix + JSON.stringify(file));
					const texts = longStrings(file);
					loadChecked(bytes, texts);
					loadIntoTrainers(list, bytes, texts);
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('a 4.9 MB format string is quoted by no message', () => {
		const format = 'x'.repeat(4.9 * 1024 * 1024);
		const bytes = encode(JSON.stringify({ format, version: 1, tensors: {} }));
		expect(loadChecked(bytes, [format])).toBeNull();
		expect(() => torch.loadStateDict(bytes)).toThrow(/^format: expected "autograd-canvas/);
	});

	it('a JSON state dict with a byte order mark or leading whitespace is read as JSON', () => {
		fc.assert(
			fc.property(
				fc.nat(validFiles.length - 1),
				fc.boolean(),
				fc.array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 12 }),
				(which, bom, spaces) => {
					const trainer = list[which >> 1];
					const json = trainer.saveState('json');
					const prefix = encode((bom ? '\uFEFF' : '') + spaces.join(''));
					const bytes = new Uint8Array(prefix.length + json.length);
					bytes.set(prefix);
					bytes.set(json, prefix.length);
					const loaded = loadChecked(bytes);
					expect(loaded).not.toBeNull();
					const expected = torch.loadStateDict(json);
					expect(Object.keys(loaded!)).toEqual(Object.keys(expected));
					for (const k of Object.keys(expected)) {
						expect(loaded![k].tolist()).toEqual(expected[k].tolist());
					}
				}
			),
			{ numRuns: 500 }
		);
	});

	it('a state dict with many wrong keys lists 10 of them and says how many more', () => {
		const [linear] = trainers();
		const stateDict: Record<string, torch.Tensor> = Object.create(null);
		for (let i = 0; i < 25; i++) stateDict[`k${i}_${'z'.repeat(200)}`] = torch.tensor([i]);
		const before = linear.parameters();
		let message = '';
		try {
			linear.loadState(torch.saveStateDict(stateDict, 'json'));
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/^Error\(s\) in loading state_dict for Linear:/);
		expect(message).toContain('Missing key(s) in state_dict: "weight", "bias". ');
		expect(message).toContain(', and 15 more. ');
		expect(message.match(/"k\d+_z+…"/g)).toHaveLength(10);
		expect(echoes(message, Object.keys(stateDict))).toBe(false);
		expect(linear.parameters()).toEqual(before);
	});

	it("a parameter named __metadata__ (safetensors' reserved key) is refused as safetensors, kept as JSON", () => {
		const stateDict: Record<string, torch.Tensor> = Object.create(null);
		stateDict.__metadata__ = torch.tensor([1, 2]);
		expect(() => torch.saveStateDict(stateDict, 'safetensors')).toThrow(
			/'__metadata__' is reserved in safetensors/
		);
		const back = torch.loadStateDict(torch.saveStateDict(stateDict, 'json'));
		expect(Object.keys(back)).toEqual(['__metadata__']);
		expect(back.__metadata__.tolist()).toEqual([1, 2]);
	});
});
