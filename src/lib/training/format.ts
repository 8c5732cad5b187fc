/**
 * What the tutorial prints, as Python and NumPy print it: `epoch 50, loss 0.4275938272476196`
 * (Python's repr of `loss.item()`) and `predicted` (NumPy's repr of a float32 array).
 */
import { floatRepr } from '$lib/util/float-repr';

/** The tutorial's log line: `print('epoch {}, loss {}'.format(epoch, loss.item()))`. */
export const epochLine = (epoch: number, loss: number): string =>
	`epoch ${epoch}, loss ${floatRepr(loss)}`;

/** NumPy's default precision: at most 8 digits after the point. */
const PRECISION = 8;
/** NumPy summarises arrays with more elements than this (`threshold`), showing 3 at each end. */
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

/** The fewest fractional digits (at most 8) that give back the same float32. */
function float32Positional(value: number): string {
	for (let digits = 0; digits < PRECISION; digits++) {
		const text = value.toFixed(digits);
		if (Math.fround(Number(text)) === value) return text;
	}
	return value.toFixed(PRECISION);
}

/** The fewest significant digits (at most 9, enough for any float32) in scientific form. */
function float32Scientific(value: number): string {
	for (let digits = 1; digits < 9; digits++) {
		const text = value.toExponential(digits - 1);
		if (Math.fround(Number(text)) === value) return text;
	}
	return value.toExponential(8);
}

/** NumPy switches to scientific notation for very large, very small or widely spread values. */
function needsScientific(values: readonly number[]): boolean {
	const magnitudes = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
	if (magnitudes.length === 0) return false;
	const max = magnitudes.reduce((a, b) => Math.max(a, b));
	const min = magnitudes.reduce((a, b) => Math.min(a, b));
	return max >= 1e8 || min < 1e-4 || max / min > 1e3;
}

/**
 * The elements as NumPy prints them in one array: the same width for all, decimal points
 * aligned (`' 0.9974637'`, `'20.999975 '`), `2.` for integral values, `nan` and `inf` as words.
 */
function formatElements(values: readonly number[]): string[] {
	const special = (v: number) =>
		Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
	if (needsScientific(values)) {
		// Every mantissa gets as many digits as the longest needs (`5.000e-01`).
		const digits = values.filter(Number.isFinite).reduce((most, v) => {
			const mantissa = float32Scientific(v).split('e')[0];
			return Math.max(
				most,
				mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0
			);
		}, 0);
		const texts = values.map((v) => {
			const word = special(v);
			if (word !== null) return word;
			const [mantissa, exponent] = v.toExponential(digits).split('e');
			const exp = Number(exponent);
			const withPoint = mantissa.includes('.') ? mantissa : `${mantissa}.`;
			return `${withPoint}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
		});
		const width = texts.reduce((most, t) => Math.max(most, t.length), 0);
		return texts.map((t) => t.padStart(width));
	}
	const parts = values.map((v): [string, string] | string => {
		const word = special(v);
		if (word !== null) return word;
		const text = float32Positional(v);
		const point = text.indexOf('.');
		return point === -1 ? [text, ''] : [text.slice(0, point), text.slice(point + 1)];
	});
	const numeric = parts.filter((p): p is [string, string] => typeof p !== 'string');
	const intWidth = numeric.reduce((most, p) => Math.max(most, p[0].length), 0);
	const fracWidth = numeric.reduce((most, p) => Math.max(most, p[1].length), 0);
	return parts.map((p) =>
		typeof p === 'string'
			? p.padStart(intWidth + 1 + fracWidth)
			: `${p[0].padStart(intWidth)}.${p[1].padEnd(fracWidth)}`
	);
}

/**
 * NumPy's repr of a float32 array of shape [n] or [n, 1]: `array([[ 0.9974637], ...],
 * dtype=float32)`, the tutorial's `predicted`. Long arrays are summarised with `...`.
 */
export function numpyFloat32Array(values: readonly number[], shape: readonly number[]): string {
	const f32 = values.map((v) => Math.fround(v));
	const summarise = f32.length > THRESHOLD;
	const shown = summarise ? [...f32.slice(0, EDGE_ITEMS), ...f32.slice(-EDGE_ITEMS)] : f32;
	const texts = formatElements(shown);
	const indent = ' '.repeat('array(['.length);
	// NumPy 2 names the shape of a summarised array.
	const shapeNote = summarise
		? `shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''}), `
		: '';
	if (shape.length === 2) {
		const rows = texts.map((t) => `[${t}]`);
		if (summarise) rows.splice(EDGE_ITEMS, 0, '...');
		return `array([${rows.join(`,\n${indent}`)}], ${shapeNote}dtype=float32)`;
	}
	const items = summarise
		? [...texts.slice(0, EDGE_ITEMS), '...', ...texts.slice(EDGE_ITEMS)]
		: texts;
	// Wrap like NumPy: as many items per line as fit in 75 characters.
	const lines: string[] = [];
	let line = '';
	for (let i = 0; i < items.length; i++) {
		const piece = items[i] + (i < items.length - 1 ? ',' : '');
		const candidate = line === '' ? piece : `${line} ${piece}`;
		if (line !== '' && indent.length + candidate.length > LINE_WIDTH) {
			lines.push(line);
			line = piece;
		} else line = candidate;
	}
	lines.push(line);
	return `array([${lines.join(`\n${indent}`)}], ${shapeNote}dtype=float32)`;
}
