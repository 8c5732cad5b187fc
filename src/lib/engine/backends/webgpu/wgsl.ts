/**
 * WGSL source, generated at run time. There is one template per kind of kernel; registry entries
 * fill the elementwise template with their `wgsl` expression, so no op has a hand-written
 * kernel. Every kernel reads its sizes and strides from a `params` array of u32 (binding after
 * the tensors), so one compiled pipeline serves every shape.
 */

/** Threads per workgroup of the one-dimensional kernels. */
export const WORKGROUP = 256;
/** Output tile of the matmul kernel (TILE x TILE per workgroup, 16x16 threads of 4x4 each). */
export const MATMUL_TILE = 64;

/**
 * Helpers that registry expressions call (`pow_signed`, `exp_ieee`, `log_ieee`, `sqrt_ieee`,
 * `tanh_ieee`, `is_nan_f32`), with IEEE
 * special values spelled as bit patterns (WGSL has no NaN or infinity literals).
 */
const PRELUDE = /* wgsl */ `
// Read through variables: a constant NaN or infinity is a WGSL compile error.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_f32() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_f32() -> f32 { return bitcast<f32>(INF_BITS); }
fn is_nan_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }

// pow as PyTorch computes it: x^0 = 1 (even for NaN), negative bases with integer exponents,
// NaN for negative bases with fractional exponents, 0^-n = inf.
fn pow_signed(a: f32, b: f32) -> f32 {
	if (b == 0.0) { return 1.0; }
	if (a == 1.0) { return 1.0; }
	if (is_nan_f32(a) || is_nan_f32(b)) { return nan_f32(); }
	if (b == 1.0) { return a; }
	if (b == 2.0) { return a * a; }
	if (is_inf_f32(b)) {
		let m = abs(a);
		if (m == 1.0) { return 1.0; }
		if ((m > 1.0) == (b > 0.0)) { return inf_f32(); }
		return 0.0;
	}
	let odd = floor(b) == b && floor(b * 0.5) != b * 0.5;
	if (a == 0.0) {
		if (b > 0.0) { return select(0.0, a, odd); }
		return select(inf_f32(), bitcast<f32>(bitcast<u32>(inf_f32()) | (bitcast<u32>(a) & 0x80000000u)), odd);
	}
	if (is_inf_f32(a)) {
		if (a > 0.0) { return select(0.0, inf_f32(), b > 0.0); }
		let magnitude = select(0.0, inf_f32(), b > 0.0);
		return select(magnitude, -magnitude, odd);
	}
	if (floor(b) == b && abs(b) <= 64.0) {
		// Small integer exponents by repeated squaring: exact where the result fits in f32.
		var e = u32(abs(b));
		var base = a;
		var result = 1.0;
		loop {
			if ((e & 1u) == 1u) { result = result * base; }
			e = e >> 1u;
			if (e == 0u) { break; }
			base = base * base;
		}
		return select(result, 1.0 / result, b < 0.0);
	}
	if (a < 0.0) {
		if (floor(b) != b) { return nan_f32(); }
		let m = exp2(b * log2(-a));
		return select(m, -m, odd);
	}
	return exp2(b * log2(a));
}

// GPU compilers may assume no NaN (x != x folds to false), and some exp/tanh overflow to NaN
// or infinity on special inputs: these helpers test the bits instead.
fn exp_ieee(a: f32) -> f32 {
	if (is_nan_f32(a)) { return a; }
	return exp(a);
}

fn tanh_ieee(a: f32) -> f32 {
	if (is_nan_f32(a)) { return a; }
	// tanh(10) is 1 - 4e-9: 1.0 in float32. Past it, exp-based tanh overflows to inf / inf.
	if (abs(a) >= 10.0) { return select(-1.0, 1.0, a > 0.0); }
	return tanh(a);
}

fn log_ieee(a: f32) -> f32 {
	if (is_nan_f32(a)) { return a; }
	if (a < 0.0) { return nan_f32(); }
	if (a == 0.0) { return -inf_f32(); }
	if (is_inf_f32(a)) { return a; }
	return log(a);
}

fn sqrt_ieee(a: f32) -> f32 {
	if (is_nan_f32(a)) { return a; }
	if (a < 0.0) { return nan_f32(); }
	if (is_inf_f32(a)) { return a; }
	return sqrt(a);
}
`;

