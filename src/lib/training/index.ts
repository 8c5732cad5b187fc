/**
 * Training: the tutorial's linear regression (or any graph with a loss node) trained on the
 * graph document with the engine, in a Web Worker; its protocol, data, settings and the loss
 * landscape. Plain TypeScript: the Train panel that puts it together lives in the editor
 * (`editor/TrainPanel`).
 *
 * The trainer itself (`./trainer`, `./host`) is not exported here: it runs in the worker, and
 * the page loads it only where there is no worker, so the editor's first load does without it.
 */
export {
	CSV_LIMIT_TEXT,
	MAX_CSV_BYTES,
	MAX_ROWS,
	csvProblemText,
	csvSizeProblem,
	parseCsv,
	toCsv,
	type CsvDelimiter,
	type CsvProblem,
	type CsvResult
} from './csv';
export {
	DEFAULT_FORMULA,
	DEFAULT_X,
	formulaData,
	sameDataset,
	type Dataset,
	type Formula
} from './data';
export { epochLine, numpyFloat32Array } from './format';
export {
	bindModel,
	lossNodes,
	modelProblemText,
	trainingKey,
	withData,
	type Binding,
	type ModelBinding,
	type ModelProblem
} from './model';
export { Series } from './series';
export { epochAt, keptHistory, labelsFit, type History, type KeptHistory } from './history';
export {
	checkEpochs,
	checkLogEvery,
	checkLr,
	checkMomentum,
	DEFAULT_SETTINGS,
	MAX_EPOCHS,
	readNumber,
	validateFormula,
	validateSettings,
	type Check,
	type TrainSettings,
	type Validated
} from './settings';
export {
	configOf,
	DEVICE_CHOICES,
	divergedMessage,
	noticeText,
	stoppedMessage,
	workerFailedMessage,
	requestProblem,
	RequestFailed,
	summaryOf,
	type DeviceChoice,
	type FailureCode,
	type ModelSummary,
	type ParameterValues,
	type ProgressEvent,
	type RestoredTraining,
	type TrainConfig,
	type TrainEvent,
	type TrainNotice,
	type TrainRequest,
	type TrainStatus
} from './protocol';
export {
	MAX_CSV_CHARS,
	MAX_HISTORY,
	MAX_SESSION_VALUES,
	readSession,
	recordOf,
	restoredTraining,
	SESSION_VERSION,
	sessionFromImport,
	sessionParameters,
	snapshotSession,
	type ImportedSetup,
	type SavedTraining,
	type SessionInputs,
	type TrainingSession
} from './session';
export {
	createTrainingWorker,
	INITIAL_STATE,
	MAX_LOG_LINES,
	TrainingClient,
	type ClientOptions,
	type TrainState
} from './client';
export {
	contourThresholds,
	covers,
	extentOf,
	gridPoint,
	landscapeBounds,
	leastSquares,
	lineLoss,
	lossGrid,
	lossStats,
	trajectoryExtent,
	union,
	type Bounds,
	type GridOptions,
	type LossGrid,
	type LossStats,
	type Point,
	type Reduction
} from './landscape';
