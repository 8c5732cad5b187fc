import { expect, test, type Page } from '@playwright/test';

/**
 * Latin words allowed in the Chinese tutorial's prose: names (the app, PyTorch, Python, the
 * seed's author, the language switch's "English"), PyTorch identifiers the prose names, the
 * tutorial's one-letter variables and units. Code and program output (`pre`, `code`) are not prose.
 */
const ALLOWED = new Set([
	'Autograd',
	'Canvas',
	'PyTorch',
	'Python',
	'qiuzitao',
	'English',
	'GPU',
	'CPU',
	'WebGPU',
	'requires_grad',
	'is_leaf',
	'retain_graph',
	'grad',
	'grad_fn',
	'backward',
	'x_train',
	'y_train',
	'shape',
	'model',
	'predicted',
	'ms',
	'b',
	't',
	'w',
	'x',
	'y',
	'z'
]);

/** Every Latin word of the page's prose: its text outside code and output, and its aria-labels. */
function proseWords(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const texts: string[] = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			if (!node.parentElement?.closest('pre, code, script, style'))
				texts.push(node.textContent ?? '');
		}
		for (const element of document.body.querySelectorAll('[aria-label]')) {
			texts.push(element.getAttribute('aria-label') ?? '');
		}
		return texts.flatMap((text) => text.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []);
	});
}

const language = (page: Page) => page.getByRole('combobox', { name: /^(Language|语言)$/ });

test.describe('the tutorial in both languages', () => {
	test('in Chinese: Chinese headings, buttons and labels, no English prose', async ({ page }) => {
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto('/tutorial');
		await expect(
			page.getByRole('heading', { level: 2, name: 'Gradients flow through a sum' })
		).toBeVisible();
		await language(page).selectOption('zh');

		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		await expect(
			page.getByRole('heading', { level: 2, name: '梯度经过求和反向传播' })
		).toBeVisible();
		await expect(page.getByRole('heading', { level: 2, name: /^链式法则/ })).toBeVisible();
		const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts();
		expect(headings).toHaveLength(5);
		for (const heading of headings) expect(heading).toMatch(/\p{Script=Han}/u);

		// The cells' outputs are named in Chinese, and still run: backward twice accumulates.
		const chain = page.getByRole('region', { name: /^链式法则/ });
		await chain.getByRole('button', { name: '再次反向传播' }).click();
		await expect(chain.getByRole('group', { name: 'b.grad 的输出' })).toHaveText('tensor([2.])');
		await expect(chain.getByRole('status')).toContainText('运行了 2 次');
		await expect(page.getByRole('button', { name: '训练 1000 轮' })).toBeVisible();

		const english = (await proseWords(page)).filter((word) => !ALLOWED.has(word));
		expect(english).toEqual([]);
		expect(errors).toEqual([]);
	});

	test('the choice made on the tutorial is the editor’s, and back', async ({ page }) => {
		await page.goto('/tutorial');
		await expect(page.getByRole('button', { name: 'Re-seed' })).toBeVisible();
		await expect(page.locator('main')).not.toContainText(/\p{Script=Han}/u);
		await language(page).selectOption('zh');
		await expect(page.getByRole('button', { name: '换个随机种子' })).toBeVisible();

		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		await expect(page.getByRole('button', { name: '文件' })).toBeVisible();
		await expect(language(page)).toHaveValue('zh');

		// Switched back in the editor, the tutorial follows.
		await language(page).selectOption('en');
		await expect(page.getByRole('button', { name: 'File', exact: true })).toBeVisible();
		await page.getByRole('link', { name: 'Tutorial' }).click();
		await expect(page).toHaveURL(/\/tutorial$/);
		await expect(
			page.getByRole('heading', { level: 2, name: 'Gradients flow through a sum' })
		).toBeVisible();
		await expect(language(page)).toHaveValue('en');
	});
});
