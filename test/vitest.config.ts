import {defineConfig} from 'vitest/config';

export default defineConfig({
	root: new URL('..', import.meta.url).pathname,
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		exclude: ['dist/**', 'node_modules/**'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// Real processes and PTYs: keep concurrency to the machine's two cores.
		maxWorkers: 2,
		pool: 'forks',
	},
});
