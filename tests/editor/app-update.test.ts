import { describe, expect, test } from 'vitest';
import {
	AppUpdate,
	SKIP_WAITING,
	type RegistrationLike,
	type WorkerContainerLike,
	type WorkerLike
} from '$lib/editor/UpdateNotice';

/** A service worker that records the messages it gets and can change state. */
class FakeWorker extends EventTarget implements WorkerLike {
	messages: unknown[] = [];
	constructor(public state: ServiceWorkerState) {
		super();
	}
	postMessage(message: unknown) {
		this.messages.push(message);
	}
	become(state: ServiceWorkerState) {
		this.state = state;
		this.dispatchEvent(new Event('statechange'));
	}
}

class FakeRegistration extends EventTarget implements RegistrationLike {
	installing: FakeWorker | null = null;
	waiting: FakeWorker | null = null;
	/** A new worker starts installing (the browser found a new deploy). */
	found(worker: FakeWorker) {
		this.installing = worker;
		this.dispatchEvent(new Event('updatefound'));
	}
}

class FakeContainer extends EventTarget implements WorkerContainerLike {
	readonly registration = new FakeRegistration();
	readonly ready = Promise.resolve(this.registration);
	constructor(public controller: object | null) {
		super();
	}
	takeOver() {
		this.controller = {};
		this.dispatchEvent(new Event('controllerchange'));
	}
}

/** An AppUpdate on a fake container, counting reloads, once `ready` has been read. */
async function watch(container: FakeContainer) {
	const reloads = { count: 0 };
	const update = new AppUpdate(container, () => reloads.count++);
	await container.ready;
	await Promise.resolve();
	return { update, reloads };
}

describe('app update', () => {
	test('a new version that finishes installing shows; nothing reloads until asked', async () => {
		const container = new FakeContainer({});
		const { update, reloads } = await watch(container);
		expect(update.showing).toBe(false);
		const next = new FakeWorker('installing');
		container.registration.found(next);
		expect(update.showing).toBe(false);
		next.become('installed');
		container.registration.waiting = next;
		expect(update.showing).toBe(true);
		expect(next.messages).toEqual([]);
		expect(reloads.count).toBe(0);

		update.apply();
		expect(next.messages).toEqual([SKIP_WAITING]);
		expect(reloads.count).toBe(0); // not before the new worker controls the page
		container.takeOver();
		expect(reloads.count).toBe(1);
		container.takeOver();
		expect(reloads.count).toBe(1); // once
	});

	test('a version already waiting when the page opens shows at once', async () => {
		const container = new FakeContainer({});
		container.registration.waiting = new FakeWorker('installed');
		const { update } = await watch(container);
		expect(update.showing).toBe(true);
	});

	test('the first install is no update, and its takeover reloads nothing', async () => {
		const container = new FakeContainer(null);
		const { update, reloads } = await watch(container);
		const first = new FakeWorker('installing');
		container.registration.found(first);
		first.become('installed');
		expect(update.showing).toBe(false);
		container.takeOver(); // clients.claim() on activate
		expect(reloads.count).toBe(0);
	});

	test('Later hides the notice; Reload after another tab switched just reloads', async () => {
		const container = new FakeContainer({});
		container.registration.waiting = new FakeWorker('installed');
		const { update, reloads } = await watch(container);
		update.dismiss();
		expect(update.showing).toBe(false);
		expect(update.ready).toBe(true);
		container.registration.waiting = null; // activated from another tab
		update.apply();
		expect(reloads.count).toBe(1);
	});

	test('after dispose nothing is followed', async () => {
		const container = new FakeContainer({});
		const { update } = await watch(container);
		update.dispose();
		const next = new FakeWorker('installing');
		container.registration.found(next);
		next.become('installed');
		expect(update.showing).toBe(false);
	});

	test('without service workers nothing shows and Reload still reloads', () => {
		let reloads = 0;
		const update = new AppUpdate(null, () => reloads++);
		expect(update.showing).toBe(false);
		update.apply();
		expect(reloads).toBe(1);
	});
});
