/**
 * The seed tutorial's cells the page ran otherwise than it showed them (QA): each cell runs exactly
 * the code it shows and prints what PyTorch prints for it. Card 3's zeroing cell.
 */
import { expect, test, type Page } from '@playwright/test';

const card = (page: Page, title: RegExp) => page.getByRole('region', { name: title });
const output = (page: Page, cardTitle: RegExp, label: string) =>
	card(page, cardTitle).getByRole('group', { name: `Output of ${label}`, exact: true });
/** The Python cell just before an output group (the grid puts code, then its output). */
const codeOf = (page: Page, cardTitle: RegExp, label: string) =>
	output(page, cardTitle, label).locator('xpath=preceding-sibling::pre[1]');

const CHAIN = /The chain rule/;

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
