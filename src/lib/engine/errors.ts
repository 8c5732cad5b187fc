/**
 * Errors raised by the engine. Messages are PyTorch's, verbatim, so that what a student reads in
 * the app is what they will read in Python. `kind` carries Python's exception class name.
 */
export type TorchErrorKind = 'RuntimeError' | 'ValueError' | 'IndexError' | 'TypeError';

/**
 * The errors a caller may tell apart without reading PyTorch's wording: `freed` (a second
 * backward through freed saved tensors), `nonScalar` (backward without a gradient from a tensor
 * of several elements), `noGrad` (backward from a tensor that does not require grad),
 * `missingInput` (an op run with a required input missing).
 */
export type TorchErrorCode = 'freed' | 'nonScalar' | 'noGrad' | 'missingInput';

export class TorchError extends Error {
	readonly kind: TorchErrorKind;
	/** Which of the errors callers tell apart this is, if it is one of them. */
	readonly code: TorchErrorCode | undefined;
	constructor(kind: TorchErrorKind, message: string, code?: TorchErrorCode) {
		super(message);
		this.kind = kind;
		this.name = kind;
		this.code = code;
	}
}

export const runtimeError = (message: string, code?: TorchErrorCode) =>
	new TorchError('RuntimeError', message, code);
export const valueError = (message: string) => new TorchError('ValueError', message);
export const indexError = (message: string) => new TorchError('IndexError', message);
export const typeError = (message: string) => new TorchError('TypeError', message);

/** PyTorch's message for a second backward through freed saved tensors. */
export const FREED_GRAPH_MESSAGE =
	'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** PyTorch's warning when `.grad` of a non-leaf tensor is read. */
export const NON_LEAF_GRAD_WARNING =
	"The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations. (Triggered internally at /pytorch/build/aten/src/ATen/core/TensorBody.h:489.)";

export const IMPLICIT_GRAD_MESSAGE = 'grad can be implicitly created only for scalar outputs';
export const NO_GRAD_FN_MESSAGE =
	'element 0 of tensors does not require grad and does not have a grad_fn';
export const NON_LEAF_REQUIRES_GRAD_MESSAGE =
	'you can only change requires_grad flags of leaf variables.';
export const LEAF_INPLACE_MESSAGE =
	'a leaf Variable that requires grad is being used in an in-place operation.';

/** Where warnings go; the UI replaces the default to show them. */
export type WarningHandler = (message: string) => void;
let warningHandler: WarningHandler = (message) => console.warn(`UserWarning: ${message}`);

/** Install a warning handler and return the previous one (so a caller can restore it). */
export function setWarningHandler(handler: WarningHandler): WarningHandler {
	const previous = warningHandler;
	warningHandler = handler;
	return previous;
}

let warnings = 0;

/** How many warnings have been given so far (compile notes which steps warn, to warn again). */
export function warningCount(): number {
	return warnings;
}

export function warn(message: string): void {
	warnings++;
	warningHandler(message);
}
