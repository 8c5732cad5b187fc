/**
 * Graph -> code -> graph gives the same graph: the same ops, wiring, attributes and leaf values
 * (ids and positions may differ), the same output, and code -> graph -> code gives the same code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCode, importCode, type GenerateOptions } from '$lib/code';
import { EXAMPLES, type GraphDocument } from '$lib/graph';
import { roundTrip } from './helpers';
import { randomGraph } from './random-graphs';

/** Property tests run many cases: give them time on a loaded machine. */
const SLOW = 60_000;

describe('the examples survive graph -> code -> graph', () => {
	it.each(EXAMPLES.map((e) => [e.id, e.doc] as const))('%s', (_id, doc) => {
		roundTrip(doc);
		roundTrip(doc, { randomLeaves: 'seed' });
	});
});

describe('random graphs survive graph -> code -> graph (fast-check)', () => {
	const names = fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 6 });
	const values = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 8 });

	it(
		'shape-valid graphs',
		() => {
			fc.assert(
				fc.property(fc.nat(), (seed) => {
					roundTrip(randomGraph(seed, { valid: true }));
				}),
				{ numRuns: 150 }
			);
		},
		SLOW
	);

	it(
		'wild graphs: shape errors, any text as names, any finite doubles as values, any node order',
		() => {
			fc.assert(
				fc.property(fc.nat(), names, values, (seed, nameList, valueList) => {
					roundTrip(randomGraph(seed, { names: nameList, values: valueList }));
				}),
				{ numRuns: 250 }
			);
		},
		SLOW
	);

	it(
		"with randomLeaves: 'seed'",
		() => {
			fc.assert(
				fc.property(fc.nat(), (seed) => {
					roundTrip(randomGraph(seed), { randomLeaves: 'seed' });
				}),
				{ numRuns: 60 }
			);
		},
		SLOW
	);
});

/**
 * The program in Chinese (the Code panel of the 简体中文 UI) round-trips as the English one does:
 * the importer reads its own Chinese comments (a rand / randn literal's draw and seed), and the
 * graph it gives is the English program's too (the importer has no language: either UI imports
 * either program).
 */
function roundTripZh(doc: GraphDocument, options: GenerateOptions = {}): void {
	const code = roundTrip(doc, { ...options, locale: 'zh' });
	expect(code).not.toMatch(/drawn by the canvas|not computed yet|PyTorch's generator|The canvas/);
	const back = importCode(code);
	const output = back.output ?? undefined;
	expect(generateCode(back.doc!, { ...options, output })).toBe(generateCode(doc, options));
}

describe('in Chinese: graph -> code -> graph', () => {
	it.each(EXAMPLES.map((e) => [e.id, e.doc] as const))('%s', (_id, doc) => {
		roundTripZh(doc);
		roundTripZh(doc, { randomLeaves: 'seed' });
	});

	it(
		'shape-valid random graphs',
		() => {
			fc.assert(
				fc.property(fc.nat(), (seed) => roundTripZh(randomGraph(seed, { valid: true }))),
				{ numRuns: 100 }
			);
		},
		SLOW
	);

	it(
		'wild random graphs',
		() => {
			const names = fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 6 });
			fc.assert(
				fc.property(fc.nat(), names, (seed, nameList) =>
					roundTripZh(randomGraph(seed, { names: nameList }))
				),
				{ numRuns: 150 }
			);
		},
		SLOW
	);

	it(
		"with randomLeaves: 'seed'",
		() => {
			fc.assert(
				fc.property(fc.nat(), (seed) => roundTripZh(randomGraph(seed), { randomLeaves: 'seed' })),
				{ numRuns: 40 }
			);
		},
		SLOW
	);
});
