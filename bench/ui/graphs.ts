import type { Page } from '@playwright/test';

/**
 * The graphs bench:ui loads: a 300-node chain of elementwise ops from one leaf, laid out as a
 * snake, with one wire missing in the middle. Wiring it gives shapes to the 150 nodes after it.
 */
export interface BenchGraph {
	doc: unknown;
	/** The nodes on either side of the missing wire. */
	gapSource: string;
	gapTarget: string;
	/** The last node of the chain (its shape appears when the gap is wired). */
	last: string;
	/** A node to drag. */
	dragged: string;
}

const OPS = ['neg', 'exp', 'tanh', 'sigmoid', 'relu'];

export function chainGraph(size = 300, columns = 20): BenchGraph {
	const nodes: unknown[] = [];
	const edges: unknown[] = [];
	const name = (i: number) => (i === 0 ? 'x' : `t${i}`);
	const position = (i: number) => {
		const row = Math.floor(i / columns);
		const column = row % 2 === 0 ? i % columns : columns - 1 - (i % columns);
		return { x: column * 230, y: row * 150 };
	};
	nodes.push({
		id: 'n0',
		op: 'tensor',
		name: name(0),
		position: position(0),
		attrs: { shape: [4, 8], init: 'randn', seed: 1, requiresGrad: true }
	});
	const gap = Math.floor(size / 2);
	for (let i = 1; i < size; i++) {
		nodes.push({ id: `n${i}`, op: OPS[i % OPS.length], name: name(i), position: position(i) });
		if (i !== gap) {
			edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}`, targetInput: 'input' });
		}
	}
	return {
		doc: { format: 'autograd-canvas.graph', version: 1, nodes, edges },
		gapSource: name(gap - 1),
		gapTarget: name(gap),
		last: name(size - 1),
		dragged: name(Math.floor(size / 4))
	};
}

/**
 * Makes `doc` the autosaved document the page opens with: once per tab (a reload keeps what the
 * page saved since).
 */
export async function seedDocument(page: Page, doc: unknown): Promise<void> {
	await page.addInitScript(
		([text]) => {
			if (!sessionStorage.getItem('bench-seeded')) {
				localStorage.setItem('autograd-canvas.document', text);
				sessionStorage.setItem('bench-seeded', '1');
			}
		},
		[typeof doc === 'string' ? doc : JSON.stringify(doc)]
	);
}
