// ESLint 9 flat config: JS + TypeScript + Svelte 5, with Prettier owning formatting.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * Calls whose arguments must not be spread: each spread item becomes one argument on the stack,
 * so `Math.max(...values)` or `out.push(...values)` crashes on a big tensor. Write a loop.
 */
const SPREAD_ARGUMENTS = [
	{
		selector:
			"CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
		message:
			'Math.max/min(...items) overflows the stack on big arrays: loop over the items instead.'
	},
	{
		selector: 'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement',
		message:
			'push/unshift(...items) overflows the stack on big arrays: loop over the items instead.'
	},
	{
		selector:
			"CallExpression[callee.object.name='String'][callee.property.name=/^fromC(har|odePoint)$/] > SpreadElement",
		message:
			'String.fromCharCode(...items) overflows the stack on big arrays: decode in chunks instead.'
	},
	{
		selector:
			"CallExpression[callee.property.name='apply'][callee.object.property.name=/^(max|min|push|unshift|fromCharCode|fromCodePoint)$/]",
		message:
			'Math.max.apply(null, items) and the like overflow the stack on big arrays: loop instead.'
	}
];

export default defineConfig(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'package/',
			'coverage/',
			'bench/results/',
			'test-results/',
			'playwright-report/',
			'blob-report/',
			'scripts/golden/**/*.py',
			'**/.venv/',
			'**/venv/',
			'**/__pycache__/',
			'vite.config.*.timestamp-*'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node }
		}
	},
	{
		// TypeScript inside <script lang="ts"> and in .svelte.ts / .svelte.js rune modules.
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				parser: ts.parser,
				extraFileExtensions: ['.svelte'],
				svelteConfig
			}
		}
	},
	{
		rules: {
			// TypeScript already reports undefined names, and knows about type-only globals.
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{
					argsIgnorePattern: '^_',
					varsIgnorePattern: '^_',
					caughtErrorsIgnorePattern: '^_',
					destructuredArrayIgnorePattern: '^_'
				}
			],
			// No code from strings, anywhere.
			'no-eval': 'error',
			'no-implied-eval': 'error',
			'no-new-func': 'error'
		}
	},
	{
		// The app's code handles tensors of up to 2^26 elements: never spread items into a call
		// (past ~100k arguments it throws "Maximum call stack size exceeded"). Loop instead.
		files: ['src/**'],
		rules: { 'no-restricted-syntax': ['error', ...SPREAD_ARGUMENTS] }
	},
	// Prettier last: turns off every rule that would fight the formatter.
	prettier,
	...svelte.configs.prettier
);
