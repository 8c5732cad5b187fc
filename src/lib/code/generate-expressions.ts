/**
 * An op node as a Python expression, from the registry's `python` bindings: infix and prefix
 * operators with Python's precedences, methods, `F.` functions; and which nodes are written
 * inline in their one consumer (see the module comment of `generate.ts`).
 */
import { getOp } from '$lib/engine/core';
import { isLeaf, opAttrs } from '$lib/graph';
import { fanOut, leafAttrs, type Graph } from './generate-graph';
import { isAutoName } from './names';
import { pyNumber, pyString, pyTuple, sizeArgs } from './python';

/** Python precedences, loosest first: + -, * / @, unary -, **, and atoms (names, calls). */
const ARITH = 4;
const TERM = 5;
const UNARY = 6;
const POWER = 7;
const ATOM = 9;
/** The precedence of each level of Python's grammar a registry op's infix operator sits at. */
const INFIX_LEVELS = { arith: ARITH, term: TERM, power: POWER } as const;
/**
 * At most this many ops go into one inlined expression, so that a long chain of automatically
 * named nodes stays a readable list of assignments rather than one deeply nested line.
 */
const MAX_INLINED_OPS = 3;

interface Py {
	text: string;
	prec: number;
}

const wrap = (py: Py, min: number) => (py.prec >= min ? py.text : `(${py.text})`);

/** Nodes written inline in their consumer's expression (see the module comment). */
export function inlinedNodes(graph: Graph, output: string | null): Set<string> {
	const inlined = new Set<string>();
	/** The consumer of a node with one edge out, and which of its inputs the edge feeds. */
	const consumerOf = (id: string) => {
		const target = graph.consumers.get(id)![0];
		const input = [...graph.inputs.get(target)!].find(([, source]) => source === id)![0];
		return { target, input };
	};
	const healthy = (id: string) => {
		const info = graph.infos.get(id);
		return info !== undefined && info.error === null && info.shape !== null;
	};
	const isConstant = (id: string) => {
		const node = graph.nodes.get(id)!;
		if (!isLeaf(node) || id === output || fanOut(graph, id) !== 1) return false;
		const attrs = leafAttrs(node);
		return (
			isAutoName(node.name, node.op) &&
			attrs.init === 'values' &&
			attrs.shape.length === 0 &&
			!attrs.requiresGrad &&
			attrs.retainGrad !== true &&
			getOp(graph.nodes.get(consumerOf(id).target)!.op)?.python?.numberOperand === true
		);
	};
	for (const id of graph.order) {
		const node = graph.nodes.get(id)!;
		if (id === output || fanOut(graph, id) !== 1) continue;
		const consumer = consumerOf(id);
		if (!healthy(consumer.target)) continue;
		if (isLeaf(node)) {
			if (!isConstant(id)) continue;
			// Of two constant operands, only the second is written as a number (a tensor must remain).
			const sibling = [...graph.inputs.get(consumer.target)!].find(
				([input]) => input !== consumer.input
			);
			if (consumer.input === 'input' && sibling !== undefined && isConstant(sibling[1])) continue;
			inlined.add(id);
		} else if (
			isAutoName(node.name, node.op) &&
			node.attrs?.retainGrad !== true &&
			healthy(id) &&
			getOp(node.op) !== undefined &&
			opsWritten(id) <= MAX_INLINED_OPS
		) {
			inlined.add(id);
		}
	}
	return inlined;

	/** How many ops a node's expression writes, counting the inlined ones it reads. */
	function opsWritten(id: string): number {
		let count = 1;
		for (const source of graph.inputs.get(id)?.values() ?? []) {
			if (inlined.has(source) && !isLeaf(graph.nodes.get(source)!)) count += opsWritten(source);
		}
		return count;
	}
}

