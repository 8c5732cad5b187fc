/**
 * The copies autograd records but the palette never shows: `clone`, dtype/device casts
 * (`_to_copy`) and the in-place `copy_` device backends run.
 */
import { broadcastCopy } from '../backends/cpu/kernels';
import type { Device } from '../device';
import type { DType } from '../dtype';
import { ARITHMETIC_OPS } from './arithmetic';
import type { ElementwiseBinaryOp, ElementwiseUnaryOp } from './define';

/** clone and dtype casts: recorded copies (not in the palette). */
export const OPS_CLONE: ElementwiseUnaryOp = {
	...ARITHMETIC_OPS.neg,
	id: 'clone',
	internal: true,
	saves: 'none',
	gradFn: 'CloneBackward0',
	fn: (a) => a,
	kernel: (a, out) => out.set(a),
	wgsl: 'a',
	vjp: (_ctx, g) => [g]
};
export const OPS_TO_COPY: ElementwiseUnaryOp = {
	...OPS_CLONE,
	id: '_to_copy',
	gradFn: 'ToCopyBackward0',
	// The gradient goes back to the source's device and dtype. A device-to-CPU gradient has to
	// be on the source device already (the engine never reads a device synchronously).
	vjp: (ctx, g) => [g.to({ device: ctx.attrs.device as Device, dtype: ctx.attrs.dtype as DType })]
};

/** In-place copy as a binary op (`target = other`), for device backends' runInPlace. */
export const OPS_COPY: ElementwiseBinaryOp = {
	...ARITHMETIC_OPS.add,
	id: 'copy_',
	internal: true,
	fn: (_a, b) => b,
	kernel: (_a, _as, b, bs, out, outShape) => broadcastCopy(b, bs, out, outShape),
	wgsl: 'b'
};