/** The linear thread index of a one-dimensional kernel dispatched over up to 2-D workgroups. */
const LINEAR_INDEX = /* wgsl */ `
	let index = (wg.y * nwg.x + wg.x) * ${WORKGROUP}u + lid;`;

const ENTRY_1D = /* wgsl */ `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32) {`;

/**
 * How an elementwise kernel reads one operand: `same` (its shape is the output's: index i),
 * `scalar` (one element), or `strided` (through strides in params: broadcasting, transposes).
 */
export type OperandMode = 'same' | 'scalar' | 'strided';

export interface ElementwiseSpec {
	/** A WGSL expression over `a` (and `b`), from the registry. */
	expression: string;
	modes: readonly OperandMode[];
	/** Read `a` from the output buffer and write back to it (in-place ops). */
	inPlace: boolean;
}

export const elementwiseKey = (spec: ElementwiseSpec) =>
	`ew|${spec.expression}|${spec.modes.join(',')}|${spec.inPlace ? 'inplace' : ''}`;

/**
 * Elementwise kernel. params: [n, ndim, shape[ndim], strides of operand 0[ndim], strides of
 * operand 1[ndim]] (strides only where some operand is strided).
 */
export function elementwiseSource(spec: ElementwiseSpec): string {
	const names = ['a', 'b'].slice(0, spec.modes.length);
	const bindings: string[] = [];
	let binding = 0;
	names.forEach((name, i) => {
		if (i === 0 && spec.inPlace) return;
		bindings.push(`@group(0) @binding(${binding++}) var<storage, read> in_${name}: array<f32>;`);
	});
	bindings.push(`@group(0) @binding(${binding++}) var<storage, read_write> out: array<f32>;`);
	bindings.push(`@group(0) @binding(${binding++}) var<storage, read> params: array<u32>;`);

	const strided = spec.modes.includes('strided');
	const offsets = strided
		? /* wgsl */ `
	let ndim = params[1];
${names.map((name) => `	var offset_${name} = 0u;`).join('\n')}
	var rest = index;
	for (var k = ndim; k > 0u; k--) {
		let d = k - 1u;
		let size = params[2u + d];
		let coord = rest % size;
		rest = rest / size;
${names.map((name, i) => `		offset_${name} += coord * params[2u + ${i + 1}u * ndim + d];`).join('\n')}
	}`
		: '';
	const reads = names
		.map((name, i) => {
			const source = i === 0 && spec.inPlace ? 'out' : `in_${name}`;
			const at =
				spec.modes[i] === 'same' ? 'index' : spec.modes[i] === 'scalar' ? '0u' : `offset_${name}`;
			return `	let ${name} = ${source}[${at}];`;
		})
		.join('\n');
	return `${PRELUDE}
${bindings.join('\n')}

${ENTRY_1D}${LINEAR_INDEX}
	if (index >= params[0]) { return; }${offsets}
${reads}
	out[index] = ${spec.expression};
}
`;
}

export type ReduceCombine = 'sum' | 'max';
/** `tree`: one workgroup per output element; `serial`: one thread per output element. */
export type ReduceMode = 'tree' | 'serial';

export const reduceKey = (combine: ReduceCombine, mode: ReduceMode) => `reduce|${combine}|${mode}`;

/**
 * Reduction over any set of dims. params: [outputs, count, keptNdim, reducedNdim,
 * keptShape[], keptStrides[], reducedShape[], reducedStrides[], divisor (f32 bits)].
 * Output o reads input offset(o over kept dims) + offset(r over reduced dims) for r < count, and
 * writes combine(...) / divisor.
 */
