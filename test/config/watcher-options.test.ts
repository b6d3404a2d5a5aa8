import {describe, expect, it} from 'vitest';
import {loadIni, loadIniErrors, summarize} from './fixtures.js';

function watcher(options: string) {
	return loadIni(`[watcher:w]\ncmd = run\n${options}\n`).watchers[0]!;
}

describe('watcher options', () => {
	it('reads every option Circus has', () => {
		const w = watcher([
			'args = --port 80',
			'executable = /usr/bin/python3',
			'shell = true',
			'shell_args = -e',
			'uid = www-data',
			'gid = 33',
			'copy_env = true',
			'numprocesses = 4',
			'warmup_delay = 0.5',
			'autostart = false',
			'respawn = false',
			'priority = -3',
			'stop_signal = SIGINT',
			'stop_children = true',
			'graceful_timeout = 2.5',
			'max_retry = -1',
			'max_age = 3600',
			'max_age_variance = 0',
			'send_hup = true',
			'use_sockets = true',
			'on_demand = true',
			'close_child_stdin = false',
			'close_child_stdout = true',
			'close_child_stderr = true',
			'pty = false',
		].join('\n'));
		expect(w).toMatchObject({
			args: '--port 80',
			executable: '/usr/bin/python3',
			shell: true,
			shellArgs: '-e',
			uid: 'www-data',
			gid: '33',
			copyEnv: true,
			numprocesses: 4,
			warmupDelay: 0.5,
			autostart: false,
			respawn: false,
			priority: -3,
			stopSignal: 2,
			stopChildren: true,
			gracefulTimeout: 2.5,
			maxRetry: -1,
			maxAge: 3600,
			maxAgeVariance: 0,
			sendHup: true,
			useSockets: true,
			onDemand: true,
			closeChildStdin: false,
			closeChildStdout: true,
			closeChildStderr: true,
			pty: false,
		});
	});

	it('accepts every boolean spelling configparser and Circus accept, in any case', () => {
		const spellings = ['1', 'yes', 'true', 'on', 'YES', 'True', 'On'];
		for (const spelling of spellings) {
			expect(watcher(`singleton = ${spelling}`).singleton).toBe(true);
		}

		for (const spelling of ['0', 'no', 'false', 'off', 'NO', 'False', 'OFF']) {
			expect(watcher(`autostart = ${spelling}`).autostart).toBe(false);
		}
	});

	it('reads a stop signal by name, number, any case, with or without SIG', () => {
		expect(['SIGQUIT', 'quit', 'Sigquit', 'QUIT', '3'].map(text => watcher(`stop_signal = ${text}`).stopSignal)).toEqual([3, 3, 3, 3, 3]);
	});

	it('reads real-time signals relative to SIGRTMIN', () => {
		expect(watcher('stop_signal = SIGRTMIN+2').stopSignal).toBe(36);
	});

	it('keeps an absolute working_dir', () => {
		expect(watcher('working_dir = /srv/app').workingDir).toBe('/srv/app');
	});

	it('reads rlimits, with an empty value meaning unlimited', () => {
		expect(watcher('rlimit_nofile = 4096\nrlimit_core =\nrlimit_NPROC = 100').rlimits).toEqual({nofile: 4096, core: null, nproc: 100});
	});

	it('rejects an rlimit that Linux does not have', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nrlimit_nofiles = 10\n'))).toEqual([
			'3: rlimit_nofiles: unknown resource limit "nofiles" (did you mean `nofile`?); expected one of as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack',
		]);
	});

	it('reads the env option as a comma-separated list', () => {
		expect(watcher('env = A=1, B = two words ,C=x=y').env).toEqual({A: '1', B: 'two words', C: 'x=y'});
	});

	it('reads flapping options and check_flapping', () => {
		expect(watcher('flapping.attempts = 4\nflapping.window = 2.5\nflapping.retry_in = 10\nflapping.max_retry = -1\ncheck_flapping = false').flapping)
			.toEqual({attempts: 4, window: 2.5, retryIn: 10, maxRetry: -1, enabled: false});
	});

	// circus/plugins/flapping.py check(): `if not to_bool(conf['active']): return`.
	it('turns flapping off for a watcher with flapping.active = false, as Circus\'s plugin does', () => {
		const config = loadIni('[watcher:a]\ncmd = x\nflapping.active = False\n[watcher:b]\ncmd = y\nflapping.active = true\ncheck_flapping = false\n[watcher:c]\ncmd = z\nflapping.active = true\n');
		expect(config.watchers.map(w => w.flapping.enabled)).toEqual([false, false, true]);
		expect(config.warnings).toEqual([]);
	});

	it('takes flapping defaults from a [plugin:...] flapping section', () => {
		const config = loadIni('[plugin:flapping]\nuse = circus.plugins.flapping.Flapping\nattempts = 3\nretry_in = 2\nmax_retry = 1\n[watcher:a]\ncmd = x\n[watcher:b]\ncmd = y\nflapping.attempts = 9\n');
		expect(config.watchers.map(w => w.flapping)).toEqual([
			{attempts: 3, window: 1, retryIn: 2, maxRetry: 1, enabled: true},
			{attempts: 9, window: 1, retryIn: 2, maxRetry: 1, enabled: true},
		]);
		expect(config.warnings).toEqual([]);
	});

	it('reads procui.backoff', () => {
		expect(watcher('procui.backoff = false').backoff).toBe(false);
	});

	it('keeps every option as written in raw, keys lower-cased', () => {
		expect(watcher('NumProcesses = 2\nfoo.bar = Baz').raw).toEqual({cmd: 'run', numprocesses: '2', 'foo.bar': 'Baz'});
	});

	it('allows numprocesses = 0 with a warning', () => {
		const config = loadIni('[watcher:w]\ncmd = x\nnumprocesses = 0\n');
		expect(config.watchers[0]!.numprocesses).toBe(0);
		expect(summarize(config.warnings)).toEqual(['3: numprocesses: 0 starts no process until `incr`']);
	});

	it('warns about close_child_stdin where procui cannot do what it says, and only there', () => {
		const warnings = (options: string) => summarize(loadIni(`[watcher:w]\ncmd = x\n${options}\n`).warnings);
		expect(warnings('close_child_stdin = false\npty = false')).toEqual(['3: close_child_stdin: procui never hands a child its own stdin: with pty = false it is /dev/null; ignored']);
		expect(warnings('close_child_stdin = false')).toEqual(['3: close_child_stdin: procui never hands a child its own stdin: with pty = true it is the terminal; ignored']);
		expect(warnings('close_child_stdin = true')).toEqual(['3: close_child_stdin: with pty = true stdin is the terminal (what is typed in the UI reaches the process), not /dev/null; set pty = false for /dev/null']);
		// As Circus does it: a pipe-mode child's stdin is /dev/null.
		expect(warnings('close_child_stdin = true\npty = false')).toEqual([]);
		// Applied (spawn.ts), so nothing to warn about.
		expect(warnings('close_child_stdout = true\nclose_child_stderr = true\nstop_children = true')).toEqual([]);
	});

	it('rejects a singleton with more than one process', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nsingleton = true\nnumprocesses = 3\n'))).toEqual([
			'4: numprocesses: a singleton watcher runs at most 1 process, got 3',
		]);
	});

	// Circus 0.19's hook test configs (circus/tests/config/hook*.ini) hold watchers without cmd, and load.
	it('loads a watcher without cmd with a warning at its section line (Circus loads it)', () => {
		const config = loadIni('[circus]\ncheck_delay = 1\n\n[watcher:w]\nnumprocesses = 2\n');
		expect(config.watchers.map(watcher => [watcher.name, watcher.cmd, watcher.numprocesses])).toEqual([['w', '', 2]]);
		expect(summarize(config.warnings)).toEqual(['4: [watcher:w]: no `cmd`: loaded, but it cannot start until one is set']);
	});

	it('accepts check_delay 0 and below, as Circus does (its test configs use -1: no periodic check)', () => {
		expect([0, -1, 0.5].map(value => loadIni(`[circus]\ncheck_delay = ${value}\n`).arbiter.checkDelay)).toEqual([0, -1, 0.5]);
	});

	it('rejects two watchers whose names differ only in case', () => {
		expect(summarize(loadIniErrors('[watcher:web]\ncmd = x\n[watcher:Web]\ncmd = y\n'))[0]).toMatch(/^3: \[watcher:Web\]: watcher names are compared without case/);
	});
});
