import { sveltekit } from '@sveltejs/kit/vite';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumPath, chromiumArgs } from './scripts/chromium.js';

const KEEP_CLASS_NAMES = {
	minify: {
		compress: { keepNames: { class: true, function: false } },
		mangle: { keepNames: { class: true, function: false } }
	}
};

export default defineConfig({
	plugins: [sveltekit()],
	// Keep class names through minification: the engine's nn.Module repr prints them (`Linear(...)`)
	// and load_state_dict's errors name them. Workers are bundled on their own, with their own
	// options: the training worker's messages need the same names (tests/build/class-names.test.ts).
	build: { rolldownOptions: { output: KEEP_CLASS_NAMES } },
	worker: { format: 'es', rolldownOptions: { output: KEEP_CLASS_NAMES } },
	server: { host: '127.0.0.1' },
	preview: { host: '127.0.0.1' },
	test: {
		expect: { requireAssertions: true },
		// Property tests run thousands of cases; on a loaded 2-core CI machine they can take
		// longer than vitest's 5 s default. Tests never assert on time.
		testTimeout: 120_000,
		hookTimeout: 120_000,
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'node',
					environment: 'node',
					setupFiles: ['tests/setup-fast-check.ts'],
					include: ['tests/**/*.test.ts'],
					exclude: ['tests/**/*.browser.test.ts']
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'browser',
					include: ['tests/**/*.browser.test.ts'],
					browser: {
						enabled: true,
						headless: true,
						provider: playwright({
							launchOptions: {
								executablePath: chromiumPath(),
								args: chromiumArgs({ webgpu: true })
							}
						}),
						instances: [{ browser: 'chromium' }]
					}
				}
			}
		]
	}
});
