/**
 * Which WebGPU adapters count as a GPU (softwareAdapter), from fake adapter infos: the fallback
 * flag and the names software implementations give themselves.
 */
import { describe, expect, test } from 'vitest';
import { webgpu } from '$lib/engine';
import type { AdapterInfo } from '$lib/engine/backends/webgpu';

const info = (fields: Partial<AdapterInfo>): AdapterInfo => ({
	vendor: '',
	architecture: '',
	device: '',
	description: '',
	isFallbackAdapter: false,
	...fields
});

describe('softwareAdapter', () => {
	test.each([
		[{ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }, 'SwiftShader'],
		[{ vendor: 'google', architecture: 'swiftshader' }, 'SwiftShader'],
		[{ description: 'SwiftShader Device (Subzero)' }, 'SwiftShader'],
		[{ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, 'llvmpipe'],
		[{ vendor: 'mesa', device: 'lavapipe' }, 'lavapipe'],
		[{ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }, 'WARP'],
		[{ vendor: 'apple', architecture: 'cpu' }, 'CPU'],
		[{ vendor: 'someone', isFallbackAdapter: true }, '']
	])('%o is software: %s', (fields, name) => {
		expect(webgpu.softwareAdapter(info(fields))).toBe(name);
	});

	test.each([
		{ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' },
		{ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' },
		{ vendor: 'apple', architecture: 'metal-3' },
		{ vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900 XTX' },
		{ vendor: 'mesa', description: 'AMD Radeon Graphics (RADV RENOIR)' },
		{}
	])('%o is a GPU', (fields) => {
		expect(webgpu.softwareAdapter(info(fields))).toBeNull();
	});

	test('describeAdapter reads adapter.info, or the older adapter.isFallbackAdapter', () => {
		const current = {
			info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }
		};
		expect(webgpu.describeAdapter(current as unknown as GPUAdapter)).toEqual(
			info({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })
		);
		const older = { info: { vendor: 'x' }, isFallbackAdapter: true };
		expect(webgpu.describeAdapter(older as unknown as GPUAdapter).isFallbackAdapter).toBe(true);
		expect(webgpu.describeAdapter({} as GPUAdapter)).toEqual(info({}));
	});
});
