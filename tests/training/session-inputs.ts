/** What the Train panel would save, for tests of sessions: the defaults, a state, overrides. */
import {
	DEFAULT_FORMULA,
	DEFAULT_SETTINGS,
	type SessionInputs,
	type TrainState
} from '$lib/training';

/** Each value as the panel's text fields hold it. */
export const asText = <T extends object>(values: T) =>
	Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) as Record<
		keyof T,
		string
	>;

export function sessionInputs(
	train: TrainState,
	overrides: Partial<SessionInputs> = {}
): SessionInputs {
	return {
		settingsText: asText(DEFAULT_SETTINGS),
		formulaText: asText(DEFAULT_FORMULA),
		source: 'formula',
		csvText: '',
		csvInUse: null,
		device: 'cpu',
		lossId: undefined,
		format: 'safetensors',
		logScale: false,
		train,
		...overrides
	};
}
