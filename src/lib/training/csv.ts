/**
 * Pasted or uploaded training data: x,y pairs, one per line. An optional header line (no number
 * in it, such as `x,y`), then rows of two finite numbers separated by a comma, a semicolon or a
 * tab (the first line decides). With a semicolon or a tab, a decimal comma is accepted (`1,5`).
 *
 * Refused, with the line named: text where a number belongs, NaN and infinities, empty lines,
 * rows without exactly two values, and more than MAX_ROWS rows. Text over MAX_CSV_BYTES is
 * refused before any of it is read (an upload by its `file.size`, before reading the file).
 * Reading is linear in the text and stops at the first bad line; messages quote at most an
 * excerpt of a field. The caller keeps its previous data when the result is not ok.
 */
import { excerpt } from '$lib/util/excerpt';

/** At most this many data rows (the graph's leaves hold at most 100,000 values). */
export const MAX_ROWS = 100_000;

/**
 * CSV text or files of this many bytes or more are refused: 2 MB, room for 100,000 rows of
 * two numbers with several digits each. An upload is checked by its size before it is read.
 */
export const MAX_CSV_BYTES = 2 * 1024 * 1024;

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvResult =
	| { ok: true; x: number[]; y: number[]; header: [string, string] | null; delimiter: CsvDelimiter }
	| {
			ok: false;
			/** 1-based line number of the first problem; 0 when the whole text is too big. */
			line: number;
			/** A sentence that starts with the line: `line 4: "abc" is not a number (x)`. */
			message: string;
			/** The problem as a code and its values, for the UI to word in its language. */
			problem: CsvProblem;
	  };

/** What is wrong with CSV data: a code and the values its sentence needs. */
export type CsvProblem =
	| { code: 'empty' | 'emptyLine' | 'noRows' }
	| { code: 'columns' | 'values'; count: number }
	| { code: 'missing' | 'nan'; column: string }
	| { code: 'infinite' | 'overflow' | 'notNumber'; column: string; text: string }
	| { code: 'tooManyRows'; max: number }
	| { code: 'tooBig'; bytes: number };

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
		// Training computes in float32: a value past its range (about 3.4e38) would be inf there.
		return Number.isFinite(Math.fround(value))
			? { kind: 'number', value }
			: { kind: 'overflow', text };
	}
	if (NOT_A_NUMBER.test(text)) return { kind: 'nan', text };
	if (INFINITE.test(text)) return { kind: 'infinite', text };
	return { kind: 'text', text };
}

/** Short enough to quote in a message (control characters shown as spaces). */
const quote = (text: string) => JSON.stringify(excerpt(text, 24));

function fieldProblem(field: Field, column: string): CsvProblem | null {
	switch (field.kind) {
		case 'number':
			return null;
		case 'empty':
			return { code: 'missing', column };
		case 'nan':
			return { code: 'nan', column };
		case 'infinite':
			return { code: 'infinite', column, text: field.text };
		case 'overflow':
			return { code: 'overflow', column, text: excerpt(field.text) };
		case 'text':
			return { code: 'notNumber', column, text: quote(field.text) };
	}
}

/** The problem in English (the message of a refusal; the UI words it from its code). */
export function csvProblemText(problem: CsvProblem): string {
	switch (problem.code) {
		case 'empty':
			return 'the CSV is empty; expected x,y rows such as 0,1';
		case 'emptyLine':
			return 'the line is empty; remove it';
		case 'noRows':
			return 'no data rows after the header';
		case 'columns':
		case 'values':
			return `expected 2 ${problem.code} (x, y), found ${problem.count}`;
		case 'missing':
			return `the ${problem.column} value is missing`;
		case 'nan':
			return `${problem.column} is NaN; every value must be a finite number`;
		case 'infinite':
			return `${problem.column} is ${problem.text}; every value must be a finite number`;
		case 'overflow':
			return `${problem.column} = ${problem.text} is out of range: training computes in float32, up to about ±3.4e38`;
		case 'notNumber':
			return `${problem.text} is not a number (${problem.column})`;
		case 'tooManyRows': {
			const max = problem.max.toLocaleString('en-US');
			return `more than ${max} rows; the limit is ${max}`;
		}
		case 'tooBig':
			return `the CSV is ${formatBytes(problem.bytes)}; the limit is under ${CSV_LIMIT_TEXT} (and ${MAX_ROWS.toLocaleString('en-US')} rows)`;
	}
}

