/**
 * A dialog never grows past the window: with the seed tutorial's linear-regression section
 * pasted into Import code (its cells and the Chinese prose between them, so a long problem
 * list), the dialog fits the window and its buttons stay in view, the content scrolling between
 * the title and the buttons. Before, the buttons sat below the window's bottom edge, inside the
 * dialog's own scroll.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openEditor } from './editor-helpers';
import { CELLS } from '../tests/fixtures/tutorial-linreg';

/** The seed's prose before each of its cells, as pasted from the page. */
const PROSE: Record<keyof typeof CELLS, string> = {
	DATA_X: '二、举个简单例子,做一个线性回归试试水\n\n构造 x:',
	DATA_Y: '在这里插入图片描述\n构造 y:',
	MODEL_CLASS: '定义一个线性回归模型:\n(其实线性回归就是一个不加激活函数的全连接层)',
	MODEL: 'torch.nn 只支持对批量数据的处理,不支持单个样本。',
	SETTINGS: '在这里插入图片描述\n指定好参数和损失函数:',
	LOOP: '一个损失函数包括两个输入(预测值和实际值),然后返回这两个值的距离。\n\n训练模型:',
	PREDICT: '在这里插入图片描述\n测试模型预测结果:',
	SAVE: '模型的保存与读取\n保存:',
	LOAD: '读取:'
};

const SECTION = (Object.keys(CELLS) as (keyof typeof CELLS)[])
	.map((cell) => `${PROSE[cell]}\n\n${CELLS[cell]}\n`)
	.join('\n');

/** Whether `locator`'s box lies inside the window. */
async function expectInWindow(page: Page, locator: Locator) {
	const box = (await locator.boundingBox())!;
	const { width, height } = page.viewportSize()!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.y).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(width);
	expect(box.y + box.height).toBeLessThanOrEqual(height);
}

for (const height of [800, 600]) {
	test(`Import code with a long problem list fits a 1280x${height} window, its buttons in view`, async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height });
		const errors = await openEditor(page);
		await page.getByRole('button', { name: 'Code panel' }).click();
		await page.getByRole('button', { name: 'Import code' }).click();
		const dialog = page.getByRole('dialog', { name: 'Import PyTorch code' });
		await dialog.getByRole('textbox', { name: 'Python code' }).fill(SECTION);
		await dialog.getByRole('button', { name: 'Import', exact: true }).click();
		// The prose cannot be imported: the problems show, and Import asks again.
		await expect(dialog.getByText(/^Not imported \(\d+\):$/)).toBeVisible();
		const again = dialog.getByRole('button', { name: 'Import anyway' });
		await expect(again).toBeVisible();

		await expectInWindow(page, dialog);
		for (const name of ['Cancel', 'Preview', 'Import anyway']) {
			const button = dialog.getByRole('button', { name, exact: true });
			await expectInWindow(page, button);
			// Nothing covers it, and nothing clips it: a click at its centre, as it is, lands on it.
			const box = (await button.boundingBox())!;
			const hit = await button.evaluate(
				(element, [x, y]) => element.contains(document.elementFromPoint(x, y)),
				[box.x + box.width / 2, box.y + box.height / 2]
			);
			expect(hit).toBe(true);
		}
		// The content is what scrolls, and the question above the buttons is scrolled into view.
		const confirm = dialog.getByRole('alert');
		await expect(confirm).toBeInViewport({ ratio: 1 });
		await expectInWindow(page, confirm);
		expect(await dialog.evaluate((element) => element.scrollHeight <= element.clientHeight)).toBe(
			true
		);

		await again.click();
		await expect(dialog).toBeHidden();
		expect(errors).toEqual([]);
	});
}
