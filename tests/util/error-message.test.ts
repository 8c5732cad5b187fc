import { describe, expect, it } from 'vitest';
import { errorMessage } from '$lib/util/error-message';

describe('errorMessage', () => {
	it("gives an Error's message, without its name", () => {
		expect(errorMessage(new TypeError('bad operand'))).toBe('bad operand');
		expect(errorMessage(new Error(''))).toBe('');
	});

	it('gives any other thrown value as String() shows it', () => {
		expect(errorMessage('plain text')).toBe('plain text');
		expect(errorMessage(42)).toBe('42');
		expect(errorMessage(null)).toBe('null');
		expect(errorMessage(undefined)).toBe('undefined');
		expect(errorMessage(Symbol('s'))).toBe('Symbol(s)');
		expect(errorMessage({ toString: () => 'custom' })).toBe('custom');
	});

	it('never throws, whatever was thrown', () => {
		const hostile = {
			toString() {
				throw new Error('no');
			}
		};
		expect(errorMessage(hostile)).toBe('a thrown object that cannot be shown as text');
		expect(errorMessage(Object.create(null))).toBe('a thrown object that cannot be shown as text');
		const error = new Error('x');
		Object.defineProperty(error, 'message', {
			get() {
				throw new Error('no');
			}
		});
		expect(errorMessage(error)).toBe('a thrown object that cannot be shown as text');
	});
});
