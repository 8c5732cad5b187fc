/** Every edit function, and undo/redo. */
import { describe, expect, it } from 'vitest';
import { MAX_NUMEL } from '$lib/engine';
import {
	addNode,
	connect,
	disconnect,
	duplicateNodes,
	emptyDocument,
	extractFragment,
	History,
	inferShapes,
	insertFragment,
	moveNodes,
	removeNodes,
	renameNode,
	updateAttrs,
	validateDocument,
	type Edit,
	type GraphDocument
} from '$lib/graph';
import { applied, example, refusal } from './helpers';

const at = { x: 10, y: 20 };

/** Build the chain-rule graph the way a student does: drop leaves and ops, wire them. */
function buildChainRule(): { doc: GraphDocument; ids: Record<string, string> } {
	let d = emptyDocument();
	const ids: Record<string, string> = {};
	for (const kind of ['x', 'w', 'b', 'mul', 'add']) {
		const result = addNode(d, kind, at);
		d = applied(result);
		ids[kind] = result.id!;
	}
	for (const [source, target, targetInput] of [
		['w', 'mul', 'input'],
		['x', 'mul', 'other'],
		['mul', 'add', 'input'],
		['b', 'add', 'other']
	]) {
		d = applied(connect(d, { source: ids[source], target: ids[target], targetInput }));
	}
	return { doc: d, ids };
}

/** A deep snapshot, to check that an edit left its input alone. */
const snapshot = (d: GraphDocument) => JSON.stringify(d);

describe('addNode', () => {
	it('gives leaves their preset names and attributes', () => {
		const { doc: d } = buildChainRule();
		expect(d.nodes.map((n) => [n.id, n.name, n.op])).toEqual([
			['n1', 'x', 'tensor'],
			['n2', 'w', 'tensor'],
			['n3', 'b', 'tensor'],
			['n4', 'mul1', 'mul'],
			['n5', 'add1', 'add']
		]);
		expect(d.nodes[0].attrs).toEqual({ shape: [1], init: 'rand', seed: 1, requiresGrad: false });
		expect(d.nodes[1].attrs).toEqual({ shape: [1], init: 'rand', seed: 2, requiresGrad: true });
		expect(validateDocument(d).ok).toBe(true);
		expect([...inferShapes(d).values()].map((i) => i.shape)).toEqual([[1], [1], [1], [1], [1]]);
	});

	it('numbers repeated names: x, x1; t1, t2; add1, add2', () => {
		let d = emptyDocument();
		for (const kind of ['x', 'x', 'tensor', 'tensor', 'add', 'add'])
			d = applied(addNode(d, kind, at));
		expect(d.nodes.map((n) => n.name)).toEqual(['x', 'x1', 't1', 't2', 'add1', 'add2']);
		expect(d.nodes[2].attrs).toEqual({ shape: [2, 2], init: 'zeros', requiresGrad: false });
	});

	it('fills op attributes from the registry (defaults, then starting values)', () => {
		let d = emptyDocument();
		for (const kind of ['sum', 'transpose', 'log_softmax', 'reshape', 'mse_loss', 'mul']) {
			d = applied(addNode(d, kind, at));
		}
		expect(d.nodes.map((n) => n.attrs)).toEqual([
			{ keepdim: false },
			{ dim0: 0, dim1: 1 },
			{ dim: -1 },
			{ shape: [-1] },
			{ reduction: 'mean' },
			undefined
		]);
		expect(validateDocument(d).ok).toBe(true);
	});

	it('never reuses an id in use, and never changes its input', () => {
		const d = example('chain-rule');
		const before = snapshot(d);
		const result = addNode(d, 'relu', { x: 0, y: 0 });
		expect(result.id).toBe('n6');
		expect(snapshot(d)).toBe(before);
	});

	it('refuses unknown kinds, internal ops and bad positions', () => {
		const d = emptyDocument();
		expect(refusal(addNode(d, 'conv2d', at))).toBe("unknown op 'conv2d'");
		expect(refusal(addNode(d, 'threshold_backward', at))).toMatch(/internal/);
		expect(refusal(addNode(d, 'x', { x: NaN, y: 0 }))).toMatch(/^a position is/);
	});
});

