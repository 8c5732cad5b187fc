// Where the tests find Chromium, and the flags it needs here (see README, "Tests").
// CHROMIUM_PATH points the tests at another Chromium; Debian's /usr/bin/chromium is the default.
import { existsSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium executable the tests launch. */
export function chromiumPath() {
	return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** True when the executable the tests would launch exists. */
export function chromiumPresent() {
	return existsSync(chromiumPath());
}

/**
 * Launch flags that work as root on an offline machine. With `webgpu`, Chromium exposes its
 * SwiftShader software adapter when there is no GPU (never add --disable-software-rasterizer:
 * the adapter then disappears).
 * @param {{ webgpu?: boolean }} [options]
 */
export function chromiumArgs(options = {}) {
	const args = [
		'--headless',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync'
	];
	if (options.webgpu) args.push('--enable-unsafe-webgpu');
	return args;
}
