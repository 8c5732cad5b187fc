/**
 * A float32 matmul kernel in WebAssembly SIMD, assembled at run time from the opcodes below (no
 * toolchain, nothing generated is committed). It computes C = A B in register blocks of
 * `ROWS` rows by `COLS` columns: per step of k it loads the block's columns of packed B (f32x4
 * each), splats one value of each row of A, and accumulates the products (f32x4 mul, then add:
 * no fused multiply-add, so results do not depend on the machine). k runs in slices of at most
 * `kc` steps (the packed B of one slice stays in L2 while every row block sweeps it); C holds
 * the running sum between slices, so each element of C is still summed in k order, from zero,
 * exactly as one unsliced loop would. When WebAssembly SIMD is missing, `wasmMatmul` returns
 * false and the caller uses the JavaScript kernel.
 */

// ---- a minimal WebAssembly binary writer (bench/simd-peak.ts assembles with it too) ----
export function uleb(value: number): number[] {
	const out: number[] = [];
	do {
		let byte = value & 0x7f;
		value >>>= 7;
		if (value !== 0) byte |= 0x80;
		out.push(byte);
	} while (value !== 0);
	return out;
}

export function sleb(value: number): number[] {
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

export const I32 = 0x7f;
export const V128 = 0x7b;
export const op = {
	localGet: (i: number) => [0x20, ...uleb(i)],
	localSet: (i: number) => [0x21, ...uleb(i)],
	localTee: (i: number) => [0x22, ...uleb(i)],
	i32Const: (v: number) => [0x41, ...sleb(v)],
	i32Add: [0x6a],
	i32Sub: [0x6b],
	i32Mul: [0x6c],
	i32DivU: [0x6e],
	i32GeU: [0x4f],
	i32GtU: [0x4b],
	i32Eqz: [0x45],
	select: [0x1b],
	block: [0x02, 0x40],
	loop: [0x03, 0x40],
	if: [0x04, 0x40],
	else: [0x05],
	brIf: (depth: number) => [0x0d, ...uleb(depth)],
	br: (depth: number) => [0x0c, ...uleb(depth)],
	end: [0x0b],
	v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
	v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
	v128Load32Splat: (offset: number) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
	v128Zero: [0xfd, ...uleb(0x0c), ...new Array(16).fill(0)],
	f32x4Splat: [0xfd, ...uleb(0x13)],
	f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
	f32x4Add: [0xfd, ...uleb(0xe4)],
	f32x4Mul: [0xfd, ...uleb(0xe6)],
	f32Const: (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)]
};

/** Appends each instruction's bytes to `code` (a loop: no spreading into push). */
export function emit(code: number[], ...instructions: readonly number[][]): void {
	for (const bytes of instructions) for (const byte of bytes) code.push(byte);
}

/** `local = local + constant` */
export const bump = (local: number, by: number) => [
	...op.localGet(local),
	...op.i32Const(by),
	...op.i32Add,
	...op.localSet(local)
];

/** `block loop (exit when cond) ...body... br 0 end end`: a while loop. */
export const whileLoop = (exitWhen: number[], body: number[]) => [
	...op.block,
	...op.loop,
	...exitWhen,
	...op.brIf(1),
	...body,
	...op.br(0),
	...op.end,
	...op.end
];

export interface WasmFunction {
	exportName: string;
	params: number[];
	results: number[];
	/** Groups of locals after the params: [count, type]. */
	locals: [number, number][];
	/** The body's instructions, without the final `end`. */
	body: number[];
}

/** A module of `functions` (each its own type), exporting them and, if asked, one memory. */
export function assembleModule(functions: WasmFunction[], memoryPages = 0): Uint8Array {
	const types = functions.map((f) => [
		0x60,
		...vector(f.params.map((t) => [t])),
		...vector(f.results.map((t) => [t]))
	]);
	const exports = functions.map((f, index) => [...name(f.exportName), 0x00, ...uleb(index)]);
	if (memoryPages > 0) exports.push([...name('memory'), 0x02, 0]);
	const codes = functions.map((f) => {
		const code = [
			...vector(f.locals.map(([count, type]) => [...uleb(count), type])),
			...f.body,
			...op.end
		];
		return [...uleb(code.length), ...code];
	});
	const bytes = [
		...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
		...section(1, vector(types)),
		...section(3, vector(functions.map((_, index) => uleb(index)))),
		...(memoryPages > 0 ? section(5, vector([[0x00, ...uleb(memoryPages)]])) : []),
		...section(7, vector(exports)),
		...section(10, vector(codes))
	];
	return new Uint8Array(bytes);
}

