/**
 * The guided lessons: the tutorial's three chapters (autograd basics, the chain rule with
 * retain_graph, linear regression) as steps. Each step is data: the message that says what to do
 * or watch, what it sets up on the canvas when it opens, what it highlights, and the condition it
 * waits for. A step without a condition is a "watch" step: the student reads, then goes on.
 *
 * The conditions read the editor and the trace through the small views below (the editor's
 * `EditorState` and `TraceState` fit them), so this module stays plain TypeScript, testable
 * without a page.
 */
import type { Example, GraphDocument } from '$lib/graph';
import type { MessageKey, MessageParams } from '$lib/i18n';
import { DEFAULT_SETTINGS, readSession } from '$lib/training';

/** What a lesson reads of the editor. */
export interface LessonEditor {
	readonly doc: GraphDocument;
	readonly sidePanel: string | null;
	/** The Train panel's session on the document (see `TrainingSession`), or null. */
	readonly trainingSession: unknown;
}

/** What a lesson reads of one node on the trace (the editor's `NodeTrace` fits it). */
export interface LessonNodeTrace {
	readonly value: { readonly data: ArrayLike<number> } | null;
	readonly grad: { readonly data: ArrayLike<number> } | null;
	/** Backward passes accumulated into a leaf's grad (null for non-leaves). */
	readonly accumulations: number | null;
}

/** What a lesson reads of the trace. */
export interface LessonTrace {
	/** What each node shows at the current step, by node id. */
	readonly nodes: ReadonlyMap<string, LessonNodeTrace>;
	readonly error: { readonly code: string } | null;
	readonly retainGraph: boolean;
}

/**
 * What a step points at: a control by its accessible name (a message key: the component looks
 * the text up in the UI's language), or a canvas node by its name.
 */
export type LessonTarget = { control: MessageKey } | { node: string };

/** What a step sets up when the student reaches it (Next, or Start for the first). */
export type LessonAction =
	/** Opens an example as a new document (the one before is kept, in Recent). */
	| { open: Example['id'] }
	/** Opens a side panel. */
	| { panel: 'train' };

export interface LessonStep {
	/** The text: what to do or watch. */
	text: MessageKey;
	/** Values for the text's parameters, read from the editor when it shows. */
	params?: (editor: LessonEditor) => MessageParams;
	action?: LessonAction;
	/** The controls and nodes the step is about (outlined on the page). */
	highlight?: LessonTarget[];
	/** The condition the step waits for; none: a step to watch, Next is enabled at once. */
	done?: (editor: LessonEditor, trace: LessonTrace) => boolean;
}

export interface Lesson {
	id: Example['id'];
	title: MessageKey;
	steps: LessonStep[];
}

/** The trace of the node named `name` in the editor's document, or null. */
export function traceOf(
	editor: LessonEditor,
	trace: LessonTrace,
	name: string
): LessonNodeTrace | null {
	const node = editor.doc.nodes.find((n) => n.name === name);
	return node ? (trace.nodes.get(node.id) ?? null) : null;
}

/** Backward passes accumulated into the leaf `name`'s .grad (0 when none, or no trace). */
const accumulated = (editor: LessonEditor, trace: LessonTrace, name: string) =>
	traceOf(editor, trace, name)?.accumulations ?? 0;

/** The Train panel's session on the document, when it is one. */
const sessionOf = (editor: LessonEditor) => readSession(editor.trainingSession);

/** The trained value of the leaf `name` (its first element), or null before training. */
function trained(editor: LessonEditor, name: string): number | null {
	const node = editor.doc.nodes.find((n) => n.name === name);
	const parameters = sessionOf(editor)?.training?.parameters;
	const values = parameters?.find(([id]) => id === node?.id)?.[1];
	return values && values.length > 0 ? values[0] : null;
}

/** The trained w and b, as the step's text shows them (`?` before training). */
const trainedParams = (editor: LessonEditor): MessageParams => ({
	w: trained(editor, 'weight')?.toFixed(3) ?? '?',
	b: trained(editor, 'bias')?.toFixed(3) ?? '?'
});

const FORWARD: LessonTarget = { control: 'trace.forward' };
const BACKWARD: LessonTarget = { control: 'trace.backward' };
const ZERO_GRAD: LessonTarget = { control: 'trace.zeroGrad' };
const RETAIN_GRAPH: LessonTarget = { control: 'trace.retainGraph' };

