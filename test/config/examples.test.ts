import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load.js';
import {environ} from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('the examples', () => {
	it('loads examples/circus.ini without a warning', () => {
		const config = loadConfig('examples/circus.ini', {cwd: root, environ});
		expect(config.warnings).toEqual([]);
		expect(config.watchers.map(watcher => [watcher.name, watcher.numprocesses])).toEqual([['flaky', 1], ['ticker', 1], ['worker', 3]]);
	});

	it('loads examples/Procfile without a warning', () => {
		const config = loadConfig('examples/Procfile', {cwd: root, environ});
		expect(config.warnings).toEqual([]);
		expect(config.watchers.map(watcher => watcher.name)).toEqual(['clock', 'web']);
	});
});
