/**
 * The Autograd Canvas engine: PyTorch's tensor and autograd API in camelCase.
 *
 *     import * as torch from '$lib/engine';
 *     const x = torch.randn([3, 4], { requiresGrad: true });
 *     x.add(2).sum().backward();
 *
 * Imports nothing from Svelte, d3 or the DOM.
 */
export * from './core';
export { compile, type CompileStats, type CompiledFunction } from './compile';
export { saveStateDict, loadStateDict, NotAStateDictError } from './serialize';
