// ESLint 9 flat config: JS + TypeScript + Svelte 5, with Prettier owning formatting.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

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
	// Prettier last: turns off every rule that would fight the formatter.
	prettier,
	...svelte.configs.prettier
);
