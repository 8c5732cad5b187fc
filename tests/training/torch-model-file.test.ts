/**
 * Load model / Save model with PyTorch's own files (issue 13, part 2): the tutorial's model.pkl
 * (written by PyTorch 2.13, keys linear.weight and linear.bias) loads into the Linear regression
 * example (keys weight and bias), and a file keyed the other way round loads too; mismatches
 * raise PyTorch's load_state_dict messages and load nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '$lib/engine';
import { exampleDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	readSession,
	requestProblem,
	SESSION_VERSION
} from '$lib/training';
import { Trainer } from '$lib/training/trainer';
import { alignStateDictKeys, commonModulePrefix } from '$lib/training/state-keys';

const doc = exampleDocument('linear-regression')!;
const WEIGHT = 'n2';
const BIAS = 'n3';
const fixture = (name: string) =>
	new Uint8Array(readFileSync(new URL(`../fixtures/torch/${name}`, import.meta.url)));
const expected = JSON.parse(
	readFileSync(new URL('../fixtures/torch/expected.json', import.meta.url), 'utf8')
);

const trainer = () => new Trainer({ doc, data: formulaData(), settings: DEFAULT_SETTINGS });

describe('the Train panel with PyTorch model files', () => {
	it("loads the tutorial's model.pkl (linear.weight, linear.bias) into weight and bias", () => {
		const t = trainer();
		expect(t.loadState(fixture('model.pkl'))).toEqual(['linear.weight', 'linear.bias']);
		const model = expected['model.pkl'];
		expect(t.parameters()).toEqual({
			[WEIGHT]: model['linear.weight'].data,
			[BIAS]: model['linear.bias'].data
		});
	});

	it('loads the float64 file, as float32 values', () => {
		const t = trainer();
		t.loadState(fixture('float64.pt'));
		const model = expected['float64.pt'];
		expect(t.parameters()[WEIGHT]).toEqual([Math.fround(model['linear.weight'].data[0])]);
	});

	it('saves .pt that reads back with the keys weight and bias, and loads into another', async () => {
		const t = trainer();
		await t.train(100);
		const bytes = t.saveState('pt');
		expect(Object.keys(torch.loadStateDict(bytes))).toEqual(['weight', 'bias']);
		const other = trainer();
		expect(other.parameters()).not.toEqual(t.parameters());
		expect(other.loadState(bytes)).toEqual(['weight', 'bias']);
		expect(other.parameters()).toEqual(t.parameters());
	});

	it("refuses the two-layer model with PyTorch's message for missing and unexpected keys", () => {
		const t = trainer();
		const before = t.parameters();
		expect(() => t.loadState(fixture('two-layer.pt'))).toThrow(
			'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "weight", "bias". \n\tUnexpected key(s) in state_dict: "0.weight", "0.bias", "2.weight", "2.bias". '
		);
		expect(t.parameters()).toEqual(before);
	});

	it("refuses linear.* of another size with PyTorch's size mismatch message", () => {
		const t = trainer();
		const bytes = torch.saveStateDict(
			{ 'linear.weight': torch.tensor([[1, 2]]), 'linear.bias': torch.tensor([0]) },
			'pt'
		);
		expect(() => t.loadState(bytes)).toThrow(
			'size mismatch for weight: copying a param with shape torch.Size([1, 2]) from checkpoint, the shape in current model is torch.Size([1, 1]).'
		);
	});

	it('refuses the forbidden pickle, loading nothing', () => {
		const t = trainer();
		expect(() => t.loadState(fixture('forbidden.pt'))).toThrow(/GLOBAL os\.system/);
		expect(t.parameters()).toEqual({ [WEIGHT]: [0], [BIAS]: [0] });
	});
});

describe('the .pt format in the session and the protocol', () => {
	it('a saved session keeps the .pt choice; an unknown format falls back to safetensors', () => {
		expect(readSession({ version: SESSION_VERSION, format: 'pt' })?.format).toBe('pt');
		expect(readSession({ version: SESSION_VERSION, format: 'pkl' })?.format).toBe('safetensors');
	});

	it('the worker takes save-state requests for pt', () => {
		const request = { type: 'save-state', id: 1, format: 'pt', doc, data: formulaData() };
		expect(requestProblem({ ...request, settings: DEFAULT_SETTINGS, device: 'cpu' })).toBeNull();
	});
});

describe('matching module prefixes', () => {
	const one = torch.tensor([1]);
	it.each([
		[['linear.weight', 'linear.bias'], 'linear.'],
		[['weight', 'bias'], ''],
		[['linear.weight'], 'linear.'],
		[['a.b.weight', 'a.b.bias', 'a.c'], 'a.'],
		[['0.weight', '2.weight'], ''],
		[[], '']
	])('%j share %j', (keys, prefix) => {
		expect(commonModulePrefix(keys)).toBe(prefix);
	});

	it('renames only when no key matches as it is and the renamed ones do', () => {
		const file = { 'linear.weight': one, 'linear.bias': one };
		expect(Object.keys(alignStateDictKeys(file, ['weight', 'bias']))).toEqual(['weight', 'bias']);
		const app = { weight: one, bias: one };
		expect(Object.keys(alignStateDictKeys(app, ['linear.weight', 'linear.bias']))).toEqual([
			'linear.weight',
			'linear.bias'
		]);
		const partly = { weight: one, 'linear.bias': one };
		expect(alignStateDictKeys(partly, ['weight', 'bias'])).toBe(partly);
		const unrelated = { 'fc.scale': one };
		expect(alignStateDictKeys(unrelated, ['weight', 'bias'])).toBe(unrelated);
	});
});