/** An op node's expression over its inputs; `reads` collects the variables it reads. */
export function opExpression(
	graph: Graph,
	id: string,
	inlined: Set<string>,
	names: Map<string, string>,
	reads: Set<string>
): Py & { usesF: boolean } {
	let usesF = false;
	const operand = (source: string): Py => {
		if (!inlined.has(source)) {
			reads.add(source);
			return { text: names.get(source) ?? '?', prec: ATOM };
		}
		const node = graph.nodes.get(source)!;
		if (isLeaf(node)) {
			const value = leafAttrs(node).values![0];
			const text = pyNumber(value);
			return { text, prec: text.startsWith('-') ? UNARY : ATOM };
		}
		const inner = opExpression(graph, source, inlined, names, reads);
		usesF ||= inner.usesF;
		return inner;
	};
	const node = graph.nodes.get(id)!;
	const inputs = graph.inputs.get(id) ?? new Map<string, string>();
	const input = (name: string): Py =>
		inputs.has(name) ? operand(inputs.get(name)!) : { text: '?', prec: ATOM };
	const attrs = opAttrs(node);
	const method = (call: string): Py => ({
		text: `${wrap(input('input'), ATOM)}.${call}`,
		prec: ATOM
	});
	const op = getOp(node.op);
	const python = op?.python ?? {};
	const inputNames = op?.inputs ?? [];
	const attrArgs = (): string[] => {
		const specs = op?.attrs ?? [];
		switch (python.attrs) {
			case 'keywords':
				return specs
					.filter((spec) => attrs[spec.name] !== undefined && attrs[spec.name] !== spec.default)
					.map((spec) => `${spec.name}=${pyValue(attrs[spec.name])}`);
			case 'positional':
				return specs.map((spec) => pyValue(attrs[spec.name]));
			case 'size':
				return specs.map((spec) => sizeArgs(attrs[spec.name] as number[]));
			default:
				return [];
		}
	};
	let py: Py;
	if (python.infix !== undefined) {
		// Python's grammar: + - * / @ are left-associative; ** binds its left operand tighter
		// than itself and its right operand as a unary expression (`x ** -y`).
		const { symbol, level } = python.infix;
		const prec = INFIX_LEVELS[level];
		const [left, right] = level === 'power' ? [ATOM - 1, UNARY] : [prec, prec + 1];
		py = {
			text: `${wrap(input(inputNames[0]), left)} ${symbol} ${wrap(input(inputNames[1]), right)}`,
			prec
		};
	} else if (python.prefix !== undefined) {
		py = { text: `${python.prefix}${wrap(input(inputNames[0]), UNARY)}`, prec: UNARY };
	} else if (python.methods !== undefined) {
		const shape = inputs.has('input') ? graph.infos.get(inputs.get('input')!)?.shape : null;
		// `x.t()`: PyTorch's short form of transpose(0, 1) for a matrix.
		const isT =
			node.op === 'transpose' && attrs.dim0 === 0 && attrs.dim1 === 1 && shape?.length === 2;
		const args = [...inputNames.slice(1).map((name) => input(name).text), ...attrArgs()];
		py = method(isT ? 't()' : `${python.methods[0]}(${args.join(', ')})`);
	} else if (python.functional !== undefined) {
		usesF = true;
		// Optional inputs are left out when unwired; a missing required one shows as `?`.
		const args = inputNames
			.filter((name) => inputs.has(name) || !op?.optionalInputs?.includes(name))
			.map((name) => input(name).text);
		py = { text: `F.${python.functional[0]}(${[...args, ...attrArgs()].join(', ')})`, prec: ATOM };
	} else {
		// An op with no declared form: PyTorch's function of the same name.
		const args = inputNames.filter((name) => inputs.has(name)).map((name) => input(name).text);
		for (const spec of op?.attrs ?? []) {
			const value = attrs[spec.name];
			if (value !== undefined) args.push(`${spec.name}=${pyValue(value)}`);
		}
		py = { text: `torch.${node.op}(${args.join(', ')})`, prec: ATOM };
	}
	return { ...py, usesF };
}

function pyValue(value: unknown): string {
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	if (typeof value === 'number') return pyNumber(value);
	if (typeof value === 'string') return pyString(value);
	if (Array.isArray(value)) return pyTuple(value.map(pyValue));
	return 'None';
}
