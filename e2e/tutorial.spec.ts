import { expect, test, type Page } from '@playwright/test';

const card = (page: Page, title: RegExp) => page.getByRole('region', { name: title });
const output = (page: Page, cardTitle: RegExp, label: string) =>
	card(page, cardTitle).getByRole('group', { name: `Output of ${label}`, exact: true });

test.describe('the tutorial page runs the engine live', () => {
	test.beforeEach(async ({ page }) => {
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto('/tutorial');
		await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('card 1 shows b.grad as ones, card 2 the spread flags', async ({ page }) => {
		await expect(output(page, /Gradients flow through a sum/, 'b.grad')).toHaveText(
			'tensor([[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]])'
		);
		await expect(output(page, /Gradients flow through a sum/, 'y')).toContainText(
			'grad_fn=<SumBackward0>'
		);
		await expect(output(page, /requires_grad spreads/, 'requires_grad flags')).toHaveText(
			'(True, True, True)'
		);
	});

	test('card 3: backward again accumulates, zeroing resets', async ({ page }) => {
		const chain = /The chain rule/;
		await expect(output(page, chain, 'is_leaf')).toHaveText('(True, True, True, False, False)');
		await expect(output(page, chain, 'b.grad')).toHaveText('tensor([1.])');
		const x = await output(page, chain, 'x').innerText();
		// What the cell printed (Run backward again and its status sit under it).
		await expect(output(page, chain, 'w.grad').locator('pre')).toHaveText(x);

		// Keyboard: focus the button and press Enter.
		const again = page.getByRole('button', { name: 'Run backward again' });
		await again.focus();
		await page.keyboard.press('Enter');
		await expect(output(page, chain, 'b.grad')).toHaveText('tensor([2.])');
		const xValue = Number(/tensor\(\[(.*)\]\)/.exec(x)![1]);
		const wGrad = await output(page, chain, 'w.grad').locator('pre').innerText();
		expect(Number(/tensor\(\[(.*)\]\)/.exec(wGrad)![1])).toBeCloseTo(2 * xValue, 3);
		await expect(card(page, chain).getByRole('status')).toContainText('2 times');

		await page.getByRole('button', { name: 'Zero the grads' }).click();
		await expect(output(page, chain, 'b.grad')).toHaveText('tensor([0.])');
	});

	test('a printed line too long for its column wraps under its own text, not at the margin', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 800 });
		const model = output(page, /Linear regression/, 'model');
		await expect(model).toContainText('bias=True');
		// The repr's second line, "  (linear): Linear(...)", is wider than the column at 1280.
		const rows = await model.evaluate((group) => {
			const line = [...group.querySelectorAll('.line')].find((each) =>
				each.textContent!.includes('(linear)')
			)!;
			const range = document.createRange();
			range.selectNodeContents(line);
			const lefts = [...range.getClientRects()].map((rect) => Math.round(rect.left));
			range.setStart(line.firstChild!, 2);
			range.setEnd(line.firstChild!, 3);
			return { lefts, text: Math.round(range.getBoundingClientRect().left) };
		});
		// The last box is the continuation row: it starts right of the line's own text (after its
		// indent), where before it started at the column's margin.
		expect(rows.lefts.length).toBeGreaterThan(1);
		expect(rows.lefts.at(-1)).toBeGreaterThan(rows.text);
	});

	test('card 4: Train 1000 epochs prints 20 log lines and learns w ~ 2', async ({ page }) => {
		const regression = /Linear regression/;
		// The repr prints class names, so the build must keep them (vite.config.ts, keepNames).
		// Its text as shown and copied: one block per printed line.
		await expect
			.poll(() => output(page, regression, 'model').innerText())
			.toBe(
				'LinearRegressionModel(\n  (linear): Linear(in_features=1, out_features=1, bias=True)\n)'
			);
		await page.getByRole('button', { name: 'Train 1000 epochs' }).click();
		const log = output(page, regression, 'the training loop').locator('pre');
		await expect(log).toBeVisible();
		const lines = (await log.innerText()).split('\n').filter((line) => line.trim() !== '');
		expect(lines).toHaveLength(20);
		expect(lines[0]).toMatch(/^epoch 50, loss \d/);
		expect(lines[19]).toMatch(/^epoch 1000, loss \d/);

		const parameters = await output(page, regression, 'the learned weight and bias')
			.locator('pre')
			.innerText();
		const [weight, bias] = /^\((.*), (.*)\)$/.exec(parameters)!.slice(1).map(Number);
		expect(Math.abs(weight - 2)).toBeLessThan(0.05);
		expect(Math.abs(bias - 1)).toBeLessThan(0.1);
	});

	test('Re-seed draws new numbers and keeps the gradients', async ({ page }) => {
		const sum = /Gradients flow through a sum/;
		const before = await output(page, sum, 'x').innerText();
		await page.getByRole('button', { name: 'Re-seed' }).click();
		await expect(output(page, sum, 'x')).not.toHaveText(before);
		await expect(output(page, sum, 'b.grad')).toContainText('tensor([[1., 1., 1., 1.],');
	});
});
