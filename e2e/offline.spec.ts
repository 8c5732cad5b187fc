/**
 * Issue #14 part 4: offline and installable. After one visit the service worker
 * (src/service-worker.ts) serves the app with the network off; the manifest and its icons are
 * served; a new deploy's worker shows "A new version is ready" and takes over only on Reload.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphNode, loadExample, openEditor } from './editor-helpers';
import { logLines, trainPanel, trainToEnd } from './train-helpers';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const nodeCount = async (page: Page) =>
	Number((await page.getByText(/^\d+ nodes?, \d+ wires?$/).textContent())?.split(' ')[0]);

/** Waits until a service worker is active and controls the page. */
async function controlled(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Every response the page gets from now on, with whether the service worker answered it. */
function recordResponses(page: Page) {
	const responses: { url: string; fromServiceWorker: boolean }[] = [];
	page.on('response', (response) =>
		responses.push({ url: response.url(), fromServiceWorker: response.fromServiceWorker() })
	);
	return responses;
}

/**
 * The app on another local port, through a proxy that can switch to a "next deploy": the same
 * service worker under another cache name, as a new build's `version` gives (each deploy its
 * own). Paths in `gone` answer 404, as files an older deploy had and the server no longer has.
 * Nothing it serves may be kept in the browser's HTTP cache.
 * (The browser's own fetch of the worker script, when it checks for an update, is not seen by
 * Playwright's routes.)
 */
async function deployProxy(target: string) {
	let deploys = 0;
	const gone = new Set<string>();
	const server = createServer(async (request, reply) => {
		if (gone.has(request.url ?? '')) {
			reply.writeHead(404).end();
			return;
		}
		const upstream = await fetch(new URL(request.url ?? '/', target));
		const headers = Object.fromEntries(
			[...upstream.headers].filter(
				([name]) => !/^(content-(length|encoding)|connection|cache-control)$/.test(name)
			)
		);
		// Nothing in the browser's HTTP cache: what a page gets comes from the worker's caches
		// or from this server, as it answers now.
		headers['cache-control'] = 'no-store';
		let body: Buffer | string = Buffer.from(await upstream.arrayBuffer());
		if (deploys > 0 && request.url?.startsWith('/service-worker.js')) {
			body = body.toString('utf8').replace('app-', `app-next${deploys}-`);
		}
		reply.writeHead(upstream.status, headers).end(body);
	});
	await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		gone,
		deployNext: () => {
			deploys++;
		},
		close: () =>
			new Promise((closed) => {
				server.close(closed);
				server.closeAllConnections();
			})
	};
}

/**
 * The built files the Train panel loads when it first opens (its dynamic entry, with the chunks
 * and styles it imports), as paths: from the build's manifest.
 */
function trainPanelFiles(): string[] {
	type Chunk = { file: string; imports?: string[]; css?: string[] };
	const manifest = JSON.parse(
		readFileSync(
			new URL('../.svelte-kit/output/client/.vite/manifest.json', import.meta.url),
			'utf8'
		)
	) as Record<string, Chunk>;
	const entry = manifest['src/lib/editor/TrainSidePanel/index.ts'];
	const files = new Set<string>();
	const visit = (chunk: Chunk) => {
		if (files.has(chunk.file)) return;
		files.add(chunk.file);
		for (const css of chunk.css ?? []) files.add(css);
		for (const key of chunk.imports ?? []) visit(manifest[key]);
	};
	visit(entry);
	return [...files].map((file) => `/${file}`);
}

