/**
 * The Train panel, loaded on first use (its charts and controls are not needed to open the
 * editor). The one promise is kept: opening the panel again does not load it again.
 */
import type { Component } from 'svelte';

let loading: Promise<Component> | null = null;

export function loadTrainSidePanel(): Promise<Component> {
	loading ??= import('../TrainSidePanel').then((module) => module.TrainSidePanel);
	// A failed load (offline before the app was cached) may be tried again.
	loading.catch(() => (loading = null));
	return loading;
}
