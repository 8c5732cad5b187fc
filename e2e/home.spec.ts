import { expect, test } from '@playwright/test';

test('home page loads with the Autograd Canvas heading', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));

	const response = await page.goto('/');
	expect(response?.ok()).toBe(true);

	await expect(page.getByRole('heading', { name: /Autograd Canvas/ }).first()).toBeVisible();

	// Not blank: the app rendered visible text into the body.
	const text = (await page.locator('body').innerText()).trim();
	expect(text.length).toBeGreaterThan(0);

	expect(errors).toEqual([]);
});

test('the editor links to the tutorial, which runs on its own page', async ({ page }) => {
	await page.goto('/');
	await page.getByRole('link', { name: 'Tutorial' }).click();
	await expect(page).toHaveURL(/\/tutorial$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Re-seed' })).toBeVisible();
});