describe('connect and disconnect', () => {
	it('connect refuses what checkConnection refuses, and leaves the document alone', () => {
		const { doc: d, ids } = buildChainRule();
		const before = snapshot(d);
		expect(refusal(connect(d, { source: ids.add, target: ids.mul, targetInput: 'input' }))).toBe(
			"input 'input' of mul1 is already connected"
		);
		expect(refusal(connect(d, { source: ids.add, target: ids.add, targetInput: 'other' }))).toBe(
			'a node cannot feed itself'
		);
		expect(snapshot(d)).toBe(before);
	});

	it('connect returns the new edge id', () => {
		let d = applied(addNode(emptyDocument(), 'x', at));
		d = applied(addNode(d, 'exp', at));
		const result = connect(d, { source: 'n1', target: 'n2', targetInput: 'input' });
		expect(result.id).toBe('e1');
		expect(applied(result).edges).toEqual([
			{ id: 'e1', source: 'n1', target: 'n2', targetInput: 'input' }
		]);
	});

	it('disconnect removes one edge by id', () => {
		const d = example('chain-rule');
		const after = applied(disconnect(d, 'e2'));
		expect(after.edges.map((e) => e.id)).toEqual(['e1', 'e3', 'e4']);
		expect(d.edges).toHaveLength(4);
		expect(refusal(disconnect(d, 'e99'))).toBe("no edge with id 'e99'");
	});
});

describe('removeNodes', () => {
	it('removes nodes and every edge touching them', () => {
		const d = example('chain-rule');
		const after = applied(removeNodes(d, ['n4']));
		expect(after.nodes.map((n) => n.name)).toEqual(['x', 'w', 'b', 'z']);
		expect(after.edges.map((e) => e.id)).toEqual(['e4']);
		expect(d.nodes).toHaveLength(5);
	});

	it('refuses unknown ids and an empty selection', () => {
		expect(refusal(removeNodes(example('chain-rule'), ['n1', 'zz']))).toBe("no node with id 'zz'");
		expect(refusal(removeNodes(example('chain-rule'), []))).toBe('no nodes to remove');
	});
});

describe('moveNodes', () => {
	it('moves the given nodes only and shares the others', () => {
		const d = example('chain-rule');
		const after = applied(moveNodes(d, { n2: { x: 5, y: 6 } }));
		expect(after.nodes[1].position).toEqual({ x: 5, y: 6 });
		expect(d.nodes[1].position).toEqual({ x: 0, y: 190 });
		expect(after.nodes[0]).toBe(d.nodes[0]);
	});

	it('refuses unknown ids and positions out of range', () => {
		const d = example('chain-rule');
		expect(refusal(moveNodes(d, { zz: { x: 0, y: 0 } }))).toBe("no node with id 'zz'");
		expect(refusal(moveNodes(d, { n1: { x: Infinity, y: 0 } }))).toMatch(/^a position is/);
		expect(refusal(moveNodes(d, { n1: { x: 2e6, y: 0 } }))).toMatch(/^a position is/);
	});
});

describe('renameNode', () => {
	it('renames to a unique Python identifier, in any script', () => {
		const d = example('chain-rule');
		expect(applied(renameNode(d, 'n1', 'inputs_2')).nodes[0].name).toBe('inputs_2');
		expect(applied(renameNode(d, 'n1', '输入')).nodes[0].name).toBe('输入');
		expect(applied(renameNode(d, 'n1', 'x')).nodes[0].name).toBe('x');
		expect(d.nodes[0].name).toBe('x');
	});

	it.each([
		['', 'a name cannot be empty'],
		['a'.repeat(41), 'a name has at most 40 characters'],
		['2x', 'a name must be a Python identifier: letters, digits and _, not starting with a digit'],
		['x-y', 'a name must be a Python identifier: letters, digits and _, not starting with a digit'],
		[
			'<img src=x onerror=alert(1)>',
			'a name must be a Python identifier: letters, digits and _, not starting with a digit'
		],
		['lambda', "'lambda' is a Python keyword"],
		['torch', "'torch' is reserved for the generated code"],
		['w', 'another node is already named w']
	])('refuses %j', (name, reason) => {
		expect(refusal(renameNode(example('chain-rule'), 'n1', name))).toBe(reason);
	});
});

