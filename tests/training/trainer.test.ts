/**
 * The Trainer on the Linear regression example: the tutorial's run (lr 0.01, 1000 epochs, a line
 * every 50), divergence at lr = 5, reset, data and settings changes, and state dicts.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { exampleDocument, type GraphDocument } from '$lib/graph';
import { DEFAULT_SETTINGS, formulaData, type TrainSettings } from '$lib/training';
import { Trainer, TrainingError } from '$lib/training/trainer';

const doc = exampleDocument('linear-regression')!;
const WEIGHT = 'n2';
const BIAS = 'n3';

function tutorialTrainer(settings: Partial<TrainSettings> = {}, lines: string[] = []) {
	return new Trainer({
		doc,
		data: formulaData(),
		settings: { ...DEFAULT_SETTINGS, ...settings },
		onLog: (line) => lines.push(line)
	});
}

describe('Trainer on the Linear regression example', () => {
	it('binds x, y, the loss and the parameters weight and bias', () => {
		const trainer = tutorialTrainer();
		expect(trainer.binding).toMatchObject({
			lossId: 'n6',
			inputId: 'n1',
			targetId: 'n4',
			outputId: 'n5',
			parameterIds: [WEIGHT, BIAS],
			line: { weightId: WEIGHT, biasId: BIAS },
			keys: { [WEIGHT]: 'weight', [BIAS]: 'bias' },
			moduleName: 'Linear'
		});
		expect(trainer.parameters()).toEqual({ [WEIGHT]: [0], [BIAS]: [0] });
	});

	it('trains 1000 epochs to w within 0.05 of 2 and b within 0.1 of 1, logging exactly 20 lines', async () => {
		const lines: string[] = [];
		const trainer = tutorialTrainer({}, lines);
		await trainer.train(1000);
		const line = trainer.line()!;
		expect(Math.abs(line.w - 2)).toBeLessThan(0.05);
		expect(Math.abs(line.b - 1)).toBeLessThan(0.1);
		// As PyTorch from w = b = 0 (tests/engine/linreg.test.ts): w = 2.00037, b = 0.99746.
		expect(line.w).toBeCloseTo(2.00037, 3);
		expect(line.b).toBeCloseTo(0.99746, 3);
		expect(lines).toHaveLength(20);
		expect(lines[0]).toMatch(/^epoch 50, loss \d+\.\d+$/);
		expect(lines[19]).toMatch(/^epoch 1000, loss \d\.\d+e-0\d$/);
		expect(lines.map((l) => Number(/^epoch (\d+),/.exec(l)![1]))).toEqual(
			Array.from({ length: 20 }, (_, i) => 50 * (i + 1))
		);
		// The logged loss is the epoch's loss.item(), printed as Python prints a float.
		expect(lines[0]).toBe(`epoch 50, loss ${String(trainer.losses.at(49))}`);
		expect(trainer.epoch).toBe(1000);
		expect(trainer.losses.length).toBe(1000);
		expect(trainer.losses.at(0)).toBeCloseTo(161, 4);
		expect(trainer.trajectory!.w.length).toBe(1000);
		expect([trainer.trajectory!.w.at(0), trainer.trajectory!.b.at(0)]).toEqual([0, 0]);
	});

	it('matches the same loop written with nn.Linear, MSELoss and SGD, epoch by epoch', async () => {
		const trainer = tutorialTrainer({ momentum: 0.5 });
		const model = new torch.nn.Linear(1, 1);
		torch.noGrad(() => {
			model.weight.zero_();
			model.bias!.zero_();
		});
		const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.5 });
		const criterion = new torch.nn.MSELoss();
		const x = torch.tensor(
			Float32Array.from({ length: 11 }, (_, i) => i),
			{ shape: [11, 1] }
		);
		const y = torch.tensor(
			Float32Array.from({ length: 11 }, (_, i) => 2 * i + 1),
			{
				shape: [11, 1]
			}
		);
		for (let epoch = 0; epoch < 30; epoch++) {
			optimizer.zeroGrad();
			const loss = criterion.forward(model.forward(x), y);
			loss.backward();
			optimizer.step();
			const result = await trainer.step();
			expect(result.loss).toBe(loss.item());
		}
		expect(trainer.parameters()[WEIGHT]).toEqual(Array.from(model.weight.data));
		expect(trainer.parameters()[BIAS]).toEqual(Array.from(model.bias!.data));
		// The epochs ran through torch.compile: recorded, then (after the momentum buffers
		// appear on the second step) replayed, with the same losses as eager mode above.
		expect(trainer.compileStats).toMatchObject({ calls: 30, recorded: 2, fellBack: 1 });
		expect(trainer.compileStats.replayed).toBe(27);
	});

	it('prints predicted as NumPy prints the float32 array', async () => {
		const trainer = tutorialTrainer();
		await trainer.train(1000);
		const { values, shape } = await trainer.predictions();
		expect(shape).toEqual([11, 1]);
		values.forEach((v, i) => expect(Math.abs(v - (2 * i + 1))).toBeLessThan(0.05));
		const text = await trainer.predictedText();
		const lines = text.split('\n');
		expect(lines).toHaveLength(11);
		expect(lines[0]).toMatch(/^array\(\[\[ 0\.\d+ *\],$/);
		expect(lines[1]).toMatch(/^ {7}\[ 2\.\d+ *\],$/);
		expect(lines[10]).toMatch(/^ {7}\[21\.\d+ *\]\], dtype=float32\)$/);
		// Every row is as wide as the others: NumPy aligns the decimal points.
		expect(new Set(lines.map((l) => l.indexOf('.'))).size).toBe(1);
	});

	it('stops at lr = 5 with the divergence message and restores the last finite parameters', async () => {
		const lines: string[] = [];
		const trainer = tutorialTrainer({ lr: 5, logEvery: 1 }, lines);
		const result = await trainer.train(1000);
		expect(result!.diverged).toMatch(
			/^the loss diverged at epoch (\d+); try a smaller learning rate$/
		);
		const divergedAt = Number(/epoch (\d+)/.exec(result!.diverged!)![1]);
		expect(divergedAt).toBeGreaterThan(2);
		expect(divergedAt).toBeLessThan(50);
		expect(lines.at(-1)).toBe(result!.diverged);
		// The history holds the finite losses; the parameters are those that gave the last one.
		expect(trainer.epoch).toBe(divergedAt - 1);
		expect(trainer.losses.length).toBe(divergedAt - 1);
		const params = trainer.parameters();
		expect(Number.isFinite(params[WEIGHT][0]) && Number.isFinite(params[BIAS][0])).toBe(true);
		expect(params[WEIGHT][0]).toBe(trainer.trajectory!.w.at(-1));
		expect(params[BIAS][0]).toBe(trainer.trajectory!.b.at(-1));
		// Recomputing the loss from them gives the last finite loss again.
		const w = params[WEIGHT][0];
		const b = params[BIAS][0];
		const x = torch.tensor(
			Float32Array.from({ length: 11 }, (_, i) => i),
			{ shape: [11, 1] }
		);
		const y = torch.tensor(
			Float32Array.from({ length: 11 }, (_, i) => 2 * i + 1),
			{
				shape: [11, 1]
			}
		);
		const loss = torch.nn.functional
			.linear(x, torch.tensor([[w]]), torch.tensor([b]))
			.mseLoss(y)
			.item();
		expect(loss).toBe(trainer.losses.at(-1));
		expect(Number.isFinite(loss)).toBe(true);
	});

	it('reset starts again from the leaves init; Step after reset is epoch 1', async () => {
		const trainer = tutorialTrainer();
		await trainer.train(10);
		trainer.reset();
		expect(trainer.epoch).toBe(0);
		expect(trainer.losses.length).toBe(0);
		expect(trainer.parameters()).toEqual({ [WEIGHT]: [0], [BIAS]: [0] });
		expect((await trainer.step()).epoch).toBe(1);
	});

	it('reset draws rand leaves again from their seeds', async () => {
		const seeded: GraphDocument = {
			...doc,
			nodes: doc.nodes.map((n) =>
				n.id === WEIGHT
					? { ...n, attrs: { shape: [1, 1], init: 'rand', seed: 7, requiresGrad: true } }
					: n
			)
		};
		const trainer = new Trainer({ doc: seeded, data: formulaData(), settings: DEFAULT_SETTINGS });
		const initial = trainer.parameters()[WEIGHT][0];
		expect(initial).toBeGreaterThan(0);
		await trainer.train(5);
		expect(trainer.parameters()[WEIGHT][0]).not.toBe(initial);
		trainer.reset();
		expect(trainer.parameters()[WEIGHT][0]).toBe(initial);
	});

	it('starts from autosaved parameters when given', () => {
		const trainer = new Trainer({
			doc,
			data: formulaData(),
			settings: DEFAULT_SETTINGS,
			initialParameters: { [WEIGHT]: [1.5], [BIAS]: [0.25] }
		});
		expect(trainer.line()).toEqual({ w: 1.5, b: 0.25 });
	});

	it('takes new data (any number of rows) and keeps the parameters', async () => {
		const trainer = tutorialTrainer({ lr: 0.05 });
		await trainer.train(3);
		const before = trainer.parameters();
		const x = Array.from({ length: 50 }, (_, i) => i / 10);
		trainer.setData({ x, y: x.map((v) => -3 * v + 4) });
		expect(trainer.parameters()).toEqual(before);
		await trainer.train(3000);
		expect(trainer.line()!.w).toBeCloseTo(-3, 1);
		expect(trainer.line()!.b).toBeCloseTo(4, 1);
	});

	it('refuses a graph it cannot train, naming the node', () => {
		const noLoss: GraphDocument = {
			...doc,
			nodes: doc.nodes.filter((n) => n.id !== 'n6'),
			edges: doc.edges.filter((e) => e.target !== 'n6')
		};
		expect(
			() => new Trainer({ doc: noLoss, data: formulaData(), settings: DEFAULT_SETTINGS })
		).toThrow(/no loss node/);
		const sumLoss: GraphDocument = {
			...doc,
			nodes: doc.nodes.map((n) => (n.id === 'n6' ? { ...n, attrs: { reduction: 'none' } } : n))
		};
		try {
			new Trainer({ doc: sumLoss, data: formulaData(), settings: DEFAULT_SETTINGS });
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(TrainingError);
			expect((error as TrainingError).nodeId).toBe('n6');
			expect((error as TrainingError).message).toMatch(/reduction to 'mean' or 'sum'/);
		}
	});
});

describe('state dicts', () => {
	it.each(['safetensors', 'json'] as const)(
		'round-trips through %s with the keys weight and bias',
		async (format) => {
			const trainer = tutorialTrainer();
			await trainer.train(200);
			const bytes = trainer.saveState(format);
			expect(Object.keys(torch.loadStateDict(bytes))).toEqual(['weight', 'bias']);
			const saved = trainer.parameters();
			const other = tutorialTrainer();
			expect(other.parameters()).not.toEqual(saved);
			expect(other.loadState(bytes)).toEqual(['weight', 'bias']);
			expect(other.parameters()).toEqual(saved);
		}
	);

	it('writes safetensors as the spec says: header length, F32 entries, little-endian data', () => {
		const trainer = new Trainer({
			doc,
			data: formulaData(),
			settings: DEFAULT_SETTINGS,
			initialParameters: { [WEIGHT]: [2], [BIAS]: [1] }
		});
		const bytes = trainer.saveState('safetensors');
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const headerLength = Number(view.getBigUint64(0, true));
		expect(headerLength % 8).toBe(0);
		const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
		expect(header.weight).toEqual({ dtype: 'F32', shape: [1, 1], data_offsets: [0, 4] });
		expect(header.bias).toEqual({ dtype: 'F32', shape: [1], data_offsets: [4, 8] });
		expect(view.getFloat32(8 + headerLength, true)).toBe(2);
		expect(view.getFloat32(8 + headerLength + 4, true)).toBe(1);
		expect(bytes.length).toBe(8 + headerLength + 8);
	});

	const save = (entries: Record<string, torch.Tensor>) => torch.saveStateDict(entries, 'json');

	it.each([
		[
			'a missing key',
			{ weight: torch.tensor([[3]]) },
			'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
		],
		[
			'an unexpected key',
			{ weight: torch.tensor([[3]]), bias: torch.tensor([1]), scale: torch.tensor([1]) },
			'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: "scale". '
		],
		[
			'a size mismatch',
			{ weight: torch.tensor([[3, 4]]), bias: torch.tensor([1]) },
			'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([1, 2]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		]
	])('refuses %s with PyTorch message and loads nothing', (_what, entries, message) => {
		const trainer = tutorialTrainer();
		const before = trainer.parameters();
		expect(() => trainer.loadState(save(entries))).toThrow(message);
		expect(trainer.parameters()).toEqual(before);
	});

	it('refuses bytes that are not a state dict, loading nothing', () => {
		const trainer = tutorialTrainer();
		expect(() => trainer.loadState(new TextEncoder().encode('{"hello": 1}'))).toThrow(
			/format: expected "autograd-canvas.state_dict"/
		);
		expect(() => trainer.loadState(new Uint8Array([1, 2, 3]))).toThrow(torch.NotAStateDictError);
		expect(() => trainer.loadState(new TextEncoder().encode('not a model at all'))).toThrow(
			/none of the signatures/
		);
		expect(trainer.parameters()).toEqual({ [WEIGHT]: [0], [BIAS]: [0] });
	});
});
