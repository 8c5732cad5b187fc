/**
 * Export the graphs of the PyTorch check and their generated programs, for run.py:
 *
 *     npx tsx scripts/pytorch-check/export.ts <folder>
 *
 * writes, for each case, `<id>.py` (the program generateCode writes) and `<id>.json` (the
 * document, the program, and which node each printed value and each variable stands for).
 * Cases: the three examples, a chain of every unary op, and random shape-valid graphs (tests/code/random-graphs.ts) whose
 * program calls backward(), chosen in seed order to cover as many ops as possible.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProgram } from '$lib/code';
import { EXAMPLES, LEAF_OP, type GraphDocument } from '$lib/graph';
import { importCode } from '$lib/code';
import { randomGraph } from '../../tests/code/random-graphs';

/** How many random graphs the check runs. */
export const RANDOM_CASES = 10;

/** Every unary op and a keepdim reduction in one graph, written as code and imported. */
const UNARY_CHAIN = `x = torch.tensor([[0.5, 1.5, 2.0], [0.8, 1.2, 3.0]], requires_grad=True)
w = torch.tensor([[-1.0, 0.5, 2.0], [0.25, -0.75, 1.0]], requires_grad=True)
a = x.log() * w + x.sqrt()
b = a.tanh() - a.sigmoid() + (-a).relu() + (a / 4).exp()
c = b.mean(dim=1, keepdim=True) ** 2
loss = c.sum()
loss.backward()
`;

export interface CheckCase {
	id: string;
	doc: GraphDocument;
}

export function checkCases(): CheckCase[] {
	const cases: CheckCase[] = EXAMPLES.map((e) => ({ id: e.id, doc: e.doc }));
	cases.push({ id: 'unary-chain', doc: importCode(UNARY_CHAIN).doc! });
	// Pick graphs that bring ops not covered yet, then any, until there are enough.
	const covered = new Set<string>();
	const candidates: CheckCase[] = [];
	for (let seed = 1; seed <= 500; seed++) {
		const doc = randomGraph(seed, { valid: true });
		const ops = doc.nodes.filter((n) => n.op !== LEAF_OP).map((n) => n.op);
		if (ops.length >= 3 && generateProgram(doc).output !== null)
			candidates.push({ id: `random-${seed}`, doc });
	}
	const newOps = (c: CheckCase) =>
		new Set(c.doc.nodes.map((n) => n.op).filter((op) => op !== LEAF_OP && !covered.has(op))).size;
	while (cases.length < EXAMPLES.length + 1 + RANDOM_CASES && candidates.length > 0) {
		let best = 0;
		for (let i = 1; i < candidates.length; i++)
			if (newOps(candidates[i]) > newOps(candidates[best])) best = i;
		const [chosen] = candidates.splice(best, 1);
		for (const node of chosen.doc.nodes) covered.add(node.op);
		cases.push(chosen);
	}
	return cases;
}

function main(): void {
	const folder = process.argv[2];
	if (folder === undefined) {
		console.error('usage: npx tsx scripts/pytorch-check/export.ts <folder>');
		process.exit(2);
	}
	mkdirSync(folder, { recursive: true });
	for (const { id, doc } of checkCases()) {
		const program = generateProgram(doc);
		writeFileSync(join(folder, `${id}.py`), program.code);
		writeFileSync(
			join(folder, `${id}.json`),
			JSON.stringify({ id, doc, ...program }, null, '\t') + '\n'
		);
		console.log(`${id}: ${program.kind}, ${doc.nodes.length} nodes`);
	}
}

if (process.argv[1]?.endsWith('export.ts')) main();
