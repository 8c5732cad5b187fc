/** Floating-point dtypes the engine stores. Arithmetic runs in float64 and rounds on store. */
export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

export function allocate(dtype: DType, size: number): Storage {
	return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** PyTorch's type promotion between two floating dtypes. */
export function promote(a: DType, b: DType): DType {
	return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

export function isDType(value: unknown): value is DType {
	return value === 'float32' || value === 'float64';
}
