/**
 * Issue #13, acceptance 3: every screen of the app in 简体中文 shows no English word outside an
 * allowlist (op names, PyTorch identifiers, keys, file formats, the example graphs' node names,
 * number formats). Each test opens screens with the locale set to zh and scans what is visible:
 * the page's innerText plus the aria-label, title and placeholder of visible elements.
 */
import { expect, test, type Page } from '@playwright/test';
import { OP_LIST } from '../src/lib/engine';
import { EXAMPLES, exampleDocument } from '../src/lib/graph/examples';
import { translate, type MessageKey } from '../src/lib/i18n/messages';
import { LESSONS } from '../src/lib/lessons/lessons';
import { graphNode, storedText, wire } from './editor-helpers';

const zh = (key: MessageKey, params?: Record<string, string | number>) =>
	translate('zh', key, params);
/** A message as shown: code between backticks is shown without them. */
const shown = (text: string) => text.replace(/`/g, '');

/** Words that stay as they are in the Chinese UI. */
const ALLOWLIST = new Set<string>([
	// PyTorch identifiers and names.
	...['requires_grad', 'grad', 'grad_fn', 'retain_graph', 'retain_grad', 'backward', 'tensor'],
	...['nn', 'Linear', 'MSELoss', 'SGD', 'lr', 'torch', 'numpy', 'np', 'dtype', 'float32', 'cuda'],
	...['cpu', 'None', 'True', 'False', 'optim', 'state_dict', 'zero_grad'],
	// A loss's reduction values, as PyTorch spells them (mean and sum are op names too).
	...['none', 'mean', 'sum'],
	...['is_leaf', 'Python', 'PYTHON', 'model', 'optimizer', 'save', 'path', 'x_train', 'y_train'],
	// The Train panel's settings name PyTorch's arguments in brackets: 学习率 (lr), 动量 (momentum),
	// 轮数 (epochs), 预测值 (predicted); its log prints NumPy's array([[...]]).
	...['momentum', 'epochs', 'epoch', 'predicted', 'array'],
	// The tutorial's author, credited by name.
	'qiuzitao',
	// A leaf's init named after its torch function (torch.zeros, torch.randn, ...).
	...['zeros', 'ones', 'full', 'arange', 'rand', 'randn'],
	...['py', 'pt', 'pth', 'pkl', 'safetensors', 'json', 'csv', 'png', 'svg'],
	...['AddBackward0', 'MulBackward0', 'SumBackward0', 'MeanBackward0', 'MseLossBackward0'],
	...['AddmmBackward0', 'SubBackward0', 'TBackward0', 'AccumulateGrad'],
	// The product, formats and devices.
	...['Autograd', 'Canvas', 'PyTorch', 'CSV', 'PNG', 'SVG', 'JSON', 'CPU', 'GPU', 'WebGPU'],
	...['SwiftShader'],
	// Keys.
	...['Shift', 'Ctrl', 'Space', 'Enter', 'Esc', 'Delete', 'Tab', 'Alt', 'Cmd'],
	// Svelte Flow's attribution link.
	...['Svelte', 'Flow'],
	// The language switch names each language in its own language.
	'English',
	// Number formats.
	...['e', 'inf', 'nan', 'Infinity', 'NaN'],
	// A graph file's field for a node's or a wire's id, as the file spells it.
	'id',
	// The palette's leaves and their default names.
	...['x', 'w', 'b', 't', 'y', 'z', 'pred', 'loss', 'weight', 'bias'],
	// Every op of the registry: its id, symbol (math: ln, Wx+b, ReLU, MSE), inputs, attributes
	// and Python spellings.
	...OP_LIST.flatMap((op) => [
		op.id,
		...(op.ui?.symbol.match(/[A-Za-z]+/g) ?? []),
		...op.inputs,
		...(op.attrs ?? []).map((attr) => attr.name),
		...(op.python?.methods ?? []),
		...(op.python?.torch ?? []),
		...(op.python?.functional ?? [])
	]),
	// The example graphs' node names.
	...EXAMPLES.flatMap(
		(example) => exampleDocument(example.id)?.nodes.map((node) => node.name) ?? []
	)
]);

/**
 * Allowlisted words also match as the parts of snake_case words (mse_loss, log_softmax), and with
 * a number after them: the names the canvas gives new nodes (mul1, relu2), which the canvas's
 * node labels and connection points quote.
 */
function allowed(word: string): boolean {
	const listed = (name: string) =>
		ALLOWLIST.has(name) || name.split('_').every((part) => part === '' || ALLOWLIST.has(part));
	return listed(word) || listed(word.replace(/\d+$/, ''));
}

/**
 * The English words visible on the page: in its innerText and in the aria-label, title and
 * placeholder of visible elements, outside `skip`.
 */
async function englishWords(page: Page, skip: string[] = []): Promise<string[]> {
	const texts = await page.evaluate((skipSelectors) => {
		// KaTeX's MathML copy is for screen readers: TeX source (\frac, \partial), not words.
		// Svelte Flow's attribution link names the library (its own words, allowlisted as a whole).
		// [data-verbatim] marks text quoted as written in every language: PyTorch's own error
		// messages (the app teaches them as PyTorch prints them) and a parser's diagnostics.
		const skipped = [
			...skipSelectors,
			'.katex-mathml',
			'.svelte-flow__attribution',
			'[data-verbatim]'
		];
		const inSkipped = (element: Element) =>
			skipped.some((selector) => element.closest(selector) !== null);
		// innerText leaves out what is not displayed: hide the skipped elements while reading it.
		const hidden = skipped.flatMap((selector) => [
			...document.querySelectorAll<HTMLElement | SVGElement>(selector)
		]);
		const displays = hidden.map((element) => element.style.display);
		for (const element of hidden) element.style.display = 'none';
		const text = document.body.innerText;
		hidden.forEach((element, i) => (element.style.display = displays[i]));
		const attributes: string[] = [];
		for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
			if (inSkipped(element) || !element.checkVisibility()) continue;
			for (const name of ['aria-label', 'title', 'placeholder']) {
				const value = element.getAttribute(name);
				if (value) attributes.push(value);
			}
		}
		return [text, ...attributes];
	}, skip);
	// Each word once, with the text around its first appearance, to find where it comes from.
	const words = new Map<string, string>();
	for (const text of texts) {
		// Words of two or more Latin letters, snake_case kept whole; hex and numbers do not count.
		for (const match of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
			const word = match[0];
			if (!/[A-Za-z]{2,}/.test(word) || allowed(word) || words.has(word)) continue;
			const around = text.slice(Math.max(0, match.index - 30), match.index + word.length + 30);
			words.set(word, `${word} «${around.replace(/\s+/g, ' ').trim()}»`);
		}
	}
	return [...words.keys()].sort().map((word) => words.get(word)!);
}

/** Fails listing every English word of `screen` outside the allowlist. */
async function expectChinese(page: Page, screen: string, skip?: string[]) {
	expect.soft(await englishWords(page, skip), `English words on: ${screen}`).toEqual([]);
}

/**
 * The Code panel's program: Python, so its code stays as it is, but every comment is Chinese,
 * with only allowlisted words (code: names, calls) in Latin letters.
 */
async function expectChineseComments(page: Page) {
	const text = await page.getByTestId('generated-code').innerText();
	const comments = text.split('\n').filter((line) => line.trimStart().startsWith('#'));
	expect(comments.length).toBeGreaterThan(0);
	for (const line of comments) {
		expect(line).toMatch(/[\u4e00-\u9fff]/);
		const words = [...line.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
		expect(
			words.filter((word) => /[A-Za-z]{2,}/.test(word) && !allowed(word)),
			line
		).toEqual([]);
	}
}

async function openZh(page: Page, path = '/') {
	await page.addInitScript(() => localStorage.setItem('autograd-canvas.locale', 'zh'));
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto(path);
	return errors;
}

const button = (page: Page, key: MessageKey) =>
	page.getByRole('button', { name: zh(key), exact: true });

async function loadExampleZh(page: Page, id: (typeof EXAMPLES)[number]['id']) {
	const example = EXAMPLES.find((candidate) => candidate.id === id)!;
	await button(page, 'toolbar.examples').click();
	await page.getByRole('menuitem', { name: example.title.zh }).click();
}

async function fileMenuZh(page: Page, item: MessageKey) {
	await button(page, 'toolbar.file').click();
	await page.getByRole('menuitem', { name: zh(item), exact: true }).click();
}

test.describe('the Chinese UI shows no English outside the allowlist', () => {
	test('the editor after Forward and Backward, the Inspector, menus and dialogs', async ({
		page
	}) => {
		const errors = await openZh(page);
		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
		await expectChinese(page, 'the editor as opened');

		await button(page, 'toolbar.file').click();
		await expect(page.getByRole('menuitem').first()).toBeVisible();
		await expectChinese(page, 'the File menu');
		await page.keyboard.press('Escape');
		await button(page, 'toolbar.examples').click();
		await expect(page.getByRole('menuitem').first()).toBeVisible();
		await expectChinese(page, 'the Examples menu');
		await page.keyboard.press('Escape');

		await loadExampleZh(page, 'chain-rule');
		await expect(graphNode(page, 'z')).toBeVisible();
		await page.getByRole('slider', { name: zh('trace.speed') }).fill('4');
		await button(page, 'trace.forward').click();
		await expect(graphNode(page, 'z').locator('[data-role="value"]')).toBeVisible();
		await button(page, 'trace.backward').click();
		await expect(graphNode(page, 'w').locator('[data-role="grad"]')).toBeVisible();
		await expect(page.getByRole('region', { name: zh('chain.title') })).toBeVisible();
		await expectChinese(page, 'the editor after Forward and Backward (nodes, chain rule, trace)');

		// The Inspector with a leaf, then an op, selected.
		await graphNode(page, 'w').click();
		await expect(page.getByRole('textbox', { name: zh('inspector.name') })).toHaveValue('w');
		await expectChinese(page, 'the Inspector with the leaf w');
		await graphNode(page, 'z').click();
		await expect(page.getByRole('textbox', { name: zh('inspector.name') })).toHaveValue('z');
		await expectChinese(page, 'the Inspector with the op z');

		// A refused wire says why in Chinese, on the status line.
		await wire(page, 'x', 'z', 'other');
		await expect(page.locator('footer .notice')).toHaveText(
			zh('notice.wireRefused', {
				reason: translate('zh', 'refusal.wireConnected', { input: 'other', name: 'z' })
			})
		);
		await expectChinese(page, 'a refused wire');

		// A new op with nothing wired in says so in Chinese (its inputs keep PyTorch's names).
		await page.getByRole('button', { name: 'mul', exact: true }).click();
		await expect(graphNode(page, 'mul1')).toContainText(
			zh('node.missingInputs', { inputs: 'input, other' })
		);
		// (Its name, mul1, is the user's to change: not a word of the UI.)
		await expectChinese(page, 'a new op with missing inputs', ['[data-node-name="mul1"] .name']);
		await button(page, 'toolbar.undo').click();
		await expect(graphNode(page, 'mul1')).toHaveCount(0);

		// A second Backward without retain_graph: PyTorch's error, with our hint.
		await button(page, 'trace.backward').click();
		const alert = page.getByRole('region', { name: zh('chain.title') }).getByRole('alert');
		await expect(alert).toBeVisible();
		// PyTorch's own error message quoted in the alert stays as PyTorch writes it.
		await expectChinese(page, 'the chain rule with a PyTorch error');

		await fileMenuZh(page, 'recent.menu');
		const recent = page.getByRole('dialog', { name: zh('recent.title') });
		await expect(recent).toBeVisible();
		await expectChinese(page, 'Recent');
		await recent
			.getByRole('button', { name: zh('recent.close') })
			.first()
			.click();

		await button(page, 'trace.help').click();
		const help = page.getByRole('dialog', { name: zh('help.title') });
		await expect(help).toBeVisible();
		await expectChinese(page, 'the help dialog');
		await help.getByRole('button', { name: zh('help.close') }).click();

		await page.getByRole('button', { name: zh('trace.presenter') }).click();
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeHidden();
		await expectChinese(page, 'presenter mode');
		await page.getByRole('button', { name: zh('trace.presenter') }).click();

		expect(errors).toEqual([]);
	});

	test('the Code panel and Import code with problems and notes', async ({ page }) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'linear-regression');
		await expect(graphNode(page, 'weight')).toBeVisible();
		await button(page, 'panels.code').click();
		await expect(button(page, 'importCode.open')).toBeVisible();
		// The panel's program is Python: it is code, not UI text.
		await expectChinese(page, 'the Code panel', ['pre']);

		await button(page, 'importCode.open').click();
		const dialog = page.getByRole('dialog', { name: zh('importCode.title') });
		await expect(dialog).toBeVisible();
		await expectChinese(page, 'the Import code dialog', ['pre']);
		await dialog
			.getByRole('textbox', { name: zh('importCode.text') })
			.fill(
				[
					'import torch.nn as nn',
					'x = torch.ones(2, requires_grad=True)',
					'y = numpy.zeros(2)',
					'z = (x * 2).sum()',
					'x = x + 1',
					'model = nn.Linear(2, 1)',
					"torch.save(model.state_dict(), 'model.pkl')"
				].join('\n')
			);
		await dialog.getByRole('button', { name: zh('importCode.preview') }).click();
		await expect(dialog.getByRole('list', { name: /^未导入/ })).toBeVisible();
		const notes = dialog.getByRole('list', { name: /^说明/ });
		await expect(notes).toContainText('请用训练面板里的“保存模型”');
		// A name assigned again is imported (as x_1), with a note in Chinese: not a problem.
		await expect(notes).toContainText('读取了旧的 x（在第 2 行赋值）');
		await expect(dialog.getByRole('list', { name: /^未导入/ })).not.toContainText('x_1');
		// The importer's problems and notes are worded in Chinese around the code they quote (that
		// code is data-verbatim); each problem begins with what kind of problem it is, in Chinese.
		const problems = dialog.getByRole('list', { name: /^未导入/ });
		const summaries = await problems.locator('.summary').allTextContents();
		expect(summaries.length).toBeGreaterThan(0);
		expect(summaries).toHaveLength(await problems.getByRole('listitem').count());
		for (const summary of summaries) expect(summary).toMatch(/^[\u4e00-\u9fff，]+$/);
		expect(summaries).toContain(zh('importCode.kind.undefined-name'));
		await expectChinese(page, 'the Import code preview', ['pre', 'textarea']);
		await dialog.getByRole('button', { name: zh('importCode.accept'), exact: true }).click();
		await expect(dialog.getByRole('alert')).toBeVisible();
		await expectChinese(page, 'the Import code confirmation', ['pre', 'textarea']);
		await dialog.getByRole('button', { name: zh('importCode.cancel') }).click();
		expect(errors).toEqual([]);
	});

	test("the Code panel's program: its comments are Chinese, its code as it is", async ({
		page
	}) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'autograd-basics');
		await expect(graphNode(page, 'x')).toBeVisible();
		await button(page, 'panels.code').click();
		const program = page.getByTestId('generated-code');
		// The randn leaves' comment, which Import code reads back (the draw and its seed).
		const drawn = (seed: number) =>
			'# ' +
			zh('code.comment.drawn', {
				draw: zh('code.comment.drawnBy', { init: 'randn', size: '3, 4', seed })
			});
		await expect(program).toContainText(drawn(1));
		await expect(program).toContainText(drawn(2));
		await expectChineseComments(page);

		await loadExampleZh(page, 'linear-regression');
		await expect(program).toContainText('# ' + zh('code.comment.onePass'));
		await expect(program).toContainText('# ' + zh('code.comment.trainingLoop'));
		await expectChineseComments(page);
		expect(errors).toEqual([]);
	});

	test('Import code: a for loop, an unknown function, a name assigned in the loop', async ({
		page
	}) => {
		const errors = await openZh(page);
		await button(page, 'panels.code').click();
		await button(page, 'importCode.open').click();
		const dialog = page.getByRole('dialog', { name: zh('importCode.title') });
		await dialog
			.getByRole('textbox', { name: zh('importCode.text') })
			.fill(
				[
					'x = torch.ones(2, requires_grad=True)',
					'for i in range(3):',
					'    z = x * 2',
					'y = foo(x)',
					'w = z + 1',
					's = "abc'
				].join('\n')
			);
		await dialog.getByRole('button', { name: zh('importCode.preview') }).click();
		const problems = dialog.getByRole('list', { name: /^未导入/ });
		await expect(problems).toBeVisible();
		// Ours, in Chinese: the loop, the unknown name, the name that has no value.
		await expect(problems).toContainText(shown(zh('importCode.problem.for')));
		await expect(problems).toContainText(
			shown(zh('importCode.problem.undefinedName', { name: 'foo' }))
		);
		await expect(problems).toContainText(
			shown(
				zh('importCode.problem.noValue', {
					name: 'z',
					why: zh('importCode.reason.assignedInBlock', { keyword: 'for', line: 2 })
				})
			)
		);
		for (const english of [
			'outside the subset',
			'has no value',
			'is not defined',
			'not imported',
			'is assigned in'
		])
			await expect(problems).not.toContainText(english);
		// The name without a value is labelled so, not as a name that is not defined.
		const noValue = problems.locator('li', { hasText: '没有值' });
		await expect(noValue.locator('.summary')).toHaveText(zh('importCode.kind.no-value'));
		// Python's syntax error stays Python's words, marked verbatim.
		await expect(
			problems.locator('[data-verbatim]', { hasText: 'unterminated string literal' })
		).toHaveCount(1);
		await expectChinese(page, 'the Import code problems of a loop', ['pre', 'textarea']);
		expect(errors).toEqual([]);
	});

	test('Problems: a bad share link', async ({ page }) => {
		await openZh(page, '/#g1.this-is-not-a-graph');
		const dialog = page.getByRole('dialog', { name: zh('problems.linkTitle') });
		await expect(dialog).toBeVisible();
		await expectChinese(page, 'the Problems dialog of a bad link');
	});

	test('Problems: a document file with problems', async ({ page }) => {
		const errors = await openZh(page);
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
		const tensor = (id: string, name: string, attrs: Record<string, unknown>) => ({
			id,
			op: 'tensor',
			name,
			position: { x: 0, y: 0 },
			attrs: { shape: [2], init: 'zeros', requiresGrad: false, ...attrs }
		});
		const file = {
			format: 'autograd-canvas.graph',
			version: 1,
			nodes: [
				tensor('n1', 'x', { shape: [2, 3], init: 'values', values: [1] }),
				{ id: 'n2', op: 'pred', name: 'y', position: { x: 0, y: 0 } },
				tensor('n5', 'big', { shape: [1000, 1000, 1000] }),
				{ ...tensor('n3', 'w', {}), attrs: { shape: [2], init: 'zeros', color: 1 } },
				{
					id: 'n4',
					op: 'mse_loss',
					name: 'loss',
					position: { x: 0, y: 0 },
					attrs: { reduction: 'avg' }
				}
			],
			edges: [{ id: 'e1', source: 'n9', target: 'n4', targetInput: 'input' }]
		};
		const chooser = page.waitForEvent('filechooser');
		await fileMenuZh(page, 'toolbar.open');
		await (
			await chooser
		).setFiles({
			name: 'x.json',
			mimeType: 'application/json',
			buffer: Buffer.from(JSON.stringify(file))
		});
		const dialog = page.getByRole('dialog', { name: zh('problems.fileTitle') });
		await expect(dialog).toBeVisible();
		const items = dialog.getByRole('listitem');
		await expect(items).toHaveText([
			`nodes[0].attrs.values: ${zh('problem.valuesCount', { expected: 6, shape: '2, 3', got: 1 })}`,
			`nodes[1].op: ${zh('problem.unknownOp', { op: 'pred' })}`,
			`nodes[2].attrs.shape: ${zh('problem.tooManyElements', { count: '1,000,000,000', max: '67,108,864' })}`,
			`nodes[3].attrs.requiresGrad: ${zh('problem.required')}`,
			`nodes[3].attrs.color: ${zh('problem.unknownField')}`,
			`nodes[4].attrs.reduction: ${zh('problem.badReduction', { reason: 'avg is not a valid value for reduction' })}`,
			`edges[0].source: ${zh('problem.unknownNode', { id: 'n9' })}`
		]);
		// PyTorch's own words stay as written, marked as such; no English sentence of ours is left.
		await expect(items.nth(5).locator('[data-verbatim]').last()).toHaveText(
			'avg is not a valid value for reduction'
		);
		for (const english of ['required', 'unknown field', 'expected', 'no node with id', 'exceeds']) {
			await expect(dialog).not.toContainText(english);
		}
		await expectChinese(page, 'the Problems dialog of a bad file');
		await dialog.getByRole('button', { name: zh('problems.close') }).click();
		expect(errors).toEqual([]);
	});

	test('the Train panel: Save model of a graph PyTorch refuses', async ({ page }) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'linear-regression');
		await graphNode(page, 'weight').click();
		const shape = page.getByRole('textbox', { name: zh('inspector.shape') });
		await shape.fill('1, 2');
		await shape.press('Enter');
		await button(page, 'panels.train').click();
		const panel = page.getByRole('complementary', { name: zh('panels.train') });
		await panel.getByRole('button', { name: zh('trainPanel.saveModel') }).click();
		const files = panel.getByRole('region', { name: zh('trainPanel.model'), exact: true });
		const alert = files.getByRole('alert');
		await expect(alert).toContainText(zh('trainPanel.saveFailed'));
		await expect(alert.locator('[data-verbatim]')).toHaveText(
			'mat1 and mat2 shapes cannot be multiplied (11x1 and 2x1)'
		);
		// Outside PyTorch's words, the message is Chinese.
		const ours = await alert.evaluate((element) => {
			const copy = element.cloneNode(true) as HTMLElement;
			for (const quoted of copy.querySelectorAll('[data-verbatim]')) quoted.remove();
			return copy.textContent ?? '';
		});
		expect(ours).not.toMatch(/[A-Za-z]{2,}/);
		expect(errors).toEqual([]);
	});

	test('the storage banner of an unreadable autosave', async ({ page }) => {
		await openZh(page);
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
		await page.evaluate(() =>
			localStorage.setItem(
				'autograd-canvas.document',
				'{"format":"autograd-canvas.graph","version":1,"nodes":[{"id":"n1","op":"ten'
			)
		);
		await page.reload();
		await expect(page.getByTestId('autosave-unreadable')).toBeVisible();
		// The reason quotes the JSON parser's own message: it is [data-verbatim].
		await expectChinese(page, 'the storage banner');
	});

	test('the storage banner words a document problem of ours in Chinese', async ({ page }) => {
		await openZh(page);
		await expect(page.getByRole('button', { name: 'add', exact: true })).toBeVisible();
		await page.evaluate(() =>
			localStorage.setItem(
				'autograd-canvas.document',
				'{"format":"autograd-canvas.graph","version":1,"nodes":"x","edges":[]}'
			)
		);
		await page.reload();
		const banner = page.getByTestId('autosave-unreadable');
		await expect(banner).toContainText('应为列表，实际是字符串');
		await expect(banner).not.toContainText('expected');
		await expectChinese(page, 'the storage banner, a problem of ours');
	});

	test('the Train panel after a short training', async ({ page }) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'linear-regression');
		await expect(graphNode(page, 'weight')).toBeVisible();
		await button(page, 'panels.train').click();
		const panel = page.getByRole('complementary', { name: zh('panels.train') });
		await expect(panel).toBeVisible();
		await panel.getByRole('combobox', { name: /^(Device|设备)/ }).selectOption('cpu');
		await panel.getByRole('button', { name: /^(Train|训练)$/ }).click();
		await expect(panel.getByRole('button', { name: /^(Train|训练)$/ })).toBeVisible({
			timeout: 30_000
		});
		await expect(panel.locator('svg').first()).toBeVisible();
		await expectChinese(page, 'the Train panel after training');
		expect(errors).toEqual([]);
	});

	test('the tutorial page', async ({ page }) => {
		const errors = await openZh(page, '/tutorial');
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		// The cells' Python source and printed output are code, not UI text.
		await expectChinese(page, 'the tutorial', ['pre', 'code']);
		expect(errors).toEqual([]);
	});

	test('the Check gradient dialog after Backward', async ({ page }) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'linear-regression');
		await expect(graphNode(page, 'weight')).toBeVisible();
		await button(page, 'trace.forward').click();
		await button(page, 'trace.backward').click();
		await graphNode(page, 'pred').click();
		await expect(button(page, 'gradcheck.button')).toBeEnabled();
		await expectChinese(page, 'the Inspector after Backward');
		await button(page, 'gradcheck.button').click();
		const dialog = page.getByRole('dialog', { name: zh('gradcheck.title', { name: 'pred' }) });
		await expect(dialog.getByText(zh('gradcheck.status.ok'))).toHaveCount(2);
		await expectChinese(page, 'the Check gradient dialog');
		expect(errors).toEqual([]);
	});

	test('the quiz: a prediction with its hint, then the revealed answer', async ({ page }) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'chain-rule');
		await expect(graphNode(page, 'w')).toBeVisible();
		await button(page, 'quiz.toggle').click();
		const quiz = page.getByRole('region', { name: zh('quiz.title') });
		await expect(quiz.getByText(zh('quiz.idle'))).toBeVisible();
		await expectChinese(page, 'the quiz, before Backward');
		await button(page, 'trace.backward').click();
		await expect(quiz.getByTestId('quiz-hint')).toBeVisible();
		await quiz.getByRole('textbox').first().fill('x');
		await button(page, 'quiz.reveal').click();
		await expect(quiz.getByRole('alert')).toHaveText(zh('quiz.invalid'));
		await expectChinese(page, 'the quiz prompt, with a refused prediction');
		await quiz.getByRole('textbox').first().fill('2');
		await quiz.getByRole('textbox').nth(1).fill('1');
		await button(page, 'quiz.reveal').click();
		await expect(quiz.getByTestId('quiz-score')).toHaveText(
			zh('quiz.score', { correct: 1, answered: 2 })
		);
		await expect(quiz.getByTestId('quiz-answer').first()).toContainText(zh('quiz.wrong'));
		await expectChinese(page, 'the quiz after a reveal');
		expect(errors).toEqual([]);
	});

	test('issue #14.5: the connect list, the building keys in the help, the embed', async ({
		page
	}) => {
		const errors = await openZh(page);
		await loadExampleZh(page, 'chain-rule');
		await expect(graphNode(page, 'z')).toBeVisible();
		await graphNode(page, 'x').click();
		await page.keyboard.press('c');
		await expect(
			page.getByRole('combobox', { name: zh('connect.title', { name: 'x' }) })
		).toBeFocused();
		await expectChinese(page, 'the connect list');
		await page.keyboard.press('Escape');

		await button(page, 'trace.help').click();
		const help = page.getByRole('dialog', { name: zh('help.title') });
		await expect(help.getByText(zh('help.connect'))).toBeVisible();
		await expectChinese(page, 'the help dialog with the building keys');
		await help.getByRole('button', { name: zh('help.close') }).click();

		await page.goto('/?embed=1');
		await expect(page.getByRole('toolbar', { name: zh('trace.label') })).toBeVisible();
		await button(page, 'trace.stepForward').click();
		await expect(page.getByTestId('trace-announcer')).toHaveText(/^前向，第 1 步/);
		await expectChinese(page, 'the embed, with a trace step read out');
		expect(errors).toEqual([]);
	});
});

test('the first-run prompt, the Lessons menu and a lesson, and every lesson step in Chinese', async ({
	page
}) => {
	const errors = await openZh(page);
	const prompt = page.getByTestId('lesson-prompt');
	await expect(prompt).toBeVisible();
	await expectChinese(page, 'the first-run prompt');
	await button(page, 'lesson.promptStart').click();
	const lesson = page.getByRole('region', { name: zh('lesson.region') });
	await expect(lesson).toContainText(zh('lesson.basics.title'));
	await expect(lesson).toContainText(zh('lesson.stepOf', { index: 1, total: 8 }));
	await lesson.getByRole('button', { name: zh('lesson.next'), exact: true }).click();
	await expect(lesson).toContainText(zh('lesson.waiting'));
	await expectChinese(page, 'a lesson step');
	// File › New under the lesson: the paused card, then Reopen.
	await button(page, 'toolbar.file').click();
	await page.getByRole('menuitem', { name: zh('toolbar.new'), exact: true }).click();
	await expect(lesson).toContainText(zh('lesson.paused'));
	await expect(lesson.getByRole('status')).toHaveText(zh('lesson.pausedStatus'));
	await expectChinese(page, 'a paused lesson');
	await page.screenshot({ path: 'test-results/lessons/lesson-paused-zh.png' });
	await lesson.getByRole('button', { name: zh('lesson.reopen'), exact: true }).click();
	await expect(lesson).toContainText(zh('lesson.waiting'));
	await expect(lesson).toContainText(zh('lesson.stepOf', { index: 2, total: 8 }));
	await button(page, 'lesson.menu').click();
	await expect(page.getByRole('menuitem', { name: zh('lesson.regression.title') })).toBeVisible();
	await expectChinese(page, 'the Lessons menu');
	// Every step's text, as the lesson panel would show it.
	const english = LESSONS.flatMap((each) => [each.title, ...each.steps.map((step) => step.text)])
		.flatMap((key) => [...zh(key, { w: '2.000', b: '1.000' }).matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)])
		.map((match) => match[0])
		.filter((word) => /[A-Za-z]{2,}/.test(word) && !allowed(word));
	expect(english).toEqual([]);
	expect(errors).toEqual([]);
});

test('the conflict banner at 1280x800: each button says whose version, whole and unclipped', async ({
	context
}) => {
	const a = await context.newPage();
	await openZh(a);
	await a.getByRole('button', { name: 'relu', exact: true }).click();
	await expect(graphNode(a, 'relu1')).toBeVisible();
	// Written before B opens: a new tab opens the graph stored last (CI once opened B before it).
	await expect.poll(async () => (await storedText(a)) ?? '').toContain('relu1');
	const b = await context.newPage();
	await b.setViewportSize({ width: 1280, height: 800 });
	// No BroadcastChannel in B: its write is refused, and it asks.
	await b.addInitScript(() =>
		Object.defineProperty(window, 'BroadcastChannel', { value: undefined })
	);
	const errors = await openZh(b);
	await expect(graphNode(b, 'relu1')).toBeVisible();
	await a.getByRole('button', { name: 'sigmoid', exact: true }).click();
	await expect(graphNode(a, 'sigmoid1')).toBeVisible();
	// A's write lands before B's edit, which then finds it.
	await expect.poll(async () => (await storedText(a)) ?? '').toContain('sigmoid1');
	await b.getByRole('button', { name: 'tanh', exact: true }).click();
	const banner = b.getByTestId('autosave-conflict');
	await expect(banner).toBeVisible();
	// Written out, as a Chinese reader says it: 采用另一个标签页的 (of the other tab's) was cut short.
	const buttons = banner.getByRole('button');
	await expect(buttons).toHaveText(['把我的版本另存为副本', '采用另一个标签页的版本']);
	const problems = await buttons.evaluateAll((elements) =>
		elements.flatMap((element) => {
			const box = element.getBoundingClientRect();
			const style = getComputedStyle(element);
			const name = element.textContent;
			const found: string[] = [];
			if (element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight)
				found.push(`${name}: clipped`);
			if (style.textOverflow === 'ellipsis' && style.overflow !== 'visible')
				found.push(`${name}: may end in an ellipsis`);
			if (box.left < 0 || box.right > innerWidth || box.top < 0 || box.bottom > innerHeight)
				found.push(`${name}: outside the window`);
			// One line: the button's label does not wrap.
			if (box.height > 2 * parseFloat(style.lineHeight || '20')) found.push(`${name}: wraps`);
			return found;
		})
	);
	expect(problems).toEqual([]);
	await expectChinese(b, 'the conflict banner');
	await banner.screenshot({ path: test.info().outputPath('conflict-banner-zh-1280.png') });
	expect(errors).toEqual([]);
});
