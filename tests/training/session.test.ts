/**
 * The Train panel's session (issue #11, defect 4): what is saved with the document, read back
 * from untrusted storage, and continued. A run of N epochs, saved, read back from JSON and
 * continued N more gives the same parameters, losses and log as one run of 2N (with momentum
 * too: its buffers are part of the session). Hostile stored sessions never throw, never change
 * their input, and give a valid, bounded session or null.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleDocument, type GraphDocument } from '$lib/graph';
import {
	DEFAULT_SETTINGS,
	formulaData,
	INITIAL_STATE,
	MAX_CSV_CHARS,
	MAX_HISTORY,
	MAX_LOG_LINES,
	readSession,
	recordOf,
	restoredTraining,
	sessionParameters,
	snapshotSession,
	TrainingClient,
	type TrainConfig,
	type TrainingSession,
	type TrainSettings,
	type TrainState
} from '$lib/training';
import { Trainer } from '$lib/training/trainer';
import { docTrainingHash } from '$lib/training/model';
import { TrainPanelState } from '$lib/editor/TrainPanel/panel-state.svelte';
import {
	MAX_EPOCH_COUNT,
	MAX_FIELD_CHARS,
	MAX_ID_CHARS,
	MAX_LOG_LINE_CHARS
} from '$lib/training/session';
import { sessionInputs } from './session-inputs';
import { plain, waitFor } from './wait-for';

// Thousands of runs each: give them time on a slow machine.
vi.setConfig({ testTimeout: 120_000 });

const doc = exampleDocument('linear-regression')!;
const WEIGHT = 'n2';
const BIAS = 'n3';

const inputs = sessionInputs;

function config(settings: Partial<TrainSettings>): TrainConfig {
	return {
		doc,
		data: formulaData(),
		settings: { ...DEFAULT_SETTINGS, ...settings },
		device: 'cpu'
	};
}

const inThread = () => new TrainingClient({ mode: 'in-thread', hostOptions: { sliceMs: 4 } });

/**
 * Trains `epochs` epochs on a client that has not trained yet (in-thread: the worker's host) and
 * waits for the end of the run.
 */
async function train(client: TrainingClient, settings: Partial<TrainSettings>, epochs: number) {
	client.start(config({ ...settings, epochs }));
	return waitFor(client, (s) => ['finished', 'diverged', 'error'].includes(s.status));
}

/** Through JSON and back, as storage would give it. */
const stored = (session: TrainingSession): unknown => JSON.parse(JSON.stringify(session));

