/** Tensor creation functions: `tensor`, `zeros`, `ones`, `full`, `arange`, `linspace`, `eye`, `rand`, `randn`. */
import { interceptor } from './intercept';
import { device as checkDevice } from './device';
import { allocate, isDType, type DType, type Storage } from './dtype';
import { runtimeError, typeError, valueError } from './errors';
import { defaultGenerator } from './random';
import { checkNumel, checkShape, numel } from './shape';
import { Tensor, type Device, type NestedList } from './tensor';

export interface CreationOptions {
	requiresGrad?: boolean;
	dtype?: DType;
	device?: Device;
}

export type ShapeArg = number | readonly number[];

function resolve(options: CreationOptions): DType {
	const dtype = options.dtype ?? 'float32';
	if (!isDType(dtype))
		throw typeError(`dtype must be 'float32' or 'float64', got ${String(dtype)}`);
	if (options.device !== undefined) checkDevice(options.device);
	return dtype;
}

/** A new leaf on the options' device: made on the CPU, then uploaded (before requiresGrad). */
function place(t: Tensor, options: CreationOptions): Tensor {
	const placed =
		options.device === undefined || options.device === 'cpu' ? t : t.to(options.device);
	if (options.requiresGrad) placed.requiresGrad = true;
	interceptor?.created(placed);
	return placed;
}

function make(data: Storage, shape: number[], dtype: DType, options: CreationOptions): Tensor {
	return place(new Tensor(data, shape, dtype), options);
}

function toShape(shape: ShapeArg): number[] {
	const list = typeof shape === 'number' ? [shape] : Array.from(shape);
	checkShape(list, 'size');
	return list;
}

/** Shape of a nested list, or PyTorch's error for a ragged one. */
function inferShape(data: NestedList): number[] {
	const shape: number[] = [];
	let level: NestedList = data;
	while (Array.isArray(level)) {
		shape.push(level.length);
		if (level.length === 0) break;
		level = level[0];
	}
	return shape;
}

