import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadCircusIni} from '../../source/config/circus-ini.js';
import {ConfigError, formatIssue} from '../../source/config/issues.js';
import {environ, loadIni, loadIniErrors, summarize, writeFixture} from './fixtures.js';

describe('warnings', () => {
	it('names the file, line and key of each unsupported option', () => {
		const config = loadIni([
			'[circus]',
			'pubsub_endpoint = tcp://127.0.0.1:5556',
			'statsd = True',
			'debug = false',
			'[watcher:w]',
			'cmd = x',
			'hooks.before_start = myapp.hooks.check',
			'stdin_socket = web',
		].join('\n'));
		expect(config.warnings.map(issue => formatIssue(issue, config.directory))).toEqual([
			'circus.ini:2: warning: pubsub_endpoint: procui has no separate PUB socket: events are sent on the control endpoint after `subscribe`; ignored',
			'circus.ini:3: warning: statsd: procui has no circusd-stats watcher: stats come from the control endpoint (`stats`, `subscribe stats`); for statsd counters add a [plugin:NAME] with use = circus.plugins.statsd.StatsdEmitter or FullStats; ignored',
			'circus.ini:7: warning: hooks.before_start: "myapp.hooks.check" looks like a Python callable, which procui cannot run; give an executable or a shell command instead (hooks.before_start = ./scripts/before_start.sh); ignored',
			'circus.ini:8: warning: stdin_socket: procui does not connect sockets to stdin; ignored',
		]);
	});

	it('warns about an unknown option, suggesting a close one, and keeps it in raw', () => {
		const config = loadIni('[watcher:w]\ncmd = x\nsignleton = True\n');
		expect(summarize(config.warnings)).toEqual(['3: signleton: unknown watcher option (did you mean `singleton`?); kept for `options` and `get`, otherwise ignored']);
		expect(config.watchers[0]!.raw.signleton).toBe('True');
	});

	it('keeps free-form dotted options with a warning', () => {
		const config = loadIni('[watcher:w]\ncmd = x\nwatchdog.max_count = 3\n');
		expect(summarize(config.warnings)).toEqual(['3: watchdog.max_count: free-form option, kept for `options` and `get`; procui runs no plugins that would read it']);
		expect(config.watchers[0]!.raw['watchdog.max_count']).toBe('3');
	});

	it('warns about an unknown procui option', () => {
		expect(summarize(loadIni('[watcher:w]\ncmd = x\nprocui.scrolback = 5\n').warnings)).toEqual(['3: procui.scrolback: unknown procui option (did you mean `procui.scrollback`?); ignored']);
	});

	it('warns once about a plugin section procui cannot run, at its header', () => {
		expect(summarize(loadIni('[plugin:redis]\nuse = circus.plugins.redis_observer.RedisObserver\nredis_url = redis://localhost\n').warnings)).toEqual([
			'1: [plugin:redis]: procui runs no Python plugins (use = "circus.plugins.redis_observer.RedisObserver"); it runs Circus\'s flapping, watchdog, resource_watcher, command_reloader, StatsdEmitter and FullStats; this section is ignored',
		]);
	});

	it('warns about unknown [circus] and [socket:...] options', () => {
		expect(summarize(loadIni('[circus]\ncheck_dealy = 1\n[socket:s]\nprot = 80\n').warnings)).toEqual([
			'2: check_dealy: unknown [circus] option (did you mean `check_delay`?); ignored',
			'4: prot: unknown socket option (did you mean `port`?); ignored',
		]);
	});
});

describe('errors', () => {
	it('names the line, the key, what was expected and what was found', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nnumprocesses = many\n'))).toEqual(['3: numprocesses: expected a whole number from 0 to 10000, got "many"']);
	});

	it('collects every bad value of the file at once', () => {
		expect(summarize(loadIniErrors([
			'[circus]',
			'check_delay = soon',
			'loglevel = loud',
			'[watcher:a]',
			'cmd = x',
			'numprocesses = many',
			'stop_signal = SIGFOO',
			'graceful_timeout = -1',
			'[watcher:b]',
			'cmd = y',
			'autostart = maybe',
			'max_retry = -2',
			'warmup_delay = soon',
		].join('\n')))).toEqual([
			'2: check_delay: expected a number ≤ 2147483, got "soon"',
			'3: loglevel: expected debug, info, warning, error, critical, got "loud"',
			'6: numprocesses: expected a whole number from 0 to 10000, got "many"',
			'7: stop_signal: expected a signal name or number such as SIGTERM, term or 15, got "SIGFOO"',
			'8: graceful_timeout: expected a number of seconds ≥ 0, at most 2147483 (24.8 days), got "-1"',
			'11: autostart: expected true or false (also yes/no, on/off, 1/0), got "maybe"',
			'12: max_retry: expected a whole number ≥ -1, got "-2"',
			'13: warmup_delay: expected a number of seconds ≥ 0, at most 2147483 (24.8 days), got "soon"',
		]);
	});

	it('formats errors as file:line: error: message, relative to the cwd', () => {
		const directory = writeFixture({'conf/circus.ini': '[watcher:w]\ncmd = x\nnumprocesses = many\n'});
		expect(() => loadCircusIni(path.join(directory, 'conf/circus.ini'), {cwd: directory, environ}))
			.toThrow(/^conf\/circus\.ini:3: error: numprocesses: expected a whole number from 0 to 10000, got "many"$/);
	});

	it('carries the warnings found on the way in the ConfigError', () => {
		try {
			loadIni('[watcher:w]\ncmd = x\nstdin_socket = web\nnumprocesses = x\n');
		} catch (error) {
			expect((error as ConfigError).issues.map(issue => issue.severity)).toEqual(['warning', 'error']);
			return;
		}

		throw new Error('expected a ConfigError');
	});

	it('explains that # does not start an inline comment when it spoils a value', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nnumprocesses = 2  # two workers\n'))[0]).toBe(
			'3: numprocesses: expected a whole number from 0 to 10000, got "2  # two workers"; `#` starts a comment only at the start of a line (inline comments start with ` ;`)',
		);
	});

	it('shows a substituted value together with what was written', () => {
		expect(summarize(loadIniErrors('[env]\nN = lots\n[watcher:w]\ncmd = x\nnumprocesses = $(circus.env.N)\n'))).toEqual([
			'5: numprocesses: expected a whole number from 0 to 10000, got "lots" (from "$(circus.env.N)")',
		]);
	});

	it('rejects an unknown section', () => {
		expect(summarize(loadIniErrors('[watchers:web]\ncmd = x\n'))).toEqual([
			'1: [watchers:web]: unknown section (did you mean `watcher:`?); expected [circus], [watcher:NAME], [socket:NAME], [env], [env:NAMES] or [plugin:NAME]',
		]);
	});

	it('rejects a [DEFAULT] section', () => {
		expect(summarize(loadIniErrors('[DEFAULT]\nnumprocesses = 2\n'))[0]).toMatch(/^1: \[DEFAULT\]: not supported/);
	});

	it('rejects a missing file', () => {
		const directory = writeFixture({});
		expect(() => loadCircusIni('nope.ini', {cwd: directory, environ})).toThrow('nope.ini: error: cannot read the configuration file: no such file');
	});
});
