/**
 * The seed tutorial's cells the page once left out or ran otherwise (QA): each cell runs exactly
 * the code it shows and prints what PyTorch prints for it. Card 3's zeroing cell; card 4's
 * input_dim / output_dim, predicted, torch.save and load_state_dict; card 5, the GPU section.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadStateDict } from '../src/lib/engine/serialize';

const fixture = (name: string) =>
	fileURLToPath(new URL(`../tests/fixtures/torch/${name}`, import.meta.url));

const card = (page: Page, title: RegExp) => page.getByRole('region', { name: title });
const output = (page: Page, cardTitle: RegExp, label: string) =>
	card(page, cardTitle).getByRole('group', { name: `Output of ${label}`, exact: true });
/** The Python cell just before an output group (the grid puts code, then its output). */
const codeOf = (page: Page, cardTitle: RegExp, label: string) =>
	output(page, cardTitle, label).locator('xpath=preceding-sibling::pre[1]');

const CHAIN = /The chain rule/;
const REGRESSION = /Linear regression/;
const GPU = /Train on the GPU/;
const MODEL_REPR =
	'LinearRegressionModel(\n  (linear): Linear(in_features=1, out_features=1, bias=True)\n)';

let errors: string[];
test.beforeEach(async ({ page }) => {
	errors = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto('/tutorial');
	await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
});
test.afterEach(() => expect(errors).toEqual([]));

test('card 3: each gradient button runs its own cell and prints what PyTorch prints', async ({
	page
}) => {
	// Run backward again sits on the cell it runs: z.backward(...) then w.grad.
	const backwardCode = codeOf(page, CHAIN, 'w.grad');
	await expect(backwardCode).toHaveText(
		'z.backward(retain_graph=True)  # grads add up unless zeroed\nw.grad'
	);
	await expect(
		output(page, CHAIN, 'w.grad').getByRole('button', { name: 'Run backward again' })
	).toBeVisible();

	// Zero the grads runs w.grad.zero_(); b.grad.zero_(), alone in its cell.
	const zero = output(page, CHAIN, 'zeroing the grads');
	await expect(codeOf(page, CHAIN, 'zeroing the grads')).toHaveText(
		'w.grad.zero_(); b.grad.zero_()'
	);
	await expect(zero.locator('pre')).toHaveCount(0);
	await expect(zero).toContainText('Not run yet');

	const x = await output(page, CHAIN, 'x').innerText();
	const xValue = Number(/tensor\(\[(.*)\]\)/.exec(x)![1]);
	await page.getByRole('button', { name: 'Run backward again' }).click();
	const wGrad = await output(page, CHAIN, 'w.grad').locator('pre').innerText();
	expect(Number(/tensor\(\[(.*)\]\)/.exec(wGrad)![1])).toBeCloseTo(2 * xValue, 3);

	// IPython prints the value of the cell's last expression, b.grad.zero_(): tensor([0.]).
	await zero.getByRole('button', { name: 'Zero the grads' }).click();
	await expect(zero.locator('pre')).toHaveText('tensor([0.])');
	await expect(output(page, CHAIN, 'b.grad')).toHaveText('tensor([0.])');
	// The backward cell keeps what it printed when it ran, as a notebook does.
	await expect(output(page, CHAIN, 'w.grad').locator('pre')).toHaveText(wGrad);

	// Run again after zeroing: w.grad = x once more, b.grad = 1.
	await page.getByRole('button', { name: 'Run backward again' }).click();
	await expect(output(page, CHAIN, 'w.grad').locator('pre')).toHaveText(x);
	await expect(output(page, CHAIN, 'b.grad')).toHaveText('tensor([1.])');
});