export function reduceSource(combine: ReduceCombine, mode: ReduceMode): string {
	const init = combine === 'sum' ? '0.0' : '-inf_f32()';
	// max propagates NaN, as PyTorch's max does (WGSL's max may drop it).
	const merge =
		combine === 'sum'
			? 'return acc + value;'
			: 'if (is_nan_f32(acc) || is_nan_f32(value)) { return nan_f32(); }\n\treturn max(acc, value);';
	const common = /* wgsl */ `${PRELUDE}
@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;

fn kept_offset(o: u32) -> u32 {
	let kept = params[2];
	var rest = o;
	var offset = 0u;
	for (var k = kept; k > 0u; k--) {
		let d = k - 1u;
		let size = params[4u + d];
		offset += (rest % size) * params[4u + kept + d];
		rest = rest / size;
	}
	return offset;
}

fn reduced_offset(r: u32) -> u32 {
	let kept = params[2];
	let reduced = params[3];
	let base = 4u + 2u * kept;
	var rest = r;
	var offset = 0u;
	for (var k = reduced; k > 0u; k--) {
		let d = k - 1u;
		let size = params[base + d];
		offset += (rest % size) * params[base + reduced + d];
		rest = rest / size;
	}
	return offset;
}

fn divisor() -> f32 {
	return bitcast<f32>(params[4u + 2u * params[2] + 2u * params[3]]);
}

fn combine(acc: f32, value: f32) -> f32 {
	${merge}
}
`;
	if (mode === 'serial') {
		return `${common}
${ENTRY_1D}${LINEAR_INDEX}
	if (index >= params[0]) { return; }
	let base = kept_offset(index);
	let count = params[1];
	var acc: f32 = ${init};
	for (var r = 0u; r < count; r++) {
		acc = combine(acc, input[base + reduced_offset(r)]);
	}
	out[index] = acc / divisor();
}
`;
	}
	return `${common}
var<workgroup> partial: array<f32, ${WORKGROUP}>;

${ENTRY_1D}
	let o = wg.y * nwg.x + wg.x;
	let in_range = o < params[0];
	let base = select(0u, kept_offset(o), in_range);
	let count = select(0u, params[1], in_range);
	var acc: f32 = ${init};
	for (var r = lid; r < count; r += ${WORKGROUP}u) {
		acc = combine(acc, input[base + reduced_offset(r)]);
	}
	partial[lid] = acc;
	workgroupBarrier();
	for (var half = ${WORKGROUP / 2}u; half > 0u; half = half / 2u) {
		if (lid < half) {
			partial[lid] = combine(partial[lid], partial[lid + half]);
		}
		workgroupBarrier();
	}
	if (lid == 0u && in_range) {
		out[o] = partial[0] / divisor();
	}
}
`;
}

export const matmulKey = (transposeB: boolean) => `matmul|${transposeB ? 'bt' : 'b'}`;

/**
 * WGSL that loads one 16x64 slice of a matmul operand into its workgroup tile (256 threads, four
 * elements each), zero outside the matrix. `x` runs along the tile's 64 rows of A or columns of B.
 * With `kContiguous` the operand is stored with k contiguous ([M, K] or B transposed [N, K]) and
 * consecutive threads read consecutive k; otherwise ([K, N]) consecutive threads read consecutive
 * columns. Either way the reads are coalesced.
 */
function loadTile(operand: {
	tile: 'tileA' | 'tileB';
	from: 'A' | 'B';
	start: 'row0' | 'col0';
	extent: 'M' | 'N';
	kContiguous: boolean;
}): string {
	const { tile, from, start, extent, kContiguous } = operand;
	return /* wgsl */ `
		for (var i = 0u; i < 4u; i++) {
			let e = tid + i * 256u;
			let kk = ${kContiguous ? 'e % 16u' : 'e / 64u'};
			let x = ${kContiguous ? 'e / 16u' : 'e % 64u'};
			let gx = ${start} + x;
			let gk = k0 + kk;
			var v = 0.0;
			if (gx < ${extent} && gk < K) { v = ${from}[${kContiguous ? 'gx * K + gk' : `gk * ${extent} + gx`}]; }
			${tile}[kk * 16u + x / 4u][x % 4u] = v;
		}`;
}

