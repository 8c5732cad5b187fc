/**
 * Issue #14, part 5: axe-core on every screen and dialog of the app, in the light and the dark
 * theme, fails on any violation of impact serious or critical. A screen is one row of SCREENS:
 * its name and how to open it from the editor (or another page).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { exampleDocument } from '../src/lib/graph/examples';
import { encodeShareHash } from '../src/lib/graph/share';
import { canvas, graphNode, fileMenu, loadExample, openEditor } from './editor-helpers';

type ThemeName = 'light' | 'dark';

interface Screen {
	name: string;
	/** Opens the screen, the theme already chosen; returns the part to check (default: the page). */
	open: (page: Page) => Promise<string | void>;
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** The chain-rule example after Forward and Backward (values, grads and the chain rule shown). */
async function tracedExample(page: Page) {
	await openEditor(page);
	await loadExample(page, /Chain rule/);
	await page.getByRole('slider', { name: 'Speed' }).fill('4');
	await button(page, 'Forward').click();
	await button(page, 'Backward').click();
	await expect(graphNode(page, 'w').locator('[data-role="grad"]')).toHaveAttribute(
		'data-tensor',
		/\d/
	);
}

async function linearRegression(page: Page) {
	await openEditor(page);
	await loadExample(page, /Linear regression/);
	await expect(graphNode(page, 'weight')).toBeVisible();
}

/** Every screen and dialog. Adding one is one line. */
const SCREENS: Screen[] = [
	{ name: 'the empty editor', open: (page) => openEditor(page).then(() => undefined) },
	{ name: 'the editor after Forward and Backward', open: tracedExample },
	{
		name: 'a node selected (Inspector)',
		open: async (page) => {
			await tracedExample(page);
			await graphNode(page, 'w').click();
			await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('w');
		}
	},
	{
		name: 'presenter mode',
		open: async (page) => {
			await tracedExample(page);
			await button(page, 'Presenter mode').click();
			await expect(button(page, 'add')).toBeHidden();
		}
	},
	{
		name: 'the File menu',
		open: async (page) => {
			await openEditor(page);
			await button(page, 'File').click();
			await expect(page.getByRole('menuitem').first()).toBeVisible();
		}
	},
	{
		name: 'the Recent dialog',
		open: async (page) => {
			await tracedExample(page);
			await fileMenu(page, 'Recent…');
			await expect(page.getByRole('dialog', { name: 'Recent graphs' })).toBeVisible();
		}
	},
	{
		name: 'the keyboard shortcuts',
		open: async (page) => {
			await openEditor(page);
			await button(page, 'Keyboard shortcuts').click();
			await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
		}
	},
	{
		name: 'the Problems dialog',
		open: async (page) => {
			await page.goto('/#g1.this-is-not-a-graph');
			await expect(page.getByRole('dialog')).toBeVisible();
		}
	},
	{
		name: 'quick add',
		open: async (page) => {
			await openEditor(page);
			await fileMenu(page, 'New');
			await canvas(page)
				.locator('.svelte-flow__pane')
				.dblclick({ position: { x: 200, y: 150 } });
			await expect(page.getByRole('combobox', { name: 'Add a node' })).toBeFocused();
		}
	},
	{
		name: 'the Code panel',
		open: async (page) => {
			await linearRegression(page);
			await button(page, 'Code panel').click();
			await expect(button(page, 'Import code')).toBeVisible();
		}
	},
	{
		name: 'the Import code dialog',
		open: async (page) => {
			await linearRegression(page);
			await button(page, 'Code panel').click();
			await button(page, 'Import code').click();
			await expect(page.getByRole('dialog', { name: 'Import PyTorch code' })).toBeVisible();
		}
	},
	{
		name: 'the Train panel and its data editor',
		open: async (page) => {
			await linearRegression(page);
			await button(page, 'Train panel').click();
			const panel = page.getByRole('complementary', { name: 'Train panel' });
			await expect(panel).toBeVisible();
			await panel.getByText('Paste or upload x,y as CSV').click();
			await expect(panel.getByRole('textbox', { name: /CSV/ })).toBeVisible();
		}
	},
	{
		name: 'the connect list (C on a node)',
		open: async (page) => {
			await tracedExample(page);
			await graphNode(page, 'x').click();
			await page.keyboard.press('c');
			await expect(page.getByRole('combobox', { name: 'Connect x to an input' })).toBeFocused();
		}
	},
	{
		name: 'the embed mode',
		open: async (page) => {
			await page.goto(`/?embed=1#${encodeShareHash(exampleDocument('chain-rule')!)}`);
			await expect(graphNode(page, 'z')).toBeVisible();
		}
	},
	{
		name: 'the Check gradient dialog',
		open: async (page) => {
			await tracedExample(page);
			await graphNode(page, 'w').click();
			await button(page, 'Check gradient').click();
			await expect(page.getByRole('dialog', { name: 'Check gradient: w' })).toBeVisible();
		}
	},
	{
		name: 'the quiz asking for a prediction',
		open: async (page) => {
			await openEditor(page);
			await loadExample(page, /Chain rule/);
			await page.getByRole('button', { name: /^Quiz/ }).click();
			await button(page, 'Backward').click();
			await expect(page.getByRole('textbox', { name: /^Prediction of/ }).first()).toBeVisible();
		}
	},
	{
		name: 'a guided lesson step (from the first-run prompt)',
		open: async (page) => {
			await openEditor(page);
			await button(page, 'Start lesson 1').click();
			await expect(page.getByRole('region', { name: 'Lesson' })).toBeVisible();
		}
	},
	{
		name: 'the tutorial',
		open: async (page) => {
			await page.goto('/tutorial');
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		}
	}
];

