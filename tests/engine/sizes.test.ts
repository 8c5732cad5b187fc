/**
 * Sizes from users are int64 as in PyTorch (#11, defect 8): a size PyTorch cannot unpack, or a
 * product of sizes that overflows int64 on the way (even when a later size is 0), is refused
 * with PyTorch's message (checked against torch 2.13.0+cpu) before anything is allocated.
 * Plain arithmetic would give a numel of NaN and pass the size check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { MAX_NUMEL, TorchError } from '$lib/engine';
import { checkNumel, numelOverflows } from '$lib/engine/shape';
import { useEngineSandbox } from './sandbox';

useEngineSandbox();

function thrown(fn: () => unknown): TorchError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(TorchError);
		return error as TorchError;
	}
	throw new Error('expected an error, but nothing was thrown');
}

const UNPACK =
	'argument \'size\' failed to unpack the object at pos 1 with error "Overflow when unpacking long long"';

describe('sizes are int64', () => {
	it.each([
		['zeros', () => torch.zeros([1e300, 1e300, 0])],
		['ones', () => torch.ones([1e300, 1e300, 0])],
		['randn', () => torch.randn([1e300, 1e300, 0])],
		['rand', () => torch.rand([2 ** 63, 0])],
		['full', () => torch.full([1e300, 0], 1)]
	])('%s([1e300, 1e300, 0]) is refused: PyTorch cannot unpack 1e300', (_name, make) => {
		const error = thrown(make);
		expect(error.kind).toBe('TypeError');
		expect(error.message).toBe(UNPACK);
	});

	it('a size at pos 3 is named at pos 3', () => {
		expect(thrown(() => torch.zeros([0, 1, 2 ** 64])).message).toBe(
			UNPACK.replace('pos 1', 'pos 3')
		);
	});

	it('[2^62, 2^62, 0]: the product overflows int64 before the 0 (PyTorch refuses it too)', () => {
		const error = thrown(() => torch.zeros([2 ** 62, 2 ** 62, 0]));
		expect(error.kind).toBe('RuntimeError');
		expect(error.message).toBe(
			'Storage size calculation overflowed with sizes=[4611686018427387904, 4611686018427387904, 0]'
		);
	});

	it('[2^40, 0, 2^40] does not overflow: an empty tensor, as in PyTorch', () => {
		expect(torch.zeros([2 ** 40, 0, 2 ** 40]).shape).toEqual([2 ** 40, 0, 2 ** 40]);
	});

	it('too big but representable: the engine limit message, as before', () => {
		expect(thrown(() => torch.zeros([2 ** 40])).message).toBe(
			`a tensor of ${2 ** 40} elements exceeds Autograd Canvas's limit of ${MAX_NUMEL} elements`
		);
	});

	it('reshape and expand refuse an overflowing product of sizes', () => {
		const empty = torch.zeros([0]);
		expect(thrown(() => empty.reshape([2 ** 62, 2 ** 62, 0])).message).toBe(
			'numel: integer multiplication overflow'
		);
		expect(thrown(() => empty.reshape([1e300, 0])).message).toBe(
			'numel: integer multiplication overflow'
		);
		expect(thrown(() => torch.zeros([1, 1, 0]).expand([2 ** 62, 2 ** 62, 0])).message).toBe(
			'numel: integer multiplication overflow'
		);
	});

	it('checkNumel refuses NaN and infinities', () => {
		expect(() => checkNumel(NaN)).toThrow(TorchError);
		expect(() => checkNumel(Infinity)).toThrow(TorchError);
		expect(() => checkNumel(MAX_NUMEL)).not.toThrow();
	});

	it('any shape: refused with a TorchError or made with that many elements, never NaN', () => {
		const size = fc.oneof(
			fc.nat({ max: 4 }),
			fc.constantFrom(0, 1, 2 ** 31, 2 ** 53, 2 ** 62, 2 ** 63, 1e300, Number.MAX_VALUE)
		);
		fc.assert(
			fc.property(fc.array(size, { maxLength: 4 }), (shape) => {
				let made: torch.Tensor | null = null;
				try {
					made = torch.zeros(shape);
				} catch (error) {
					expect(error).toBeInstanceOf(TorchError);
					expect((error as Error).message.length).toBeLessThanOrEqual(200);
					return;
				}
				expect(numelOverflows(shape)).toBe(false);
				expect(made.numel()).toBe(shape.reduce((a, b) => a * b, 1));
				expect(made.numel()).toBeLessThanOrEqual(MAX_NUMEL);
			}),
			{ numRuns: 2000 }
		);
	});
});
