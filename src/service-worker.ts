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
 *   clicks Reload on the update notice); it then deletes the caches of older versions but the
 *   one before it: another tab may still run that version, and load its panels later (their
 *   files are loaded on first use, and a new deploy no longer has them). Built files are
 *   content-hashed, so any cache's copy of one is the right one.
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
/** Where the build's content-hashed files live (any version's copy of one is the same file). */
const IMMUTABLE = `${base}/_app/immutable/`;

sw.addEventListener('install', (event) => {
	if (DEV) return;
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...precached])));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			// Keep the newest other version that installed completely (it holds the shell): the
			// version before this one. caches.keys() lists caches in the order they were made.
			const older = (await caches.keys()).filter((key) => key !== CACHE && key !== RUNTIME);
			let previous: string | null = null;
			for (let i = older.length - 1; i >= 0 && previous === null; i--) {
				if (await (await caches.open(older[i])).match(SHELL)) previous = older[i];
			}
			for (const key of older) if (key !== previous) await caches.delete(key);
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

/**
 * The cached copy of `key`, else the network's answer (kept in `cacheName` when it is OK). A
 * built file missing there may be in the previous version's cache (a tab still running it).
 */
async function cacheFirst(cacheName: string, key: string, request: Request): Promise<Response> {
	const cache = await caches.open(cacheName);
	const cached =
		(await cache.match(key)) ?? (key.startsWith(IMMUTABLE) ? await caches.match(key) : undefined);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok) await cache.put(key, response.clone());
	return response;
}

/** Any cache's copy of `key` (no cache is written), else the network's answer. */
async function fromAnyCache(key: string, request: Request): Promise<Response> {
	return (await caches.match(key)) ?? fetch(request);
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
	} else if (url.pathname.startsWith(IMMUTABLE)) {
		// A file of an earlier version, for a tab that still runs it: from its cache if kept.
		event.respondWith(fromAnyCache(url.pathname, request));
	} else if (request.mode === 'navigate') {
		event.respondWith(cacheFirst(CACHE, SHELL, request));
	}
});