describe('continuing a saved session', () => {
	it.each([
		['plain SGD, lr 0.02', { lr: 0.02, momentum: 0, logEvery: 25 }],
		['SGD with momentum 0.9 (its buffers are saved)', { lr: 0.005, momentum: 0.9, logEvery: 25 }]
	])('%s: 150 + 150 epochs across a reload = 300 in one go', async (_, settings) => {
		const whole = inThread();
		const reference = await train(whole, settings, 300);

		const first = inThread();
		const half = await train(first, settings, 150);
		const session = readSession(stored(snapshotSession(inputs(half))))!;
		expect(session).not.toBeNull();
		expect(session.training!.epoch).toBe(150);
		if (settings.momentum) expect(session.training!.momentum).not.toBeNull();
		first.dispose();

		const reloaded = inThread();
		reloaded.restore(restoredTraining(session.training!), {
			model: null,
			device: 'cpu',
			line: null
		});
		// At once, before the trainer answers: the same epoch, history and log.
		expect(reloaded.state.epoch).toBe(150);
		expect(Array.from(reloaded.state.losses)).toEqual(Array.from(half.losses));
		expect(reloaded.state.logs).toEqual(half.logs);

		const continued = await train(reloaded, settings, 150);
		expect(continued.epoch).toBe(300);
		expect(continued.parameters).toEqual(reference.parameters);
		expect(Array.from(continued.losses)).toEqual(Array.from(reference.losses));
		expect(Array.from(continued.trajectory!.w)).toEqual(Array.from(reference.trajectory!.w));
		expect(continued.logs).toEqual(reference.logs);
		// The log goes on at epoch 175, as PyTorch's loop would, not at epoch 25 again.
		expect(continued.logs[6]).toMatch(/^epoch 175, loss /);
		whole.dispose();
		reloaded.dispose();
	});

	it('a paused run comes back paused, and Train (resume) finishes that run', async () => {
		const client = inThread();
		client.start(config({ epochs: 1000 }));
		await waitFor(client, (s) => s.status === 'running' && s.epoch > 0);
		client.pause();
		const paused = await waitFor(client, (s) => s.status === 'paused');
		const session = readSession(stored(snapshotSession(inputs(paused))))!;
		expect(session.training!.run).toEqual(paused.run);
		client.dispose();

		const reloaded = inThread();
		reloaded.restore(restoredTraining(session.training!), {
			model: null,
			device: 'cpu',
			line: null
		});
		expect(reloaded.state.status).toBe('paused');
		reloaded.resume(config({ epochs: 1000 }));
		const done = await waitFor(reloaded, (s) => s.status === 'finished');
		expect(done.epoch).toBe(1000);
		reloaded.dispose();
	});

	it('Reset after a restore starts over from the leaves, as without one', async () => {
		const client = inThread();
		const trained = await train(client, { lr: 0.02 }, 100);
		const session = readSession(stored(snapshotSession(inputs(trained))))!;
		client.dispose();
		const reloaded = inThread();
		reloaded.restore(restoredTraining(session.training!), {
			model: null,
			device: 'cpu',
			line: null
		});
		reloaded.reset(config({ lr: 0.02 }));
		const reset = await waitFor(reloaded, (s) => s.model !== null && s.epoch === 0);
		expect(plain(reset.parameters)).toEqual({ [WEIGHT]: [0], [BIAS]: [0] });
		expect(reset.losses).toHaveLength(0);
		expect(reset.logs).toEqual([]);
		reloaded.dispose();
	});

	it('parameters that no longer fit the model are not used: it starts from its leaves', () => {
		const trainer = new Trainer({
			doc,
			data: formulaData(),
			settings: DEFAULT_SETTINGS,
			restore: {
				epoch: 500,
				losses: [1, 2],
				lossEpochs: [],
				trajectory: { w: [0, 1], b: [0, 1] },
				parameters: recordOf([
					[WEIGHT, [1, 2]],
					[BIAS, [3]]
				]),
				momentum: null
			}
		});
		expect(trainer.restored).toBe(false);
		expect(trainer.epoch).toBe(0);
		expect(trainer.losses.length).toBe(0);
		expect(trainer.parameters()).toEqual({ [WEIGHT]: [0], [BIAS]: [0] });
	});
});

