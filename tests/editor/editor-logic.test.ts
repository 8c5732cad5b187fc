import { describe, expect, test } from 'vitest';
import { EXAMPLES, PALETTE_CATEGORIES, paletteEntries, validateDocument } from '$lib/graph';
import {
	MESSAGES,
	preferredLocale,
	translate,
	type MessageKey,
	type MessageParams
} from '$lib/i18n';
import { formatShape } from '$lib/engine';
import { leafSummary } from '$lib/editor/CanvasNode/format';
import { FlowModel, idSet, inputSourceNames } from '$lib/editor/flow-model';
import {
	formatList,
	parseDims,
	parseInteger,
	parseIntegerList,
	parseNumber,
	problemMessage
} from '$lib/editor/Inspector/parse';
import { groupEntries, rankEntries } from '$lib/editor/Palette/palette-filter';
import { shortcutFor } from '$lib/editor/shortcuts';
import { anyOverlap, layoutLeftToRight } from '$lib/editor/auto-layout';

const chain = EXAMPLES.find((e) => e.id === 'chain-rule')!.doc;

describe('message catalog', () => {
	test('every English message has a Chinese one with the same parameters', () => {
		const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		for (const key of Object.keys(MESSAGES.en) as MessageKey[]) {
			expect(MESSAGES.zh[key], key).toBeTruthy();
			expect(params(MESSAGES.zh[key]), key).toEqual(params(MESSAGES.en[key]));
		}
	});

	test('parameters are filled in as plain text', () => {
		expect(translate('en', 'notice.refused', { reason: '<b>x</b>' })).toBe('Refused: <b>x</b>');
		expect(translate('zh', 'status.nodeCount', { count: 3 })).toBe('3 个节点');
		expect(translate('en', 'status.nodeCount', { count: 1 })).toBe('1 node');
		expect(translate('en', 'status.wireCount', { count: 0 })).toBe('0 wires');
		expect(translate('zh', 'status.nodes', { nodes: '3 个节点', edges: '2 条连线' })).toBe(
			'3 个节点，2 条连线'
		);
		expect(translate('en', 'notice.refused')).toBe('Refused: {reason}');
	});

	test('the default language follows the browser', () => {
		expect(preferredLocale(['zh-CN', 'en-US'])).toBe('zh');
		expect(preferredLocale(['en-GB', 'zh'])).toBe('en');
		expect(preferredLocale(['fr-FR'])).toBe('en');
		expect(preferredLocale([])).toBe('en');
	});
});

describe('inspector parsing', () => {
	test('numbers and integers', () => {
		expect(parseNumber(' 2.5e-3 ')).toEqual({ ok: true, value: 0.0025 });
		expect(parseNumber('-1')).toEqual({ ok: true, value: -1 });
		expect(parseNumber('abc')).toMatchObject({ ok: false, problem: 'number' });
		expect(parseNumber('Infinity')).toMatchObject({ ok: false, problem: 'finite' });
		for (const text of ['inf', '-inf', 'NaN', '1e400', '-1e999']) {
			expect(parseNumber(text)).toMatchObject({ ok: false, problem: 'finite' });
		}
		expect(parseNumber('infinite')).toMatchObject({ ok: false, problem: 'number' });
		const t = (key: MessageKey, params?: MessageParams) => translate('en', key, params);
		expect(problemMessage({ problem: 'finite', text: ' inf ' }, t)).toBe(
			'inf: a graph holds finite numbers only, not inf or nan (the largest float32 is about 3.4e38)'
		);
		expect(problemMessage({ problem: 'number', text: 'x'.repeat(500) }, t).length).toBeLessThan(60);
		expect(parseNumber('')).toMatchObject({ ok: false });
		expect(parseInteger('-2')).toEqual({ ok: true, value: -2 });
		expect(parseInteger('1.5')).toMatchObject({ ok: false, problem: 'integer' });
		expect(parseInteger('99999999999999999999')).toMatchObject({ ok: false });
	});

	test('lists, shapes and dims', () => {
		expect(parseIntegerList('3, 4')).toEqual({ ok: true, value: [3, 4] });
		expect(parseIntegerList('(3 4)')).toEqual({ ok: true, value: [3, 4] });
		expect(parseIntegerList('[2,-1]')).toEqual({ ok: true, value: [2, -1] });
		expect(parseIntegerList('')).toEqual({ ok: true, value: [] });
		expect(parseIntegerList('3, x')).toEqual({ ok: false, problem: 'integer', text: 'x' });
		expect(parseDims('')).toEqual({ ok: true, value: undefined });
		expect(parseDims('1')).toEqual({ ok: true, value: 1 });
		expect(parseDims('0, 1')).toEqual({ ok: true, value: [0, 1] });
		expect(formatList([0, 1])).toBe('0, 1');
		expect(formatList(2)).toBe('2');
		expect(formatList(undefined)).toBe('');
	});
});

