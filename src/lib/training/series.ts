/**
 * A growing list of numbers (the loss history, the w and b trajectory) in one Float64Array.
 * `view()` is an O(1) snapshot: a new array object over the values so far, so a chart can tell
 * it changed by reference while nothing is copied. Appends never change an earlier view.
 */
export class Series {
	private values: Float64Array;
	private size = 0;

	constructor(capacity = 1024) {
		this.values = new Float64Array(Math.max(1, capacity));
	}

	get length(): number {
		return this.size;
	}

	push(value: number): void {
		if (this.size === this.values.length) {
			const grown = new Float64Array(this.values.length * 2);
			grown.set(this.values);
			this.values = grown;
		}
		this.values[this.size++] = value;
	}

	pushAll(values: ArrayLike<number>): void {
		for (let i = 0; i < values.length; i++) this.push(values[i]);
	}

	/** Start again (in new memory, so earlier views keep their values). */
	clear(): void {
		this.values = new Float64Array(1024);
		this.size = 0;
	}

	at(index: number): number | undefined {
		const i = index < 0 ? this.size + index : index;
		return i >= 0 && i < this.size ? this.values[i] : undefined;
	}

	/** The values so far, without a copy. */
	view(): Float64Array {
		return this.values.subarray(0, this.size);
	}

	/** The values from `start` on, as a copy (for messages). */
	slice(start = 0): Float64Array {
		return this.values.slice(start, this.size);
	}
}
