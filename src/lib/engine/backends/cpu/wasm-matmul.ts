/**
 * A float32 matmul kernel in WebAssembly SIMD, assembled at run time from the opcodes below (no
 * toolchain, nothing generated is committed). It computes C = A B with a 4x8 register block:
 * per step of k it loads eight columns of packed B (two f32x4), splats one value of each of four
 * rows of A, and accumulates 4x2 f32x4 products. When WebAssembly SIMD is missing, `wasmMatmul`
 * returns false and the caller uses the JavaScript kernel.
 */

const ROWS = 4;
const COLS = 8;

// ---- a minimal WebAssembly binary writer ----
function uleb(value: number): number[] {
	const out: number[] = [];
	do {
		let byte = value & 0x7f;
		value >>>= 7;
		if (value !== 0) byte |= 0x80;
		out.push(byte);
	} while (value !== 0);
	return out;
}

function sleb(value: number): number[] {
	const out: number[] = [];
	for (;;) {
		const byte = value & 0x7f;
		value >>= 7;
		const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
		out.push(done ? byte : byte | 0x80);
		if (done) return out;
	}
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (text: string) => vector([...text].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
	localGet: (i: number) => [0x20, ...uleb(i)],
	localSet: (i: number) => [0x21, ...uleb(i)],
	i32Const: (v: number) => [0x41, ...sleb(v)],
	i32Add: [0x6a],
	i32Mul: [0x6c],
	i32GeU: [0x4f],
	i32Eqz: [0x45],
	block: [0x02, 0x40],
	loop: [0x03, 0x40],
	brIf: (depth: number) => [0x0d, ...uleb(depth)],
	br: (depth: number) => [0x0c, ...uleb(depth)],
	end: [0x0b],
	v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
	v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
	v128Load32Splat: [0xfd, ...uleb(0x09), 2, 0],
	v128Zero: [0xfd, ...uleb(0x0c), ...new Array(16).fill(0)],
	f32x4Add: [0xfd, ...uleb(0xe4)],
	f32x4Mul: [0xfd, ...uleb(0xe6)]
};

/** Appends each instruction's bytes to `code` (a loop: no spreading into push). */
function emit(code: number[], ...instructions: readonly number[][]): void {
	for (const bytes of instructions) for (const byte of bytes) code.push(byte);
}

/** `local = local + constant` */
const bump = (local: number, by: number) => [
	...op.localGet(local),
	...op.i32Const(by),
	...op.i32Add,
	...op.localSet(local)
];

function assemble(): Uint8Array {
	// Params: 0 aPtr, 1 bPtr, 2 cPtr, 3 m (multiple of 4), 4 k, 5 n (multiple of 8).
	const [aPtr, bPtr, cPtr, m, k, n] = [0, 1, 2, 3, 4, 5];
	// i32 locals: 6 i, 7 q, 8 kk, 9 bp, 10-13 row pointers, 14 cp, 15 panels
	const [i, q, kk, bp, cp, panels] = [6, 7, 8, 9, 14, 15];
	const rowPtr = [10, 11, 12, 13];
	// v128 locals: 16-23 accumulators (row r, half h at 16 + 2r + h), 24 b0, 25 b1, 26 a
	const acc = (r: number, h: number) => 16 + 2 * r + h;
	const [b0, b1, a] = [24, 25, 26];
	/** `(i + r) * width`: the start of row i + r of a matrix `width` wide, in elements. */
	const rowTimes = (r: number, width: number) => [
		...op.localGet(i),
		...op.i32Const(r),
		...op.i32Add,
		...op.localGet(width),
		...op.i32Mul
	];

	const inner: number[] = [
		...op.block,
		...op.loop,
		...op.localGet(kk),
		...op.i32Eqz,
		...op.brIf(1),
		...op.localGet(bp),
		...op.v128Load(0),
		...op.localSet(b0),
		...op.localGet(bp),
		...op.v128Load(16),
		...op.localSet(b1),
		...bump(bp, COLS * 4)
	];
	for (let r = 0; r < ROWS; r++) {
		emit(inner, op.localGet(rowPtr[r]), op.v128Load32Splat, op.localSet(a));
		emit(inner, bump(rowPtr[r], 4));
		for (let h = 0; h < 2; h++) {
			emit(
				inner,
				op.localGet(acc(r, h)),
				op.localGet(a),
				op.localGet(h === 0 ? b0 : b1),
				op.f32x4Mul,
				op.f32x4Add,
				op.localSet(acc(r, h))
			);
		}
	}
	emit(inner, bump(kk, -1), op.br(0), op.end, op.end);

	const panel: number[] = [
		...op.block,
		...op.loop,
		...op.localGet(q),
		...op.localGet(panels),
		...op.i32GeU,
		...op.brIf(1)
	];
	for (let r = 0; r < ROWS; r++)
		for (let h = 0; h < 2; h++) emit(panel, op.v128Zero, op.localSet(acc(r, h)));
	// rowPtr[r] = aPtr + (i + r) * k * 4
	for (let r = 0; r < ROWS; r++) {
		emit(
			panel,
			rowTimes(r, k),
			op.i32Const(4),
			op.i32Mul,
			op.localGet(aPtr),
			op.i32Add,
			op.localSet(rowPtr[r])
		);
	}
	// bp = bPtr + q * k * COLS * 4; kk = k
	emit(
		panel,
		op.localGet(q),
		op.localGet(k),
		op.i32Mul,
		op.i32Const(COLS * 4),
		op.i32Mul,
		op.localGet(bPtr),
		op.i32Add,
		op.localSet(bp),
		op.localGet(k),
		op.localSet(kk),
		inner
	);
	// Store the block: row r at cPtr + ((i + r) * n + q * COLS) * 4
	for (let r = 0; r < ROWS; r++) {
		emit(
			panel,
			rowTimes(r, n),
			op.localGet(q),
			op.i32Const(COLS),
			op.i32Mul,
			op.i32Add,
			op.i32Const(4),
			op.i32Mul,
			op.localGet(cPtr),
			op.i32Add,
			op.localSet(cp)
		);
		for (let h = 0; h < 2; h++)
			emit(panel, op.localGet(cp), op.localGet(acc(r, h)), op.v128Store(16 * h));
	}
	emit(panel, bump(q, 1), op.br(0), op.end, op.end);

	const body: number[] = [
		// panels = n / COLS; i = 0
		...op.localGet(n),
		...op.i32Const(3),
		0x76, // i32.shr_u
		...op.localSet(panels),
		...op.i32Const(0),
		...op.localSet(i),
		...op.block,
		...op.loop,
		...op.localGet(i),
		...op.localGet(m),
		...op.i32GeU,
		...op.brIf(1),
		...op.i32Const(0),
		...op.localSet(q),
		...panel,
		...bump(i, ROWS),
		...op.br(0),
		...op.end,
		...op.end,
		...op.end
	];
	const locals = vector([
		[...uleb(10), I32],
		[...uleb(11), V128]
	]);
	const code = [...locals, ...body];

	const bytes = [
		...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
		...section(1, vector([[0x60, ...vector(new Array(6).fill([I32])), ...vector([])]])),
		...section(3, vector([[0]])),
		...section(5, vector([[0x00, ...uleb(1)]])),
		...section(
			7,
			vector([
				[...name('memory'), 0x02, 0],
				[...name('matmul'), 0x00, 0]
			])
		),
		...section(10, vector([[...uleb(code.length), ...code]]))
	];
	return new Uint8Array(bytes);
}

interface Kernel {
	memory: WebAssembly.Memory;
	matmul: (aPtr: number, bPtr: number, cPtr: number, m: number, k: number, n: number) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
	if (kernel !== undefined) return kernel;
	try {
		const module = new WebAssembly.Module(assemble() as BufferSource);
		const instance = new WebAssembly.Instance(module, {});
		kernel = instance.exports as unknown as Kernel;
	} catch {
		kernel = null;
	}
	return kernel;
}

const roundUp = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;

/**
 * C[m, n] = A[m, k] B[k, n] in float32 with WebAssembly SIMD. Returns false (and writes nothing)
 * when WebAssembly SIMD is not available.
 */
export function wasmMatmul(
	a: Float32Array,
	b: Float32Array,
	out: Float32Array,
	m: number,
	k: number,
	n: number
): boolean {
	const wasm = load();
	if (!wasm) return false;
	const m4 = roundUp(m, ROWS);
	const n8 = roundUp(n, COLS);
	const aFloats = m4 * k;
	const bFloats = n8 * k;
	const cFloats = m4 * n8;
	const bytes = (aFloats + bFloats + cFloats) * 4;
	const memory = wasm.memory;
	if (memory.buffer.byteLength < bytes) {
		memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
	}
	const heap = new Float32Array(memory.buffer);
	const aBase = 0;
	const bBase = aFloats;
	const cBase = aFloats + bFloats;
	heap.set(a, aBase);
	if (m4 > m) heap.fill(0, aBase + m * k, aBase + aFloats);
	// Pack B into panels of COLS columns, k-major; zero-pad the last panel.
	for (let q = 0; q < n8 / COLS; q++) {
		const col = q * COLS;
		const width = Math.min(COLS, n - col);
		let dst = bBase + q * k * COLS;
		for (let kk = 0; kk < k; kk++) {
			const src = kk * n + col;
			if (width === COLS) {
				for (let c = 0; c < COLS; c++) heap[dst + c] = b[src + c];
			} else {
				for (let c = 0; c < COLS; c++) heap[dst + c] = c < width ? b[src + c] : 0;
			}
			dst += COLS;
		}
	}
	wasm.matmul(aBase * 4, bBase * 4, cBase * 4, m4, k, n8);
	if (n8 === n) out.set(heap.subarray(cBase, cBase + m * n));
	else
		for (let r = 0; r < m; r++) out.set(heap.subarray(cBase + r * n8, cBase + r * n8 + n), r * n);
	return true;
}