describe('snapshot and readSession', () => {
	const trainedState = (): TrainState => ({
		...INITIAL_STATE,
		status: 'finished',
		epoch: 3,
		losses: new Float64Array([3, 2, 1]),
		trajectory: { w: new Float64Array([0, 1, 2]), b: new Float64Array([0, 0.5, 1]) },
		logs: ['epoch 3, loss 1.0'],
		parameters: recordOf([
			[WEIGHT, [2]],
			[BIAS, [1]]
		]),
		device: 'cpu',
		predicted: 'array([[1.]], dtype=float32)',
		model: {
			lossId: 'n6',
			inputId: 'n1',
			targetId: 'n4',
			parameterIds: [WEIGHT, BIAS],
			keys: { [WEIGHT]: 'weight', [BIAS]: 'bias' },
			line: { weightId: WEIGHT, biasId: BIAS },
			reduction: 'mean'
		}
	});

	it('round trips through JSON, every field as saved (settings as typed)', () => {
		const session = snapshotSession(
			inputs(trainedState(), {
				settingsText: { lr: '0.02', momentum: '0', epochs: '1e3', logEvery: 'oops' },
				source: 'csv',
				csvText: 'x,y\n0,1\n1,oops\n',
				csvInUse: 'x,y\n0,1\n1,3\n',
				device: 'webgpu',
				lossId: 'n6',
				format: 'json',
				logScale: true
			})
		);
		expect(readSession(stored(session))).toEqual(session);
		expect(session.training).toMatchObject({ epoch: 3, run: null, device: 'cpu' });
		expect(session.settings.logEvery).toBe('oops');
		// The CSV the data came from, and the box's refused edit beside it.
		expect(session.csvText).toBe('x,y\n0,1\n1,3\n');
		expect(session.csvDraft).toBe('x,y\n0,1\n1,oops\n');
	});

	it('is a copy: training on does not change a saved session', () => {
		const state = trainedState();
		const session = snapshotSession(inputs(state));
		(state.losses as Float64Array)[0] = 99;
		(state.parameters[WEIGHT] as number[])[0] = 99;
		expect(session.training!.losses[0]).toBe(3);
		expect(session.training!.parameters[0]).toEqual([WEIGHT, [2]]);
	});

	it('nothing trained yet: no training state; a long CSV is not kept (and says so on restore)', () => {
		const session = snapshotSession(
			inputs(INITIAL_STATE, { source: 'csv', csvText: '0,1\n'.repeat(MAX_CSV_CHARS / 4 + 1) })
		);
		expect(session.training).toBeNull();
		expect(session.csvText).toBeNull();
		expect(session.source).toBe('csv');
	});

	it('keeps at most MAX_HISTORY points of history and the last MAX_LOG_LINES log lines', () => {
		const long = MAX_HISTORY + 10;
		const state: TrainState = {
			...trainedState(),
			epoch: long,
			losses: Float64Array.from({ length: long }, (_, i) => i),
			trajectory: {
				w: Float64Array.from({ length: long }, (_, i) => i),
				b: Float64Array.from({ length: long }, (_, i) => -i)
			},
			logs: Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => `line ${i}`),
			droppedLogLines: 7
		};
		const training = readSession(stored(snapshotSession(inputs(state))))!.training!;
		expect(training.epoch).toBe(long);
		// The last MAX_HISTORY / 2 epochs, and a thinned history from the first epoch on
		// (history.test.ts).
		expect(training.losses.length).toBeLessThanOrEqual(MAX_HISTORY);
		expect(training.losses[0]).toBe(0);
		expect(training.lossEpochs[0]).toBe(1);
		expect(training.losses.slice(-MAX_HISTORY / 2)[0]).toBe(long - MAX_HISTORY / 2);
		expect(training.trajectory!.b.at(-1)).toBe(-(long - 1));
		expect(training.logs).toHaveLength(MAX_LOG_LINES);
		expect(training.logs[0]).toBe('line 5');
		expect(training.droppedLogLines).toBe(12);
	});

	it('__proto__, constructor and toString work as node ids, and Object.prototype is untouched', () => {
		const ids = ['__proto__', 'constructor', 'toString'];
		const state: TrainState = {
			...trainedState(),
			trajectory: null,
			parameters: recordOf(ids.map((id, i) => [id, [i + 1]]))
		};
		const session = readSession(stored(snapshotSession(inputs(state))))!;
		expect(session.training!.parameters).toEqual(ids.map((id, i) => [id, [i + 1]]));
		const restored = restoredTraining(session.training!);
		for (const [i, id] of ids.entries()) {
			expect(Object.hasOwn(restored.parameters, id)).toBe(true);
			expect(restored.parameters[id]).toEqual([i + 1]);
		}
		expect(Object.getPrototypeOf(restored.parameters)).toBeNull();
		// The canvas's live values for a document whose parameter leaves have these ids.
		const renamed: GraphDocument = {
			...doc,
			nodes: doc.nodes.map((n) =>
				n.id === WEIGHT
					? { ...n, id: '__proto__' }
					: n.id === BIAS
						? { ...n, id: 'constructor' }
						: n
			)
		};
		const live = sessionParameters(session, renamed)!;
		expect(Object.keys(live).sort()).toEqual(['__proto__', 'constructor']);
		expect(live['__proto__']).toEqual([1]);
		expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
		expect(Object.getPrototypeOf({})).toBe(Object.prototype);
	});

	it('sessionParameters: the saved values of the leaves that still fit the document', () => {
		const session = (parameters: [string, number[]][]) =>
			snapshotSession(inputs({ ...trainedState(), parameters: recordOf(parameters) }));
		const fits = sessionParameters(
			session([
				[WEIGHT, [2]],
				[BIAS, [1]],
				['n9', [5]]
			]),
			doc
		);
		expect({ ...fits }).toEqual({ [WEIGHT]: [2], [BIAS]: [1] });
		// Wrong sizes, non-parameters (x), no session: nothing.
		expect(
			sessionParameters(
				session([
					[WEIGHT, [1, 2]],
					['n1', Array(11).fill(0)]
				]),
				doc
			)
		).toBeNull();
		expect(sessionParameters(null, doc)).toBeNull();
		expect(sessionParameters('{not json', doc)).toBeNull();
	});

	it('sessionParameters: none from a training of another model (the graph changed since)', () => {
		const trained = (model: string | null) =>
			stored(
				snapshotSession(
					inputs({ ...trainedState(), parameters: recordOf([[WEIGHT, [2]]]) }, { model })
				)
			);
		const withoutBias: GraphDocument = {
			...doc,
			nodes: doc.nodes.filter((n) => n.id !== BIAS),
			edges: doc.edges.filter((e) => e.source !== BIAS)
		};
		const hash = docTrainingHash(doc);
		expect(hash).toMatch(/^[0-9a-f]+$/);
		expect(docTrainingHash(withoutBias)).not.toBe(hash);
		// Moved nodes train the same model.
		const moved = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) };
		expect(docTrainingHash(moved)).toBe(hash);
		expect({ ...sessionParameters(trained(hash), doc) }).toEqual({ [WEIGHT]: [2] });
		expect(sessionParameters(trained(hash), withoutBias)).toBeNull();
		// A session saved before the fingerprint: as before, whatever still fits.
		expect({ ...sessionParameters(trained(null), withoutBias) }).toEqual({ [WEIGHT]: [2] });
		// A fingerprint that is no fingerprint is ignored when read.
		const odd = trained(hash) as { training: { model: unknown } };
		odd.training.model = '<script>';
		expect(readSession(odd)?.training?.model).toBeNull();
	});

	it('a huge stored session is read in bounded time and size', () => {
		const huge = {
			...snapshotSession(inputs(trainedState())),
			csvText: 'x'.repeat(MAX_CSV_CHARS + 1),
			lossId: 'n'.repeat(10_000),
			settings: { lr: '1'.repeat(1_000_000), momentum: 0.9, epochs: null, logEvery: '5' }
		} as Record<string, unknown>;
		const training = huge.training as Record<string, unknown>;
		training.logs = new Array(1_000_000).fill('y'.repeat(1000));
		training.losses = new Array(1_000_000).fill(0.5);
		training.epoch = 2_000_000;
		const session = readSession(huge)!;
		expect(session.csvText).toBeNull();
		expect(session.lossId).toBeNull();
		expect(session.settings).toEqual({ lr: '0.01', momentum: '0', epochs: '1000', logEvery: '5' });
		expect(session.training!.logs).toHaveLength(MAX_LOG_LINES);
		expect(session.training!.logs[0]).toHaveLength(MAX_LOG_LINE_CHARS);
		expect(session.training!.droppedLogLines).toBe(1_000_000 - MAX_LOG_LINES);
		// Too much history: none of it (the epoch count and parameters stay).
		expect(session.training!.losses).toEqual([]);
		expect(session.training!.epoch).toBe(2_000_000);
	});
});

