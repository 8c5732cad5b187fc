/**
 * Graph -> code -> graph gives the same graph: the same ops, wiring, attributes and leaf values
 * (ids and positions may differ), the same output, and code -> graph -> code gives the same code.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { EXAMPLES } from '$lib/graph';
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