test.describe('offline and installable', () => {
	test('after one visit the editor, Train, Code and the tutorial work offline', async ({
		page,
		context
	}) => {
		// Four pages and a training run on a loaded machine.
		test.setTimeout(120_000);
		await openEditor(page);
		await controlled(page);

		await context.setOffline(true);
		const responses = recordResponses(page);
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.reload();
		await expect(button(page, 'add')).toBeVisible();
		expect(await page.evaluate(() => navigator.onLine)).toBe(false);

		// The editor works: add a node, run Forward, values show.
		const before = await nodeCount(page);
		await button(page, 'w').click();
		await expect(page.getByText(new RegExp(`^${before + 1} nodes, `))).toBeVisible();
		await button(page, 'Forward').click();
		await expect(graphNode(page, 'y').locator('[data-role="value"]')).toHaveAttribute(
			'data-tensor',
			/\d/
		);

		// Training runs in its worker, and the Code panel opens.
		await loadExample(page, /Linear regression/);
		await page.getByRole('button', { name: 'Train panel' }).click();
		await trainPanel(page).getByRole('combobox', { name: 'Device' }).selectOption('cpu');
		await trainToEnd(page);
		expect((await logLines(page)).length).toBeGreaterThan(0);
		await page.getByRole('button', { name: 'Code panel' }).click();
		await expect(page.getByTestId('generated-code')).toContainText('optimizer.step()');

		// Every page of the app opens: the tutorial (its cells run), a share link's path.
		await page.goto('/tutorial');
		await expect(page.getByRole('heading', { level: 1, name: 'Autograd Canvas' })).toBeVisible();
		await expect(
			page.getByRole('group', { name: 'Output of b.grad', exact: true }).first()
		).toContainText('tensor([[1., 1., 1., 1.]');
		await page.goto('/?present=1#offline');
		await expect(button(page, 'Forward')).toBeVisible();

		// All of it came from the service worker's cache, none from the network.
		expect(responses.length).toBeGreaterThan(5);
		expect(responses.filter((r) => !r.fromServiceWorker)).toEqual([]);
		expect(errors).toEqual([]);
	});

	test('the Chinese font, used once online, is kept for offline; it is not precached', async ({
		page,
		context
	}) => {
		await openEditor(page);
		await controlled(page);
		const cachedFonts = (name: string) =>
			page.evaluate(async (name) => {
				const keys = await (await caches.open(name)).keys();
				return keys.filter((request) => request.url.includes('noto-sans-sc')).length;
			}, name);
		const precache = (await page.evaluate(() => caches.keys())).find((key) =>
			key.startsWith('app-')
		);
		expect(await cachedFonts(precache!)).toBe(0);

		await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
		await expect(button(page, '文件')).toBeVisible();
		await expect.poll(() => cachedFonts('runtime')).toBeGreaterThan(0);

		await context.setOffline(true);
		const responses = recordResponses(page);
		await page.reload();
		await expect(button(page, '文件')).toBeVisible();
		// What Chromium drew the palette's heading with: the cached font, not a fallback's boxes.
		const cdp = await context.newCDPSession(page);
		await cdp.send('DOM.enable');
		await cdp.send('CSS.enable');
		const platformFonts = async () => {
			const { root } = await cdp.send('DOM.getDocument');
			const { nodeId } = await cdp.send('DOM.querySelector', {
				nodeId: root.nodeId,
				selector: '#palette-title'
			});
			const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
			return fonts.map((font) => font.familyName);
		};
		await expect.poll(platformFonts).toEqual([expect.stringMatching(/^Noto Sans SC/)]);
		const fonts = responses.filter((r) => r.url.includes('noto-sans-sc'));
		expect(fonts.length).toBeGreaterThan(0);
		expect(fonts.filter((r) => !r.fromServiceWorker)).toEqual([]);
	});

	test('the manifest is served and parses; its icons are PNGs of their sizes', async ({
		page,
		request
	}) => {
		await openEditor(page);
		const href = await page.locator('link[rel="manifest"]').getAttribute('href');
		const manifestUrl = new URL(href!, page.url());
		const response = await request.get(manifestUrl.href);
		expect(response.ok()).toBe(true);
		expect(response.headers()['content-type']).toContain('manifest+json');
		const manifest = JSON.parse(await response.text());
		expect(manifest).toMatchObject({
			name: 'Autograd Canvas',
			short_name: expect.any(String),
			display: 'standalone',
			start_url: expect.any(String),
			scope: expect.any(String),
			theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
			background_color: expect.stringMatching(/^#[0-9a-f]{6}$/)
		});
		// The start URL lies inside the scope, both on this origin.
		const start = new URL(manifest.start_url, manifestUrl);
		const scope = new URL(manifest.scope, manifestUrl);
		expect(start.origin).toBe(manifestUrl.origin);
		expect(start.href.startsWith(scope.href)).toBe(true);

		const icons: { src: string; sizes: string; purpose?: string }[] = manifest.icons;
		expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
		expect(icons.some((icon) => icon.purpose?.split(' ').includes('maskable'))).toBe(true);
		const appleTouch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
		const images = [
			...icons.map((icon) => ({ src: new URL(icon.src, manifestUrl).href, sizes: icon.sizes })),
			{ src: new URL(appleTouch!, page.url()).href, sizes: '180x180' }
		];
		for (const { src, sizes } of images) {
			const image = await request.get(src);
			expect(image.ok(), src).toBe(true);
			expect(image.headers()['content-type'], src).toBe('image/png');
			// A PNG's width and height sit in its IHDR chunk, bytes 16 to 24.
			const png = await image.body();
			expect(png.subarray(1, 4).toString('latin1'), src).toBe('PNG');
			expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, src).toBe(sizes);
		}
	});

	test('a new deploy shows the notice; Reload, and only Reload, switches to it', async ({
		page,
		baseURL
	}) => {
		const deploy = await deployProxy(baseURL!);
		try {
			await openEditor(page, deploy.url);
			await controlled(page);
			const oldCache = (await page.evaluate(() => caches.keys())).find((key) =>
				key.startsWith('app-')
			);
			expect(oldCache).toBeDefined();
			const newCache = oldCache!.replace('app-', 'app-next1-');

			// This page's state: a reload would lose it.
			await page.evaluate(() => {
				(window as unknown as { stillHere: boolean }).stillHere = true;
			});
			deploy.deployNext();
			await page.evaluate(async () => {
				const registration = await navigator.serviceWorker.ready;
				await registration.update();
			});

			const notice = page.getByTestId('update-notice');
			// The new worker first fetches and caches the whole next version.
			await expect(notice).toContainText('A new version of Autograd Canvas is ready.', {
				timeout: 30_000
			});
			await expect(notice).toHaveAttribute('role', 'status');
			// The new worker waits: the page did not reload, the old version's cache is kept.
			expect(await page.evaluate(() => 'stillHere' in window)).toBe(true);
			const waiting = await page.evaluate(async () => {
				const registration = await navigator.serviceWorker.ready;
				return registration.waiting?.state;
			});
			expect(waiting).toBe('installed');
			expect(await page.evaluate(() => caches.keys())).toContain(oldCache);

			await Promise.all([page.waitForEvent('load'), button(page, 'Reload').click()]);
			await expect(button(page, 'add')).toBeVisible();
			expect(await page.evaluate(() => 'stillHere' in window)).toBe(false);
			await expect(notice).toHaveCount(0);
			// The new version is active and controls the page.
			expect(
				await page.evaluate(async () => {
					const registration = await navigator.serviceWorker.ready;
					return registration.waiting === null && navigator.serviceWorker.controller !== null;
				})
			).toBe(true);
			// The version before it is kept (a tab may still run it); the next deploy drops it.
			expect(await page.evaluate(() => caches.keys())).toEqual(
				expect.arrayContaining([oldCache, newCache])
			);
			deploy.deployNext();
			await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
			await expect(notice).toBeVisible({ timeout: 30_000 });
			await Promise.all([page.waitForEvent('load'), button(page, 'Reload').click()]);
			await expect(button(page, 'add')).toBeVisible();
			const newest = oldCache!.replace('app-', 'app-next2-');
			await expect.poll(() => page.evaluate(() => caches.keys())).not.toContain(oldCache);
			expect(await page.evaluate(() => caches.keys())).toEqual(
				expect.arrayContaining([newCache, newest])
			);
		} finally {
			await deploy.close();
		}
	});
	test('a tab still on the previous version opens its Train panel after another tab updated', async ({
		context,
		baseURL
	}) => {
		test.setTimeout(120_000);
		const deploy = await deployProxy(baseURL!);
		try {
			const first = await context.newPage();
			await openEditor(first, deploy.url);
			await controlled(first);
			const second = await context.newPage();
			const errors = await openEditor(second, deploy.url);
			await controlled(second);

			// The first tab updates to the next deploy.
			deploy.deployNext();
			await first.evaluate(async () => (await navigator.serviceWorker.ready).update());
			await expect(first.getByTestId('update-notice')).toBeVisible({ timeout: 30_000 });
			await Promise.all([first.waitForEvent('load'), button(first, 'Reload').click()]);
			await expect(button(first, 'add')).toBeVisible();

			// That deploy has none of the Train panel's files the second tab's version loads:
			// neither its cache nor the server.
			const files = trainPanelFiles();
			expect(files.length).toBeGreaterThan(1);
			const next = (await first.evaluate(() => caches.keys())).find((key) =>
				key.startsWith('app-next1-')
			)!;
			await first.evaluate(
				async ([name, paths]) => {
					const cache = await caches.open(name as string);
					for (const path of paths as string[]) await cache.delete(path);
				},
				[next, files]
			);
			for (const file of files) deploy.gone.add(file);

			// The second tab still runs the previous version: its Train panel comes from that
			// version's cache, kept for it, and trains.
			await second.getByRole('button', { name: 'Train panel' }).click();
			const panel = trainPanel(second);
			await expect(panel.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
			await expect(panel.getByRole('alert')).toHaveCount(0);
			expect(errors).toEqual([]);
		} finally {
			await deploy.close();
		}
	});
});