// ---- fuzz ---------------------------------------------------------------------------------------

/** A valid session: its fields have their types and bounds, and reading it again changes nothing. */
function expectValid(session: TrainingSession): void {
	expect(readSession(session)).toEqual(session);
	expect(JSON.parse(JSON.stringify(session))).toEqual(session);
	for (const value of [...Object.values(session.settings), ...Object.values(session.formula)]) {
		expect(value.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
	}
	expect(['auto', 'cpu', 'webgpu']).toContain(session.device);
	if (session.csvText !== null) expect(session.csvText.length).toBeLessThanOrEqual(MAX_CSV_CHARS);
	if (session.lossId !== null) expect(session.lossId.length).toBeLessThanOrEqual(MAX_ID_CHARS);
	const training = session.training;
	if (training === null) return;
	expect(Number.isSafeInteger(training.epoch) && training.epoch >= 0).toBe(true);
	expect(training.epoch).toBeLessThanOrEqual(MAX_EPOCH_COUNT);
	expect(training.losses.length).toBeLessThanOrEqual(Math.min(MAX_HISTORY, training.epoch));
	expect(training.losses.every(Number.isFinite)).toBe(true);
	if (training.trajectory !== null) {
		expect(training.trajectory.w).toHaveLength(training.losses.length);
		expect(training.trajectory.b).toHaveLength(training.losses.length);
	}
	expect(training.logs.length).toBeLessThanOrEqual(MAX_LOG_LINES);
	for (const line of training.logs) expect(line.length).toBeLessThanOrEqual(MAX_LOG_LINE_CHARS);
	expect(training.parameters.length).toBeGreaterThan(0);
	for (const [id, values] of [...training.parameters, ...(training.momentum ?? [])]) {
		expect(id.length).toBeGreaterThan(0);
		expect(id.length).toBeLessThanOrEqual(MAX_ID_CHARS);
		expect(values.every(Number.isFinite)).toBe(true);
	}
	if (training.run !== null) expect(training.run.done).toBeLessThanOrEqual(training.run.total);
}

/** readSession on `input`: never throws, never changes it, gives null or a valid session. */
function check(input: unknown): void {
	const before = structuredClone(input);
	const session = readSession(input);
	expect(input).toEqual(before);
	if (session !== null) expectValid(session);
}

const hostile = fc.oneof(
	fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
	fc.constantFrom(
		NaN,
		Infinity,
		-1,
		2 ** 60,
		1.5,
		'',
		'__proto__',
		'constructor',
		null,
		true,
		[],
		{},
		[['__proto__', [1]]],
		[['constructor', [NaN]]],
		[['', [1]]],
		[[1, [1]]],
		[['n2', []]],
		{ w: [1], b: [1, 2] },
		{ done: 5, total: 3 },
		'x'.repeat(MAX_FIELD_CHARS + 1)
	),
	fc.array(fc.oneof(fc.double(), fc.string(), fc.constant(null)), { maxLength: 30 }),
	fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.array(fc.double(), { maxLength: 4 })), {
		maxLength: 6
	})
);

