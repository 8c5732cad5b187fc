#!/usr/bin/env node
// `npm test`: every check and every test suite, in order, then one line `N passed, M failed`.
//
// Static checks (svelte-check, eslint, prettier) count as one test each; vitest and Playwright
// contribute each of their tests, read from their JSON reports. A failing step does not stop the
// run. Skipped, todo and flaky tests count as failed: the house rule is no skipped tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, chromiumPresent, DEFAULT_CHROMIUM } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const resultsDir = join(root, 'test-results');
const vitestJson = join(resultsDir, 'vitest.json');
const playwrightJson = join(resultsDir, 'playwright.json');

/** @type {{ name: string, passed: number, failed: number, notes: string[] }[]} */
const results = [];

function banner(text) {
	console.log(`\n=== ${text} ${'='.repeat(Math.max(3, 72 - text.length))}\n`);
}

/**
 * Runs a command from the project root, streaming its output live.
 * With `capture`, stdout and stderr are also collected (and still echoed as they arrive).
 * Resolves to { code, signal, output, error }; never rejects.
 */
function run(command, args, { capture = false, env = {} } = {}) {
	return new Promise((resolve) => {
		let output = '';
		let child;
		try {
			child = spawn(command, args, {
				cwd: root,
				env: { ...process.env, ...env },
				stdio: capture ? ['inherit', 'pipe', 'pipe'] : 'inherit'
			});
		} catch (error) {
			resolve({ code: null, signal: null, output, error });
			return;
		}
		if (capture) {
			child.stdout.on('data', (chunk) => {
				output += chunk;
				process.stdout.write(chunk);
			});
			child.stderr.on('data', (chunk) => {
				output += chunk;
				process.stderr.write(chunk);
			});
		}
		child.on('error', (error) => resolve({ code: null, signal: null, output, error }));
		child.on('close', (code, signal) => resolve({ code, signal, output, error: null }));
	});
}

function describeExit({ code, signal, error }) {
	if (error) return `could not start: ${error.message}`;
	if (signal) return `killed by ${signal}`;
	return `exited with code ${code}`;
}

function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return null;
	}
}

// --- a. Chromium ---------------------------------------------------------------------------------

async function ensureChromium() {
	if (chromiumPresent()) return true;
	const path = chromiumPath();
	const canApt =
		!process.env.CHROMIUM_PATH &&
		typeof process.getuid === 'function' &&
		process.getuid() === 0 &&
		existsSync('/etc/debian_version');
	if (canApt) {
		banner(`Chromium missing at ${path}: installing it with apt-get`);
		const env = { DEBIAN_FRONTEND: 'noninteractive' };
		const update = await run('apt-get', ['update'], { env });
		if (update.code === 0) await run('apt-get', ['install', '-y', 'chromium'], { env });
		if (chromiumPresent()) return true;
	}
	console.error(
		[
			'',
			`Chromium was not found at ${path}. The browser tests need it.`,
			'Either install it, e.g. on Debian/Ubuntu (as root):',
			'    apt-get update && apt-get install -y chromium',
			'or point the tests at a Chromium you already have:',
			'    CHROMIUM_PATH=/path/to/chromium npm test',
			`(Without CHROMIUM_PATH the tests look for ${DEFAULT_CHROMIUM}.)`,
			''
		].join('\n')
	);
	return false;
}

// --- b. Steps ------------------------------------------------------------------------------------

