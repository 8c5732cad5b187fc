/**
 * The Train panel in Chromium, training the Linear regression example in its Web Worker: 1000
 * epochs give 20 log lines and w ~ 2, b ~ 1, with the three charts drawn; the same on WebGPU
 * (Chromium's software adapter here). Also a bad CSV, lr = 5, a model saved and loaded, and edits
 * of the graph while it trains.
 * (docs/screenshots/train-panel.png comes from scripts/train-panel-screenshot.mjs.)
 */
import { afterEach, describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import { exampleDocument, type GraphDocument } from '$lib/graph';
import TrainPanelWithLanguage from './TrainPanelWithLanguage.svelte';
import { drawCounts } from '$lib/viz';

const doc = exampleDocument('linear-regression')!;

const logLines = (container: HTMLElement) =>
	(container.querySelector('[role="log"]')?.textContent ?? '')
		.split('\n')
		.filter((line) => /^epoch \d+, loss /.test(line));

/** The epoch the status line shows ("Epoch 12, loss ..."). */
const epochOf = (container: HTMLElement) =>
	Number(/Epoch (\d+)/.exec(container.querySelector('.status')?.textContent ?? '')?.[1]);

const shown = (container: HTMLElement, name: 'w' | 'b') =>
	Number(container.querySelector(`output[aria-label="${name}"]`)?.textContent);

/** Blobs offered as downloads (through URL.createObjectURL) until `stop()`. */
function captureDownloads(): Blob[] & { stop(): void } {
	const blobs = [] as unknown as Blob[] & { stop(): void };
	const original = URL.createObjectURL;
	URL.createObjectURL = (blob: Blob | MediaSource) => {
		if (blob instanceof Blob) blobs.push(blob);
		return original(blob);
	};
	blobs.stop = () => (URL.createObjectURL = original);
	return blobs;
}

afterEach(() => {
	document.body.innerHTML = '';
});

describe('TrainPanel', () => {
	test('trains 1000 epochs in the worker: 20 log lines, w ~ 2, b ~ 1, charts drawn', async () => {
		await page.viewport(1440, 1250);
		const updates: Readonly<Record<string, ArrayLike<number>>>[] = [];
		const screen = await render(TrainPanelWithLanguage, {
			doc,
			onParameters: (values: Readonly<Record<string, ArrayLike<number>>>) => updates.push(values)
		});
		await screen.getByRole('combobox', { name: 'Device' }).selectOptions('cpu');
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect.poll(() => logLines(screen.container).length, { timeout: 15_000 }).toBe(20);
		await expect.element(screen.getByRole('button', { name: 'Train' })).toBeVisible();
		expect(Math.abs(shown(screen.container, 'w') - 2)).toBeLessThan(0.05);
		expect(Math.abs(shown(screen.container, 'b') - 1)).toBeLessThan(0.1);
		const lines = logLines(screen.container);
		expect(lines[0]).toMatch(/^epoch 50, loss \d+\.\d+/);
		expect(lines[19]).toMatch(/^epoch 1000, loss /);
		await expect
			.element(screen.getByLabelText('Predicted values'))
			.toHaveTextContent(/dtype=float32/);
		await expect.element(screen.getByText('Device:')).toHaveTextContent('Device: CPU');
		// The canvas hears the live parameters: many times, but not once per epoch.
		expect(updates.length).toBeGreaterThan(0);
		expect(updates.length).toBeLessThan(1000);
		expect(Math.abs(updates.at(-1)!.n2[0] - 2)).toBeLessThan(0.05);

		// The charts: a loss curve, the fit line and points, contours with the trajectory.
		const svg = (name: RegExp) =>
			[...screen.container.querySelectorAll<SVGSVGElement>('svg.plot')].find((s) =>
				name.test(s.getAttribute('aria-label') ?? '')
			)!;
		await expect
			.poll(
				() =>
					svg(/^Loss against epoch/)
						.querySelector('path.curve')
						?.getAttribute('d')?.length ?? 0
			)
			.toBeGreaterThan(100);
		expect(svg(/^Data points/).querySelectorAll('.points circle')).toHaveLength(11);
		expect(
			svg(/^Data points/)
				.querySelector('line.fitted')
				?.getAttribute('display')
		).toBeNull();
		expect(svg(/^Contours/).querySelectorAll('.contours path').length).toBeGreaterThan(5);
		expect(
			svg(/^Contours/)
				.querySelector('path.trajectory')
				?.getAttribute('d')?.length
		).toBeGreaterThan(100);
		// Redrawn at most once per frame: far fewer draws than the 1000 epochs.
		expect(drawCounts.get(svg(/^Loss against epoch/))!).toBeLessThan(200);

		// Save PNG draws the chart on a canvas; Save CSV writes the loss history.
		const downloads = captureDownloads();
		try {
			await screen.getByRole('button', { name: 'Save PNG of the loss landscape' }).click();
			await screen.getByRole('button', { name: 'Save CSV of the loss history' }).click();
			await expect.poll(() => downloads.length).toBe(2);
		} finally {
			downloads.stop();
		}
		expect(downloads[0].type).toBe('image/png');
		const image = await createImageBitmap(downloads[0]);
		expect([image.width, image.height]).toEqual([
			2 * svg(/^Contours/).clientWidth,
			2 * svg(/^Contours/).clientHeight
		]);
		const csv = (await downloads[1].text()).split('\n');
		expect(csv[0]).toBe('epoch,loss');
		expect(csv[1]).toMatch(/^1,161(\.\d+)?$/);
		expect(csv[1000]).toMatch(/^1000,/);
		expect(Number(csv[1000].split(',')[1])).toBeCloseTo(1.8667e-6, 9);
	});

	test('trains on WebGPU when chosen, with the same result', async () => {
		const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
		expect(
			gpu && (await gpu.requestAdapter()),
			'WebGPU is required by the browser tests'
		).toBeTruthy();
		const screen = await render(TrainPanelWithLanguage, { doc });
		const option = screen.getByRole('option', { name: /^WebGPU/ });
		await expect.element(option).toBeEnabled();
		await screen.getByRole('combobox', { name: 'Device' }).selectOptions('webgpu');
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect.element(screen.getByText('Device:')).toHaveTextContent('Device: WebGPU');
		await expect.poll(() => logLines(screen.container).length, { timeout: 25_000 }).toBe(20);
		await expect.element(screen.getByLabelText('Predicted values')).toBeVisible();
		expect(Math.abs(shown(screen.container, 'w') - 2)).toBeLessThan(0.05);
		expect(Math.abs(shown(screen.container, 'b') - 1)).toBeLessThan(0.1);
	}, 40_000);

	test('saves the model and loads it back; a mismatched file changes nothing', async () => {
		const screen = await render(TrainPanelWithLanguage, { doc });
		await screen.getByRole('combobox', { name: 'Device' }).selectOptions('cpu');
		await screen.getByRole('textbox', { name: 'Epochs', exact: true }).fill('300');
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect.element(screen.getByLabelText('Predicted values')).toBeVisible();
		const trained = shown(screen.container, 'w');
		const downloads = captureDownloads();
		try {
			await screen.getByRole('button', { name: 'Save model' }).click();
			await expect.poll(() => downloads.length).toBe(1);
		} finally {
			downloads.stop();
		}
		const bytes = new Uint8Array(await downloads[0].arrayBuffer());
		await screen.getByRole('button', { name: 'Reset' }).click();
		await expect.poll(() => shown(screen.container, 'w')).toBe(0);

		const input = screen.getByLabelText('Load model file');
		await input.upload(new File([bytes], 'model.safetensors'));
		await expect.poll(() => shown(screen.container, 'w')).toBe(trained);
		await expect
			.element(screen.getByText(/^Loaded weight, bias from model\.safetensors/))
			.toBeVisible();

		const wrong = new TextEncoder().encode(
			JSON.stringify({
				format: 'autograd-canvas.state_dict',
				version: 1,
				tensors: { weight: { dtype: 'float32', shape: [1, 1], data: [5] } }
			})
		);
		await input.upload(new File([wrong], 'partial.json'));
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent(
				'Error(s) in loading state_dict for Linear: Missing key(s) in state_dict: "bias".'
			);
		expect(shown(screen.container, 'w')).toBe(trained);
	});

	test('a graph without a loss says why it cannot be trained', async () => {
		const screen = await render(TrainPanelWithLanguage, { doc: exampleDocument('chain-rule')! });
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent('nothing to train: the graph has no loss node (add mse_loss)');
		await expect.element(screen.getByRole('button', { name: 'Train' })).toBeDisabled();
		await expect.element(screen.getByRole('button', { name: 'Step epoch' })).toBeDisabled();
		await expect
			.element(screen.getByText('The landscape needs a line model y = w x + b', { exact: false }))
			.toBeInTheDocument();
	});

	test('a bad CSV names its line and keeps the data', async () => {
		const screen = await render(TrainPanelWithLanguage, { doc });
		await screen.getByText('Paste or upload x,y as CSV').click();
		await screen.getByLabelText('CSV data, one x,y pair per line').fill('x,y\n0,1\n1,oops\n');
		await screen.getByRole('button', { name: 'Use CSV' }).click();
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent('line 3: "oops" is not a number (y). The previous data is kept.');
		await expect.element(screen.getByText('11 rows')).toBeVisible();

		await screen.getByLabelText('CSV data, one x,y pair per line').fill('0,0\n1,-2\n2,-4\n');
		await screen.getByRole('button', { name: 'Use CSV' }).click();
		await expect.element(screen.getByText('3 rows from CSV')).toBeVisible();
	});

	test('lr = 5 diverges with the message; lr = 0 is refused in place', async () => {
		const screen = await render(TrainPanelWithLanguage, { doc });
		await screen.getByRole('combobox', { name: 'Device' }).selectOptions('cpu');
		const lr = screen.getByRole('textbox', { name: 'Learning rate (lr)' });
		await lr.fill('0');
		await expect.element(screen.getByText('lr must be greater than 0')).toBeVisible();
		await expect.element(screen.getByRole('button', { name: 'Train' })).toBeDisabled();
		await lr.fill('5');
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent(/^the loss diverged at epoch \d+; try a smaller learning rate$/);
		expect(Number.isFinite(shown(screen.container, 'w'))).toBe(true);
	});

	test('an edit that changes the model pauses a run; Step epoch and Reset then take the new graph', async () => {
		const moved: GraphDocument = {
			...doc,
			nodes: doc.nodes.map((n) => (n.id === 'n2' ? { ...n, position: { x: 900, y: 0 } } : n))
		};
		const withoutBias: GraphDocument = {
			...doc,
			nodes: doc.nodes.filter((n) => n.id !== 'n3'),
			edges: doc.edges.filter((e) => e.source !== 'n3')
		};
		const noTarget: GraphDocument = { ...doc, edges: doc.edges.filter((e) => e.source !== 'n4') };
		let pauses = 0;
		const screen = await render(TrainPanelWithLanguage, { doc, onPausedByEdit: () => pauses++ });
		const note = screen.getByTestId('graph-changed');
		await screen.getByRole('combobox', { name: 'Device' }).selectOptions('cpu');
		await screen.getByRole('textbox', { name: 'Epochs', exact: true }).fill('1000000');
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect.element(screen.getByRole('button', { name: 'Pause' })).toBeVisible();

		// A node moved: the same model, so training goes on.
		await screen.rerender({ doc: moved });
		const epoch = epochOf(screen.container);
		await expect.poll(() => epochOf(screen.container)).toBeGreaterThan(epoch);
		await expect.element(screen.getByRole('button', { name: 'Pause' })).toBeVisible();
		await expect.element(note).not.toBeInTheDocument();

		// The bias deleted: paused at once, and the panel says what Train does now.
		await screen.rerender({ doc: withoutBias });
		await expect.element(screen.getByRole('button', { name: 'Train' })).toBeVisible();
		await expect
			.element(note)
			.toHaveTextContent(
				/^Training paused: the graph changed\. Train starts over on the new graph/
			);
		expect(pauses).toBe(1);
		const paused = epochOf(screen.container);
		expect(paused).toBeGreaterThan(1);

		// Undo: the trained graph again, so Train goes on with the paused run (a new run would
		// be of the 500000 epochs now typed).
		await screen.rerender({ doc });
		await expect.element(note).not.toBeInTheDocument();
		await screen.getByRole('textbox', { name: 'Epochs', exact: true }).fill('500000');
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect.element(screen.getByRole('button', { name: 'Pause' })).toBeVisible();
		expect(screen.container.querySelector('progress')?.max).toBe(1_000_000);
		expect(epochOf(screen.container)).toBeGreaterThanOrEqual(paused);
		await screen.rerender({ doc: withoutBias });
		await expect.element(note).toHaveTextContent(/^Training paused: the graph changed\./);
		expect(pauses).toBe(2);

		// Step epoch starts over on y = w x: its first epoch, no bias.
		await screen.getByRole('button', { name: 'Step epoch' }).click();
		await expect.poll(() => epochOf(screen.container)).toBe(1);
		await expect.element(note).not.toBeInTheDocument();
		expect(shown(screen.container, 'b')).toBe(0);

		// The bias back while not training: nothing paused, Train would start over; Reset does.
		await screen.rerender({ doc });
		await expect
			.element(note)
			.toHaveTextContent(/^The graph changed since this training\. Train starts over/);
		await screen.getByRole('button', { name: 'Reset' }).click();
		await expect.element(note).not.toBeInTheDocument();
		await expect.poll(() => epochOf(screen.container)).toBe(0);
		expect(pauses).toBe(2);

		// An edit that leaves nothing to train pauses a run too, and shows why Train cannot go on.
		await screen.getByRole('button', { name: 'Train' }).click();
		await expect.element(screen.getByRole('button', { name: 'Pause' })).toBeVisible();
		await screen.rerender({ doc: noTarget });
		await expect.element(note).toHaveTextContent(/^Training paused: the graph changed\.$/);
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent("the loss 'loss' needs both inputs wired");
		await expect.element(screen.getByRole('button', { name: 'Train' })).toBeDisabled();
		expect(pauses).toBe(3);
	});
});
