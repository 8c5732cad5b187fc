/**
 * Light, dark, or the system's choice (prefers-color-scheme). Remembered in localStorage.
 */
import { MediaQuery } from 'svelte/reactivity';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_STORAGE_KEY = 'autograd-canvas.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function readStored(): ThemeChoice {
	try {
		const stored = globalThis.localStorage?.getItem(THEME_STORAGE_KEY);
		return CHOICES.includes(stored as ThemeChoice) ? (stored as ThemeChoice) : 'system';
	} catch {
		return 'system';
	}
}

export class Theme {
	choice = $state.raw<ThemeChoice>(readStored());
	#prefersDark = new MediaQuery('(prefers-color-scheme: dark)');
	/** The theme in effect. */
	current: 'light' | 'dark' = $derived(
		this.choice === 'system' ? (this.#prefersDark.current ? 'dark' : 'light') : this.choice
	);

	/** system -> light -> dark -> system. */
	cycle(): void {
		this.set(CHOICES[(CHOICES.indexOf(this.choice) + 1) % CHOICES.length]);
	}

	set(choice: ThemeChoice): void {
		this.choice = choice;
		try {
			globalThis.localStorage?.setItem(THEME_STORAGE_KEY, choice);
		} catch {
			// The choice still holds for this visit.
		}
	}
}