// ---- the matmul kernel ----

/**
 * Rows of A (and C) in one register block. 4x8 (8 accumulators) measured fastest on Node 20 /
 * V8 11 on an AMD EPYC: 5x8, 6x8, 4x12 and 3x16 blocks all ran 25-55% slower, whatever the
 * unrolling.
 */
const ROWS = 4;
/** f32x4 vectors of B (and C) in one register block: COLS = 4 * VECTORS columns. */
const VECTORS = 2;
const COLS = 4 * VECTORS;
/** Aim for one k-slice of packed B to take at most this many bytes (it should sit in L2). */
const SLICE_BYTES = 1 << 19;

export interface KernelShape {
	rows: number;
	vectors: number;
}

/**
 * The kernel `matmul(aPtr, bPtr, cPtr, m, k, ldc, kc)`: C[m, ldc] (+)= A[m, k] B, where B is
 * packed in panels of `4 * vectors` columns, k-major (panel q holds B[0..k, q * cols ..][cols]
 * at bPtr + q * k * cols * 4). m is a multiple of `rows`, ldc a multiple of the panel width.
 * The first k-slice starts each block from zero; later slices load C and add on.
 */
export function matmulFunction({ rows, vectors }: KernelShape): WasmFunction {
	const cols = 4 * vectors;
	const panelRowBytes = cols * 4;
	// params
	const [aPtr, bPtr, cPtr, m, k, ldc, kc] = [0, 1, 2, 3, 4, 5, 6];
	// i32 locals
	let next = 7;
	const [i, q, k0, len, bp, bEnd, cp, panels, ldcBytes, rowC] = Array.from(
		{ length: 10 },
		() => next++
	);
	const rowPtr = Array.from({ length: rows }, () => next++);
	const i32Count = next - 7;
	// v128 locals
	const accBase = next;
	const acc = (r: number, v: number) => accBase + r * vectors + v;
	next += rows * vectors;
	const b = Array.from({ length: vectors }, () => next++);
	const a = next++;
	const v128Count = next - 7 - i32Count;

	// One step of k: load the panel's row of B, then per row of A splat one value and accumulate.
	const step: number[] = [];
	for (let v = 0; v < vectors; v++)
		emit(step, op.localGet(bp), op.v128Load(16 * v), op.localSet(b[v]));
	for (let r = 0; r < rows; r++) {
		emit(step, op.localGet(rowPtr[r]), op.v128Load32Splat(0), op.localSet(a));
		for (let v = 0; v < vectors; v++) {
			emit(
				step,
				op.localGet(acc(r, v)),
				op.localGet(a),
				op.localGet(b[v]),
				op.f32x4Mul,
				op.f32x4Add,
				op.localSet(acc(r, v))
			);
		}
	}
	// Then advance the pointers. (Unrolling this loop 2 or 4 times with constant offsets ran
	// slower on V8, not faster.)
	emit(step, bump(bp, panelRowBytes));
	for (let r = 0; r < rows; r++) emit(step, bump(rowPtr[r], 4));
	const inner = whileLoop([...op.localGet(bp), ...op.localGet(bEnd), ...op.i32GeU], step);

	/** For each row r of the block: `rowC = cp + r * ldc * 4`, then `perRow(r)`. */
	const overRowsOfC = (perRow: (r: number) => number[]): number[] => {
		const code = [...op.localGet(cp), ...op.localSet(rowC)];
		for (let r = 0; r < rows; r++) {
			if (r > 0) emit(code, op.localGet(rowC), op.localGet(ldcBytes), op.i32Add, op.localSet(rowC));
			emit(code, perRow(r));
		}
		return code;
	};

	const block: number[] = [];
	// cp = cPtr + (i * ldc + q * cols) * 4
	emit(
		block,
		op.localGet(i),
		op.localGet(ldc),
		op.i32Mul,
		op.localGet(q),
		op.i32Const(cols),
		op.i32Mul,
		op.i32Add,
		op.i32Const(4),
		op.i32Mul,
		op.localGet(cPtr),
		op.i32Add,
		op.localSet(cp)
	);
	// The first slice starts from zero, later ones from the running sum in C.
	emit(block, op.localGet(k0), op.i32Eqz, op.if);
	for (let r = 0; r < rows; r++)
		for (let v = 0; v < vectors; v++) emit(block, op.v128Zero, op.localSet(acc(r, v)));
	emit(block, op.else);
	emit(
		block,
		overRowsOfC((r) => {
			const code: number[] = [];
			for (let v = 0; v < vectors; v++)
				emit(code, op.localGet(rowC), op.v128Load(16 * v), op.localSet(acc(r, v)));
			return code;
		}),
		op.end
	);
	// rowPtr[r] = aPtr + ((i + r) * k + k0) * 4
	for (let r = 0; r < rows; r++) {
		emit(
			block,
			op.localGet(i),
			op.i32Const(r),
			op.i32Add,
			op.localGet(k),
			op.i32Mul,
			op.localGet(k0),
			op.i32Add,
			op.i32Const(4),
			op.i32Mul,
			op.localGet(aPtr),
			op.i32Add,
			op.localSet(rowPtr[r])
		);
	}
	// bp = bPtr + (q * k + k0) * cols * 4; bEnd = bp + len * cols * 4
	emit(
		block,
		op.localGet(q),
		op.localGet(k),
		op.i32Mul,
		op.localGet(k0),
		op.i32Add,
		op.i32Const(panelRowBytes),
		op.i32Mul,
		op.localGet(bPtr),
		op.i32Add,
		op.localTee(bp),
		op.localGet(len),
		op.i32Const(panelRowBytes),
		op.i32Mul,
		op.i32Add,
		op.localSet(bEnd),
		inner
	);
	emit(
		block,
		overRowsOfC((r) => {
			const code: number[] = [];
			for (let v = 0; v < vectors; v++)
				emit(code, op.localGet(rowC), op.localGet(acc(r, v)), op.v128Store(16 * v));
			return code;
		})
	);
	emit(block, bump(q, 1));

	const overPanels = [
		...op.i32Const(0),
		...op.localSet(q),
		...whileLoop([...op.localGet(q), ...op.localGet(panels), ...op.i32GeU], block),
		...bump(i, rows)
	];
	const overRowBlocks = [
		...op.i32Const(0),
		...op.localSet(i),
		...whileLoop([...op.localGet(i), ...op.localGet(m), ...op.i32GeU], overPanels)
	];
	const body = [
		// panels = ldc / cols; ldcBytes = ldc * 4; k0 = 0
		...op.localGet(ldc),
		...op.i32Const(cols),
		...op.i32DivU,
		...op.localSet(panels),
		...op.localGet(ldc),
		...op.i32Const(4),
		...op.i32Mul,
		...op.localSet(ldcBytes),
		...op.i32Const(0),
		...op.localSet(k0),
		...whileLoop(
			[...op.localGet(k0), ...op.localGet(k), ...op.i32GeU],
			[
				// len = min(kc, k - k0)
				...op.localGet(kc),
				...op.localGet(k),
				...op.localGet(k0),
				...op.i32Sub,
				...op.localTee(len),
				...op.localGet(len),
				...op.localGet(kc),
				...op.i32GtU,
				...op.select,
				...op.localSet(len),
				...overRowBlocks,
				...op.localGet(k0),
				...op.localGet(len),
				...op.i32Add,
				...op.localSet(k0)
			]
		)
	];
	return {
		exportName: 'matmul',
		params: new Array(7).fill(I32),
		results: [],
		locals: [
			[i32Count, I32],
			[v128Count, V128]
		],
		body
	};
}

