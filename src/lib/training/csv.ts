/**
 * Pasted or uploaded training data: x,y pairs, one per line. An optional header line (no number
 * in it, such as `x,y`), then rows of two finite numbers separated by a comma, a semicolon or a
 * tab (the first line decides). With a semicolon or a tab, a decimal comma is accepted (`1,5`).
 *
 * Refused, with the line named: text where a number belongs, NaN and infinities, empty lines,
 * rows without exactly two values, and more than MAX_ROWS rows. The caller keeps its previous
 * data when the result is not ok.
 */

/** At most this many data rows (the graph's leaves hold at most 100,000 values). */
export const MAX_ROWS = 100_000;

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvResult =
	| { ok: true; x: number[]; y: number[]; header: [string, string] | null; delimiter: CsvDelimiter }
	| {
			ok: false;
			/** 1-based line number of the first problem. */
			line: number;
			/** A sentence that starts with the line: `line 4: "abc" is not a number (x)`. */
			message: string;
	  };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_A_NUMBER = /^[+-]?nan$/i;
const INFINITE = /^[+-]?(?:inf|infinity)$/i;
const COLUMNS = ['x', 'y'] as const;

type Field =
	| { kind: 'number'; value: number }
	| { kind: 'empty' | 'nan' | 'infinite' | 'text' | 'overflow'; text: string };

function unquote(field: string): string {
	const trimmed = field.trim();
	if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
		return trimmed.slice(1, -1).replaceAll('""', '"').trim();
	}
	return trimmed;
}

function readField(raw: string, delimiter: CsvDelimiter): Field {
	const text = unquote(raw);
	if (text === '') return { kind: 'empty', text };
	const normalised =
		delimiter !== ',' && /^[+-]?\d*,\d+$/.test(text) ? text.replace(',', '.') : text;
	if (NUMBER.test(normalised)) {
		const value = Number(normalised);
		return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'overflow', text };
	}
	if (NOT_A_NUMBER.test(text)) return { kind: 'nan', text };
	if (INFINITE.test(text)) return { kind: 'infinite', text };
	return { kind: 'text', text };
}

/** Short enough to quote in a message. */
const quote = (text: string) => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);

function fieldProblem(field: Field, column: string): string | null {
	switch (field.kind) {
		case 'number':
			return null;
		case 'empty':
			return `the ${column} value is missing`;
		case 'nan':
			return `${column} is NaN; every value must be a finite number`;
		case 'infinite':
			return `${column} is ${field.text}; every value must be a finite number`;
		case 'overflow':
			return `${column} = ${field.text} is too large for a number`;
		case 'text':
			return `${quote(field.text)} is not a number (${column})`;
	}
}

function detectDelimiter(firstLine: string): CsvDelimiter {
	if (firstLine.includes('\t')) return '\t';
	if (firstLine.includes(';')) return ';';
	return ',';
}

const fail = (line: number, problem: string): CsvResult => ({
	ok: false,
	line,
	message: `line ${line}: ${problem}`
});

/** Parse x,y CSV text (see the module comment). */
export function parseCsv(text: string): CsvResult {
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const lines = body.split(/\r\n|\r|\n/);
	// One line break at the very end is how files end; it does not make an empty line.
	if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
	if (lines.length === 1 && lines[0].trim() === '') {
		return fail(1, 'the CSV is empty; expected x,y rows such as 0,1');
	}
	const delimiter = detectDelimiter(lines[0]);
	const x: number[] = [];
	const y: number[] = [];
	let header: [string, string] | null = null;
	for (let i = 0; i < lines.length; i++) {
		const lineNumber = i + 1;
		const line = lines[i];
		if (line.trim() === '') return fail(lineNumber, 'the line is empty; remove it');
		const raw = line.split(delimiter);
		const fields = raw.map((f) => readField(f, delimiter));
		if (i === 0 && fields.every((f) => f.kind === 'text')) {
			if (fields.length !== 2) {
				return fail(lineNumber, `expected 2 columns (x, y), found ${fields.length}`);
			}
			header = [unquote(raw[0]), unquote(raw[1])];
			continue;
		}
		if (fields.length !== 2) {
			return fail(lineNumber, `expected 2 values (x, y), found ${fields.length}`);
		}
		for (let c = 0; c < 2; c++) {
			const problem = fieldProblem(fields[c], COLUMNS[c]);
			if (problem !== null) return fail(lineNumber, problem);
		}
		if (x.length === MAX_ROWS) {
			return fail(
				lineNumber,
				`more than ${MAX_ROWS.toLocaleString('en-US')} rows; the limit is ${MAX_ROWS.toLocaleString('en-US')}`
			);
		}
		x.push((fields[0] as { value: number }).value);
		y.push((fields[1] as { value: number }).value);
	}
	if (x.length === 0) return fail(lines.length, 'no data rows after the header');
	return { ok: true, x, y, header, delimiter };
}

/** The data back as CSV text with an `x,y` header (for the table's copy and for tests). */
export function toCsv(x: readonly number[], y: readonly number[]): string {
	const rows = x.map((value, i) => `${value},${y[i]}`);
	return ['x,y', ...rows].join('\n') + '\n';
}
