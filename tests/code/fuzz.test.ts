/**
 * The parser is fuzzed: whatever the text, importCode returns (never throws), every problem has a
 * line and column inside the text, and any graph it returns is a valid document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_PROBLEM_KINDS, generateCode, importCode } from '$lib/code';
import { validateDocument } from '$lib/graph';
import { randomGraph } from './random-graphs';
import { AUTOGRAD_CELLS, CHAIN_CELLS, REGRESSION_GPU_CELLS } from './tutorial-cells';

function check(text: string): void {
	const result = importCode(text);
	const lines = text.split(/\r\n|\r|\n/);
	for (const problem of result.problems) {
		expect(CODE_PROBLEM_KINDS).toContain(problem.kind);
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
				...Array.from({ length: 20 }, (_, seed) => generateCode(randomGraph(seed))),
				// The Code panel's program in Chinese: its comments are Chinese.
				...Array.from({ length: 10 }, (_, seed) =>
					generateCode(randomGraph(seed), { locale: 'zh' })
				)
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

// ---- #11: hostile inputs -----------------------------------------------------------------------

/** Characters that long generated runs are made of: no message may quote more than 80 of them. */
const RUN_CHARS = ['q', 'Q', '9', 'ξ', '𝔵'] as const;
/** Every problem is one sentence: at most this long. */
const MAX_MESSAGE = 200;

function checkBounded(text: string): void {
	let result: ReturnType<typeof importCode>;
	expect(() => (result = importCode(text))).not.toThrow();
	check(text);
	for (const problem of result!.problems) {
		expect(problem.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
		expect(problem.message).not.toMatch(/RangeError|Maximum call stack|could not import/);
		expect(problem.message).not.toMatch(/must be an integer, not an int/);
		for (const c of RUN_CHARS) expect(problem.message).not.toContain(c.repeat(81));
	}
}

const longRun = fc
	.tuple(fc.constantFrom(...RUN_CHARS), fc.integer({ min: 60, max: 4000 }))
	.map(([c, n]) => c.repeat(n));
const hugeInt = fc
	.integer({ min: 19, max: 800 })
	.map((digits) => '9'.repeat(digits))
	.chain((n) => fc.constantFrom(n, `${n}.0`, `0x${'f'.repeat(40)}`, `2 ** ${n.length * 4}`));
const hostilePiece = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom(...PIECES) },
	{ weight: 1, arbitrary: longRun },
	{ weight: 1, arbitrary: hugeInt },
	{ weight: 1, arbitrary: fc.constantFrom('𝔵', 'ｘ', 'ℌ', 'ﬁ', 'Ⅸ', 'µ', 'é', '\u0065\u0301') },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'torch.zeros(',
			'torch.ones(2).sum(dim=',
			'torch.randn(',
			'.reshape(',
			"reduction='",
			'nn.Linear(',
			'x.grad.',
			'lambda: ',
			'import ',
			'from '
		)
	}
);
const hostileSoup = fc
	.array(hostilePiece, { maxLength: 40 })
	.map((parts) => `import torch\nx = torch.ones(2, requires_grad=True)\n${parts.join('')}\n`);

/** `(...((a + a + ... + a) + a ...) ...)`: `levels` brackets around chains of `ops` operators. */
function nestedChains(levels: number, ops: number, op = '+', atom = 'x'): string {
	const chain = Array.from({ length: ops }, () => atom).join(op);
	let text = atom;
	for (let i = 0; i < levels; i++) text = `(${text}${op}${chain})`;
	return text;
}

describe('hostile Python never throws, and every problem is short (#11)', () => {
	it(
		'token soup with long names, huge numbers, Unicode identifiers and calls',
		() => {
			fc.assert(fc.property(hostileSoup, checkBounded), { numRuns: 2000 });
		},
		SLOW
	);

	it(
		'deep nesting and long chains: refused with a place, never a stack overflow',
		() => {
			fc.assert(
				fc.property(
					fc.integer({ min: 0, max: 120 }),
					fc.integer({ min: 1, max: 999 }),
					fc.constantFrom('+', '*', '-', '@', ' or ', ' < ', '.t()+', '**'),
					fc.constantFrom('x', '1', 'x.t()', 'y'),
					(levels, ops, op, atom) => {
						checkBounded(
							`import torch\nx = torch.ones(2)\nz = ${nestedChains(levels, ops, op, atom)}\n`
						);
					}
				),
				// Each case is up to 400 KB of code: fewer runs (the soup above runs 2000).
				{ numRuns: 60 }
			);
		},
		SLOW
	);

	it(
		'tutorial code with hostile pieces spliced in',
		() => {
			const programs = [AUTOGRAD_CELLS, CHAIN_CELLS, REGRESSION_GPU_CELLS];
			fc.assert(
				fc.property(
					fc.constantFrom(...programs),
					fc.array(fc.tuple(fc.nat(), hostilePiece), { minLength: 1, maxLength: 3 }),
					(program, edits) => {
						let text = program;
						for (const [at, insert] of edits) {
							const i = at % (text.length + 1);
							text = text.slice(0, i) + insert + text.slice(i);
						}
						checkBounded(text);
					}
				),
				{ numRuns: 2000 }
			);
		},
		SLOW
	);
});