/**
 * `pack(srcPtr, dstPtr, k, n, panels)`: copies the first `panels` full panels of `cols` columns of
 * B[k, n] (row-major at srcPtr) into the packed layout the kernel reads, two f32x4 at a time.
 */
function packFunction(vectors: number): WasmFunction {
	const cols = 4 * vectors;
	const [src, dst, k, n, panels] = [0, 1, 2, 3, 4];
	const [q, rowEnd, s, rowBytes] = [5, 6, 7, 8];
	const copyRow: number[] = [];
	for (let v = 0; v < vectors; v++)
		emit(copyRow, op.localGet(dst), op.localGet(s), op.v128Load(16 * v), op.v128Store(16 * v));
	emit(copyRow, bump(dst, cols * 4));
	emit(copyRow, op.localGet(s), op.localGet(rowBytes), op.i32Add, op.localSet(s));
	const overPanels = whileLoop(
		[...op.localGet(q), ...op.localGet(panels), ...op.i32GeU],
		[
			// s = src + q * cols * 4; rowEnd = s + k * rowBytes
			...op.localGet(src),
			...op.localGet(q),
			...op.i32Const(cols * 4),
			...op.i32Mul,
			...op.i32Add,
			...op.localTee(s),
			...op.localGet(k),
			...op.localGet(rowBytes),
			...op.i32Mul,
			...op.i32Add,
			...op.localSet(rowEnd),
			...whileLoop([...op.localGet(s), ...op.localGet(rowEnd), ...op.i32GeU], copyRow),
			...bump(q, 1)
		]
	);
	return {
		exportName: 'pack',
		params: new Array(5).fill(I32),
		results: [],
		locals: [[4, I32]],
		body: [
			...op.localGet(n),
			...op.i32Const(4),
			...op.i32Mul,
			...op.localSet(rowBytes),
			...op.i32Const(0),
			...op.localSet(q),
			...overPanels
		]
	};
}

