/**
 * The CSV entry point is fuzzed (#11): whatever the text, parseCsv returns (never throws), data
 * it accepts is finite x,y pairs, and a refusal names its line with a short message that quotes
 * at most an excerpt of the input. The Train panel keeps its data and its text on a refusal, and
 * an upload over the limit is refused by its size without being read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS } from '$lib/util/excerpt';
import { MAX_CSV_BYTES, MAX_ROWS, parseCsv, type CsvResult } from '$lib/training';
import { TrainPanelState } from '$lib/editor/TrainPanel/panel-state.svelte';
import type { TrainingClient } from '$lib/training/client';

/** Characters that long generated runs are made of: no message may quote more than 80 of them. */
const RUNS = ['Z', '9', '"', ' ', 'é', '😀'] as const;

/** Every message stays a sentence: at most this long. */
const MAX_MESSAGE = 200;

const lineCount = (text: string) => text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).length;

function check(text: string): CsvResult {
	const result = parseCsv(text);
	if (result.ok) {
		expect(result.x.length).toBe(result.y.length);
		expect(result.x.length).toBeGreaterThan(0);
		expect(result.x.length).toBeLessThanOrEqual(MAX_ROWS);
		for (const v of [...result.x, ...result.y]) expect(Number.isFinite(v)).toBe(true);
		return result;
	}
	expect(result.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
	if (result.line === 0) {
		expect(text.length).toBeGreaterThanOrEqual(MAX_CSV_BYTES);
		expect(result.message).toMatch(/^the CSV is .+; the limit is under 2 MB/);
	} else {
		expect(result.message.startsWith(`line ${result.line}: `)).toBe(true);
		expect(result.line).toBeGreaterThanOrEqual(1);
		expect(result.line).toBeLessThanOrEqual(lineCount(text));
	}
	for (const run of RUNS) expect(result.message).not.toContain(run.repeat(EXCERPT_CHARS + 1));
	return result;
}

const run = fc
	.tuple(fc.constantFrom(...RUNS), fc.integer({ min: 1, max: 3000 }))
	.map(([c, n]) => c.repeat(n));
const PIECES = [
	'0',
	'1',
	'-2.5',
	'+3e2',
	'.5',
	'1,5',
	'1e400',
	'NaN',
	'-inf',
	'Infinity',
	'0x10',
	'x',
	'y',
	'"',
	'""',
	'"1"',
	',',
	';',
	'\t',
	' ',
	'\n',
	'\r\n',
	'\r',
	'\uFEFF',
	'中',
	'\u0000'
];
const piece = fc.oneof(
	{ weight: 8, arbitrary: fc.constantFrom(...PIECES) },
	{ weight: 1, arbitrary: run },
	{ weight: 1, arbitrary: fc.integer({ min: 2, max: 5000 }).map((n) => ','.repeat(n)) }
);
const soup = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));

/** Rows of good data with one thing broken somewhere. */
const rowsWithOneFault = fc
	.record({
		rows: fc.array(fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), {
			minLength: 1,
			maxLength: 50
		}),
		at: fc.nat(),
		fault: fc.oneof(fc.constantFrom(...PIECES), run),
		crlf: fc.boolean(),
		bom: fc.boolean(),
		header: fc.boolean()
	})
	.map(({ rows, at, fault, crlf, bom, header }) => {
		const lines = rows.map(([a, b]) => `${a},${b}`);
		const i = at % lines.length;
		lines[i] = lines[i] + fault;
		if (header) lines.unshift('x,y');
		return (bom ? '\uFEFF' : '') + lines.join(crlf ? '\r\n' : '\n');
	});

describe('parseCsv never throws, and every refusal is one short line', () => {
	it('arbitrary strings', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 300 }), (text) => void check(text)),
			{
				numRuns: 2000
			}
		);
	});

	it('CSV-looking soup: quotes, BOMs, CRLF, huge fields, many columns', () => {
		fc.assert(
			fc.property(soup, (text) => void check(text)),
			{ numRuns: 3000 }
		);
	});

	it('good rows with one fault: refused at the faulty line or accepted whole', () => {
		fc.assert(
			fc.property(rowsWithOneFault, (text) => {
				const result = check(text);
				if (!result.ok) expect(result.line).toBeGreaterThanOrEqual(1);
			}),
			{ numRuns: 2000 }
		);
	});

	it('a huge field gives a message of one line, quoting at most 80 characters', () => {
		for (const field of ['Z'.repeat(1_000_000), '9'.repeat(1_000_000), '"' + 'Z'.repeat(999_999)]) {
			const result = check(`x,y\n0,${field}\n`);
			expect(result).toMatchObject({ ok: false, line: 2 });
		}
	});

	it('text of MAX_CSV_BYTES or more is refused without reading a line', () => {
		const text = '0,1\n'.repeat(MAX_CSV_BYTES / 4);
		expect(check(text)).toMatchObject({
			ok: false,
			line: 0,
			message: 'the CSV is 2.0 MB; the limit is under 2 MB (and 100,000 rows)'
		});
		expect(check(text.slice(1)).ok).toBe(false);
	});
});

/** A training client that never runs anything: the panel's CSV code is all this test needs. */
function idleClient(): TrainingClient {
	return {
		state: {
			status: 'idle',
			epoch: 0,
			parameters: {},
			model: null,
			line: null,
			trajectory: null,
			auto: null,
			run: null
		},
		subscribe: () => () => {},
		dispose: () => {}
	} as unknown as TrainingClient;
}

function panelWithCsv(): TrainPanelState {
	const panel = new TrainPanelState({
		doc: () => ({ format: 'autograd-canvas', version: 1, nodes: [], edges: [] }) as never,
		client: idleClient()
	});
	expect(panel.applyCsv('x,y\n0,1\n1,3\n')).toBe(true);
	return panel;
}

describe('the Train panel keeps its data when a CSV is refused', () => {
	it('pasted hostile text: the data stays; a refusal is the message shown', () => {
		const panel = panelWithCsv();
		let before = panel.data;
		fc.assert(
			fc.property(soup, (text) => {
				const ok = panel.applyCsv(text);
				if (ok) {
					panel.applyCsv('x,y\n0,1\n1,3\n');
					before = panel.data;
					return;
				}
				expect(panel.data).toBe(before);
				expect(panel.source).toBe('csv');
				expect(panel.csvError).toBe((parseCsv(text) as { message: string }).message);
			}),
			{ numRuns: 2000 }
		);
	});

	it('an upload over the limit is refused by its size: the file is never read', async () => {
		const panel = panelWithCsv();
		const before = panel.data;
		const text = panel.csvText;
		let read = false;
		const file = {
			size: 14 * 1024 * 1024,
			name: 'big.csv',
			text: () => {
				read = true;
				return Promise.resolve('0,1\n');
			}
		} as unknown as File;
		await panel.uploadCsv(file);
		expect(read).toBe(false);
		expect(panel.data).toBe(before);
		expect(panel.csvText).toBe(text);
		expect(panel.csvError).toBe('the CSV is 14.0 MB; the limit is under 2 MB (and 100,000 rows)');
	});
});
