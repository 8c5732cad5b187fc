/**
 * The Train panel's words for what the training modules refuse, in the UI's language: the
 * settings' and the formula's checks (a small fixed set of English sentences from
 * `training/settings.ts`) and CSV problems (codes from `training/csv.ts`).
 */
import type { MessageKey, MessageParams } from '$lib/i18n';
import { MAX_EPOCHS } from '$lib/training/settings';
import type { CsvProblem } from '$lib/training/csv';
import { formatBytes, CSV_LIMIT_TEXT, MAX_ROWS } from '$lib/training/csv';
import type { ModelProblem } from '$lib/training/model';
import {
	divergedMessage,
	stoppedMessage,
	trainerLoadFailedMessage,
	workerFailedMessage,
	type TrainNotice
} from '$lib/training/protocol';

type Translate = (key: MessageKey, params?: MessageParams) => string;

const MAX_SEED = 2 ** 32 - 1;

/** Each refusal of settings.ts, as it reads in English, and its message in the catalog. */
const CHECKS: ReadonlyMap<string, [MessageKey, MessageParams?]> = new Map([
	['lr must be a number, such as 0.01', ['trainPanel.check.lrNumber']],
	['lr must be a finite number', ['trainPanel.check.lrFinite']],
	['lr must be greater than 0', ['trainPanel.check.lrPositive']],
	['momentum must be a number', ['trainPanel.check.momentumNumber']],
	['momentum must be at least 0 and below 1', ['trainPanel.check.momentumRange']],
	[
		`epochs must be a whole number from 1 to ${MAX_EPOCHS.toLocaleString('en-US')}`,
		['trainPanel.check.epochs', { max: MAX_EPOCHS.toLocaleString('en-US') }]
	],
	['log every must be a whole number of at least 1', ['trainPanel.check.logEvery']],
	['slope must be a finite number', ['trainPanel.check.slope']],
	['intercept must be a finite number', ['trainPanel.check.intercept']],
	['noise must be a number of at least 0', ['trainPanel.check.noise']],
	[
		`seed must be a whole number from 0 to ${MAX_SEED}`,
		['trainPanel.check.seed', { max: MAX_SEED }]
	]
] as const);

/** A settings or formula refusal in the UI's language (as it is, if it is not one we know). */
export function checkText(message: string | undefined, t: Translate): string | undefined {
	if (message === undefined) return undefined;
	const known = CHECKS.get(message);
	return known ? t(known[0], known[1]) : message;
}

/** The English refusals `checkText` words (tests check that each check's refusal is one). */
export const KNOWN_CHECKS: readonly string[] = [...CHECKS.keys()];

const DIVERGED = new RegExp(`^${divergedMessage(0).replace('0', '(\\d+)')}$`);

/** `^prefix(.*)$` for a sentence that ends with its reason (built by `sentence`). */
const withReason = (sentence: (reason: string) => string) => {
	const prefix = sentence('').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`^${prefix}([\\s\\S]*)$`);
};
const STOPPED = withReason(stoppedMessage);
const WORKER_FAILED = withReason(workerFailedMessage);
const LOAD_FAILED = withReason(trainerLoadFailedMessage);

/**
 * A training run's message in the UI's language: the divergence, a stopped run, a failed worker,
 * a trainer that could not be loaded (the training modules' own sentences); the reason they quote (an engine or PyTorch error, in
 * PyTorch's words) and any other message stay as they are.
 */
export function trainingMessage(message: string, t: Translate): string {
	const diverged = DIVERGED.exec(message);
	if (diverged) return t('trainPanel.diverged', { epoch: diverged[1] });
	const stopped = STOPPED.exec(message);
	if (stopped) return t('trainPanel.stopped', { reason: stopped[1] });
	const failed = WORKER_FAILED.exec(message);
	if (failed) return t('trainPanel.workerFailed', { reason: failed[1] });
	const notLoaded = LOAD_FAILED.exec(message);
	if (notLoaded) return t('trainPanel.trainerLoadFailed', { reason: notLoaded[1] });
	return message;
}

/** Why the graph cannot be trained, in the UI's language. */
export function modelProblemMessage(problem: ModelProblem, t: Translate): string {
	switch (problem.code) {
		case 'noLoss':
		case 'noInput':
		case 'noParameters':
			return t(`trainPanel.model.${problem.code}`);
		case 'unknownLoss':
			return t('trainPanel.model.unknownLoss', { id: problem.id });
		case 'lossNotScalar':
		case 'lossUnwired':
			return t(`trainPanel.model.${problem.code}`, { loss: problem.loss });
		case 'targetNotData':
			return t('trainPanel.model.targetNotData', { target: problem.target });
		case 'manyInputs':
			return t('trainPanel.model.manyInputs', { names: problem.names });
		case 'inputShape':
		case 'targetShape':
			return t(`trainPanel.model.${problem.code}`, { name: problem.name, shape: problem.shape });
	}
}

/** A notice of the training worker in the UI's language. */
export function noticeMessage(notice: TrainNotice, t: Translate): string {
	switch (notice.code) {
		case 'gpuUnavailable':
			return t('trainPanel.notice.gpuUnavailable', { reason: notice.reason });
		case 'gpuFailed':
			return t('trainPanel.notice.gpuFailed', { reason: notice.reason, epoch: notice.epoch });
		case 'predictionsFailed':
			return t('trainPanel.notice.predictionsFailed', { reason: notice.reason });
	}
}

/** A CSV problem in the UI's language. */
export function csvProblemMessage(problem: CsvProblem, t: Translate): string {
	switch (problem.code) {
		case 'empty':
			return t('trainPanel.csv.empty');
		case 'emptyLine':
			return t('trainPanel.csv.emptyLine');
		case 'noRows':
			return t('trainPanel.csv.noRows');
		case 'columns':
			return t('trainPanel.csv.columns', { count: problem.count });
		case 'values':
			return t('trainPanel.csv.values', { count: problem.count });
		case 'missing':
			return t('trainPanel.csv.missing', { column: problem.column });
		case 'nan':
			return t('trainPanel.csv.nan', { column: problem.column });
		case 'infinite':
			return t('trainPanel.csv.infinite', { column: problem.column, text: problem.text });
		case 'overflow':
			return t('trainPanel.csv.overflow', { column: problem.column, text: problem.text });
		case 'notNumber':
			return t('trainPanel.csv.notNumber', { column: problem.column, text: problem.text });
		case 'tooManyRows':
			return t('trainPanel.csv.tooManyRows', { max: problem.max.toLocaleString('en-US') });
		case 'tooBig':
			return t('trainPanel.csv.tooBig', {
				size: formatBytes(problem.bytes),
				limit: CSV_LIMIT_TEXT,
				rows: MAX_ROWS.toLocaleString('en-US')
			});
	}
}

/** A CSV refusal with its line (0: the whole text) in the UI's language. */
export function csvFailureMessage(
	failure: { line: number; problem: CsvProblem },
	t: Translate
): string {
	const problem = csvProblemMessage(failure.problem, t);
	return failure.line === 0 ? problem : t('trainPanel.csv.line', { line: failure.line, problem });
}
