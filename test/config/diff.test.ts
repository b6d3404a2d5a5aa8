import {describe, expect, it} from 'vitest';
import path from 'node:path';
import {loadCircusIni} from '../../source/config/circus-ini.js';
import {diffConfigs, type ConfigDiff} from '../../source/config/diff.js';
import {environ, writeFixture} from './fixtures.js';

/** Load both versions from the same folder, as a reload does, and compare them. */
function diff(before: string, after: string): ConfigDiff {
	const directory = writeFixture({'old.ini': before, 'new.ini': after});
	const load = (name: string) => loadCircusIni(path.join(directory, name), {cwd: directory, environ});
	return diffConfigs(load('old.ini'), load('new.ini'));
}

const base = `[circus]
check_delay = 5
[socket:web]
port = 8000
[watcher:web]
cmd = app --fd $(circus.sockets.web)
use_sockets = true
[watcher:worker]
cmd = work
numprocesses = 2
[watcher:cron]
cmd = cron
`;

describe('diffConfigs', () => {
	it('sorts watchers into added, removed, changed, numprocesses-only and unchanged', () => {
		const next = `[circus]
check_delay = 5
[socket:web]
port = 8000
[watcher:web]
cmd = app --fd $(circus.sockets.web)
use_sockets = true
[watcher:worker]
cmd = work
numprocesses = 4
[watcher:mail]
cmd = mail
`;
		expect(diff(base, next)).toMatchObject({added: ['mail'], removed: ['cron'], changed: [], numprocessesOnly: ['worker'], unchanged: ['web'], arbiterOptions: []});
	});

	it('counts any other option as a change, and ignores where options are written', () => {
		const next = `[circus]
check_delay = 5


[socket:web]
port = 8000
[watcher:worker]
numprocesses = 3
cmd = work
graceful_timeout = 3
[watcher:web]
use_sockets = true
cmd = app --fd $(circus.sockets.web)
[watcher:cron]
cmd = cron
`;
		expect(diff(base, next)).toMatchObject({changed: ['worker'], numprocessesOnly: [], unchanged: ['cron', 'web']});
	});

	it('counts a change of environment as a change', () => {
		expect(diff(base, `${base}[env:cron]\nTZ = UTC\n`).changed).toEqual(['cron']);
	});

	it('re-creates the watchers that use a socket that changed', () => {
		expect(diff(base, base.replace('port = 8000', 'port = 8001'))).toMatchObject({changed: ['web'], unchanged: ['cron', 'worker'], sockets: {changed: ['web'], added: [], removed: []}});
	});

	it('notices a change of [circus]', () => {
		expect(diff(base, base.replace('check_delay = 5', 'check_delay = 1')).arbiterOptions).toEqual(['check_delay']);
	});

	it('finds nothing to do for the same file', () => {
		expect(diff(base, base)).toMatchObject({added: [], removed: [], changed: [], numprocessesOnly: [], arbiterOptions: [], sockets: {added: [], removed: [], changed: []}});
	});
});