function flatten(
	data: NestedList,
	shape: number[],
	dim: number,
	out: Storage,
	offset: { i: number },
	path: number[]
) {
	if (dim === shape.length) {
		if (typeof data !== 'number') {
			const what = Array.isArray(data) ? 'a list' : data === null ? 'null' : typeof data;
			throw typeError(`tensor(): expected a number at [${path.join(', ')}], got ${what}`);
		}
		out[offset.i++] = data;
		return;
	}
	if (!Array.isArray(data)) {
		throw valueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got a number)`);
	}
	if (data.length !== shape[dim]) {
		throw valueError(
			`expected sequence of length ${shape[dim]} at dim ${dim} (got ${data.length})`
		);
	}
	for (let i = 0; i < data.length; i++) {
		path.push(i);
		flatten(data[i], shape, dim + 1, out, offset, path);
		path.pop();
	}
}

/** `torch.tensor(data)`: from a number, nested arrays, or a typed array with `shape`. */
export function tensor(
	data: NestedList | Float32Array | Float64Array | readonly number[],
	options: CreationOptions & { shape?: readonly number[] } = {}
): Tensor {
	const dtype = resolve(options);
	if (data instanceof Float32Array || data instanceof Float64Array) {
		const shape = options.shape ? Array.from(options.shape) : [data.length];
		checkShape(shape);
		if (numel(shape) !== data.length) {
			throw valueError(`shape [${shape.join(', ')}] does not match ${data.length} values`);
		}
		const storage = allocate(dtype, data.length);
		storage.set(data);
		return make(storage, shape, dtype, options);
	}
	if (typeof data !== 'number' && !Array.isArray(data)) {
		throw typeError(`tensor(): could not infer dtype of ${data === null ? 'null' : typeof data}`);
	}
	const shape = inferShape(data as NestedList);
	checkNumel(numel(shape));
	const storage = allocate(dtype, numel(shape));
	flatten(data as NestedList, shape, 0, storage, { i: 0 }, []);
	if (options.shape) return place(make(storage, shape, dtype, {}).reshape(options.shape), options);
	return make(storage, shape, dtype, options);
}

export function full(shape: ShapeArg, value: number, options: CreationOptions = {}): Tensor {
	const dtype = resolve(options);
	const dims = toShape(shape);
	const data = allocate(dtype, numel(dims));
	if (value !== 0) data.fill(value);
	return make(data, dims, dtype, options);
}

export function zeros(shape: ShapeArg, options: CreationOptions = {}): Tensor {
	// PyTorch 2.13's zeros has a message of its own for negative sizes.
	const list = typeof shape === 'number' ? [shape] : Array.from(shape);
	if (list.some((d) => Number.isInteger(d) && d < 0)) {
		throw runtimeError('zeros: Dimension size must be non-negative.');
	}
	return full(list, 0, options);
}
export const ones = (shape: ShapeArg, options: CreationOptions = {}) => full(shape, 1, options);

export function zerosLike(t: Tensor, options: CreationOptions = {}): Tensor {
	return full(t.shape, 0, { dtype: t.dtype, device: t.device, ...options });
}

export function onesLike(t: Tensor, options: CreationOptions = {}): Tensor {
	return full(t.shape, 1, { dtype: t.dtype, device: t.device, ...options });
}

/**
 * `torch.arange(end)` or `torch.arange(start, end, step)`. Values are always floating point here
 * (PyTorch gives int64 for integer arguments; this engine stores floats only).
 */
export function arange(
	start: number,
	end?: number,
	step: number = 1,
	options: CreationOptions = {}
): Tensor {
	if (end === undefined) [start, end] = [0, start];
	for (const [name, v] of [
		['start', start],
		['end', end],
		['step', step]
	] as const) {
		if (!Number.isFinite(v))
			throw runtimeError(`unsupported range: ${name} must be finite, got ${v}`);
	}
	if (step === 0) throw runtimeError('step must be nonzero');
	if ((end - start) / step < 0)
		throw runtimeError('upper bound and larger bound inconsistent with step sign');
	const size = Math.ceil((end - start) / step);
	checkNumel(size);
	const dtype = resolve(options);
	const data = allocate(dtype, size);
	for (let i = 0; i < size; i++) data[i] = start + i * step;
	return make(data, [size], dtype, options);
}

export function linspace(
	start: number,
	end: number,
	steps: number,
	options: CreationOptions = {}
): Tensor {
	if (!Number.isInteger(steps) || steps < 0)
		throw runtimeError('number of steps must be non-negative');
	checkNumel(steps);
	const dtype = resolve(options);
	const data = allocate(dtype, steps);
	const step = steps > 1 ? (end - start) / (steps - 1) : 0;
	// PyTorch fills the first half from start and the second half from end, for symmetry.
	const half = steps === 1 ? 1 : Math.floor(steps / 2);
	for (let i = 0; i < steps; i++)
		data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
	return make(data, [steps], dtype, options);
}

export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
	if (n < 0) throw runtimeError(`n must be greater or equal to 0, got ${n}`);
	if (m < 0) throw runtimeError(`m must be greater or equal to 0, got ${m}`);
	const dtype = resolve(options);
	const shape = toShape([n, m]);
	const data = allocate(dtype, n * m);
	for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
	return make(data, shape, dtype, options);
}

/** Uniform on [0, 1) from the engine's generator (see `manualSeed`). */
export function rand(shape: ShapeArg, options: CreationOptions = {}): Tensor {
	const dtype = resolve(options);
	const dims = toShape(shape);
	const data = allocate(dtype, numel(dims));
	const generator = defaultGenerator();
	for (let i = 0; i < data.length; i++) data[i] = generator.next();
	return make(data, dims, dtype, options);
}

/** Standard normal from the engine's generator (see `manualSeed`). */
export function randn(shape: ShapeArg, options: CreationOptions = {}): Tensor {
	const dtype = resolve(options);
	const dims = toShape(shape);
	const data = allocate(dtype, numel(dims));
	const generator = defaultGenerator();
	for (let i = 0; i < data.length; i++) data[i] = generator.normal();
	return make(data, dims, dtype, options);
}

/** Uniform on [low, high): used by nn initialisers. */
export function uniform(
	shape: ShapeArg,
	low: number,
	high: number,
	options: CreationOptions = {}
): Tensor {
	const t = rand(shape, { ...options, requiresGrad: false, device: 'cpu' });
	for (let i = 0; i < t.data.length; i++) t.data[i] = low + (high - low) * t.data[i];
	return place(t, options);
}
