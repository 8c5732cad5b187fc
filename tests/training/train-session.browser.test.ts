/**
 * The Train panel's session in Chromium (issue #11, defect 4): the panel hands out its session
 * as it changes; a new panel given that session (through JSON, as storage gives it back) shows
 * the same epoch, log, settings, device and parameters at once, tells the canvas the parameters,
 * and Train goes on from that epoch in the worker.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { exampleDocument } from '$lib/graph';
import { MAX_CSV_CHARS, type TrainingSession } from '$lib/training';
import TrainPanelWithLanguage from './TrainPanelWithLanguage.svelte';

const doc = exampleDocument('linear-regression')!;

const logLines = (container: HTMLElement) =>
	(container.querySelector('[role="log"]')?.textContent ?? '')
		.split('\n')
		.filter((line) => /^epoch \d+, loss /.test(line));

const shown = (container: HTMLElement, name: 'w' | 'b') =>
	container.querySelector(`output[aria-label="${name}"]`)?.textContent ?? '';

afterEach(() => {
	document.body.innerHTML = '';
});

describe('the Train panel session', () => {
	test('trained, saved, reopened from JSON: the same panel, and Train goes on from its epoch', async () => {
		const sessions: TrainingSession[] = [];
		const first = await render(TrainPanelWithLanguage, {
			doc,
			onSession: (session: TrainingSession) => sessions.push(session)
		});
		// Opening the panel saves nothing.
		expect(sessions).toHaveLength(0);
		await first.getByRole('textbox', { name: 'Learning rate (lr)' }).fill('0.02');
		await first.getByRole('textbox', { name: 'Epochs', exact: true }).fill('100');
		await first.getByRole('textbox', { name: 'Log every N epochs' }).fill('10');
		await first.getByRole('combobox', { name: 'Device' }).selectOptions('cpu');
		await expect.poll(() => sessions.at(-1)?.device).toBe('cpu');
		await first.getByRole('button', { name: 'Train' }).click();
		await expect.poll(() => logLines(first.container).length, { timeout: 15_000 }).toBe(10);
		await expect.poll(() => sessions.at(-1)?.training?.epoch).toBe(100);
		const w = shown(first.container, 'w');
		const saved = sessions.at(-1)!;
		expect(saved.settings).toMatchObject({ lr: '0.02', epochs: '100', logEvery: '10' });
		expect(saved.training!.losses).toHaveLength(100);
		first.unmount();

		const parameters: Readonly<Record<string, ArrayLike<number>>>[] = [];
		const again = await render(TrainPanelWithLanguage, {
			doc,
			session: JSON.parse(JSON.stringify(saved)),
			onParameters: (values: Readonly<Record<string, ArrayLike<number>>>) =>
				parameters.push({ ...values })
		});
		await expect.element(again.getByRole('status').first()).toHaveTextContent(/^Epoch 100, loss/);
		await expect
			.element(again.getByRole('textbox', { name: 'Learning rate (lr)' }))
			.toHaveValue('0.02');
		await expect.element(again.getByRole('combobox', { name: 'Device' })).toHaveValue('cpu');
		expect(shown(again.container, 'w')).toBe(w);
		expect(logLines(again.container)).toHaveLength(10);
		// The canvas hears the restored parameters at once (the nodes show what the panel shows).
		expect(parameters[0]).toEqual(Object.fromEntries(saved.training!.parameters));

		await again.getByRole('button', { name: 'Train' }).click();
		await expect.poll(() => logLines(again.container).length, { timeout: 15_000 }).toBe(20);
		const lines = logLines(again.container);
		expect(lines[10]).toMatch(/^epoch 110, loss /);
		expect(lines[19]).toMatch(/^epoch 200, loss /);
		await expect.element(again.getByRole('status').first()).toHaveTextContent(/^Epoch 200, loss/);
	});

	test('a session whose CSV was too long to keep says so, in English and in Chinese', async () => {
		const session = { version: 1, source: 'csv', csvText: null, training: null };
		const en = await render(TrainPanelWithLanguage, { doc, session });
		await expect
			.element(en.getByText(/^The CSV data was longer than/))
			.toHaveTextContent(MAX_CSV_CHARS.toLocaleString('en'));
		en.unmount();
		const zh = await render(TrainPanelWithLanguage, { doc, session, locale: 'zh' });
		await expect.element(zh.getByText(/^CSV 数据超过/)).toBeVisible();
	});
});
