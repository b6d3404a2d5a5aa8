import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {pids, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';
import {field} from '../helpers/reply.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

/** Circus 0.19 behaviours that real circus.ini files rely on, through the real daemon. */
describe('Circus compatibility', () => {
	// circus/tests/support.py runs every test arbiter with check_delay = -1: no periodic check.
	it('check_delay = -1 runs with no periodic check, and still replaces a process that exits', async () => {
		daemon = await startDaemon(`[circus]\ncheck_delay = -1\n\n[watcher:crasher]\ncmd = sh -c 'sleep 0.2; exit 3'\nprocui.backoff = false\n`);
		const first = await waitFor(async () => pids(await daemon!.ok('list', {name: 'crasher'}))[0]);
		const second = await waitFor(async () => {
			const [pid] = pids(await daemon!.ok('list', {name: 'crasher'}));
			return pid !== undefined && pid !== first ? pid : undefined;
		}, {what: 'the exited process to be replaced'});
		expect(second).not.toBe(first);
		expect(field<{check_delay: number}>(await daemon.ok('globaloptions'), 'options').check_delay).toBe(-1);
		expect(field<{ticks: number}>(await daemon.ok('dstats'), 'info').ticks).toBe(0);
	});

	// circus/tests/config/hook*.ini hold watchers with hooks and no cmd; Circus loads them.
	it('loads a watcher without cmd, leaves it stopped at boot, and refuses to start it with the reason', async () => {
		const sleep = uniqueSleep();
		daemon = await startDaemon(`[watcher:empty]\nnumprocesses = 1\n\n[watcher:real]\ncmd = sleep ${sleep}\n`);
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'real'})).length === 1);
		expect(field<string>(await daemon.ok('status', {name: 'empty'}), 'status')).toBe('stopped');
		const reply = await daemon.call('start', {name: 'empty'});
		expect(reply).toMatchObject({status: 'error', reason: "watcher 'empty' has no `cmd`: nothing to start"});
		await waitFor(() => daemon!.stderr().includes("watcher 'empty' has no `cmd`: nothing to start; left stopped"), {what: 'the boot warning'});
		// The daemon keeps serving, and the other watcher is untouched.
		expect(pids(await daemon.ok('list', {name: 'real'}))).toHaveLength(1);
	});

	it('resolves a relative stream filename against the directory it runs in, as circusd', async () => {
		daemon = await startDaemon(`[watcher:hello]\ncmd = sh -c 'echo hello-from-cwd; exec sleep ${uniqueSleep()}'\nstdout_stream.filename = out/hello.log\n`, {name: 'deploy/circus.ini', setup: (dir) => fs.mkdirSync(path.join(dir, 'out'))});
		const file = path.join(daemon.dir, 'out/hello.log');
		await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('hello-from-cwd'), {what: 'the line in out/hello.log under the cwd'});
		expect(fs.existsSync(path.join(daemon.dir, 'deploy/out'))).toBe(false);
	});

	// circus/util.py load_virtualenv: bin first on PATH, site-packages on PYTHONPATH.
	it('runs a watcher inside its virtualenv: its bin on PATH, its site-packages importable', async () => {
		const sleep = uniqueSleep();
		daemon = await startDaemon([
			'[watcher:venv]',
			`cmd = sh -c 'venv-marker; python3 -c "import venvmod; print(venvmod.VALUE)"; exec sleep ${sleep}'`,
			'copy_env = true',
			'virtualenv = venv',
			'stdout_stream.filename = venv.log',
			'',
		].join('\n'), {
			setup(dir) {
				fs.mkdirSync(path.join(dir, 'venv/bin'), {recursive: true});
				fs.mkdirSync(path.join(dir, 'venv/lib/python3.11/site-packages'), {recursive: true});
				fs.writeFileSync(path.join(dir, 'venv/bin/venv-marker'), '#!/bin/sh\necho marker-from-venv-bin\n', {mode: 0o755});
				fs.writeFileSync(path.join(dir, 'venv/lib/python3.11/site-packages/venvmod.py'), 'VALUE = "imported-from-site-packages"\n');
			},
		});
		const file = path.join(daemon.dir, 'venv.log');
		const text = await waitFor(() => fs.existsSync(file) && /imported-from-site-packages/.test(fs.readFileSync(file, 'utf8')) && fs.readFileSync(file, 'utf8'), {what: 'the child to import from the virtualenv'});
		expect(text).toContain('marker-from-venv-bin');
	});

	// Circus's pub/sub topics (circus/watcher.py notify_event): watcher.<name>.<event>.
	it('publishes Circus\'s watcher events: start, spawn, kill, reap, stop, updated, reload', async () => {
		daemon = await startDaemon(`[watcher:ev]\ncmd = sleep ${uniqueSleep()}\ngraceful_timeout = 5\n`);
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'ev'})).length === 1);
		const seen: string[] = [];
		await daemon.client.subscribe(['watcher.ev'], (event) => {
			seen.push(event.event);
		});
		await daemon.ok('set', {name: 'ev', options: {numprocesses: '2'}});
		await daemon.ok('reload', {name: 'ev'});
		await daemon.ok('stop', {name: 'ev'});
		await daemon.ok('start', {name: 'ev'});
		await waitFor(() => ['updated', 'reload', 'spawn', 'kill', 'reap', 'stop', 'start'].every((event) => seen.includes(`watcher.ev.${event}`)), {what: `every event (seen: ${seen.join(' ')})`});
	});

	// Circus writes stdout and stderr to their own streams; 23 of 59 real circus.ini files set both.
	it('with a PTY, writes stderr to stderr_stream and stdout to stdout_stream; the child sees a terminal on stdout only', async () => {
		const sleep = uniqueSleep();
		daemon = await startDaemon([
			'[watcher:both]',
			`cmd = sh -c 'if [ -t 1 ]; then echo out: tty; else echo out: pipe; fi; if [ -t 2 ]; then echo err: tty >&2; else echo err: pipe >&2; fi; exec sleep ${sleep}'`,
			'stdout_stream.filename = out.log',
			'stderr_stream.filename = err.log',
			'',
		].join('\n'));
		const out = path.join(daemon.dir, 'out.log');
		const error = path.join(daemon.dir, 'err.log');
		await waitFor(() => fs.existsSync(out) && fs.existsSync(error) && fs.readFileSync(out, 'utf8').includes('out:') && fs.readFileSync(error, 'utf8').includes('err:'), {what: 'a line in each file'});
		expect(fs.readFileSync(out, 'utf8')).toBe('out: tty\n');
		expect(fs.readFileSync(error, 'utf8')).toBe('err: pipe\n');
		// Both are in the process's scrollback, as they came.
		const [pid] = pids(await daemon.ok('list', {name: 'both'}));
		const lines = field<Array<{text: string; stderr?: boolean}>>(await daemon.ok('logs', {name: 'both', pid, lines: 10}), 'lines').map((line) => `${line.text}${line.stderr ? ' (stderr)' : ''}`).sort();
		expect(lines).toEqual(['err: pipe (stderr)', 'out: tty']);
		expect(field<{streams: string}>(await daemon.ok('options', {name: 'both'}), 'options').streams).toBe('stdout on a terminal (PTY), stderr on a pipe of its own');
	});

	// circus/tests/test_config.py test_issue665: shell_args follow the command line.
	it('passes shell_args after the command line, as the script\'s $0, $1 (Popen(shell=True)), and runs `executable` as the shell', async () => {
		const sleep = uniqueSleep();
		daemon = await startDaemon([
			'[watcher:args]',
			`cmd = echo "[$0] [$1] [$2]" > args.txt; exec sleep ${sleep}`,
			'shell = true',
			'shell_args = zero "one two" $(circus.wid)',
			'pty = false',
			'[watcher:bash]',
			`cmd = echo "bash $BASH_VERSION" > bash.txt; exec sleep ${sleep}`,
			'shell = true',
			'executable = /bin/bash',
			'pty = false',
			'',
		].join('\n'));
		const read = async (name: string) => waitFor(() => {
			const file = path.join(daemon!.dir, name);
			const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
			return text.endsWith('\n') ? text : undefined;
		}, {what: name});
		expect(await read('args.txt')).toBe('[zero] [one two] [1]\n');
		expect(await read('bash.txt')).toMatch(/^bash \d+\.\d+/);
	});

	// circusd.py: os.umask(arbiter.umask) before anything starts.
	it('gives its processes and its files [circus] umask', async () => {
		daemon = await startDaemon(`[circus]\numask = 027\n\n[watcher:mask]\ncmd = sh -c 'umask > umask.txt; echo made; exec sleep ${uniqueSleep()}'\npty = false\nstdout_stream.filename = out.log\n`);
		const file = path.join(daemon.dir, 'umask.txt');
		expect(await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim())).toBe('0027');
		const out = path.join(daemon.dir, 'out.log');
		await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('made'));
		expect(fs.statSync(out).mode & 0o777).toBe(0o640);
	});

	// circus/process.py: setting RLIMIT_NOFILE to RLIM_INFINITY fails on Linux (fs.nr_open caps it);
	// Circus then uses the hard limit.
	it('reads an empty or unlimited rlimit_nofile as the hard limit, as Circus does, where setting it unlimited fails', async () => {
		const hard = childProcess.execFileSync('sh', ['-c', 'ulimit -Hn'], {encoding: 'utf8'}).trim();
		const sleep = uniqueSleep();
		daemon = await startDaemon([
			'[watcher:empty]',
			`cmd = sh -c 'echo "$(ulimit -Sn) $(ulimit -Hn)" > empty.txt; exec sleep ${sleep}'`,
			'rlimit_nofile =',
			'pty = false',
			'[watcher:unlimited]',
			`cmd = sh -c 'echo "$(ulimit -Sn) $(ulimit -Hn)" > unlimited.txt; exec sleep ${sleep}'`,
			'rlimit_nofile = unlimited',
			'pty = false',
			'',
		].join('\n'));
		for (const name of ['empty.txt', 'unlimited.txt']) {
			const file = path.join(daemon.dir, name);
			expect(await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').endsWith('\n') && fs.readFileSync(file, 'utf8').trim(), {what: name})).toBe(`${hard} ${hard}`);
		}

		expect(field<string>(await daemon.ok('status', {name: 'empty'}), 'status')).toBe('active');
	});

	// Circus reads only the streams that are set (pipe_stderr = stderr_stream is not None): a
	// stdout_stream alone never holds stderr.
	it('with a PTY and only stdout_stream set, keeps stderr out of the stdout file and in the scrollback', async () => {
		daemon = await startDaemon(`[watcher:one]\ncmd = sh -c 'echo to-out; echo to-err >&2; exec sleep ${uniqueSleep()}'\nstdout_stream.filename = out.log\n`);
		const out = path.join(daemon.dir, 'out.log');
		await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('to-out'), {what: 'the stdout line'});
		const [pid] = pids(await daemon.ok('list', {name: 'one'}));
		const lines = await waitFor(async () => {
			const all = field<Array<{text: string; stderr?: boolean}>>(await daemon!.ok('logs', {name: 'one', pid, lines: 10}), 'lines');
			return all.length === 2 ? all.map((line) => `${line.text}${line.stderr ? ' (stderr)' : ''}`).sort() : undefined;
		}, {what: 'both lines in the scrollback'});
		expect(lines).toEqual(['to-err (stderr)', 'to-out']);
		expect(fs.readFileSync(out, 'utf8')).toBe('to-out\n');
	});

	// circus/stream/__init__.py FancyStdoutStream.__call__: colour, prefix, line, reset, per line.
	it('colours each line of a FancyStdoutStream on its own, reset before its newline', async () => {
		daemon = await startDaemon(`[watcher:fancy]\ncmd = sh -c 'printf "a\\nb\\n"; exec sleep ${uniqueSleep()}'\npty = false\nstdout_stream.class = FancyStdoutStream\nstdout_stream.color = red\nstdout_stream.time_format = T\n`);
		const [pid] = await waitFor(async () => {
			const found = pids(await daemon!.ok('list', {name: 'fancy'}));
			return found.length === 1 ? found : undefined;
		});
		const text = await waitFor(() => (daemon!.stdout().includes('| b') ? daemon!.stdout() : undefined), {what: 'both lines on stdout'});
		expect(text).toBe(`\u001B[0;31;40mT [${pid}] | a\u001B[0m\n\u001B[0;31;40mT [${pid}] | b\u001B[0m\n`);
	});
});