/**
 * C[M, N] = A[M, K] B[K, N] (or B[N, K] transposed), tiled through workgroup memory: each
 * workgroup computes a 64x64 tile of C with 16x16 threads, each thread a 4x4 block, stepping
 * over K in slices of 16. params: [M, N, K].
 */
export function matmulSource(transposeB: boolean): string {
	// Tiles hold vec4s: tileA[k][i] is rows 4i..4i+3 of column k of the A slice, tileB[k][j]
	// columns 4j..4j+3 of row k of the B slice, so each step of k reads two vec4s for 16 FMAs.
	// A is [M, K]; B is [K, N], or [N, K] transposed.
	const loadA = loadTile({
		tile: 'tileA',
		from: 'A',
		start: 'row0',
		extent: 'M',
		kContiguous: true
	});
	const loadB = loadTile({
		tile: 'tileB',
		from: 'B',
		start: 'col0',
		extent: 'N',
		kContiguous: transposeB
	});
	return /* wgsl */ `
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;

var<workgroup> tileA: array<vec4<f32>, 256>;
var<workgroup> tileB: array<vec4<f32>, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
	let M = params[0];
	let N = params[1];
	let K = params[2];
	let row0 = wg.y * 64u;
	let col0 = wg.x * 64u;
	let tid = local.y * 16u + local.x;
	var acc0 = vec4<f32>(0.0);
	var acc1 = vec4<f32>(0.0);
	var acc2 = vec4<f32>(0.0);
	var acc3 = vec4<f32>(0.0);
	for (var k0 = 0u; k0 < K; k0 += 16u) {
${loadA}${loadB}
		workgroupBarrier();
		for (var kk = 0u; kk < 16u; kk++) {
			let a = tileA[kk * 16u + local.y];
			let b = tileB[kk * 16u + local.x];
			acc0 = fma(vec4<f32>(a.x), b, acc0);
			acc1 = fma(vec4<f32>(a.y), b, acc1);
			acc2 = fma(vec4<f32>(a.z), b, acc2);
			acc3 = fma(vec4<f32>(a.w), b, acc3);
		}
		workgroupBarrier();
	}
	let r = row0 + local.y * 4u;
	let c = col0 + local.x * 4u;
	let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
	for (var i = 0u; i < 4u; i++) {
		if (r + i < M) {
			for (var j = 0u; j < 4u; j++) {
				if (c + j < N) { C[(r + i) * N + c + j] = rows[i][j]; }
			}
		}
	}
}
`;
}

export const matmulSmallKey = (transposeB: boolean) => `matmul-small|${transposeB ? 'bt' : 'b'}`;

/**
 * C = A B (or A B^T) with one thread per output element and no workgroup memory: for matrices
 * too small to fill a 64x64 tile, where the tiled kernel's idle threads and barriers dominate.
 * params: [M, N, K].
 */
export function matmulSmallSource(transposeB: boolean): string {
	const bAt = transposeB ? 'B[col * K + k]' : 'B[k * N + col]';
	return `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;

${ENTRY_1D}${LINEAR_INDEX}
	let M = params[0];
	let N = params[1];
	let K = params[2];
	if (index >= M * N) { return; }
	let row = index / N;
	let col = index % N;
	var acc = 0.0;
	for (var k = 0u; k < K; k++) {
		acc = fma(A[row * K + k], ${bAt}, acc);
	}
	C[index] = acc;
}
`;
}

export const FILL_KEY = 'fill';

/** out[i] = value. params: [n, value (f32 bits)]. */
export function fillSource(): string {
	return `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> params: array<u32>;

${ENTRY_1D}${LINEAR_INDEX}
	if (index >= params[0]) { return; }
	out[index] = bitcast<f32>(params[1]);
}
`;
}
