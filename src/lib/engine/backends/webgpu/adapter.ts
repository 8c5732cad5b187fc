/**
 * Which WebGPU adapters count as a GPU. A browser without a usable GPU may still offer an
 * adapter that runs on the CPU: Chromium's SwiftShader, Mesa's llvmpipe or lavapipe,
 * Microsoft's WARP. `initWebGPU` still registers such an adapter, so `device: 'webgpu'` works
 * there when asked for; but `defaultDevice()` (and the Train panel's Auto) never picks it, as
 * PyTorch's `cuda if available` only ever finds a real GPU. Pure functions: tests feed fake infos.
 */
import type { AdapterInfo } from './backend';

/** Names of software (CPU) implementations, as they appear in an adapter's vendor, architecture, device or description. */
const SOFTWARE_NAMES: readonly [RegExp, string][] = [
	[/swift\s*shader/i, 'SwiftShader'],
	[/llvmpipe/i, 'llvmpipe'],
	[/lavapipe/i, 'lavapipe'],
	[/softpipe/i, 'softpipe'],
	[/\bwarp\b|microsoft basic render/i, 'WARP'],
	[/\bcpu\b/i, 'CPU']
];

/**
 * The software implementation behind `info`, by name ('SwiftShader', 'llvmpipe', ...), or ''
 * when the adapter says it is a fallback adapter but names nothing known; null for a GPU.
 */
export function softwareAdapter(info: AdapterInfo): string | null {
	const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
	for (const [pattern, name] of SOFTWARE_NAMES) if (pattern.test(text)) return name;
	return info.isFallbackAdapter ? '' : null;
}

/** An adapter's description, from `adapter.info` (or the older `adapter.isFallbackAdapter`). */
export function describeAdapter(adapter: GPUAdapter): AdapterInfo {
	const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
	return {
		vendor: info?.vendor ?? '',
		architecture: info?.architecture ?? '',
		device: info?.device ?? '',
		description: info?.description ?? '',
		isFallbackAdapter: Boolean(
			info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter
		)
	};
}