async function svelteCheck() {
	const name = 'svelte-check';
	banner('svelte-kit sync && svelte-check');
	const sync = await run(bin('svelte-kit'), ['sync']);
	if (sync.code !== 0) {
		return { name, passed: 0, failed: 1, notes: [`svelte-kit sync ${describeExit(sync)}`] };
	}
	const check = await run(bin('svelte-check'), ['--tsconfig', './tsconfig.json'], {
		capture: true
	});
	// eslint-disable-next-line no-control-regex
	const plain = check.output.replace(/\x1b\[[0-9;]*m/g, '');
	const matches = [...plain.matchAll(/svelte-check found (\d+) errors? and (\d+) warnings?/g)];
	const last = matches.at(-1);
	if (!last) {
		return { name, passed: 0, failed: 1, notes: [`no summary line; ${describeExit(check)}`] };
	}
	const errors = Number(last[1]);
	const warnings = Number(last[2]);
	const notes = [`${errors} errors, ${warnings} warnings`];
	if (errors > 0 || check.code !== 0) {
		if (check.code !== 0) notes.push(describeExit(check));
		return { name, passed: 0, failed: 1, notes };
	}
	return { name, passed: 1, failed: 0, notes };
}

async function staticStep(name, command, args) {
	banner(`${name} ${args.join(' ')}`);
	const result = await run(bin(command), args);
	return result.code === 0
		? { name, passed: 1, failed: 0, notes: [] }
		: { name, passed: 0, failed: 1, notes: [describeExit(result)] };
}

async function vitest() {
	const name = 'vitest';
	banner('vitest run (node + browser projects)');
	mkdirSync(resultsDir, { recursive: true });
	rmSync(vitestJson, { force: true });
	const result = await run(bin('vitest'), [
		'run',
		'--reporter=default',
		'--reporter=json',
		`--outputFile=${vitestJson}`
	]);
	const report = readJson(vitestJson);
	if (!report) {
		return { name, passed: 0, failed: 1, notes: [`no JSON report; ${describeExit(result)}`] };
	}
	const passed = report.numPassedTests ?? 0;
	const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
	let failed = (report.numFailedTests ?? 0) + skipped;
	const notes = [];
	if (skipped > 0) notes.push(`${skipped} skipped/todo counted as failed (no skipped tests)`);
	if ((report.numTotalTests ?? 0) === 0) notes.push('no tests ran');
	if (result.code !== 0 && failed === 0) {
		// A run that failed without a failing test: no test files, an unhandled error, a crash.
		failed = 1;
		notes.push(`${describeExit(result)} with no failing test`);
	}
	return { name, passed, failed, notes };
}

async function playwright() {
	const name = 'playwright';
	banner('playwright test (e2e, built app)');
	mkdirSync(resultsDir, { recursive: true });
	rmSync(playwrightJson, { force: true });
	const result = await run(bin('playwright'), ['test']);
	const report = readJson(playwrightJson);
	const stats = report?.stats;
	if (!stats) {
		return { name, passed: 0, failed: 1, notes: [`no JSON report; ${describeExit(result)}`] };
	}
	const passed = stats.expected ?? 0;
	const skipped = stats.skipped ?? 0;
	const flaky = stats.flaky ?? 0;
	let failed = (stats.unexpected ?? 0) + flaky + skipped;
	const notes = [];
	if (skipped > 0) notes.push(`${skipped} skipped counted as failed (no skipped tests)`);
	if (flaky > 0) notes.push(`${flaky} flaky counted as failed`);
	if (passed + failed === 0) notes.push('no tests ran');
	if (result.code !== 0 && failed === 0) {
		// E.g. the web server did not start, or an error outside any test.
		failed = 1;
		notes.push(`${describeExit(result)} with no failing test`);
	}
	return { name, passed, failed, notes };
}

// --- c. Run everything, then the one summary line ------------------------------------------------

async function main() {
	if (!(await ensureChromium())) {
		console.log('\n0 passed, 1 failed');
		process.exit(1);
	}

	const steps = [
		svelteCheck,
		() => staticStep('eslint', 'eslint', ['.']),
		() => staticStep('prettier', 'prettier', ['--check', '.']),
		vitest,
		playwright
	];
	for (const step of steps) {
		try {
			results.push(await step());
		} catch (error) {
			results.push({ name: step.name || 'step', passed: 0, failed: 1, notes: [String(error)] });
		}
	}

	banner('Summary');
	for (const r of results) {
		const status = r.failed === 0 ? 'ok  ' : 'FAIL';
		const notes = r.notes.length ? `  (${r.notes.join('; ')})` : '';
		console.log(`${status} ${r.name.padEnd(14)} ${r.passed} passed, ${r.failed} failed${notes}`);
	}
	const passed = results.reduce((sum, r) => sum + r.passed, 0);
	const failed = results.reduce((sum, r) => sum + r.failed, 0);
	console.log(`\n${passed} passed, ${failed} failed`);
	process.exit(failed > 0 ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	console.log('\n0 passed, 1 failed');
	process.exit(1);
});
