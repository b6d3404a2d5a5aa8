import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadCircusIni} from '../../source/config/circus-ini.js';
import {environ, writeFixture} from './fixtures.js';

/**
Circus opens relative paths as given, from the directory circusd runs in (circus/watcher.py
`working_dir`, circus/stream/file_stream.py `open(filename)`, circusd's `--pidfile`/`logoutput`):
a file run as `circusd deploy/circus.ini` from a repository's root means paths from that root.
*/
const config = [
	'[circus]',
	'pidfile = run/circus.pid',
	'logoutput = log/circusd.log',
	'[watcher:web]',
	'cmd = ./bin/web',
	'working_dir = app',
	'stdout_stream.class = FileStream',
	'stdout_stream.filename = log/web.out',
	'[socket:web]',
	'path = run/web.sock',
	'',
].join('\n');

function load(cwd: string, file: string) {
	return loadCircusIni(file, {cwd, environ});
}

describe('relative paths, as circusd resolves them', () => {
	it('resolves working_dir, stream filename, pidfile, logoutput and a socket path against the cwd, not the config folder', () => {
		const root = writeFixture({'deploy/circus.ini': config, 'app/.keep': '', 'log/.keep': '', 'run/.keep': ''});
		const loaded = load(root, 'deploy/circus.ini');
		const watcher = loaded.watchers[0]!;
		expect(watcher.workingDir).toBe(path.join(root, 'app'));
		expect(watcher.stdoutStream?.filename).toBe(path.join(root, 'log/web.out'));
		expect(loaded.arbiter.pidfile).toBe(path.join(root, 'run/circus.pid'));
		expect(loaded.arbiter.logoutput).toBe(path.join(root, 'log/circusd.log'));
		expect(loaded.sockets[0]!.path).toBe(path.join(root, 'run/web.sock'));
		expect(loaded.warnings).toEqual([]);
	});

	it('warns with both candidates when a path is missing from the cwd but present beside the config', () => {
		const root = writeFixture({'deploy/circus.ini': config, 'deploy/app/.keep': '', 'deploy/log/.keep': '', 'deploy/run/.keep': ''});
		const loaded = load(root, 'deploy/circus.ini');
		const messages = loaded.warnings.map(issue => `${issue.origin.file}:${issue.origin.line}: ${issue.message}`);
		expect(messages).toHaveLength(5);
		expect(messages.find(message => message.includes('working_dir'))).toBe(`deploy/circus.ini:6: working_dir: "app" is relative to the directory procui runs in (${path.join(root, 'app')}, missing), as in Circus; did you mean ${path.join(root, 'deploy/app')}, beside the config file? Run from there or give an absolute path`);
		for (const [line, key] of [[2, 'pidfile'], [3, 'logoutput'], [8, 'stdout_stream.filename'], [10, 'path']] as const) {
			expect(messages.some(message => message.startsWith(`deploy/circus.ini:${line}: ${key}: `) && message.includes('its folder is missing'))).toBe(true);
		}

		expect(loaded.watchers[0]!.workingDir).toBe(path.join(root, 'app'));
	});

	it('does not warn when the config sits in the cwd', () => {
		const root = writeFixture({'circus.ini': config});
		expect(load(root, 'circus.ini').warnings).toEqual([]);
	});

	it('does not warn when neither candidate exists', () => {
		const root = writeFixture({'deploy/circus.ini': config});
		expect(load(root, 'deploy/circus.ini').warnings).toEqual([]);
	});

	it('keeps absolute paths as written', () => {
		const root = writeFixture({});
		const abs = fs.mkdtempSync(path.join(root, 'abs-'));
		const loaded = load(root, path.join(writeFixture({'circus.ini': `[watcher:w]\ncmd = x\nworking_dir = ${abs}\n`}), 'circus.ini'));
		expect(loaded.watchers[0]!.workingDir).toBe(abs);
		expect(loaded.warnings).toEqual([]);
	});
});
