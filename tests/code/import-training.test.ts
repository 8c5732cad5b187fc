/**
 * Imported code's training loop becomes the document's Train session: the settings the loop
 * trains with, its device and its data, read back as the Train panel restores a session.
 */
import { describe, expect, it } from 'vitest';
import { importCode } from '$lib/code';
import { exampleDocument } from '$lib/graph';
import { generateProgram } from '$lib/code';
import { DEFAULT_FORMULA, readSession, sessionFromImport } from '$lib/training';
import { PROGRAM } from '../fixtures/tutorial-linreg';

const setupOf = (code: string) => {
	const training = importCode(code).training;
	expect(training).not.toBeNull();
	return training!;
};

describe('a session from imported code', () => {
	it("the tutorial's program: lr 0.01, 1000 epochs, a line every 50, its data as the formula", () => {
		const result = importCode(PROGRAM);
		const session = sessionFromImport(result.training!);
		expect(readSession(session)).toEqual(session);
		expect(session.settings).toEqual({ lr: '0.01', momentum: '0', epochs: '1000', logEvery: '50' });
		expect(session.formula).toEqual({ slope: '2', intercept: '1', noise: '0', seed: '0' });
		expect(session.source).toBe('formula');
		expect(session.lossId).toBe(result.output);
		expect(session.device).toBe('auto');
		expect(session.training).toBeNull();
	});

	it('other numbers in the code are the ones the panel gets', () => {
		const code = PROGRAM.replace('epochs = 1000', 'epochs = 300')
			.replace('learning_rate = 0.01', 'learning_rate = 0.02')
			.replace('epoch % 50 == 0', 'epoch % 25 == 0')
			.replace('[2*i + 1 for i in x_values]', '[3*i - 2 for i in x_values]');
		const session = sessionFromImport(setupOf(code));
		expect(session.settings).toEqual({ lr: '0.02', momentum: '0', epochs: '300', logEvery: '25' });
		expect(session.formula).toEqual({ slope: '3', intercept: '-2', noise: '0', seed: '0' });
	});

	it('data off the formula comes as CSV; a device named in the code is chosen', () => {
		const code = PROGRAM.replace('[2*i + 1 for i in x_values]', '[i * i for i in x_values]')
			.replace('range(11)', 'range(4)')
			.replace(
				'inputs = torch.from_numpy(x_train)',
				'inputs = torch.from_numpy(x_train).to("cpu")'
			);
		const session = sessionFromImport(setupOf(code));
		expect(session.source).toBe('csv');
		expect(session.csvText).toBe('x,y\n0,0\n1,1\n2,4\n3,9\n');
		expect(session.formula.slope).toBe(String(DEFAULT_FORMULA.slope));
		expect(session.device).toBe('cpu');
	});

	it("the Linear regression example's generated program gives back the same settings", () => {
		const doc = exampleDocument('linear-regression')!;
		const back = importCode(generateProgram(doc).code);
		const session = sessionFromImport(back.training!);
		expect(session.settings).toEqual({ lr: '0.01', momentum: '0', epochs: '1000', logEvery: '50' });
		expect(session.device).toBe('auto');
		expect(session.formula).toEqual({ slope: '2', intercept: '1', noise: '0', seed: '0' });
	});
});