function detectDelimiter(firstLine: string): CsvDelimiter {
	if (firstLine.includes('\t')) return '\t';
	if (firstLine.includes(';')) return ';';
	return ',';
}

const fail = (line: number, problem: CsvProblem): CsvResult => ({
	ok: false,
	line,
	message: `line ${line}: ${csvProblemText(problem)}`,
	problem
});

/** `1.5 MB`, `900 KB`: how big a text or a file is, in messages. */
export function formatBytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
}

/** The limit as the UI states it: `2 MB`. */
export const CSV_LIMIT_TEXT = `${MAX_CSV_BYTES / (1024 * 1024)} MB`;

/**
 * Why CSV data of this many bytes is refused before reading it, or null. For pasted text the
 * caller passes its length (a UTF-16 code unit is at least one UTF-8 byte).
 */
export function csvSizeProblem(bytes: number): CsvProblem | null {
	return bytes < MAX_CSV_BYTES ? null : { code: 'tooBig', bytes };
}

/** How many fields a line splits into, counted without splitting it. */
function countFields(line: string, delimiter: CsvDelimiter): number {
	let count = 1;
	for (let at = line.indexOf(delimiter); at >= 0; at = line.indexOf(delimiter, at + 1)) count++;
	return count;
}

/** Parse x,y CSV text (see the module comment). */
export function parseCsv(text: string): CsvResult {
	const tooBig = csvSizeProblem(text.length);
	if (tooBig !== null) {
		return { ok: false, line: 0, message: csvProblemText(tooBig), problem: tooBig };
	}
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	// Lines are cut one at a time, so a bad line stops the reading there.
	let pos = 0;
	const nextLine = (): string | null => {
		if (pos > body.length) return null;
		let end = pos;
		while (end < body.length) {
			const c = body.charCodeAt(end);
			if (c === 10 || c === 13) break;
			end++;
		}
		const line = body.slice(pos, end);
		if (end === body.length) pos = end + 1;
		else pos = body.charCodeAt(end) === 13 && body.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
		// One line break at the very end is how files end; it does not make an empty line.
		if (line === '' && end === body.length && end > 0) return null;
		return line;
	};
	const first = nextLine() ?? '';
	if (first.trim() === '' && pos >= body.length) {
		return fail(1, { code: 'empty' });
	}
	const delimiter = detectDelimiter(first);
	const isText = (field: string) => readField(field, delimiter).kind === 'text';
	const x: number[] = [];
	const y: number[] = [];
	let header: [string, string] | null = null;
	let lineNumber = 0;
	for (let line: string | null = first; line !== null; line = nextLine()) {
		lineNumber++;
		if (line.trim() === '') return fail(lineNumber, { code: 'emptyLine' });
		const count = countFields(line, delimiter);
		if (count !== 2) {
			// A first line of words is a header; its first three fields tell (a line of a
			// million commas is not split).
			const headerLike = lineNumber === 1 && line.split(delimiter, 3).every(isText);
			return fail(lineNumber, { code: headerLike ? 'columns' : 'values', count });
		}
		const raw = line.split(delimiter);
		const fields = raw.map((f) => readField(f, delimiter));
		if (lineNumber === 1 && fields.every((f) => f.kind === 'text')) {
			header = [unquote(raw[0]), unquote(raw[1])];
			continue;
		}
		for (let c = 0; c < 2; c++) {
			const problem = fieldProblem(fields[c], COLUMNS[c]);
			if (problem !== null) return fail(lineNumber, problem);
		}
		if (x.length === MAX_ROWS) {
			return fail(lineNumber, { code: 'tooManyRows', max: MAX_ROWS });
		}
		x.push((fields[0] as { value: number }).value);
		y.push((fields[1] as { value: number }).value);
	}
	if (x.length === 0) return fail(lineNumber, { code: 'noRows' });
	return { ok: true, x, y, header, delimiter };
}

/** The data back as CSV text with an `x,y` header (for the table's copy and for tests). */
export function toCsv(x: readonly number[], y: readonly number[]): string {
	const rows = x.map((value, i) => `${value},${y[i]}`);
	return ['x,y', ...rows].join('\n') + '\n';
}
