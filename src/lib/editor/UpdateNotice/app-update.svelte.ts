/**
 * A new deploy, as the service worker sees it (src/service-worker.ts): the browser checks for a
 * new worker on each visit; once it has installed, it waits, and `ready` turns true. Nothing
 * reloads until the user asks: `apply()` tells the waiting worker to take over, then reloads
 * the page when it controls it (`controllerchange`). The first install of all is no update: the
 * page is already the newest version.
 */

/** The parts of a `ServiceWorker` used here. */
export interface WorkerLike extends EventTarget {
	readonly state: ServiceWorkerState;
	postMessage(message: unknown): void;
}

/** The parts of a `ServiceWorkerRegistration` used here. */
export interface RegistrationLike extends EventTarget {
	readonly installing: WorkerLike | null;
	readonly waiting: WorkerLike | null;
}

/** The parts of `navigator.serviceWorker` used here. */
export interface WorkerContainerLike extends EventTarget {
	readonly controller: object | null;
	readonly ready: Promise<RegistrationLike>;
}

/** The message that makes a waiting worker take over (the service worker listens for it). */
export const SKIP_WAITING = { type: 'SKIP_WAITING' } as const;

export class AppUpdate {
	/** A new version is installed and waits for the user's Reload. */
	ready = $state.raw(false);
	/** The user put the notice away for this visit. */
	dismissed = $state.raw(false);
	/** Whether the notice shows. */
	readonly showing = $derived(this.ready && !this.dismissed);

	#container: WorkerContainerLike | null;
	#reload: () => void;
	#registration: RegistrationLike | null = null;
	#reloadOnTakeover = false;
	#listening = new AbortController();

	/**
	 * @param container `navigator.serviceWorker` (none: no notice ever shows)
	 * @param reload reloads the page (`location.reload()`)
	 */
	constructor(
		container: WorkerContainerLike | null = globalThis.navigator?.serviceWorker ?? null,
		reload: () => void = () => location.reload()
	) {
		this.#container = container;
		this.#reload = reload;
		if (!container) return;
		const { signal } = this.#listening;
		container.addEventListener(
			'controllerchange',
			() => {
				if (!this.#reloadOnTakeover) return;
				this.#reloadOnTakeover = false;
				this.#reload();
			},
			{ signal }
		);
		void container.ready.then((registration) => {
			if (signal.aborted) return;
			this.#registration = registration;
			if (registration.waiting) this.#installed();
			if (registration.installing) this.#follow(registration.installing);
			registration.addEventListener(
				'updatefound',
				() => {
					if (registration.installing) this.#follow(registration.installing);
				},
				{ signal }
			);
		});
	}

	/** Reloads onto the new version: the waiting worker takes over first. */
	apply(): void {
		const waiting = this.#registration?.waiting;
		if (!waiting || !this.#container?.controller) {
			// Another tab already switched to the new version: this page only needs a reload.
			this.#reload();
			return;
		}
		this.#reloadOnTakeover = true;
		waiting.postMessage(SKIP_WAITING);
	}

	/** Hides the notice for this visit; the new version still waits for the next one. */
	dismiss(): void {
		this.dismissed = true;
	}

	/** Stops listening (the page goes away). */
	dispose(): void {
		this.#listening.abort();
	}

	#follow(worker: WorkerLike): void {
		const { signal } = this.#listening;
		const check = () => {
			if (worker.state === 'installed') this.#installed();
		};
		worker.addEventListener('statechange', check, { signal });
		check();
	}

	#installed(): void {
		// Without a controller this is the first install: the page already runs that version.
		if (this.#container?.controller) this.ready = true;
	}
}