interface Kernel {
	memory: WebAssembly.Memory;
	matmul: (
		aPtr: number,
		bPtr: number,
		cPtr: number,
		m: number,
		k: number,
		ldc: number,
		kc: number
	) => void;
	pack: (srcPtr: number, dstPtr: number, k: number, n: number, panels: number) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
	if (kernel !== undefined) return kernel;
	try {
		const shape = { rows: ROWS, vectors: VECTORS };
		const bytes = assembleModule([matmulFunction(shape), packFunction(VECTORS)], 1);
		const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {});
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
	if (k === 0) {
		out.fill(0, 0, m * n);
		return true;
	}
	const mPadded = roundUp(m, ROWS);
	const ldc = roundUp(n, COLS);
	const fullPanels = Math.floor(n / COLS);
	// Floats, each region 16-byte aligned: A, B as given, B packed, C.
	const aBase = 0;
	const bBase = roundUp(aBase + mPadded * k, 4);
	const packedBase = roundUp(bBase + k * n, 4);
	const cBase = packedBase + ldc * k;
	const bytes = (cBase + mPadded * ldc) * 4;
	const memory = wasm.memory;
	if (memory.buffer.byteLength < bytes) {
		memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
	}
	const heap = new Float32Array(memory.buffer);
	heap.set(a, aBase);
	if (mPadded > m) heap.fill(0, aBase + m * k, aBase + mPadded * k);
	heap.set(b, bBase);
	wasm.pack(bBase * 4, packedBase * 4, k, n, fullPanels);
	if (ldc > n) {
		// The last, partial panel: its columns, then zeros.
		const col = fullPanels * COLS;
		let dst = packedBase + fullPanels * k * COLS;
		for (let kk = 0; kk < k; kk++) {
			const src = kk * n + col;
			for (let c = 0; c < COLS; c++) heap[dst + c] = col + c < n ? b[src + c] : 0;
			dst += COLS;
		}
	}
	const kc = Math.max(16, Math.min(k, Math.floor(SLICE_BYTES / (ldc * 4))));
	wasm.matmul(aBase * 4, packedBase * 4, cBase * 4, mPadded, k, ldc, kc);
	if (ldc === n) out.set(heap.subarray(cBase, cBase + m * n));
	else
		for (let r = 0; r < m; r++) out.set(heap.subarray(cBase + r * ldc, cBase + r * ldc + n), r * n);
	return true;
}