describe('updateAttrs', () => {
	it('merges a patch into a leaf and validates it', () => {
		const d = example('chain-rule');
		const after = applied(updateAttrs(d, 'n1', { shape: [2, 3], requiresGrad: true }));
		expect(after.nodes[0].attrs).toEqual({
			shape: [2, 3],
			init: 'rand',
			seed: 1,
			requiresGrad: true
		});
		expect(d.nodes[0].attrs!.shape).toEqual([1]);
	});

	it('refuses a bad entry with its reason and changes nothing', () => {
		const d = example('chain-rule');
		const before = snapshot(d);
		expect(refusal(updateAttrs(d, 'n1', { shape: [0, 3] }))).toBe(
			'shape: expected a list of positive integers'
		);
		expect(refusal(updateAttrs(d, 'n1', { init: 'uniform' }))).toMatch(/^init: expected one of/);
		expect(refusal(updateAttrs(d, 'n1', { colour: 'red' }))).toBe('colour: unknown field');
		expect(snapshot(d)).toBe(before);
	});

	it('refuses a leaf over the engine size limit', () => {
		expect(refusal(updateAttrs(example('chain-rule'), 'n1', { shape: [100000, 100000] }))).toBe(
			`shape: a tensor of 10000000000 elements exceeds Autograd Canvas's limit of ${MAX_NUMEL} elements`
		);
	});

	it('a refusal carries a code and the values the UI words it with', () => {
		const d = example('chain-rule');
		const coded = (edit: Edit) => (edit.ok ? null : { code: edit.code, params: edit.params });
		expect(coded(updateAttrs(d, 'n1', { shape: [3, -4] }))).toEqual({
			code: 'shapeNotPositive',
			params: { field: 'shape' }
		});
		expect(coded(updateAttrs(d, 'n1', { shape: [1, 1, 1, 1, 1, 1, 1, 1, 1] }))).toEqual({
			code: 'tooManyDims',
			params: { field: 'shape', max: 8 }
		});
		expect(coded(updateAttrs(d, 'n1', { colour: 'red' }))).toEqual({
			code: 'invalidAttr',
			params: { field: 'colour' }
		});
		expect(coded(renameNode(d, 'n1', '2x'))).toEqual({ code: 'nameNotIdentifier' });
		expect(coded(renameNode(d, 'n1', 'w'))).toEqual({ code: 'nameTaken', params: { name: 'w' } });
		const lr = example('linear-regression');
		expect(coded(updateAttrs(lr, 'n4', { shape: [2], values: [1, 2, 3] }))).toEqual({
			code: 'valuesCount',
			params: { field: 'values', expected: 2, shape: '2', got: 3 }
		});
		expect(coded(updateAttrs(example('autograd-basics'), 'n4', { dim: 1.5 }))).toEqual({
			code: 'dimsNotIntegers',
			params: { field: 'dim', max: 8 }
		});
	});

	it("init 'values' on a tensor too big to list says so (not 'values: required'), and changes nothing", () => {
		const big = applied(updateAttrs(example('chain-rule'), 'n1', { shape: [1024, 1024] }));
		const before = snapshot(big);
		const edit = updateAttrs(big, 'n1', { init: 'values' });
		expect(edit.ok).toBe(false);
		if (edit.ok) return;
		expect(edit.reason).toBe(
			'shape: a tensor given by its values holds at most 100000 numbers; use zeros, ones, full, arange, rand or randn for a bigger one'
		);
		expect(edit.code).toBe('tooManyValues');
		expect(edit.params).toEqual({ field: 'shape', count: 1048576, max: 100000 });
		expect(snapshot(big)).toBe(before);
		// Up to the limit, the values are listed (zeros), as for a 40x40 tensor.
		const listed = applied(updateAttrs(big, 'n1', { shape: [40, 40], init: 'values' }));
		expect(listed.nodes[0].attrs!.values).toHaveLength(1600);
	});

	it('keeps listed values through a change of shape (cut or padded with zeros)', () => {
		const d = example('linear-regression');
		const grown = applied(updateAttrs(d, 'n4', { shape: [12, 1] }));
		expect(grown.nodes[3].attrs!.values).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 0]);
		const cut = applied(updateAttrs(d, 'n4', { shape: [2] }));
		expect(cut.nodes[3].attrs!.values).toEqual([1, 3]);
		expect(refusal(updateAttrs(d, 'n4', { shape: [2], values: [1, 2, 3] }))).toBe(
			'values: expected 2 values for shape [2], got 3'
		);
	});

	it("switching init to 'values' lists zeros; switching away drops the values", () => {
		const d = example('chain-rule');
		const listed = applied(updateAttrs(d, 'n1', { init: 'values' }));
		expect(listed.nodes[0].attrs).toEqual({
			shape: [1],
			init: 'values',
			values: [0],
			seed: 1,
			requiresGrad: false
		});
		const filled = applied(updateAttrs(listed, 'n1', { init: 'full', fill: 2.5 }));
		expect(filled.nodes[0].attrs).toEqual({
			shape: [1],
			init: 'full',
			fill: 2.5,
			seed: 1,
			requiresGrad: false
		});
	});

	it('null removes an optional key', () => {
		const d = example('autograd-basics');
		const withDim = applied(updateAttrs(d, 'n4', { dim: [0, 1] }));
		expect(withDim.nodes[3].attrs).toEqual({ dim: [0, 1], keepdim: false });
		expect(applied(updateAttrs(withDim, 'n4', { dim: null })).nodes[3].attrs).toEqual({
			keepdim: false
		});
	});

	it("checks op attributes against the registry's AttrSpecs", () => {
		const d = example('linear-regression');
		expect(applied(updateAttrs(d, 'n6', { reduction: 'sum' })).nodes[5].attrs).toEqual({
			reduction: 'sum'
		});
		expect(refusal(updateAttrs(d, 'n6', { reduction: 'avg' }))).toBe(
			'reduction: avg is not a valid value for reduction'
		);
		expect(refusal(updateAttrs(d, 'n6', { scalarExponent: 2 }))).toBe(
			'scalarExponent: unknown field'
		);
	});

	it('does not refuse a change that only causes a shape error (it shows on the node)', () => {
		const d = example('chain-rule');
		const after = applied(updateAttrs(d, 'n1', { shape: [3] }));
		const infos = inferShapes(after);
		expect(infos.get('n4')!.shape).toEqual([3]);
		const broken = applied(updateAttrs(after, 'n2', { shape: [2] }));
		expect(inferShapes(broken).get('n4')!.error).toMatch(/must match the size of tensor b/);
	});
});

