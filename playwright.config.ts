import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/chromium.js';

// E2E_PORT lets two checkouts run their end-to-end tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// End-to-end tests run against the built app, served by `vite preview`, in the system Chromium
// (CHROMIUM_PATH overrides /usr/bin/chromium; browsers are never downloaded).
export default defineConfig({
	testDir: 'e2e',
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: 0,
	workers: process.env.CI ? 1 : 2,
	timeout: 60_000,
	// A loaded 2-core CI machine can take more than the default 5 s to show a result.
	expect: { timeout: 15_000 },
	reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
	outputDir: 'test-results/playwright',
	use: {
		baseURL: BASE_URL,
		browserName: 'chromium',
		headless: true,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: chromiumPath(),
			args: chromiumArgs({ webgpu: true })
		}
	},
	webServer: {
		command: `npm run build && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
		url: BASE_URL,
		reuseExistingServer: !process.env.CI,
		timeout: 180_000,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
