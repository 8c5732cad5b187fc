/**
 * The Train panel in Chinese, trained one epoch (charts, caption and log drawn) and with a bad
 * CSV: no English word is left on it, in its text or in the names and hints it gives screen
 * readers, outside an allowlist of what stays as it is in both languages (op names, PyTorch
 * identifiers, units, CSV, PNG, SGD, CPU, GPU, WebGPU). The log and the predicted values are
 * the tutorial's own printed output (as PyTorch prints it) and stay as they are.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import { exampleDocument } from '$lib/graph';
import TrainPanelWithLanguage from './TrainPanelWithLanguage.svelte';

const doc = exampleDocument('linear-regression')!;

/** Words that read the same in both languages. */
const ALLOWED = new Set([
	'CPU',
	'GPU',
	'WebGPU',
	'SwiftShader',
	'SGD',
	'MSE',
	'CSV',
	'PNG',
	'PyTorch',
	'lr',
	'momentum',
	'epochs',
	'epoch',
	'predicted',
	'weight',
	'ms',
	'MB',
	'KB',
	'NaN'
]);

/** Attributes whose text a reader meets: names, descriptions, hints. */
const ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'data-empty', 'alt'];

/** Text the panel shows or names, minus the printed output of the log and of `predicted`. */
function panelText(root: HTMLElement): string[] {
	const texts: string[] = [];
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
	for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
		if (node instanceof Element) {
			for (const name of ATTRIBUTES) {
				const value = node.getAttribute(name);
				if (value) texts.push(value);
			}
		} else if (!node.parentElement?.closest('pre')) {
			texts.push(node.textContent ?? '');
		}
	}
	return texts;
}

/**
 * English words outside the allowlist; code such as `torch.save(...)` or `mse_loss` and quoted
 * user data (`"oops"`) are skipped.
 */
function englishWords(texts: string[]): string[] {
	const words = new Set<string>();
	for (const text of texts) {
		for (const token of text.split(/[\s，。；：、（）“”]+/)) {
			if (/[._()[\]"]/.test(token)) continue;
			for (const word of token.match(/[A-Za-z]{2,}/g) ?? []) {
				if (!ALLOWED.has(word)) words.add(word);
			}
		}
	}
	return [...words];
}

afterEach(() => {
	document.body.innerHTML = '';
});

describe('the Train panel in Chinese', () => {
	test('trained one epoch and refusing a bad CSV, it has no English word left', async () => {
		await page.viewport(1280, 800);
		const screen = await render(TrainPanelWithLanguage, { doc, locale: 'zh' });
		await screen.getByRole('combobox', { name: '设备' }).selectOptions('cpu');
		await screen.getByRole('button', { name: '训练一轮' }).click();
		await expect.element(screen.getByText('第 1 轮：损失', { exact: false })).toBeVisible();
		await expect.element(screen.getByLabelText('预测值')).toBeInTheDocument();
		await screen.getByText('粘贴或上传 x,y 格式的 CSV').click();
		await screen.getByLabelText('CSV 数据，每行一对 x,y').fill('x,y\n0,1\n1,oops\n');
		await screen.getByRole('button', { name: '使用 CSV' }).click();
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent('第 3 行："oops" 不是数字（y）。原有数据保持不变。');
		// The charts drew their axes (their labels are text in the plot).
		await expect.element(screen.getByText('w（权重）')).toBeInTheDocument();
		await expect.element(screen.getByText('轮 (epoch)')).toBeInTheDocument();

		const texts = panelText(screen.container);
		// The panel is in Chinese (and the English one fails the check: the next test).
		expect(texts.join(' ')).toMatch(/[\u4e00-\u9fff]/);
		expect(englishWords(texts)).toEqual([]);
	});

	test('a graph it cannot train says why in Chinese', async () => {
		const screen = await render(TrainPanelWithLanguage, {
			doc: exampleDocument('chain-rule')!,
			locale: 'zh'
		});
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent('没有可训练的：图里没有损失节点（请添加 mse_loss）');
		expect(englishWords(panelText(screen.container))).toEqual([]);
	});

	test("the same check finds the English panel's words", async () => {
		const screen = await render(TrainPanelWithLanguage, { doc, locale: 'en' });
		await expect.element(screen.getByRole('button', { name: 'Step epoch' })).toBeVisible();
		expect(englishWords(panelText(screen.container))).toEqual(
			expect.arrayContaining(['Train', 'Step', 'Reset', 'Data', 'Log', 'Save'])
		);
	});
});