describe('duplicateNodes, extractFragment, insertFragment', () => {
	it('copies nodes and the edges among them, with fresh ids and names', () => {
		const d = example('chain-rule');
		const result = duplicateNodes(d, ['n4', 'n2', 'n5']);
		const after = applied(result);
		expect(result.ids).toEqual(['n6', 'n7', 'n8']);
		const copies = after.nodes.slice(5);
		expect(copies.map((n) => [n.id, n.name, n.op])).toEqual([
			['n6', 'y1', 'mul'],
			['n7', 'w1', 'tensor'],
			['n8', 'z1', 'add']
		]);
		expect(copies[0].position).toEqual({ x: 280 + 40, y: 83 + 40 });
		// Only the edges among the copies: w -> y (input) and y -> z (input).
		expect(after.edges.slice(4)).toEqual([
			{ id: 'e5', source: 'n7', target: 'n6', targetInput: 'input' },
			{ id: 'e6', source: 'n6', target: 'n8', targetInput: 'input' }
		]);
		expect(validateDocument(after).ok).toBe(true);
		expect(d.nodes).toHaveLength(5);
	});

	it('pastes a fragment into another document', () => {
		const fragment = extractFragment(example('linear-regression'), ['n2', 'n3', 'n5']);
		const target = example('chain-rule');
		const result = insertFragment(target, fragment, { x: 0, y: 500 });
		const after = applied(result);
		expect(after.nodes.slice(5).map((n) => n.name)).toEqual(['weight1', 'bias1', 'pred1']);
		expect(after.edges).toHaveLength(6);
	});

	it('refuses a hostile clipboard', () => {
		const fragment = extractFragment(example('chain-rule'), ['n1']);
		fragment.nodes[0].attrs!.shape = [1e9];
		expect(refusal(insertFragment(example('chain-rule'), fragment))).toMatch(
			/^cannot paste: nodes\[5\]\.attrs\.shape/
		);
		expect(refusal(duplicateNodes(example('chain-rule'), ['zz']))).toBe("no node with id 'zz'");
	});
});

describe('History', () => {
	it('undoes and redoes', () => {
		const start = emptyDocument();
		const history = new History(start);
		expect([history.canUndo, history.canRedo]).toEqual([false, false]);
		expect(history.undo()).toBeNull();
		const one = applied(addNode(start, 'x', at));
		const two = applied(addNode(one, 'w', at));
		history.push(one);
		history.push(two);
		expect(history.current).toBe(two);
		expect(history.undo()).toBe(one);
		expect(history.undo()).toBe(start);
		expect(history.undo()).toBeNull();
		expect([history.canUndo, history.canRedo]).toEqual([false, true]);
		expect(history.redo()).toBe(one);
		expect(history.current).toBe(one);
		// A new change drops the redo list.
		const other = applied(addNode(one, 'b', at));
		history.push(other);
		expect(history.canRedo).toBe(false);
		expect(history.redo()).toBeNull();
		expect(history.undo()).toBe(one);
	});

	it('ignores pushing the current document, and keeps at most `limit` steps', () => {
		let d = emptyDocument();
		const history = new History(d, 3);
		history.push(d);
		expect(history.canUndo).toBe(false);
		for (let i = 0; i < 5; i++) history.push((d = applied(addNode(d, 'x', at))));
		let steps = 0;
		while (history.undo() !== null) steps++;
		expect(steps).toBe(3);
		expect(history.current.nodes).toHaveLength(2);
	});

	it('reset starts over', () => {
		const history = new History(emptyDocument());
		history.push(example('chain-rule'));
		const fresh = example('autograd-basics');
		history.reset(fresh);
		expect([history.current, history.canUndo, history.canRedo]).toEqual([fresh, false, false]);
	});
});
