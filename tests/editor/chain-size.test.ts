import { describe, expect, test } from 'vitest';
import {
	CHAIN_SIZE_KEY,
	ChainSize,
	MAX_SHARE,
	MIN_SHARE
} from '$lib/editor/ChainRulePanel/chain-size.svelte';

/** A Storage stand-in over a Map; `refuse` makes every call throw, as private mode's may. */
function memory(initial: Record<string, string> = {}, refuse = false) {
	const map = new Map(Object.entries(initial));
	const check = () => {
		if (refuse) throw new DOMException('refused', 'SecurityError');
	};
	return {
		map,
		getItem: (key: string) => (check(), map.get(key) ?? null),
		setItem: (key: string, value: string) => (check(), void map.set(key, value)),
		removeItem: (key: string) => (check(), void map.delete(key))
	};
}

describe('ChainSize', () => {
	test('starts at the default size, and keeps a share set within its bounds', () => {
		const storage = memory();
		const size = new ChainSize(storage);
		expect(size.share).toBeNull();
		size.set(0.5);
		expect(size.share).toBe(0.5);
		expect(storage.map.get(CHAIN_SIZE_KEY)).toBe('0.5');
		size.set(2);
		expect(size.share).toBe(MAX_SHARE);
		size.set(-1);
		expect(size.share).toBe(MIN_SHARE);
		size.reset();
		expect(size.share).toBeNull();
		expect(storage.map.has(CHAIN_SIZE_KEY)).toBe(false);
	});

	test('reads what was kept, clamped; anything else is the default', () => {
		expect(new ChainSize(memory({ [CHAIN_SIZE_KEY]: '0.4' })).share).toBe(0.4);
		expect(new ChainSize(memory({ [CHAIN_SIZE_KEY]: '9' })).share).toBe(MAX_SHARE);
		expect(new ChainSize(memory({ [CHAIN_SIZE_KEY]: 'tall' })).share).toBeNull();
		expect(new ChainSize(memory({ [CHAIN_SIZE_KEY]: '' })).share).toBeNull();
		expect(new ChainSize(null).share).toBeNull();
	});

	test('storage that throws: the size holds for the page', () => {
		const size = new ChainSize(memory({}, true));
		expect(size.share).toBeNull();
		size.set(0.3);
		expect(size.share).toBe(0.3);
		size.reset();
		expect(size.share).toBeNull();
	});
});
