import {describe, expect, it} from 'vitest';
import {loadIni} from './fixtures.js';

describe('defaults of a Circus INI file', () => {
	it('gives a watcher with only cmd all of Circus\'s defaults and procui\'s', () => {
		const config = loadIni('[watcher:web]\ncmd = python app.py\n');
		const {origin, ...watcher} = config.watchers[0]!;
		expect(origin).toEqual({file: `${config.directory}/circus.ini`, line: 1});
		expect(watcher).toEqual({
			name: 'web',
			cmd: 'python app.py',
			args: '',
			shell: false,
			workingDir: config.directory,
			env: {},
			copyEnv: false,
			copyPath: false,
			numprocesses: 1,
			warmupDelay: 0,
			autostart: true,
			respawn: true,
			singleton: false,
			priority: 0,
			stopSignal: 15,
			stopChildren: false,
			gracefulTimeout: 30,
			maxRetry: 5,
			maxAge: 0,
			maxAgeVariance: 30,
			sendHup: false,
			useSockets: false,
			onDemand: false,
			closeChildStdin: true,
			closeChildStdout: false,
			closeChildStderr: false,
			rlimits: {},
			flapping: {attempts: 2, window: 1, retryIn: 7, maxRetry: 5, enabled: true},
			backoff: true,
			pty: true,
			scrollback: 10_000,
			raw: {cmd: 'python app.py'},
		});
	});

	it('gives the arbiter Circus\'s INI defaults, with check_delay 5 seconds', () => {
		const config = loadIni('[watcher:web]\ncmd = x\n');
		expect(config.arbiter).toEqual({checkDelay: 5, warmupDelay: 0, loglevel: 'info', logoutput: '-', scrollback: 10_000, orphans: 'kill', raw: {}});
	});

	it('leaves the endpoint unset, meaning the per-user default socket', () => {
		expect(loadIni('[circus]\ncheck_delay = 1\n').arbiter.endpoint).toBeUndefined();
	});

	it('gives a socket Circus\'s defaults', () => {
		const {origin: _origin, ...socket} = loadIni('[socket:web]\nhost = 127.0.0.1\n').sockets[0]!;
		expect(socket).toEqual({
			name: 'web',
			host: '127.0.0.1',
			port: 8080,
			family: 'AF_INET',
			type: 'SOCK_STREAM',
			backlog: 2048,
			umask: 8,
			replace: false,
			soReuseport: false,
			blocking: false,
			raw: {host: '127.0.0.1'},
		});
	});

	it('uses [circus] procui.scrollback as the default of every watcher', () => {
		const config = loadIni('[circus]\nprocui.scrollback = 500\n[watcher:a]\ncmd = x\n[watcher:b]\ncmd = y\nprocui.scrollback = 20\n');
		expect(config.arbiter.scrollback).toBe(500);
		expect(config.watchers.map(watcher => watcher.scrollback)).toEqual([500, 20]);
	});

	it('loads a file with no watchers', () => {
		expect(loadIni('[circus]\ncheck_delay = 2\n').watchers).toEqual([]);
	});

	it('skips empty sections, as Circus does', () => {
		const config = loadIni('[watcher:empty]\n[socket:none]\n[watcher:a]\ncmd = x\n');
		expect(config.watchers.map(watcher => watcher.name)).toEqual(['a']);
		expect(config.sockets).toEqual([]);
	});

	it('sorts watchers by name and lower-cases their names', () => {
		const config = loadIni('[watcher:Zeta]\ncmd = z\n[watcher:alpha]\ncmd = a\n[watcher:Mid]\ncmd = m\n');
		expect(config.watchers.map(watcher => watcher.name)).toEqual(['alpha', 'mid', 'zeta']);
	});

	it('returns no warnings for a file procui fully supports', () => {
		expect(loadIni('[circus]\ncheck_delay = 1\n[watcher:a]\ncmd = x\nnumprocesses = 2\n').warnings).toEqual([]);
	});
});
