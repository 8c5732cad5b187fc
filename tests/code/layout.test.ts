/**
 * Import code's layout: the examples' spacing for small tensors; more room for a node drawn with
 * heatmaps (taller, and a wider column for the shape chip on its wire), so that two 1024x1024
 * leaves imported from code neither overlap nor hide the chip between them.
 */
import { describe, expect, it } from 'vitest';
import { importCode } from '$lib/code';
import { COLUMN_WIDTH, HEATMAP_ROOM, ROW_HEIGHT } from '$lib/code/layout';

const program = (shape: string) =>
	[
		`x = torch.randn(${shape}, requires_grad=True)`,
		`b = torch.randn(${shape}, requires_grad=True)`,
		't = x + b',
		'y = t.sum()'
	].join('\n');

function positions(code: string) {
	const doc = importCode(code).doc!;
	return Object.fromEntries(doc.nodes.map((node) => [node.name, node.position]));
}

describe('layoutNodes, for imported code', () => {
	it("small tensors: the examples' rows and columns", () => {
		const at = positions(program('3, 4'));
		expect(at.b.y - at.x.y).toBe(ROW_HEIGHT);
		expect(at.t.x - at.x.x).toBe(COLUMN_WIDTH);
		expect(at.y.x - at.t.x).toBe(COLUMN_WIDTH);
		// Each column centred on the tallest.
		expect(at.t.y).toBe(at.x.y + ROW_HEIGHT / 2);
	});

	it('big tensors: taller rows and wider columns', () => {
		const at = positions(program('1024, 1024'));
		expect(at.b.y - at.x.y).toBe(HEATMAP_ROOM.height);
		expect(at.t.x - at.x.x).toBe(HEATMAP_ROOM.width);
		expect(at.y.x - at.t.x).toBe(HEATMAP_ROOM.width);
		expect(at.t.y).toBe(at.x.y + HEATMAP_ROOM.height / 2);
		// y is a number: its own room is the usual one, centred in the column.
		expect(at.y.y).toBe(at.x.y + (2 * HEATMAP_ROOM.height - ROW_HEIGHT) / 2);
	});
});
