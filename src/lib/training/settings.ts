/**
 * The optimizer's settings and the data formula's fields, checked before training starts: each
 * refused value gets a sentence the panel shows next to its field. Values may come as numbers or
 * as the text of an input.
 */
import type { Formula } from './data';

export interface TrainSettings {
	/** SGD's learning rate: finite and > 0. */
	lr: number;
	/** SGD's momentum: 0 <= momentum < 1. */
	momentum: number;
	/** Epochs per Train run: a whole number from 1 to MAX_EPOCHS. */
	epochs: number;
	/** Print the loss every N epochs: a whole number >= 1. */
	logEvery: number;
}

/** The tutorial's: SGD(lr=0.01), 1000 epochs, a line every 50. */
export const DEFAULT_SETTINGS: TrainSettings = {
	lr: 0.01,
	momentum: 0,
	epochs: 1000,
	logEvery: 50
};

export const MAX_EPOCHS = 1_000_000;

export type Check = { ok: true; value: number } | { ok: false; message: string };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number from a number or the text of an input (decimal notation only), else null. */
export function readNumber(value: unknown): number | null {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string') return null;
	const text = value.trim();
	return DECIMAL.test(text) ? Number(text) : null;
}

const refuse = (message: string): Check => ({ ok: false, message });

export function checkLr(value: unknown): Check {
	const lr = readNumber(value);
	if (lr === null || Number.isNaN(lr)) return refuse('lr must be a number, such as 0.01');
	if (!Number.isFinite(lr)) return refuse('lr must be a finite number');
	if (lr <= 0) return refuse('lr must be greater than 0');
	return { ok: true, value: lr };
}

export function checkMomentum(value: unknown): Check {
	const momentum = readNumber(value);
	if (momentum === null || Number.isNaN(momentum)) return refuse('momentum must be a number');
	if (!(momentum >= 0 && momentum < 1)) return refuse('momentum must be at least 0 and below 1');
	return { ok: true, value: momentum };
}

export function checkEpochs(value: unknown): Check {
	const epochs = readNumber(value);
	if (epochs === null || !Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
		return refuse(`epochs must be a whole number from 1 to ${MAX_EPOCHS.toLocaleString('en-US')}`);
	}
	return { ok: true, value: epochs };
}

export function checkLogEvery(value: unknown): Check {
	const every = readNumber(value);
	if (every === null || !Number.isInteger(every) || every < 1) {
		return refuse('log every must be a whole number of at least 1');
	}
	return { ok: true, value: every };
}

const SETTINGS_CHECKS: Record<keyof TrainSettings, (value: unknown) => Check> = {
	lr: checkLr,
	momentum: checkMomentum,
	epochs: checkEpochs,
	logEvery: checkLogEvery
};

export type Validated<T> =
	{ ok: true; value: T } | { ok: false; errors: Partial<Record<keyof T, string>> };

function validateAll<T>(
	checks: Record<keyof T, (value: unknown) => Check>,
	raw: Record<keyof T, unknown>
): Validated<T> {
	const value = {} as Record<keyof T, number>;
	const errors: Partial<Record<keyof T, string>> = {};
	for (const key of Object.keys(checks) as (keyof T)[]) {
		const check = checks[key](raw[key]);
		if (check.ok) value[key] = check.value;
		else errors[key] = check.message;
	}
	return Object.keys(errors).length === 0 ? { ok: true, value: value as T } : { ok: false, errors };
}

/** Every setting checked; all refusals at once. */
export function validateSettings(
	raw: Record<keyof TrainSettings, unknown>
): Validated<TrainSettings> {
	return validateAll<TrainSettings>(SETTINGS_CHECKS, raw);
}

function finite(name: string) {
	return (value: unknown): Check => {
		const n = readNumber(value);
		return n !== null && Number.isFinite(n)
			? { ok: true, value: n }
			: refuse(`${name} must be a finite number`);
	};
}

const FORMULA_CHECKS: Record<keyof Formula, (value: unknown) => Check> = {
	slope: finite('slope'),
	intercept: finite('intercept'),
	noise: (value) => {
		const n = readNumber(value);
		return n !== null && Number.isFinite(n) && n >= 0
			? { ok: true, value: n }
			: refuse('noise must be a number of at least 0');
	},
	seed: (value) => {
		const n = readNumber(value);
		return n !== null && Number.isInteger(n) && n >= 0 && n <= 2 ** 32 - 1
			? { ok: true, value: n }
			: refuse('seed must be a whole number from 0 to 4294967295');
	}
};

/** The data formula's fields checked; all refusals at once. */
export function validateFormula(raw: Record<keyof Formula, unknown>): Validated<Formula> {
	return validateAll<Formula>(FORMULA_CHECKS, raw);
}