const TOP_KEYS = [
	'version',
	'settings',
	'formula',
	'source',
	'csvText',
	'csvDraft',
	'device',
	'lossId',
	'format',
	'logScale',
	'training'
];
const TRAINING_KEYS = [
	'epoch',
	'run',
	'losses',
	'trajectory',
	'logs',
	'droppedLogLines',
	'parameters',
	'momentum',
	'model',
	'device',
	'predicted'
];

function validSession(): Record<string, unknown> {
	const state: TrainState = {
		...INITIAL_STATE,
		status: 'paused',
		epoch: 4,
		run: { done: 4, total: 10 },
		losses: new Float64Array([4, 3, 2, 1]),
		trajectory: { w: new Float64Array([0, 1, 2, 3]), b: new Float64Array([0, 1, 1, 1]) },
		logs: ['epoch 2, loss 3.0', 'epoch 4, loss 1.0'],
		parameters: recordOf([
			[WEIGHT, [2]],
			[BIAS, [1]]
		]),
		momentum: recordOf([
			[WEIGHT, [0.1]],
			[BIAS, [0.2]]
		]),
		device: 'cpu',
		model: INITIAL_STATE.model
	};
	const session = snapshotSession(inputs({ ...state, model: { lossId: 'n6' } as never }));
	return JSON.parse(JSON.stringify(session));
}

describe('readSession under fuzzing', () => {
	it('random values: never throws, input unchanged, null or a valid session (3000 runs)', () => {
		fc.assert(
			fc.property(hostile, (value) => {
				check(value);
				check({ version: 1, ...(typeof value === 'object' && value !== null ? value : {}) });
			}),
			{ numRuns: 3000 }
		);
	});

	it('a valid session with hostile fields, at the top and in its training (3000 runs)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.constantFrom(...TOP_KEYS), hostile), { maxLength: 3 }),
				fc.array(fc.tuple(fc.constantFrom(...TRAINING_KEYS), hostile), { maxLength: 4 }),
				(top, inner) => {
					const session = validSession();
					const training = session.training as Record<string, unknown>;
					for (const [key, value] of inner) training[key] = value;
					for (const [key, value] of top) session[key] = value;
					check(session);
				}
			),
			{ numRuns: 3000 }
		);
	});

	it('a valid session with hostile values inside its lists and records (2000 runs)', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(
					['training', 'parameters', 0, 1],
					['training', 'parameters', 1, 0],
					['training', 'momentum', 0, 1, 0],
					['training', 'losses', 2],
					['training', 'trajectory', 'w', 0],
					['training', 'logs', 1],
					['training', 'run', 'done'],
					['settings', 'lr'],
					['formula', 'seed']
				),
				hostile,
				(path, value) => {
					const session = validSession();
					let target = session as Record<string | number, unknown>;
					for (const step of path.slice(0, -1)) {
						target = target[step] as Record<string | number, unknown>;
					}
					target[path.at(-1)!] = value;
					check(session);
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('a getter that throws gives null, not an exception', () => {
		const trap = new Proxy(
			{},
			{
				get() {
					throw new Error('no');
				},
				getOwnPropertyDescriptor() {
					throw new Error('no');
				}
			}
		);
		expect(readSession(trap)).toBeNull();
		expect(readSession({ ...validSession(), training: trap })).toBeNull();
	});
});

