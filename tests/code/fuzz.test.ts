/**
 * The parser is fuzzed: whatever the text, importCode returns (never throws), every problem has a
 * line and column inside the text, and any graph it returns is a valid document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCode, importCode, type CodeProblemKind } from '$lib/code';
import { validateDocument } from '$lib/graph';
import { randomGraph } from './random-graphs';
import { AUTOGRAD_CELLS, CHAIN_CELLS, REGRESSION_GPU_CELLS } from './tutorial-cells';

const KINDS: CodeProblemKind[] = [
	'limit',
	'syntax',
	'unsupported',
	'unknown-function',
	'undefined-name',
	'reassignment',
	'value'
];

function check(text: string): void {
	const result = importCode(text);
	const lines = text.split(/\r\n|\r|\n/);
	for (const problem of result.problems) {
		expect(KINDS).toContain(problem.kind);
		expect(problem.message).not.toMatch(/could not import the code/);
		expect(Number.isInteger(problem.line) && problem.line >= 1).toBe(true);
		expect(problem.line).toBeLessThanOrEqual(lines.length);
		const width = [...lines[problem.line - 1]].length;
		expect(Number.isInteger(problem.column) && problem.column >= 1).toBe(true);
		expect(problem.column).toBeLessThanOrEqual(width + 1);
	}
	if (result.doc !== null) expect(validateDocument(result.doc).ok).toBe(true);
}

/** Python-looking pieces, so that the fuzzer reaches deep into the parser and the importer. */
const PIECES = [
	'x',
	'y',
	'w',
	'b',
	'torch',
	'F',
	'nn',
	'model',
	'=',
	'==',
	'+',
	'-',
	'*',
	'/',
	'**',
	'@',
	'%',
	'(',
	')',
	'[',
	']',
	'{',
	'}',
	',',
	':',
	'.',
	';',
	' ',
	' ',
	'\n',
	'\n    ',
	'\t',
	'\\\n',
	'#c',
	'1',
	'2.5',
	'-1',
	'0x1f',
	'1e3',
	'1j',
	"'s'",
	'"""t"""',
	'True',
	'None',
	'for',
	'in',
	'if',
	'else',
	'def',
	'class',
	'lambda',
	'not',
	'and',
	'import',
	'from',
	'as',
	'return',
	'with',
	'torch.randn(3, 4, requires_grad=True)',
	'torch.tensor([1., 2.])',
	'.sum()',
	'.mean(dim=0)',
	'.t()',
	'.reshape(-1)',
	'.backward()',
	'.pow(2)',
	'F.mse_loss(x, y)',
	'nn.Linear(2, 1)',
	'import torch.nn as nn',
	'import torch.nn.functional as F',
	'model(x)',
	'.weight',
	'.grad',
	'print(x)',
	'x.requires_grad',
	'中',
	'😀',
	'\u00a0',
	'$',
	'?',
	'!',
	'`'
];
const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));

/** Property tests run many cases: give them time on a loaded machine. */
const SLOW = 60_000;

describe('importCode never throws, and places every problem in the text', () => {
	it(
		'arbitrary strings',
		() => {
			fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 400 });
		},
		SLOW
	);

	it(
		'arbitrary Unicode',
		() => {
			fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), check), {
				numRuns: 300
			});
		},
		SLOW
	);

	it(
		'Python-looking token soup',
		() => {
			fc.assert(fc.property(soup, check), { numRuns: 1500 });
		},
		SLOW
	);

	it(
		'valid programs with characters deleted, inserted or swapped',
		() => {
			const programs = [
				AUTOGRAD_CELLS,
				CHAIN_CELLS,
				REGRESSION_GPU_CELLS,
				...Array.from({ length: 20 }, (_, seed) => generateCode(randomGraph(seed)))
			];
			const edit = fc.record({
				at: fc.nat(),
				remove: fc.nat({ max: 4 }),
				insert: fc.constantFrom(
					'',
					'(',
					')',
					'[',
					':',
					'\n',
					'  ',
					'=',
					'"',
					"'",
					',',
					'.',
					'#',
					'\\',
					'x'
				)
			});
			fc.assert(
				fc.property(
					fc.constantFrom(...programs),
					fc.array(edit, { minLength: 1, maxLength: 4 }),
					(program, edits) => {
						let text = program;
						for (const { at, remove, insert } of edits) {
							const i = at % (text.length + 1);
							text = text.slice(0, i) + insert + text.slice(i + remove);
						}
						check(text);
					}
				),
				{ numRuns: 400 }
			);
		},
		SLOW
	);
});
