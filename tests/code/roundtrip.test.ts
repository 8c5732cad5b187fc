/**
 * Graph -> code -> graph gives the same graph: the same ops, wiring, attributes and leaf values
 * (ids and positions may differ), the same output, and code -> graph -> code gives the same code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCode, generateProgram, importCode, type GenerateOptions } from '$lib/code';
import { EXAMPLES, validateDocument, type GraphDocument } from '$lib/graph';
import { graphSignature, nodeSignatures, randomGraph } from './random-graphs';

function roundTrip(doc: GraphDocument, options: GenerateOptions = {}) {
	const program = generateProgram(doc, options);
	const back = importCode(program.code);
	expect(back.doc).not.toBeNull();
	expect(validateDocument(back.doc).ok).toBe(true);
	// The only thing a generated program holds outside the subset is the training loop.
	const expected = program.kind === 'training' ? [{ kind: 'unsupported', text: 'for loop' }] : [];
	expect(back.problems.map((p) => ({ kind: p.kind, text: p.message.slice(2, 10) }))).toEqual(
		expected
	);
	expect(graphSignature(back.doc!)).toEqual(graphSignature(doc));
	if (program.output === null) expect(back.output).toBeNull();
	else {
		expect(nodeSignatures(back.doc!).get(back.output!)).toBe(
			nodeSignatures(doc).get(program.output)
		);
	}
	expect(generateCode(back.doc!, { ...options, output: back.output ?? undefined })).toBe(
		program.code
	);
}

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
				fc.property(fc.nat(), (seed) => roundTrip(randomGraph(seed, { valid: true }))),
				{ numRuns: 150 }
			);
		},
		SLOW
	);

	it(
		'wild graphs: shape errors, any text as names, any finite doubles as values, any node order',
		() => {
			fc.assert(
				fc.property(fc.nat(), names, values, (seed, nameList, valueList) =>
					roundTrip(randomGraph(seed, { names: nameList, values: valueList }))
				),
				{ numRuns: 250 }
			);
		},
		SLOW
	);

	it(
		"with randomLeaves: 'seed'",
		() => {
			fc.assert(
				fc.property(fc.nat(), (seed) => roundTrip(randomGraph(seed), { randomLeaves: 'seed' })),
				{ numRuns: 60 }
			);
		},
		SLOW
	);
});
