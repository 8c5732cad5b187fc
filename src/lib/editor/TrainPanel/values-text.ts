/**
 * How the Train panel writes a parameter's values: as PyTorch prints a tensor, summarised past a
 * few elements to the first and last ones along each dim (`torch.set_printoptions(threshold=16,
 * edgeitems=2)`), so a 1024 x 1024 weight is five short lines, not a million numbers.
 */
import { formatTensor, numel, type PrintOptions } from '$lib/engine/core';

/** The print options of the panel: PyTorch's, with room for a narrow panel. */
export const PANEL_PRINT_OPTIONS: Readonly<Required<PrintOptions>> = {
	threshold: 16,
	edgeitems: 2,
	precision: 4
};

/**
 * `values` as PyTorch prints a tensor of `shape` with the panel's print options:
 * `tensor([[ 0.1234, -0.5678,  ...,  0.9012,  0.3456], ...])`. Reads only the elements it
 * shows. Values that do not fill `shape` (the graph changed since) print as a vector.
 */
export function parameterText(
	values: ArrayLike<number>,
	shape: readonly number[] | undefined
): string {
	const fits = shape !== undefined && numel(shape) === values.length;
	return formatTensor(values, fits ? shape : [values.length], [], PANEL_PRINT_OPTIONS);
}

/** `[1024, 1024]`: the shape the values are of (the vector's, when they do not fill `shape`). */
export function shapeText(values: ArrayLike<number>, shape: readonly number[] | undefined): string {
	const fits = shape !== undefined && numel(shape) === values.length;
	return `[${(fits ? shape : [values.length]).join(', ')}]`;
}
