/**
 * Python's `repr` of a float: the shortest digits that read back as the same double (as in
 * JavaScript), in Python's layout: `2.0` for integral values, fixed notation for exponents from
 * -4 to 15 and scientific otherwise (`1e-05`, `1.8e-06`, `1e+16`); `nan`, `inf`, `-inf`.
 */
export function floatRepr(value: number): string {
	if (Number.isNaN(value)) return 'nan';
	if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
	const [mantissa, exponentText] = value.toExponential().split('e');
	const exponent = Number(exponentText);
	if (exponent < -4 || exponent >= 16) {
		const sign = exponent < 0 ? '-' : '+';
		return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
	}
	const fixed = String(value);
	return fixed.includes('.') ? fixed : `${fixed}.0`;
}
