/**
 * The engine's API without `compile` and the model-file formats (`saveStateDict`,
 * `loadStateDict`): what the editor's page uses. `index.ts` is the whole API; page code imports
 * from here so that the page's first load leaves out what only the trainer needs (a bundler puts
 * every module a barrel re-exports in the chunk of each page that imports the barrel).
 */
export { Tensor, type Device, type NestedList } from './tensor';
export {
	device,
	defaultDevice,
	DEVICES,
	registerBackend,
	unregisterBackend,
	hasBackend,
	type Backend,
	type DeviceBuffer
} from './device';
export {
	initWebGPU,
	onFallback,
	runWithFallback,
	type FallbackEvent,
	type FallbackKind,
	type WebGPUStatus
} from './backends/webgpu';
/** `torch.webgpu`: synchronize, memoryStats, adapterInfo, simulateFault (like torch.cuda). */
export * as webgpu from './backends/webgpu';
export type { DType } from './dtype';
export {
	tensor,
	zeros,
	ones,
	full,
	arange,
	linspace,
	eye,
	rand,
	randn,
	zerosLike,
	onesLike,
	type CreationOptions
} from './creation';
export * from './functional';
export * from './registry/functions';
export { manualSeed, Mulberry32 } from './random';
export {
	noGrad,
	setGradEnabled,
	isGradEnabled,
	GradNode,
	AccumulateGrad,
	type BackwardStep
} from './autograd';
export { TorchError, setWarningHandler, type WarningHandler } from './errors';
export {
	OPS,
	OP_LIST,
	getOp,
	type OpDef,
	type OpId,
	type OpCategory,
	type PythonBinding
} from './registry';
export { MAX_NUMEL, broadcastShapes, checkShape, formatShape, numel } from './shape';
export { apply } from './dispatch';
/** The format PyTorch's print picks for a tensor's numbers, for views of values that show them. */
export {
	formatTensor,
	numberFormat,
	tensorNumberFormat,
	type NumberFormat,
	type NumberMode,
	type PrintOptions
} from './format';
export type { StateDictFormat } from './serialize';
export * as nn from './nn';
export * as optim from './optim';
