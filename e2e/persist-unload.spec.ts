/**
 * Never lose work when the page goes away (QA): where IndexedDB cannot be opened at all, a reload
 * keeps the tab's changes; a tab closed within milliseconds of an edit, before its IndexedDB
 * write lands, leaves the edit to the next tab started; and where the browser refuses to keep
 * even the tab's changes, the page says so before and after the reload.
 */
import { expect, test, type Page } from '@playwright/test';
import { graphNode, openEditor, storedText } from './editor-helpers';

/** Adds a palette entry at the canvas's centre (a click on it). */
async function add(page: Page, id: string) {
	await page.getByRole('button', { name: id, exact: true }).click();
}

/** IndexedDB cannot be opened (private mode in some browsers, site data blocked, a broken profile). */
function refuseIndexedDb() {
	IDBFactory.prototype.open = function () {
		throw new DOMException('The user denied permission to access the database.', 'UnknownError');
	};
}

test.describe('never lose work: the page goes away', () => {
	test('IndexedDB cannot be opened: a reload of the tab keeps its changes', async ({ page }) => {
		await page.addInitScript(refuseIndexedDb);
		const errors = await openEditor(page);
		const banner = page.getByTestId('autosave-failed');
		await expect(banner).toBeVisible();
		await add(page, 'relu');
		await expect(graphNode(page, 'relu1')).toBeVisible();
		await expect(banner).toContainText('only in this tab');
		await page.reload();
		await expect(graphNode(page, 'relu1')).toBeVisible();
		await expect(banner).toBeVisible();
		// And again, with one more change: each reload keeps what the tab had.
		await add(page, 'tanh');
		await page.reload();
		await expect(graphNode(page, 'relu1')).toBeVisible();
		await expect(graphNode(page, 'tanh1')).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('the browser refuses to keep even the tab’s changes: said before the reload and after', async ({
		page
	}) => {
		await page.addInitScript(refuseIndexedDb);
		// A full quota: the changes do not fit; a short note still does.
		await page.addInitScript(() => {
			const setItem = Storage.prototype.setItem;
			Storage.prototype.setItem = function (key: string, value: string) {
				if (value.length > 200) {
					throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
				}
				setItem.call(this, key, value);
			};
		});
		const errors = await openEditor(page);
		await add(page, 'relu');
		const banner = page.getByTestId('autosave-failed');
		await expect(banner).toContainText('reloading or closing this tab loses them');
		await page.reload();
		await expect(graphNode(page, 'relu1')).toHaveCount(0);
		await expect(page.locator('footer .notice')).toContainText(
			'Your last changes could not be kept'
		);
		expect(errors).toEqual([]);
	});

	test('a tab closed at once after an edit, before its write lands: the next tab shows it', async ({
		context
	}) => {
		// On `holdWrites`, a write to IndexedDB never lands: its transaction stays open (as one
		// begun while the page unloads), and closing the page aborts it.
		await context.addInitScript(() => {
			const put = IDBObjectStore.prototype.put;
			IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown) {
				const held = window as unknown as { holdWrites?: boolean };
				if (!held.holdWrites) return put.call(this, value);
				const spin = () => {
					this.count().onsuccess = () => (held.holdWrites ? spin() : put.call(this, value));
				};
				spin();
				return undefined as unknown as IDBRequest<IDBValidKey>;
			};
		});
		const a = await context.newPage();
		const errors = await openEditor(a);
		await add(a, 'relu');
		await expect.poll(() => storedText(a)).toContain('relu1');
		await a.evaluate(() => {
			(window as unknown as { holdWrites: boolean }).holdWrites = true;
		});
		await add(a, 'tanh');
		await expect(graphNode(a, 'tanh1')).toBeVisible();
		await Promise.all([a.waitForEvent('close'), a.close({ runBeforeUnload: true })]);

		const b = await context.newPage();
		errors.push(...(await openEditor(b)));
		await expect(graphNode(b, 'tanh1')).toBeVisible();
		await expect(graphNode(b, 'relu1')).toBeVisible();
		// Written to the store, once: a reload reads it there, and nothing is asked.
		await expect.poll(() => storedText(b)).toContain('tanh1');
		await b.reload();
		await expect(graphNode(b, 'tanh1')).toBeVisible();
		await expect(b.getByTestId('autosave-conflict')).toHaveCount(0);
		expect(errors).toEqual([]);
	});
});
