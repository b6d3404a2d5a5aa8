import {defineConfig} from 'vitest/config';
import LongestFirst from './sequencer.js';

export default defineConfig({
	root: new URL('..', import.meta.url).pathname,
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		exclude: ['dist/**', 'node_modules/**'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// One temporary folder for the run, removed at its end (test/global-setup.ts).
		globalSetup: ['test/global-setup.ts'],
		// Real processes and PTYs, mostly waited on: with two workers on two cores the suite kept
		// 1.25 cores busy (275 s, CPU 343 s); with three, 1.66 (208 s, CPU 345 s).
		maxWorkers: 3,
		pool: 'forks',
		// The longest files first, on a fresh clone too (test/sequencer.ts).
		sequence: {sequencer: LongestFirst},
	},
});
