/** Numbers for captions and labels: `digits` significant digits, scientific when very small or large. */
export function shortNumber(value: number, digits = 4): string {
	if (!Number.isFinite(value)) return String(value);
	const size = Math.abs(value);
	if (value !== 0 && (size < 1e-3 || size >= 1e7)) return value.toExponential(digits - 1);
	return String(+value.toPrecision(digits));
}