describe('importer details (#11, defect 8)', () => {
	const problemsOf = (text: string) => importCode(text).problems.map((p) => p.message);

	it('identifiers are NFKC-normalised as Python does: 𝔵 and x are one name, one node', () => {
		const result = importCode(
			'import torch\n𝔵 = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n'
		);
		expect(result.problems).toEqual([]);
		expect(result.doc!.nodes.map((n) => n.name)).toContain('x');
		expect(result.doc!.nodes.filter((n) => n.name === 'x')).toHaveLength(1);
		expect(result.doc!.nodes.some((n) => n.name === '𝔵')).toBe(false);
		const fullwidth = importCode('import torch\nｗ = torch.ones(2)\nv = w + 1\n');
		expect(fullwidth.problems).toEqual([]);
	});

	it('99 bracket levels of 1000-operator chains: "too deeply nested" at a place, graph kept', () => {
		const text = `import torch\nx = torch.ones(2)\ny = x * 3\nz = ${nestedChains(99, 999)}\n`;
		const result = importCode(text);
		expect(result.problems).toHaveLength(1);
		// Placed where the nesting goes over the limit, on the line of the statement.
		expect(result.problems[0]).toMatchObject({ line: 4, kind: 'syntax' });
		expect(result.problems[0].column).toBeGreaterThan(5);
		expect(result.problems[0].message).toMatch(/^too deeply nested: more than 1200 levels/);
		// The lines before it still import.
		expect(result.doc!.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['x', 'y']));
	});

	it('one chain of 1000 operators imports', () => {
		const result = importCode(
			`import torch\nx = torch.ones(2)\nz = ${Array(1001).fill('x').join(' + ')}\n`
		);
		expect(result.problems).toEqual([]);
	});

	it.each([
		[
			'torch.zeros(99999999999999999999999999)',
			/^size is too big: Overflow when unpacking long long/
		],
		['torch.zeros(2 ** 70)', /^size is too big: Overflow when unpacking long long/],
		['torch.ones(2).sum(dim=10 ** 23)', /^dim is too big: Overflow when unpacking long long/],
		[
			'torch.zeros(9' + '9'.repeat(400) + ')',
			/^size is too big: Overflow when unpacking long long/
		],
		['torch.zeros(2 ** 60)', /^size = 1152921504606846976 is too big for the canvas/]
	])('huge ints are worded as PyTorch: %s', (call, message) => {
		const problems = problemsOf(`import torch\nt = ${call}\n`);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(message);
	});

	it('names, strings and numbers quoted in messages are excerpts', () => {
		const name = 'q'.repeat(5000);
		for (const text of [
			`import torch\ny = ${name} + 1\n`,
			`import torch\nx = torch.ones(2)\ny = x.${name}()\n`,
			`import torch\nx = torch.ones(2)\nx.${name} = 1\n`,
			`import torch\ny = torch.nn.functional.mse_loss(torch.ones(1), torch.ones(1), reduction='${name}')\n`,
			`import torch\ny = torch.zeros(2, ${name}=1)\n`,
			`import torch\ny = 1${name}\n`,
			`import torch\nx = torch.ones(1)\nx.${name}.t()\n`
		]) {
			const problems = problemsOf(text);
			expect(problems.length).toBeGreaterThan(0);
			for (const message of problems) {
				expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE);
				expect(message).not.toContain('q'.repeat(81));
			}
			// The name is quoted, cut short.
			expect(problems.some((message) => message.includes('q'.repeat(20) + '…'))).toBe(true);
		}
	});
});
