import { getBezierPath, Position } from '@xyflow/svelte';
import { describe, expect, it } from 'vitest';
import { clearRest, pointAlong } from '$lib/editor/TraceEdge/token-rest';

/** Svelte Flow's wire from an output handle at (sx, sy) to an input handle at (tx, ty). */
const wire = (sx: number, sy: number, tx: number, ty: number) =>
	getBezierPath({
		sourceX: sx,
		sourceY: sy,
		targetX: tx,
		targetY: ty,
		sourcePosition: Position.Right,
		targetPosition: Position.Left
	})[0];

/** The point at fraction `f` of the wire's length (by sampling, as the browser walks it). */
function pointAt(path: string, f: number): [number, number] {
	const p = path.match(/-?\d*\.?\d+(?:e[-+]?\d+)?/gi)!.map(Number);
	const at = (t: number): [number, number] => {
		const u = 1 - t;
		return [
			u ** 3 * p[0] + 3 * u * u * t * p[2] + 3 * u * t * t * p[4] + t ** 3 * p[6],
			u ** 3 * p[1] + 3 * u * u * t * p[3] + 3 * u * t * t * p[5] + t ** 3 * p[7]
		];
	};
	const n = 2000;
	const pts = Array.from({ length: n + 1 }, (_, i) => at(i / n));
	const lengths = [0];
	for (let i = 1; i <= n; i++)
		lengths.push(lengths[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
	const wanted = f * lengths[n];
	return pts[lengths.findIndex((l) => l >= wanted)];
}

describe('clearRest: where a chip rests on its wire', () => {
	it('a chip travelling to the target stops with its box clear of the target in x', () => {
		// A slanted wire, as into pred's second input from a node higher up.
		const path = wire(0, 0, 160, 120);
		const rest = clearRest(path, false, 30, 12);
		expect(rest).toBeLessThan(0.5);
		const [x] = pointAt(path, 1 - rest);
		expect(160 - (x + 30)).toBeGreaterThanOrEqual(11);
	});

	it('a gradient travelling to the source stops clear of the source in x', () => {
		const path = wire(0, 0, 200, -90);
		const rest = clearRest(path, true, 40, 12);
		const [x] = pointAt(path, rest);
		expect(x - 40).toBeGreaterThanOrEqual(11);
	});

	it('a wire too short for the chip gives the middle', () => {
		expect(clearRest(wire(0, 0, 40, 10), false, 40, 12)).toBe(0.5);
		expect(clearRest('M0,0 L10,10', false, 10, 12)).toBe(0.5);
	});
});

describe('pointAlong: where a chip at rest stands (an exported image draws it there)', () => {
	it('is the point at that fraction of the length along the curve', () => {
		const path = wire(0, 0, 200, -90);
		for (const f of [0, 0.2, 0.5, 0.83, 1]) {
			const [x, y] = pointAlong(path, f)!;
			const [ex, ey] = pointAt(path, f);
			expect(Math.hypot(x - ex, y - ey)).toBeLessThan(1);
		}
	});

	it('gives null for a path that is not one Bézier wire', () => {
		expect(pointAlong('M0,0 L10,10', 0.5)).toBeNull();
	});
});
