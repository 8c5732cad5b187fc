/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The app offline: after one visit, every page works with the network off.
 *
 * - On install, the built app (`build`) and `static/` (`files`) go into a cache named by this
 *   deploy's `version` (about 2 MB), except the Chinese font (Noto Sans SC: 196 .woff2 slices,
 *   4.9 MB, and as many .woff), whose slices are cached the first time the Chinese UI fetches
 *   them, and the .woff / .ttf copies of the math fonts, fetched only by browsers without .woff2.
 * - Those files are served cache-first: they are content-hashed, or belong to this version.
 * - A navigation (any path of this single-page app: `/`, `/tutorial`, a `#` share link) gets
 *   the cached app shell, the page adapter-static writes as its fallback (`index.html`), served
 *   at `/`. The shell and the assets it names come from the same version's cache, so a page is
 *   never half old, half new; a new deploy installs beside it and waits.
 * - A new version waits until the page asks it to take over (`SKIP_WAITING`, sent when the user
 *   clicks Reload on the update notice); it then deletes the caches of older versions.
 * - Under `vite dev` (no `build`) it caches nothing and lets every request through, so what
 *   the dev server serves is what shows.
 */
import { build, files, version, base } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

/** This deploy's cache: the app shell, the built app and `static/`. */
const CACHE = `app-${version}`;
/**
 * Files cached when first fetched (the Chinese font's slices). Their names are content-hashed,
 * so they outlive a deploy: a class that used Chinese once keeps it offline after an update.
 */
const RUNTIME = 'runtime';
/** The app shell: adapter-static's fallback page, which the server gives for `/`. */
const SHELL = `${base}/`;

/**
 * Built files cached when first fetched, not on install: the Chinese font, and the older font
 * formats (.woff, .ttf) that every browser with service workers passes over for the .woff2.
 */
const lazy = (path: string) => /\/noto-sans-sc-[^/]*$|\.(woff|ttf)$/.test(path);

/** `vite dev`: nothing is built, nothing is cached. */
const DEV = build.length === 0;

const precached = new Set([SHELL, ...build.filter((path) => !lazy(path)), ...files]);
const builtLazily = new Set(build.filter(lazy));

sw.addEventListener('install', (event) => {
	if (DEV) return;
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...precached])));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key !== CACHE && key !== RUNTIME) await caches.delete(key);
			}
			// Drop runtime entries this version no longer builds (a changed font package).
			const runtime = await caches.open(RUNTIME);
			for (const request of await runtime.keys()) {
				if (!builtLazily.has(new URL(request.url).pathname)) await runtime.delete(request);
			}
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

/** The cached copy of `key`, else the network's answer (kept in `cacheName` when it is OK). */
async function cacheFirst(cacheName: string, key: string, request: Request): Promise<Response> {
	const cache = await caches.open(cacheName);
	const cached = await cache.match(key);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok) await cache.put(key, response.clone());
	return response;
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (DEV || request.method !== 'GET' || request.headers.has('range')) return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;

	if (precached.has(url.pathname)) {
		event.respondWith(cacheFirst(CACHE, url.pathname, request));
	} else if (builtLazily.has(url.pathname)) {
		event.respondWith(cacheFirst(RUNTIME, url.pathname, request));
	} else if (request.mode === 'navigate') {
		event.respondWith(cacheFirst(CACHE, SHELL, request));
	}
});
