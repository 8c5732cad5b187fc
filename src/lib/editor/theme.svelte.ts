/**
 * Light, dark, or the system's choice (prefers-color-scheme). Remembered in localStorage, and
 * shown as `<html data-theme="light|dark">`: set by src/app.html's first script before anything
 * is drawn (no flash of the other theme), then kept by `showTheme` on every page (the editor,
 * the tutorial). Page-wide styles (the tutorial's colours, the charts') follow that attribute.
 */
import { MediaQuery } from 'svelte/reactivity';

export type ThemeChoice = 'system' | 'light' | 'dark';
/** Also read by src/app.html's script (tests/editor/theme.test.ts checks that they agree). */
export const THEME_STORAGE_KEY = 'autograd-canvas.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
/**
 * The browser's own UI colour (`<meta name="theme-color">`: the title bar of an installed app, a
 * phone's address bar) in each theme; src/app.html starts with the same two.
 */
export const THEME_COLORS = { light: '#ffffff', dark: '#181b22' } as const;

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

/**
 * Keeps `<html data-theme>` on `theme.current` while the calling component lives (call it while
 * the component initialises): before its first render, and after every change.
 */
export function showTheme(theme: Theme): void {
	$effect.pre(() => {
		document.documentElement.dataset.theme = theme.current;
		// Both tags (one per system theme) take the chosen theme's colour, so that the window's
		// frame follows the choice and not the system's theme.
		for (const meta of document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')) {
			meta.content = THEME_COLORS[theme.current];
		}
	});
	// A choice made in another tab (the editor beside an open tutorial) is followed at once.
	$effect(() => {
		const follow = (event: StorageEvent) => {
			if (event.key === THEME_STORAGE_KEY) theme.choice = readStored();
		};
		window.addEventListener('storage', follow);
		return () => window.removeEventListener('storage', follow);
	});
}