describe('the Train panel opening on a hostile stored session', () => {
	// Node has no animation frames: the panel's state takes the client's reports on a timer here.
	beforeAll(() => {
		vi.stubGlobal('requestAnimationFrame', (run: () => void) => setTimeout(run, 0));
		vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
	});
	afterAll(() => vi.unstubAllGlobals());

	it('shows a fitting session at once, and one whose parameters no longer fit not at all', () => {
		const open = (session: unknown) => {
			const heard: Readonly<Record<string, ArrayLike<number>>>[] = [];
			const client = inThread();
			const panel = new TrainPanelState({
				doc: () => doc,
				client,
				session,
				onParameters: (values) => heard.push({ ...values })
			});
			const shown = { epoch: panel.train.epoch, logs: panel.train.logs, heard, line: panel.line };
			panel.dispose();
			client.dispose();
			return shown;
		};
		const fitting = open(validSession());
		expect(fitting.epoch).toBe(4);
		expect(fitting.logs).toEqual(['epoch 2, loss 3.0', 'epoch 4, loss 1.0']);
		expect(fitting.heard).toEqual([{ [WEIGHT]: [2], [BIAS]: [1] }]);
		expect(fitting.line).toEqual({ w: 2, b: 1 });

		const stale = validSession();
		(stale.training as Record<string, unknown>).parameters = [
			[WEIGHT, [2, 3]],
			[BIAS, [1]]
		];
		const notShown = open(stale);
		expect(notShown.epoch).toBe(0);
		expect(notShown.logs).toEqual([]);
		expect(notShown.heard).toEqual([]);
	});

	it('the data of the CSV in use comes back, with the refused edit still in the CSV box', () => {
		const client = inThread();
		const first = new TrainPanelState({ doc: () => doc, client });
		expect(first.applyCsv('x,y\n0,1\n1,3\n')).toBe(true);
		expect(first.applyCsv('x,y\n0,1\n1,oops\n')).toBe(false);
		const session = JSON.parse(JSON.stringify(first.session()));
		first.dispose();
		const again = new TrainPanelState({ doc: () => doc, client, session });
		expect(again.source).toBe('csv');
		expect(again.data).toEqual({ x: [0, 1], y: [1, 3] });
		expect(again.csvText).toBe('x,y\n0,1\n1,oops\n');
		again.dispose();
		client.dispose();
	});

	it('never throws; the form holds text, the canvas hears only its parameters (2000 runs)', () => {
		const leafIds = new Set([WEIGHT, BIAS]);
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.constantFrom(...TOP_KEYS), hostile), { maxLength: 3 }),
				fc.array(fc.tuple(fc.constantFrom(...TRAINING_KEYS), hostile), { maxLength: 3 }),
				(top, inner) => {
					const session = validSession();
					const training = session.training as Record<string, unknown>;
					for (const [key, value] of inner) training[key] = value;
					for (const [key, value] of top) session[key] = value;
					const before = structuredClone(session);
					const heard: Readonly<Record<string, ArrayLike<number>>>[] = [];
					// Restoring only shows the session: nothing is sent until a command.
					const client = inThread();
					const panel = new TrainPanelState({
						doc: () => doc,
						client,
						session,
						onParameters: (values) => heard.push(values)
					});
					expect(session).toEqual(before);
					for (const value of [
						...Object.values(panel.settingsText),
						...Object.values(panel.formulaText)
					]) {
						expect(typeof value).toBe('string');
						expect(value.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
					}
					expect(['auto', 'cpu', 'webgpu']).toContain(panel.device);
					expect(panel.data.x.length).toBe(panel.data.y.length);
					for (const values of heard) {
						for (const id of Object.keys(values)) expect(leafIds.has(id)).toBe(true);
					}
					expect(Number.isSafeInteger(panel.train.epoch)).toBe(true);
					panel.dispose();
					client.dispose();
				}
			),
			{ numRuns: 2000 }
		);
	});
});
