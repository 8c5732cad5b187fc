/**
 * The WebGPU lowering table against the registry: every custom op has exactly one lowering or
 * declares an elementwise WGSL expression, and elementwise ops run from their own WGSL. The lowerings' results are compared with the CPU in
 * webgpu-ops.browser.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { OP_LIST } from '$lib/engine';
import { LOWERED_OPS, loweringOf } from '$lib/engine/backends/webgpu/lowerings';

describe('WebGPU lowerings', () => {
	test('every custom registry op without its own WGSL has a lowering, and nothing else has one', () => {
		const custom = OP_LIST.filter((op) => op.kind === 'custom');
		const lowered = custom.filter((op) => !op.wgsl).map((op) => op.id);
		expect(lowered.length).toBeGreaterThan(0);
		expect([...LOWERED_OPS].sort()).toEqual([...lowered].sort());
		for (const id of lowered) expect(loweringOf(id), id).toBeTypeOf('function');
	});

	test('a custom op with its own WGSL has no lowering and writes a non-empty expression', () => {
		const own = OP_LIST.filter((op) => op.kind === 'custom' && op.wgsl !== undefined);
		expect(own.filter((op) => loweringOf(op.id) !== undefined).map((op) => op.id)).toEqual([]);
		for (const op of own) {
			if (op.kind === 'custom') expect(op.wgsl!({}).trim(), op.id).not.toBe('');
		}
	});

	test('elementwise ops need none: their registry entry carries a WGSL expression', () => {
		const elementwise = OP_LIST.filter((op) => op.kind !== 'custom');
		expect(elementwise.length).toBeGreaterThan(0);
		for (const op of elementwise) {
			expect(loweringOf(op.id), op.id).toBeUndefined();
			expect(op.wgsl.trim(), op.id).not.toBe('');
		}
	});

	test('names of Object.prototype are not lowerings', () => {
		for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
			expect(loweringOf(id), id).toBeUndefined();
		}
	});
});