describe('palette', () => {
	const entries = paletteEntries();

	test('groups follow the palette order and the search filters them', () => {
		const all = groupEntries(entries, PALETTE_CATEGORIES, '');
		expect(all.map((g) => g.category)).toEqual([...PALETTE_CATEGORIES]);
		expect(all[0].entries.map((e) => e.id)).toEqual(['x', 'w', 'b', 'tensor']);
		const loss = groupEntries(entries, PALETTE_CATEGORIES, 'LOSS');
		expect(loss.flatMap((g) => g.entries.map((e) => e.id))).toEqual(['mse_loss']);
		expect(groupEntries(entries, PALETTE_CATEGORIES, 'zzz')).toEqual([]);
	});

	test('quick add ranks the exact id first, then prefixes', () => {
		expect(rankEntries(entries, 'sum')[0].id).toBe('sum');
		expect(rankEntries(entries, 'me')[0].id).toBe('mean');
		expect(rankEntries(entries, '').length).toBe(entries.length);
	});
});

describe('shortcuts', () => {
	const key = (k: string, mods: Partial<Record<'ctrl' | 'meta' | 'shift' | 'alt', boolean>> = {}) =>
		shortcutFor({
			key: k,
			ctrlKey: !!mods.ctrl,
			metaKey: !!mods.meta,
			shiftKey: !!mods.shift,
			altKey: !!mods.alt
		});

	test('map to editor actions', () => {
		expect(key('z', { ctrl: true })).toBe('undo');
		expect(key('Z', { ctrl: true, shift: true })).toBe('redo');
		expect(key('y', { ctrl: true })).toBe('redo');
		expect(key('z', { meta: true })).toBe('undo');
		expect(key('c', { ctrl: true })).toBe('copy');
		expect(key('v', { ctrl: true })).toBe('paste');
		expect(key('d', { ctrl: true })).toBe('duplicate');
		expect(key('a', { ctrl: true })).toBe('selectAll');
		expect(key('Delete')).toBe('delete');
		expect(key('Backspace')).toBe('delete');
		expect(key('z')).toBeNull();
		expect(key('z', { ctrl: true, alt: true })).toBeNull();
		// C alone connects from the keyboard; Shift+C and Alt+C do nothing.
		expect(key('c')).toBe('connect');
		expect(key('C', { shift: true })).toBeNull();
		expect(key('c', { alt: true })).toBeNull();
	});
});

describe('flow model', () => {
	test('derives nodes and edges, and reuses what did not change', () => {
		const model = new FlowModel();
		const nodes = model.nodes(chain, idSet([]));
		expect(nodes.map((n) => n.data.node.name)).toEqual(['x', 'w', 'b', 'y', 'z']);
		expect(nodes[0]).toMatchObject({ id: 'n1', type: 'graph', position: { x: 0, y: 0 } });
		// Same document and selection: the very same array.
		expect(model.nodes(chain, idSet([]))).toBe(nodes);
		// A selection changes only the selected node.
		const selected = model.nodes(chain, idSet(['n2']));
		expect(selected).not.toBe(nodes);
		expect(selected[0]).toBe(nodes[0]);
		expect(selected[1].selected).toBe(true);

		const edges = model.edges(chain, new Map(), idSet([]));
		expect(edges.map((e) => [e.source, e.target, e.targetHandle])).toEqual([
			['n2', 'n4', 'input'],
			['n1', 'n4', 'other'],
			['n4', 'n5', 'input'],
			['n3', 'n5', 'other']
		]);
		expect(model.edges(chain, new Map(), idSet([]))).toBe(edges);
	});

	test('keeps the position Svelte Flow holds while the document node is unchanged', () => {
		const model = new FlowModel();
		const nodes = model.nodes(chain, idSet([]));
		const dragged = nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 50, y: 60 } } : n));
		model.rememberNodes(dragged);
		expect(model.nodes(chain, idSet(['n1']))[0].position).toEqual({ x: 50, y: 60 });
	});

	test('names the source of each input', () => {
		expect([...inputSourceNames(chain, 'n5')]).toEqual([
			['input', 'y'],
			['other', 'b']
		]);
	});
});