export const LESSONS: Lesson[] = [
	{
		id: 'autograd-basics',
		title: 'lesson.basics.title',
		steps: [
			{
				text: 'lesson.basics.graph',
				action: { open: 'autograd-basics' },
				highlight: [{ node: 'x' }, { node: 'b' }]
			},
			{
				text: 'lesson.basics.forward',
				highlight: [FORWARD],
				done: (editor, trace) => traceOf(editor, trace, 'y')?.value != null
			},
			{
				text: 'lesson.basics.flags',
				highlight: [{ node: 't' }]
			},
			{
				text: 'lesson.basics.backward',
				highlight: [BACKWARD],
				done: (editor, trace) => accumulated(editor, trace, 'b') >= 1
			},
			{
				text: 'lesson.basics.grad',
				highlight: [{ node: 'b' }]
			},
			{
				text: 'lesson.basics.accumulate',
				highlight: [FORWARD, BACKWARD],
				done: (editor, trace) => accumulated(editor, trace, 'b') >= 2
			},
			{
				text: 'lesson.basics.zeroGrad',
				highlight: [ZERO_GRAD],
				done: (editor, trace) => {
					const b = traceOf(editor, trace, 'b');
					return b !== null && b.grad === null && b.accumulations === 0;
				}
			},
			{ text: 'lesson.basics.summary' }
		]
	},
	{
		id: 'chain-rule',
		title: 'lesson.chain.title',
		steps: [
			{
				text: 'lesson.chain.graph',
				action: { open: 'chain-rule' },
				highlight: [{ node: 'x' }, { node: 'w' }, { node: 'b' }]
			},
			{
				text: 'lesson.chain.retain',
				highlight: [RETAIN_GRAPH],
				done: (_editor, trace) => trace.retainGraph
			},
			{
				text: 'lesson.chain.backward',
				highlight: [FORWARD, BACKWARD],
				done: (editor, trace) => accumulated(editor, trace, 'b') >= 1
			},
			{
				text: 'lesson.chain.grads',
				highlight: [{ node: 'w' }, { node: 'b' }]
			},
			{
				text: 'lesson.chain.again',
				highlight: [BACKWARD],
				done: (editor, trace) => accumulated(editor, trace, 'b') >= 2
			},
			{
				text: 'lesson.chain.error',
				highlight: [RETAIN_GRAPH, BACKWARD],
				done: (_editor, trace) => !trace.retainGraph && trace.error?.code === 'freed'
			},
			{ text: 'lesson.chain.summary' }
		]
	},
	{
		id: 'linear-regression',
		title: 'lesson.regression.title',
		steps: [
			{
				text: 'lesson.regression.graph',
				action: { open: 'linear-regression' },
				highlight: [{ node: 'weight' }, { node: 'bias' }]
			},
			{
				text: 'lesson.regression.panel',
				highlight: [{ control: 'panels.train' }],
				done: (editor) => editor.sidePanel === 'train'
			},
			{
				text: 'lesson.regression.settings',
				action: { panel: 'train' },
				highlight: [{ control: 'trainPanel.lr' }, { control: 'trainPanel.epochs' }],
				done: (editor) => {
					// The panel writes no session until something changes: then it has the defaults.
					const settings = sessionOf(editor)?.settings ?? DEFAULT_SETTINGS;
					const tutorial = Number(settings.lr) === 0.01 && Number(settings.epochs) === 1000;
					return editor.sidePanel === 'train' && tutorial;
				}
			},
			{
				text: 'lesson.regression.train',
				action: { panel: 'train' },
				highlight: [{ control: 'trainPanel.train' }],
				done: (editor) => {
					const training = sessionOf(editor)?.training;
					return training != null && training.run === null && training.epoch >= 1000;
				}
			},
			{
				text: 'lesson.regression.result',
				params: trainedParams,
				highlight: [{ node: 'weight' }, { node: 'bias' }]
			},
			{ text: 'lesson.regression.summary' }
		]
	}
];

/** The lesson `id`. */
export function lessonById(id: Lesson['id']): Lesson | undefined {
	return LESSONS.find((lesson) => lesson.id === id);
}

/** The lesson after `id`, or null after the last. */
export function nextLesson(id: Lesson['id']): Lesson | null {
	const index = LESSONS.findIndex((lesson) => lesson.id === id);
	return LESSONS[index + 1] ?? null;
}

/** Every message key the lessons use (for the catalog's check). */
export function lessonKeys(): MessageKey[] {
	return LESSONS.flatMap((lesson) => [
		lesson.title,
		...lesson.steps.flatMap((step) => [
			step.text,
			...(step.highlight ?? []).flatMap((target) => ('control' in target ? [target.control] : []))
		])
	]);
}
