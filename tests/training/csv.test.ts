/** The CSV parser: what it takes, and every kind of bad row with its line number. */
import { describe, expect, it } from 'vitest';
import { MAX_ROWS, parseCsv, toCsv } from '$lib/training';

describe('parseCsv accepts', () => {
	it('x,y rows with a header', () => {
		expect(parseCsv('x,y\n0,1\n1,3\n2,5\n')).toEqual({
			ok: true,
			x: [0, 1, 2],
			y: [1, 3, 5],
			header: ['x', 'y'],
			delimiter: ','
		});
	});

	it('rows without a header, CRLF line ends, spaces, signs, exponents, quotes', () => {
		const result = parseCsv(' -1.5 , +2e3\r\n.5,"7"\r\n3.,-4E-2');
		expect(result).toMatchObject({
			ok: true,
			x: [-1.5, 0.5, 3],
			y: [2000, 7, -0.04],
			header: null
		});
	});

	it('semicolons (with decimal commas) and tabs', () => {
		expect(parseCsv('x;y\n1,5;2\n2;4,25\n')).toMatchObject({
			ok: true,
			x: [1.5, 2],
			y: [2, 4.25],
			delimiter: ';'
		});
		expect(parseCsv('0\t1\n1\t3')).toMatchObject({
			ok: true,
			x: [0, 1],
			y: [1, 3],
			delimiter: '\t'
		});
	});

	it('a byte order mark and a file without a final newline', () => {
		expect(parseCsv('\uFEFFx,y\n4,9')).toMatchObject({ ok: true, x: [4], y: [9] });
	});

	it('exactly MAX_ROWS rows', () => {
		const text = Array.from({ length: MAX_ROWS }, (_, i) => `${i},${2 * i + 1}`).join('\n');
		const result = parseCsv(text);
		expect(result.ok).toBe(true);
		if (result.ok) expect(result.x).toHaveLength(MAX_ROWS);
	});

	it('round-trips what toCsv writes', () => {
		const x = [0, 0.1, -3];
		const y = [1e-7, 2, 3.25];
		expect(parseCsv(toCsv(x, y))).toMatchObject({ ok: true, x, y });
	});
});

describe('parseCsv refuses, naming the line', () => {
	it.each([
		['text in a value', 'x,y\n0,1\n1,abc\n2,5', 3, 'line 3: "abc" is not a number (y)'],
		['text in the first row after data', '0,1\nhello,3', 2, 'line 2: "hello" is not a number (x)'],
		['NaN', 'x,y\n0,1\nNaN,3', 3, 'line 3: x is NaN; every value must be a finite number'],
		['nan in lower case', '0,nan', 1, 'line 1: y is NaN; every value must be a finite number'],
		[
			'Infinity',
			'0,1\n1,-Infinity',
			2,
			'line 2: y is -Infinity; every value must be a finite number'
		],
		[
			'a number too large',
			'0,1e400',
			1,
			'line 1: y = 1e400 is out of range: training computes in float32, up to about ±3.4e38'
		],
		[
			'a number past float32',
			'0,1\n1e39,3',
			2,
			'line 2: x = 1e39 is out of range: training computes in float32, up to about ±3.4e38'
		],
		['an empty line in the middle', 'x,y\n0,1\n\n2,5', 3, 'line 3: the line is empty; remove it'],
		['a blank line of spaces', '0,1\n   \n2,5', 2, 'line 2: the line is empty; remove it'],
		['two line breaks at the end', '0,1\n1,3\n\n', 3, 'line 3: the line is empty; remove it'],
		['an empty first line', '\n0,1', 1, 'line 1: the line is empty; remove it'],
		['a row with one value', 'x,y\n0,1\n5\n', 3, 'line 3: expected 2 values (x, y), found 1'],
		['a row with three values', '0,1\n1,3,4', 2, 'line 2: expected 2 values (x, y), found 3'],
		['a trailing comma', '0,1,', 1, 'line 1: expected 2 values (x, y), found 3'],
		['a missing value', '0,1\n,3', 2, 'line 2: the x value is missing'],
		['a header with three columns', 'x,y,z\n0,1', 1, 'line 1: expected 2 columns (x, y), found 3'],
		['a header alone', 'x,y\n', 1, 'line 1: no data rows after the header'],
		['nothing', '', 1, 'line 1: the CSV is empty; expected x,y rows such as 0,1'],
		['hexadecimal', '0x10,1', 1, 'line 1: "0x10" is not a number (x)']
	])('%s', (_kind, text, line, message) => {
		expect(parseCsv(text)).toMatchObject({ ok: false, line, message });
	});

	it('more than 100,000 rows, at the first row over', () => {
		const rows = Array.from({ length: MAX_ROWS + 5 }, (_, i) => `${i},${i}`);
		expect(parseCsv(['x,y', ...rows].join('\n'))).toMatchObject({
			ok: false,
			line: MAX_ROWS + 2,
			message: 'line 100002: more than 100,000 rows; the limit is 100,000'
		});
	});
});
