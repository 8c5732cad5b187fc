/**
 * `npm run bench:webgpu`: serves bench/webgpu/ with Vite, opens it in Chromium through
 * Playwright, waits for the page's results (WebGPU vs the CPU backend, same page) and writes
 * bench/results/webgpu-latest.json (rows shaped like bench/results/latest.json).
 *
 *     npm run bench:webgpu                      # SwiftShader (software) adapter: it runs, no more
 *     npm run bench:webgpu -- --gpu             # a real GPU through Vulkan (see README.md here)
 *     npm run bench:webgpu -- --rounds 5 --only matmul_f32_256,dispatch_overhead
 *     CHROMIUM_PATH=/opt/chrome/chrome npm run bench:webgpu -- --gpu --arg=--use-vulkan=native
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.js';
import type { Row } from './page';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

interface Options {
	gpu: boolean;
	rounds: number;
	only: string | null;
	out: string;
	extraArgs: string[];
	timeoutMs: number;
}

/** Chromium flags for a real GPU: Vulkan for WebGPU, no --disable-gpu, GPU blocklist ignored. */
export const REAL_GPU_ARGS = [
	'--headless=new',
	'--no-sandbox',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--enable-unsafe-webgpu',
	'--enable-features=Vulkan',
	'--use-angle=vulkan',
	'--ignore-gpu-blocklist'
];

function parseArgs(argv: string[]): Options {
	const options: Options = {
		gpu: false,
		rounds: 15,
		only: null,
		out: join(root, 'bench', 'results', 'webgpu-latest.json'),
		extraArgs: [],
		timeoutMs: 30 * 60 * 1000
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i]];
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--gpu':
				options.gpu = true;
				break;
			case '--rounds':
				options.rounds = Number(value());
				break;
			case '--only':
				options.only = value();
				break;
			case '--out':
				options.out = resolve(value());
				break;
			case '--arg':
				options.extraArgs.push(value());
				break;
			case '--timeout-min':
				options.timeoutMs = Number(value()) * 60 * 1000;
				break;
			default:
				throw new Error(
					`unknown argument ${argv[i]}\nusage: npm run bench:webgpu -- [--gpu] [--rounds N] [--only a,b] [--out FILE] [--arg=--chromium-flag] [--timeout-min M]`
				);
		}
	}
	return options;
}

function table(rows: Row[]): string {
	const header = [
		'name',
		'engine',
		'median ms',
		'min ms',
		'max ms',
		'metric',
		'ratio vs cpu',
		'gate'
	];
	const body = rows.map((r) => [
		r.name,
		r.engine,
		r.median_ms?.toPrecision(4) ?? 'ERROR',
		r.min_ms?.toPrecision(4) ?? '',
		r.max_ms?.toPrecision(4) ?? '',
		r.metric ? `${r.metric.value.toPrecision(4)} ${r.metric.unit}` : '',
		r.ratio_vs_cpu === null ? '' : `${r.ratio_vs_cpu.toFixed(2)}x`,
		r.gate_ok === undefined ? '' : r.gate_ok ? 'ok' : 'FAILED'
	]);
	const width = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
	return [
		line(header),
		`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...body.map(line)
	].join('\n');
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const server = await createServer({
		configFile: false,
		root: here,
		logLevel: 'warn',
		server: {
			host: '127.0.0.1',
			port: 0,
			fs: { allow: [root] },
			// Cross-origin isolation: performance.now() at 5 us rather than 100 us.
			headers: {
				'Cross-Origin-Opener-Policy': 'same-origin',
				'Cross-Origin-Embedder-Policy': 'require-corp'
			}
		}
	});
	await server.listen();
	const address = server.httpServer?.address();
	if (!address || typeof address === 'string') throw new Error('vite did not start');
	const query = new URLSearchParams({ rounds: String(options.rounds) });
	if (options.only) query.set('only', options.only);
	const url = `http://127.0.0.1:${address.port}/index.html?${query}`;

	const args = [
		...(options.gpu ? REAL_GPU_ARGS : chromiumArgs({ webgpu: true })),
		...options.extraArgs
	];
	console.log(`chromium: ${chromiumPath()} ${args.join(' ')}`);
	const browser = await chromium.launch({ executablePath: chromiumPath(), args, headless: true });
	let failed = false;
	try {
		const page = await browser.newPage();
		page.on('console', (message) => console.log(`  [page] ${message.text()}`));
		page.on('pageerror', (error) => console.error(`  [page error] ${error.message}`));
		await page.goto(url);
		await page.waitForFunction(
			() => (window as unknown as { __webgpuBench?: { done: boolean } }).__webgpuBench?.done,
			undefined,
			{ timeout: options.timeoutMs, polling: 500 }
		);
		const state = await page.evaluate(
			() => (window as unknown as { __webgpuBench: Record<string, unknown> }).__webgpuBench
		);
		const gpuInfo = await page.evaluate(async () => {
			const adapter = await navigator.gpu?.requestAdapter();
			return adapter
				? {
						features: [...adapter.features],
						limits: {
							maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
							maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize
						}
					}
				: null;
		});
		const rows = state.rows as Row[];
		const machine = {
			platform: `${process.platform} ${process.arch}`,
			cpu_model: os.cpus()[0]?.model ?? 'unknown',
			cpu_count: os.cpus().length,
			chromium: browser.version(),
			chromium_args: args,
			real_gpu_flags: options.gpu,
			adapter: state.adapter,
			adapter_limits: gpuInfo,
			cross_origin_isolated: state.crossOriginIsolated
		};
		const timestamp = new Date().toISOString();
		const json = rows.map((row) => ({ ...row, rounds: options.rounds, timestamp, machine }));
		const extra = {
			name: 'webgpu_notes',
			engine: 'autograd-canvas-webgpu',
			median_ms: null,
			min_ms: null,
			max_ms: null,
			ratio_vs_cpu: null,
			overhead: state.overhead,
			crossover: state.crossover,
			software_adapter: Boolean(
				(state.adapter as { isFallbackAdapter?: boolean } | null)?.isFallbackAdapter
			),
			timestamp,
			machine
		};
		mkdirSync(dirname(options.out), { recursive: true });
		writeFileSync(options.out, `${JSON.stringify([...json, extra], null, '\t')}\n`);
		console.log(`\n${table(rows)}\n`);
		console.log(`adapter: ${JSON.stringify(state.adapter)}`);
		console.log(`overhead: ${JSON.stringify(state.overhead)}`);
		console.log(`crossover: ${JSON.stringify(state.crossover)}`);
		if (extra.software_adapter) {
			console.log(
				'NOTE: this adapter is a software fallback (SwiftShader): its WebGPU times say nothing about a GPU.'
			);
			if (options.gpu) {
				console.error('--gpu was given but Chromium found no hardware adapter (see README.md)');
				failed = true;
			}
		}
		console.log(`wrote ${options.out}`);
		if (state.error) {
			console.error(`page error: ${String(state.error)}`);
			failed = true;
		}
		if (rows.some((r) => r.gate_ok === false || r.errors.length > 0)) {
			console.error('a correctness gate failed or a benchmark raised an error');
			failed = true;
		}
	} finally {
		await browser.close();
		await server.close();
	}
	process.exit(failed ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