test("card 4 shows the seed's input_dim / output_dim, and predicted as NumPy prints it", async ({
	page
}) => {
	await expect(codeOf(page, REGRESSION, 'model')).toHaveText(
		'input_dim = 1  # input data dimension = 1\noutput_dim = 1 # output data dimension = 1\n\nmodel = LinearRegressionModel(input_dim, output_dim)\nmodel'
	);
	await expect(codeOf(page, REGRESSION, 'predicted')).toHaveText(
		'predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()\npredicted'
	);
	await page.getByRole('button', { name: 'Train 1000 epochs' }).click();
	await expect(output(page, REGRESSION, 'the training loop').locator('pre')).toBeVisible();
	const predicted = await output(page, REGRESSION, 'predicted').innerText();
	const lines = predicted.split('\n');
	expect(lines).toHaveLength(11);
	expect(lines[0]).toMatch(/^array\(\[\[ 0\.\d+ *\],$/);
	for (let i = 1; i < 10; i++) expect(lines[i]).toMatch(/^ {7}\[[ \d]\d\.\d+ *\],$/);
	expect(lines[10]).toMatch(/^ {7}\[21\.\d+ *\]\], dtype=float32\)$/);
	// NumPy aligns the decimal points of every row.
	expect(new Set(lines.map((line) => line.indexOf('.'))).size).toBe(1);
	lines.forEach((line, i) =>
		expect(Math.abs(Number(/\[\s*([\d.]+)\s*\]/.exec(line)![1]) - (2 * i + 1))).toBeLessThan(0.05)
	);
});

test('card 4: load before any save raises FileNotFoundError; save then load prints <All keys matched successfully>', async ({
	page
}) => {
	const load = output(page, REGRESSION, 'loading the model');
	await expect(codeOf(page, REGRESSION, 'loading the model')).toHaveText(
		"model.load_state_dict(torch.load('model.pkl'))"
	);
	await expect(codeOf(page, REGRESSION, 'saving the model')).toHaveText(
		"torch.save(model.state_dict(), 'model.pkl')"
	);
	await load.getByRole('button', { name: 'Load model.pkl' }).click();
	await expect(load.locator('pre')).toHaveText(
		"FileNotFoundError: [Errno 2] No such file or directory: 'model.pkl'"
	);

	// Train, save, re-seed (a new, untrained model), load: the trained parameters come back.
	await page.getByRole('button', { name: 'Train 1000 epochs' }).click();
	const parameters = output(page, REGRESSION, 'the learned weight and bias').locator('pre');
	await expect(output(page, REGRESSION, 'the training loop').locator('pre')).toBeVisible();
	const trained = await parameters.innerText();
	const trainedPredicted = await output(page, REGRESSION, 'predicted').innerText();
	const save = output(page, REGRESSION, 'saving the model');
	await save.getByRole('button', { name: 'Save model.pkl' }).click();
	// torch.save prints nothing.
	await expect(save.locator('pre')).toHaveCount(0);
	await expect(save).toContainText(/Saved model\.pkl in this page \(\d+ bytes/);

	// The download is torch.save's file, which the reader reads back as linear.weight, linear.bias.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		save.getByRole('button', { name: 'Download model.pkl' }).click()
	]);
	expect(download.suggestedFilename()).toBe('model.pkl');
	const bytes = new Uint8Array(await readFile(await download.path()));
	expect(Object.keys(loadStateDict(bytes))).toEqual(['linear.weight', 'linear.bias']);

	await page.getByRole('button', { name: 'Re-seed' }).click();
	await expect(parameters).not.toHaveText(trained);
	await expect(load.locator('pre')).toHaveCount(0);
	await expect(load).toContainText('model.pkl is the file the cell above saved.');
	await load.getByRole('button', { name: 'Load model.pkl' }).click();
	await expect(load.locator('pre')).toHaveText('<All keys matched successfully>');
	await expect(parameters).toHaveText(trained);
	await expect(output(page, REGRESSION, 'predicted')).toHaveText(trainedPredicted);
});

