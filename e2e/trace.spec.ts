import { expect, test, type Page } from '@playwright/test';
import { graphNode, loadExample, openEditor } from './editor-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const grad = (page: Page, name: string) => graphNode(page, name).locator('[data-role="grad"]');
const value = (page: Page, name: string) => graphNode(page, name).locator('[data-role="value"]');
const badge = (page: Page, name: string, which: string) =>
	graphNode(page, name).locator(`[data-badge="${which}"]`);
const chainPanel = (page: Page) => page.getByRole('region', { name: 'Chain rule' });
const position = (page: Page) => chainPanel(page).locator('.where');
const tensorOf = async (page: Page, name: string, role: 'value' | 'grad') =>
	JSON.parse(
		(await graphNode(page, name).locator(`[data-role="${role}"]`).getAttribute('data-tensor')) ??
			'null'
	);

async function open(page: Page, example: RegExp) {
	const errors = await openEditor(page);
	await loadExample(page, example);
	// Replay at full speed: the tests wait for the end of the animation.
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	return errors;
}

const PYTORCH_SECOND_BACKWARD =
	'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed).';

test.describe('forward and backward, step by step', () => {
	test('autograd basics: grads of b and x are ones, flags as PyTorch', async ({ page }) => {
		const errors = await open(page, /Autograd basics/);
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		const ones = JSON.stringify(Array.from({ length: 3 }, () => [1, 1, 1, 1]));
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', ones);
		await expect(grad(page, 'x')).toHaveAttribute('data-tensor', ones);
		await expect(badge(page, 't', 'requires_grad')).toHaveText('requires_grad=True');
		await expect(badge(page, 't', 'is_leaf')).toHaveText('is_leaf=False');
		await expect(badge(page, 'y', 'is_leaf')).toHaveText('is_leaf=False');
		await expect(badge(page, 't', 'grad_fn')).toHaveText('AddBackward0');
		await expect(badge(page, 'y', 'grad_fn')).toHaveText('SumBackward0');
		// Non-leaves keep no .grad: None, with PyTorch's warning on hover.
		await expect(grad(page, 't')).toHaveText('None');
		await expect(grad(page, 't')).toHaveAttribute('title', /not a leaf Tensor/);
		// The teaching switch shows the gradient that flowed through t, marked as not stored.
		await page.getByRole('switch', { name: 'Show all gradients' }).check();
		await expect(graphNode(page, 't').locator('[data-role="flow-grad"]')).toHaveAttribute(
			'data-tensor',
			ones
		);
		await expect(grad(page, 't')).toHaveText('None');
		expect(errors).toEqual([]);
	});

	test('chain rule: w.grad = x, b.grad = 1, retain_graph doubles them', async ({ page }) => {
		const errors = await open(page, /Chain rule/);
		await page.getByRole('checkbox', { name: 'Retain graph' }).check();
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
		const x = (await tensorOf(page, 'x', 'value')) as number[];
		await expect(grad(page, 'w')).toHaveAttribute('data-tensor', JSON.stringify(x));
		await expect(grad(page, 'x')).toHaveText('None');
		await expect(badge(page, 'w', 'accumulations')).toHaveText('×1');

		await button(page, 'Backward').click();
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[2]');
		await expect(grad(page, 'w')).toHaveAttribute(
			'data-tensor',
			JSON.stringify(x.map((v) => 2 * v))
		);
		await expect(badge(page, 'w', 'accumulations')).toHaveText('×2');

		// Zero grad: grads back to None, the accumulation count to 0.
		await button(page, 'Zero grad').click();
		await expect(grad(page, 'w')).toHaveText('None');
		await expect(grad(page, 'b')).toHaveText('None');
		await expect(badge(page, 'w', 'accumulations')).toHaveText('×0');
		expect(errors).toEqual([]);
	});

	test('chain rule: a second backward without retain_graph is PyTorch error', async ({ page }) => {
		const errors = await open(page, /Chain rule/);
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		await expect(position(page)).toContainText('Step 7 of 7');
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
		const w = await grad(page, 'w').getAttribute('data-tensor');

		await button(page, 'Backward').click();
		await expect(chainPanel(page).getByRole('alert')).toContainText(PYTORCH_SECOND_BACKWARD);
		await expect(chainPanel(page).getByRole('alert')).toContainText(
			'Tick retain_graph before backward'
		);
		const nodeError = graphNode(page, 'z').getByTestId('trace-error');
		await expect(nodeError).toContainText(
			'RuntimeError: Trying to backward through the graph a second time'
		);
		// On the node, PyTorch's long message gives way to what to do: its first lines end in an
		// ellipsis (all of it in the tooltip and the Chain rule panel), the advice shows whole.
		await expect(nodeError.locator('code')).toHaveAttribute('title', /retain_graph=True/);
		const fit = await nodeError.evaluate((p) => {
			const code = p.querySelector('code')!;
			const advice = p.querySelector('span')!.getBoundingClientRect();
			const node = p.closest('.svelte-flow__node')!.getBoundingClientRect();
			const box = p.getBoundingClientRect();
			return {
				clamped: code.scrollHeight > code.clientHeight,
				adviceInside:
					advice.height > 0 && advice.bottom <= box.bottom + 0.5 && box.bottom <= node.bottom + 0.5,
				scrolls: p.scrollHeight > p.clientHeight + 1
			};
		});
		expect(fit).toEqual({ clamped: true, adviceInside: true, scrolls: false });
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
		await expect(grad(page, 'w')).toHaveAttribute('data-tensor', w ?? '');
		expect(errors).toEqual([]);
	});

	test('a refused Backward names its node, in view at the top of the Chain rule panel', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 800 });
		const errors = await open(page, /Linear regression/);
		await button(page, 'Forward').click();
		await expect(position(page)).toContainText('Forward · loss');
		// Backward from the selected pred, which has 11 elements: PyTorch refuses.
		await graphNode(page, 'pred').click();
		await button(page, 'Backward').click();
		const alert = chainPanel(page).getByRole('alert');
		await expect(alert).toContainText('At pred:');
		await expect(alert).toContainText(
			'RuntimeError: grad can be implicitly created only for scalar outputs'
		);
		// pred was selected: the panel says Backward ran from it, and how to run from the output.
		await expect(alert).toContainText('Backward runs from the selected node, pred.');
		// Seen without scrolling: inside the panel's visible part and inside the window.
		const seen = await alert.evaluate((element) => {
			const box = element.getBoundingClientRect();
			const panel = element.closest('.chain')!.getBoundingClientRect();
			return box.top >= panel.top && box.bottom <= panel.bottom && box.bottom <= innerHeight;
		});
		expect(seen).toBe(true);

		// An op with its inputs not wired: the app's own check, named and not said to be PyTorch's.
		await page.getByRole('button', { name: 'mse_loss', exact: true }).click();
		await graphNode(page, 'mse_loss1').click();
		await button(page, 'Backward').click();
		await expect(alert).toContainText('At mse_loss1:');
		await expect(alert).toContainText('missing inputs: input, target');
		await expect(alert).toContainText(
			'Connect the missing inputs, then run Forward or Backward again.'
		);
		await expect(alert).not.toContainText('PyTorch raises');
		await expect(alert).not.toContainText('RuntimeError');
		await expect(alert).not.toContainText('runs from the selected node');
		expect(errors).toEqual([]);
	});

	test('stepping walks the whole trace both ways, the chain rule at every step', async ({
		page
	}) => {
		const errors = await open(page, /Chain rule/);
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		// 5 forward steps (x, w, b, y, z), 2 backward (z, y).
		await expect(position(page)).toContainText('Step 7 of 7');
		for (let i = 7; i >= 1; i--) {
			await expect(position(page)).toContainText(`Step ${i} of 7`);
			if (i === 7) await expect(position(page)).toContainText('Backward · y (MulBackward0)');
			if (i === 6) await expect(position(page)).toContainText('Backward · z (AddBackward0)');
			if (i <= 5) await expect(position(page)).toContainText('Forward ·');
			if (i > 5) await expect(chainPanel(page).getByTestId('chain-tex')).toContainText('∂');
			await button(page, 'Step back').click();
		}
		await expect(button(page, 'Step back')).toBeDisabled();
		await expect(value(page, 'x')).toHaveCount(0);
		for (let i = 1; i <= 7; i++) {
			await button(page, 'Step forward').click();
			await expect(position(page)).toContainText(`Step ${i} of 7`);
			if (i === 6) {
				await expect(position(page)).toContainText('Backward · z (AddBackward0)');
				await expect(chainPanel(page).getByTestId('chain-tex')).toContainText('∂');
			}
			if (i === 7) await expect(position(page)).toContainText('Backward · y (MulBackward0)');
		}
		await expect(button(page, 'Step forward')).toBeDisabled();
		await expect(grad(page, 'w')).toHaveAttribute('data-tensor', /\[/);
		expect(errors).toEqual([]);
	});

	test('keyboard only: every trace control is reachable and works', async ({ page }) => {
		const errors = await open(page, /Chain rule/);
		await page.getByRole('heading', { name: 'Autograd Canvas' }).click();
		await page.keyboard.press('f');
		await expect(value(page, 'z')).toBeVisible();
		await page.keyboard.press('b');
		await expect(grad(page, 'b')).toHaveAttribute('data-tensor', '[1]');
		await expect(position(page)).toContainText('Step 7 of 7');
		await page.keyboard.press('ArrowLeft');
		await expect(position(page)).toContainText('Step 6 of 7');
		// Tab reaches every control of the trace toolbar (mid-trace, so none is disabled).
		await page.getByRole('heading', { name: 'Autograd Canvas' }).click();
		const names = new Set<string>();
		for (let i = 0; i < 90; i++) {
			await page.keyboard.press('Tab');
			names.add(
				await page.evaluate(() => {
					const el = document.activeElement as HTMLElement | null;
					if (!el) return '';
					const label = el.getAttribute('aria-label');
					if (label) return label;
					if (el instanceof HTMLInputElement && el.labels?.[0])
						return el.labels[0].innerText.trim();
					return el.innerText.trim();
				})
			);
		}
		for (const name of [
			'Forward',
			'Backward',
			'Step back',
			'Play',
			'Step forward',
			'Speed',
			'Trace step',
			'Reset',
			'Zero grad',
			'Retain graph',
			'Show all gradients',
			'Presenter mode',
			'Keyboard shortcuts'
		]) {
			expect([...names]).toContain(name);
		}
		await page.getByRole('heading', { name: 'Autograd Canvas' }).click();
		await page.keyboard.press('ArrowRight');
		await expect(position(page)).toContainText('Step 7 of 7');
		// Slowest replay, so step 1 lasts long enough to be read on a loaded machine.
		await page.getByRole('slider', { name: 'Speed' }).fill('0.25');
		await page.getByRole('heading', { name: 'Autograd Canvas' }).click();
		await page.keyboard.press(' ');
		await expect(position(page)).toContainText('Step 1 of 7');
		await page.keyboard.press(' ');
		await page.keyboard.press('?');
		const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
		await expect(help).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(help).toHaveCount(0);
		// `?` opens it and `?` closes it again; Close is focused inside it.
		await page.keyboard.press('?');
		await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
		await page.keyboard.press('?');
		await expect(help).toHaveCount(0);
		await page.keyboard.press('r');
		await expect(value(page, 'z')).toHaveCount(0);

		// Operate with the keyboard: Forward via Enter, Retain graph via Space.
		await button(page, 'Forward').focus();
		await page.keyboard.press('Enter');
		await expect(value(page, 'z')).toBeVisible();
		await page.getByRole('checkbox', { name: 'Retain graph' }).focus();
		await page.keyboard.press(' ');
		await expect(page.getByRole('checkbox', { name: 'Retain graph' })).toBeChecked();
		expect(errors).toEqual([]);
	});

	test('tensors: the chain rule shows numbers, and the picked element follows the pointer', async ({
		page
	}) => {
		const errors = await open(page, /Autograd basics/);
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		await expect(position(page)).toContainText('Step 6 of 6');
		await expect(position(page)).toContainText('Backward · t (AddBackward0)');
		const tex = chainPanel(page).getByTestId('chain-tex');
		// The 3x4 gradients are shown whole (12 entries each: from above, to x, to b), no shape.
		await expect(tex.locator('[data-t="u"]')).toHaveCount(12);
		await expect(tex.locator('[data-t="g0"]')).toHaveCount(12);
		await expect(tex.locator('[data-t="g1"]')).toHaveCount(12);
		await expect(tex).not.toContainText('[3, 4]');
		await expect(tex).not.toContainText('[3,4]');
		await expect(chainPanel(page).getByTestId('chain-explanation')).toHaveText(
			/^The gradient of y with respect to t comes from the step before/
		);
		// The default element is [0, 0]; pointing at x's gradient entry [1, 2] picks it everywhere.
		const element = chainPanel(page).getByTestId('chain-element');
		await expect(element).toHaveText('Element ∂y/∂t[0, 0] = 1.');
		await tex.locator('[data-t="g0"][data-i="1-2"]').hover();
		await expect(element).toHaveText('Element ∂y/∂x[1, 2] = 1.');
		await expect(tex.locator('[data-sel]')).toHaveCount(3);
		for (const slot of ['u', 'g0', 'g1']) {
			await expect(tex.locator(`[data-t="${slot}"][data-sel]`)).toHaveAttribute('data-i', '1-2');
		}
		await expect(chainPanel(page).getByTestId('chain-line').nth(2)).toContainText('[1,2]');
		// Keyboard: with the formulas focused, the arrow keys move the element (not the trace).
		await tex.focus();
		await page.keyboard.press('ArrowRight');
		await expect(element).toHaveText('Element ∂y/∂x[1, 3] = 1.');
		await page.keyboard.press('ArrowUp');
		await expect(element).toHaveText('Element ∂y/∂x[0, 3] = 1.');
		await page.keyboard.press('ArrowLeft');
		await expect(element).toHaveText('Element ∂y/∂x[0, 2] = 1.');
		await expect(position(page)).toContainText('Step 6 of 6');

		// The leaf x, two steps back in the forward pass: its values, and the same element.
		await button(page, 'Step back').click();
		await button(page, 'Step back').click();
		await button(page, 'Step back').click();
		await button(page, 'Step back').click();
		await button(page, 'Step back').click();
		await expect(position(page)).toContainText('Forward · x');
		const x = (await tensorOf(page, 'x', 'value')) as number[][];
		await expect(tex.locator('[data-t="o"]')).toHaveCount(12);
		await expect(element).toHaveText(`Element x[0, 2] = ${x[0][2].toFixed(4)}`);

		// In Chinese the explanations are Chinese.
		await button(page, 'Step forward').click();
		await button(page, 'Step forward').click();
		await button(page, 'Step forward').click();
		await button(page, 'Step forward').click();
		await expect(position(page)).toContainText('Backward · y (SumBackward0)');
		await expect(chainPanel(page).getByTestId('chain-explanation')).toHaveText(
			'Backward starts at y: ∂y/∂y = 1. The gradient of sum is 1 for every element: the upstream gradient is broadcast back as ones.'
		);
		await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('zh');
		const zhPanel = page.getByRole('region', { name: '链式法则' });
		await expect(zhPanel.getByTestId('chain-explanation')).toHaveText(
			'反向传播从 y 开始：∂y/∂y = 1。sum 对每个元素的梯度都是 1：上游梯度以全 1 的形式广播回去。'
		);
		await expect(zhPanel.getByTestId('chain-element')).toHaveText('元素 ∂y/∂t[0, 2] = 1.');
		expect(errors).toEqual([]);
	});

	test('accumulation counts read as words: 1 pass, 2 passes; 1 次 in Chinese', async ({ page }) => {
		const errors = await open(page, /Chain rule/);
		await page.getByRole('checkbox', { name: 'Retain graph' }).check();
		await button(page, 'Forward').click();
		await button(page, 'Backward').click();
		const accumulated = chainPanel(page).locator('.accumulated');
		await expect(accumulated).toContainText('w.grad now holds 1 backward pass.');
		await expect(accumulated).not.toContainText('(es)');
		await button(page, 'Backward').click();
		await expect(accumulated).toContainText('w.grad now holds 2 backward passes.');
		await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('zh');
		await expect(
			page.getByRole('region', { name: '链式法则' }).locator('.accumulated')
		).toContainText('w.grad 现已累加 2 次反向传播。');
		expect(errors).toEqual([]);
	});

	test('presenter mode: toggle and URL flag', async ({ page }) => {
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto('/?present=1');
		await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'true');
		// The palette and the inspector are hidden; the explanation is shown in large type.
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeHidden();
		await page.keyboard.press('f');
		await expect(chainPanel(page).getByTestId('chain-explanation')).toHaveCSS('font-size', /^2\d/);
		await expect(page.getByRole('textbox', { name: 'Name' })).toHaveCount(0);
		await button(page, 'Presenter mode').click();
		await expect(button(page, 'Presenter mode')).toHaveAttribute('aria-pressed', 'false');
		await expect(page).not.toHaveURL(/present=1/);
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
		expect(errors).toEqual([]);
	});
});