describe('node text', () => {
	test('shapes and leaf summaries', () => {
		expect(formatShape([3, 4])).toBe('[3, 4]');
		expect(formatShape([])).toBe('[]');
		expect(leafSummary({ init: 'randn', seed: 3 })).toBe('randn · seed 3');
		expect(leafSummary({ init: 'full', fill: 0.5 })).toBe('full 0.5');
		expect(leafSummary({ init: 'values' })).toBe('values');
		expect(leafSummary({ init: '<script>' })).toBe('');
	});
});

describe('auto layout', () => {
	test('lays the graph out left to right, as a valid document', async () => {
		const positions = await layoutLeftToRight(chain, new Map());
		const x = (id: string) => positions[id].x;
		expect(x('n1')).toBeLessThan(x('n4'));
		expect(x('n4')).toBeLessThan(x('n5'));
		const moved = {
			...chain,
			nodes: chain.nodes.map((n) => ({ ...n, position: positions[n.id] }))
		};
		expect(validateDocument(moved).ok).toBe(true);
	});

	test('anyOverlap: boxes at the document positions and the given sizes', async () => {
		const at = (id: string, x: number, y: number) => ({
			...chain.nodes[0],
			id,
			position: { x, y }
		});
		const doc = (...nodes: ReturnType<typeof at>[]) => ({ ...chain, nodes, edges: [] });
		const size = (width: number, height: number) => ({ width, height });
		const sizes = new Map([
			['a', size(200, 100)],
			['b', size(200, 100)],
			['c', size(50, 50)]
		]);
		// Side by side, touching edges: apart.
		expect(anyOverlap(doc(at('a', 0, 0), at('b', 200, 0)), sizes)).toBe(false);
		expect(anyOverlap(doc(at('a', 0, 0), at('b', 0, 100)), sizes)).toBe(false);
		// Overlapping by a pixel either way, in any order.
		expect(anyOverlap(doc(at('a', 0, 0), at('b', 199, 0)), sizes)).toBe(true);
		expect(anyOverlap(doc(at('b', 150, 99), at('a', 0, 0)), sizes)).toBe(true);
		// A small node inside a larger one, and one far away that the sweep skips past.
		expect(anyOverlap(doc(at('c', 5000, 0), at('a', 0, 0), at('b', 100, 0)), sizes)).toBe(true);
		expect(anyOverlap(doc(at('a', 0, 0), at('c', 75, 25)), sizes)).toBe(true);
		// Same x, far apart in y: the sweep must still compare them, and find them apart.
		expect(anyOverlap(doc(at('a', 0, 0), at('b', 0, 500), at('c', 0, 1000)), sizes)).toBe(false);
		// The same document laid out for larger nodes overlaps: what presenter mode checks.
		const spaced = doc(at('a', 0, 0), at('b', 230, 0));
		expect(anyOverlap(spaced, sizes)).toBe(false);
		expect(anyOverlap(spaced, new Map([['a', size(364, 100)]]))).toBe(true);
		// A laid-out example never overlaps at the sizes it was laid out for.
		const positions = await layoutLeftToRight(chain, new Map());
		const laid = { ...chain, nodes: chain.nodes.map((n) => ({ ...n, position: positions[n.id] })) };
		expect(anyOverlap(laid, new Map())).toBe(false);
	});
});