/** Chooses the theme before the app starts (the status bar's theme button stores the same). */
async function useTheme(page: Page, theme: ThemeName) {
	await page.emulateMedia({ colorScheme: theme });
	await page.addInitScript((choice) => {
		localStorage.setItem('autograd-canvas.theme', choice);
	}, theme);
}

/** axe's serious and critical violations, one readable line per element. */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
	let builder = new AxeBuilder({ page });
	if (include) builder = builder.include(include);
	const { violations } = await builder.analyze();
	return violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.flatMap((violation) =>
			violation.nodes.map(
				(node) =>
					`${violation.impact} ${violation.id}: ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`
			)
		);
}

for (const theme of ['light', 'dark'] as const) {
	test.describe(`axe, ${theme} theme`, () => {
		for (const screen of SCREENS) {
			test(`${screen.name}: no serious or critical violations`, async ({ page }) => {
				await useTheme(page, theme);
				const include = await screen.open(page);
				expect(await seriousViolations(page, include ?? undefined)).toEqual([]);
			});
		}
	});
}

test('each trace step is read out in a polite live region', async ({ page }) => {
	const errors = await openEditor(page);
	await loadExample(page, /Chain rule/);
	await expect(graphNode(page, 'z')).toBeVisible();
	const live = page.getByTestId('trace-announcer');
	await expect(live).toHaveAttribute('aria-live', 'polite');
	await expect(live).toHaveText('');

	// Step through with the arrow key: every forward step names its node and value.
	await page.locator('body').press('ArrowRight');
	await expect(live).toHaveText(/^Forward, step 1 of 5: \w+ = /);
	for (let step = 2; step <= 5; step++) {
		await page.locator('body').press('ArrowRight');
		await expect(live).toHaveText(new RegExp(`^Forward, step ${step} of 5: `));
	}
	await expect(live).toHaveText(/^Forward, step 5 of 5: z = \[[-\d.e]+\]$/);

	// Past the forward pass, the steps are Backward's: the gradients, then each leaf's .grad.
	await page.locator('body').press('ArrowRight');
	await expect(live).toHaveText('Backward, step 6 of 7: the gradient at z is [1]; b.grad = [1]');
	await page.locator('body').press('ArrowRight');
	const x = JSON.parse(
		(await graphNode(page, 'x').locator('[data-role="value"]').getAttribute('data-tensor')) ?? '[]'
	) as number[];
	// w.grad = x, read out as the app's short numbers (4 significant digits).
	const spoken =
		x.length > 6
			? `a tensor of shape [${x.length}]`
			: `[${x.map((v) => +v.toPrecision(4)).join(', ')}]`;
	await expect(live).toHaveText(/^Backward, step 7 of 7: /);
	await expect(live).toContainText(`w.grad = ${spoken}`);
	// Step back reads the step before again.
	await page.locator('body').press('ArrowLeft');
	await expect(live).toHaveText(/^Backward, step 6 of 7: /);
	expect(errors).toEqual([]);
});

test('every node on the canvas has a name: its own and its op, in the UI language', async ({
	page
}) => {
	const errors = await openEditor(page);
	await loadExample(page, /Chain rule/);
	await expect(graphNode(page, 'z')).toBeVisible();
	const nodes = page.locator('.svelte-flow__node');
	await expect(nodes).toHaveCount(5);
	const names = await nodes.evaluateAll((all) =>
		all.map((node) => node.getAttribute('aria-label'))
	);
	expect(names.sort()).toEqual(['b, tensor', 'w, tensor', 'x, tensor', 'y, mul', 'z, add']);
	// Renamed, and in Chinese.
	await graphNode(page, 'z').click();
	await page.getByRole('textbox', { name: 'Name' }).fill('loss');
	await page.getByRole('textbox', { name: 'Name' }).press('Enter');
	await expect(page.getByRole('group', { name: 'loss, add' })).toBeVisible();
	await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('zh');
	await expect(page.getByRole('group', { name: 'loss，add' })).toBeVisible();
	expect(errors).toEqual([]);
});

test('moving a node with the arrow keys is announced in the UI language', async ({ page }) => {
	const errors = await openEditor(page);
	await loadExample(page, /Chain rule/);
	const x = page.getByRole('group', { name: 'x, tensor' });
	await expect(x).toBeVisible();
	await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('zh');
	const xZh = page.getByRole('group', { name: 'x，tensor' });
	await expect(xZh).toBeVisible();
	await xZh.focus();
	await page.keyboard.press('Enter');
	await page.keyboard.press('ArrowDown');
	await expect(page.locator('.a11y-live-msg')).toHaveText('已把选中的节点向下移动。');
	expect(errors).toEqual([]);
});

test('connection points are named by node and input; Escape on a node keeps the focus on it', async ({
	page
}) => {
	const errors = await openEditor(page);
	await loadExample(page, /Chain rule/);
	const y = page.getByRole('group', { name: 'y, mul' });
	await expect(y).toBeVisible();
	const handles = await y
		.locator('.svelte-flow__handle')
		.evaluateAll((all) => all.map((handle) => handle.getAttribute('aria-label')));
	expect(handles.sort()).toEqual([
		'Connection point: input ‘input’ of y',
		'Connection point: input ‘other’ of y',
		'Connection point: output of y'
	]);
	// Enter selects the focused node, Escape unselects it: the focus stays on the node.
	await y.focus();
	await page.keyboard.press('Enter');
	await expect(y).toHaveClass(/selected/);
	await page.keyboard.press('Escape');
	await expect(y).not.toHaveClass(/selected/);
	await page.evaluate(
		() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
	);
	await expect(y).toBeFocused();
	expect(errors).toEqual([]);
});
