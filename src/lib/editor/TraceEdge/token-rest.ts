/**
 * Where a wire's value or gradient chip comes to rest, as a fraction of the wire's length from
 * the end it travels to (animateMotion's keyPoints count length along the path).
 */

/** The point at `t` on the cubic Bézier curve through the four points `p` (x0, y0, ... x3, y3). */
function bezierPoint(p: number[], t: number): [number, number] {
	const u = 1 - t;
	const a = u * u * u;
	const b = 3 * u * u * t;
	const c = 3 * u * t * t;
	const d = t * t * t;
	return [a * p[0] + b * p[2] + c * p[4] + d * p[6], a * p[1] + b * p[3] + c * p[5] + d * p[7]];
}

const SAMPLES = 64;

/**
 * Svelte Flow's Bézier wire ("M x0,y0 C x1,y1 x2,y2 x3,y3") sampled at SAMPLES + 1 points, with
 * the length along the curve up to each; null for a path of another form.
 */
function sampleWire(path: string): { points: [number, number][]; lengths: number[] } | null {
	const p = path.match(/-?\d*\.?\d+(?:e[-+]?\d+)?/gi)?.map(Number) ?? [];
	if (p.length !== 8 || p.some((n) => !Number.isFinite(n))) return null;
	const points = Array.from({ length: SAMPLES + 1 }, (_, i) => bezierPoint(p, i / SAMPLES));
	const lengths = [0];
	for (let i = 1; i <= SAMPLES; i++) {
		const [x0, y0] = points[i - 1];
		const [x1, y1] = points[i];
		lengths.push(lengths[i - 1] + Math.hypot(x1 - x0, y1 - y0));
	}
	return { points, lengths };
}

/**
 * The chip rests where its box (half as wide as `halfWidth`) stands at least `gap` clear, in x,
 * of the end it travels to: clear of that node's edge and of all its handles, however steeply the
 * wire comes in. `path` is Svelte Flow's Bézier wire ("M x0,y0 C x1,y1 x2,y2 x3,y3") from the
 * source's output handle to the target's input handle. It never rests past the middle; a wire
 * too short for the chip, or a path of another form, gives the middle.
 */
export function clearRest(
	path: string,
	towardSource: boolean,
	halfWidth: number,
	gap: number
): number {
	const sampled = sampleWire(path);
	if (!sampled) return 0.5;
	const { points, lengths } = sampled;
	const total = lengths[SAMPLES];
	if (!(total > 0)) return 0.5;
	const [endX] = towardSource ? points[0] : points[SAMPLES];
	for (let i = 0; i <= SAMPLES; i++) {
		const index = towardSource ? i : SAMPLES - i;
		const fromEnd = (towardSource ? lengths[index] : total - lengths[index]) / total;
		if (fromEnd >= 0.5) return 0.5;
		const [x] = points[index];
		const clearance = towardSource ? x - endX : endX - x;
		if (clearance >= halfWidth + gap) return fromEnd;
	}
	return 0.5;
}

/**
 * The point at `fraction` of the length of `path` (Svelte Flow's Bézier wire, as in
 * `clearRest`), measured along the curve as animateMotion's keyPoints are; null for a path of
 * another form.
 */
export function pointAlong(path: string, fraction: number): [number, number] | null {
	const sampled = sampleWire(path);
	if (!sampled) return null;
	const { points, lengths } = sampled;
	const target = Math.min(1, Math.max(0, fraction)) * lengths[SAMPLES];
	for (let i = 1; i <= SAMPLES; i++) {
		if (lengths[i] < target) continue;
		const span = lengths[i] - lengths[i - 1];
		const t = span > 0 ? (target - lengths[i - 1]) / span : 0;
		const [x0, y0] = points[i - 1];
		const [x1, y1] = points[i];
		return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
	}
	return points[SAMPLES];
}