test("card 4 loads the model.pkl PyTorch saved, and refuses another model's file", async ({
	page
}) => {
	const load = output(page, REGRESSION, 'loading the model');
	const expected = JSON.parse(await readFile(fixture('expected.json'), 'utf8'))['model.pkl'];
	await load.getByLabel('Choose a model file').setInputFiles(fixture('model.pkl'));
	await expect(load).toContainText('model.pkl is the file you chose, model.pkl.');
	await load.getByRole('button', { name: 'Load model.pkl' }).click();
	await expect(load.locator('pre')).toHaveText('<All keys matched successfully>');
	// What PyTorch prints for model.linear.weight.item(), model.linear.bias.item().
	const w: number = expected['linear.weight'].data[0];
	const b: number = expected['linear.bias'].data[0];
	await expect(output(page, REGRESSION, 'the learned weight and bias').locator('pre')).toHaveText(
		`(${w}, ${b})`
	);
	await expect(output(page, REGRESSION, 'predicted')).toContainText('array([[ 0.9993773],');

	await load.getByLabel('Choose a model file').setInputFiles(fixture('two-layer.pt'));
	await load.getByRole('button', { name: 'Load model.pkl' }).click();
	// PyTorch's message, each problem on its own line after a tab.
	await expect
		.poll(() => load.locator('pre').innerText())
		.toBe(
			'RuntimeError: Error(s) in loading state_dict for LinearRegressionModel:\n\tMissing key(s) in state_dict: "linear.weight", "linear.bias". \n\tUnexpected key(s) in state_dict: "0.weight", "0.bias", "2.weight", "2.bias". '
		);
	await expect(output(page, REGRESSION, 'the learned weight and bias').locator('pre')).toHaveText(
		`(${w}, ${b})`
	);
});

test("card 5, the GPU section: the seed's code, the device it ran on, model.to(device) and the loop", async ({
	page
}) => {
	const gpu = card(page, GPU);
	await expect(codeOf(page, GPU, 'the model on the device')).toHaveText(
		'device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")\nmodel.to(device)'
	);
	// Its text as shown and copied: one block per printed line.
	await expect
		.poll(() => output(page, GPU, 'the model on the device').locator('pre').innerText())
		.toBe(MODEL_REPR);
	await expect(gpu.getByText('model = LinearRegressionModel(input_dim, output_dim)')).toBeVisible();
	await expect(codeOf(page, GPU, 'the training loop')).toContainText(
		'inputs = torch.from_numpy(x_train).to(device)\n    labels = torch.from_numpy(y_train).to(device)'
	);

	// Headless Chromium here has only SwiftShader, a software adapter: not a GPU, so Auto runs on
	// the CPU, says so, and device prints as PyTorch's cpu.
	const note = gpu.getByTestId('device-note');
	await expect(note).toContainText('torch.cuda.is_available() is False: this runs on the CPU');
	await expect(output(page, GPU, 'the device').locator('pre')).toHaveText("device(type='cpu')");
	await gpu.getByRole('button', { name: 'Run the loop on the CPU' }).click();
	const log = output(page, GPU, 'the training loop').locator('pre');
	await expect(log).toBeVisible();
	const lines = (await log.innerText()).split('\n');
	expect(lines).toHaveLength(20);
	lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^epoch ${50 * (i + 1)}, loss \\d`)));
	await expect(gpu.getByRole('status')).toContainText('1000 epochs on the CPU');

	// Forced onto WebGPU: device prints as cuda:0, which WebGPU stands in for, and the note names
	// the software adapter honestly.
	await gpu.getByRole('combobox', { name: 'Device' }).selectOption('webgpu');
	await expect(output(page, GPU, 'the device').locator('pre')).toHaveText(
		"device(type='cuda', index=0)"
	);
	await expect(note).toContainText('a software adapter that runs on the CPU');
	await expect(log).toHaveCount(0);
	await gpu.getByRole('button', { name: 'Run the loop on the GPU' }).click();
	await expect(gpu.getByRole('status')).toContainText('1000 epochs on the GPU', {
		timeout: 45_000
	});
	const gpuLines = (await log.innerText()).split('\n');
	expect(gpuLines).toHaveLength(20);
	expect(gpuLines[19]).toMatch(/^epoch 1000, loss \d/);
});
