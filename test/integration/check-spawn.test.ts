import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {rlimitNames} from '../../source/config/rlimits.js';
import {cliPath, pids, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

function check(dir: string, file: string, wrapper: readonly string[] = []): {code: number | null; stdout: string; stderr: string} {
	const [program, ...args] = [...wrapper, process.execPath, cliPath, 'check', file];
	const result = childProcess.spawnSync(program!, args, {cwd: dir, encoding: 'utf8', timeout: 60_000});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('procui check says what every spawn would meet', () => {
	it('fails on a NUL byte in cmd and on numprocesses = 100000, with file:line', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:web]\ncmd = sleep\0 10\n\n[watcher:many]\ncmd = sleep 10\nnumprocesses = 100000\n');
		const result = check(dir, 'circus.ini');
		expect(result.stderr.split('\n')).toEqual([
			'circus.ini:2: error: cmd: contains a NUL byte (at character 6), which no command line, path or environment variable can hold',
			'circus.ini:6: error: numprocesses: expected a whole number from 0 to 10000, got "100000"',
			'procui: the configuration has 2 errors; nothing was started.',
			'',
		]);
		expect(result.code).toBe(1);
	});

	it('warns with file:line about close_child_stdin where procui cannot honour it, and not about the options it applies', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), [
			'[watcher:web]',
			'cmd = sleep 10',
			'close_child_stdin = false',
			'close_child_stdout = true',
			'close_child_stderr = true',
			'stop_children = true',
			'',
		].join('\n'));
		const result = check(dir, 'circus.ini');
		expect(result.stderr.split('\n')).toEqual([
			'circus.ini:3: warning: close_child_stdin: procui never hands a child its own stdin: with pty = true it is the terminal; ignored',
			'',
		]);
		expect(result.stdout).toMatch(/OK: 1 watcher \(1 process\), 0 sockets, 1 warning/);
		expect(result.code).toBe(0);
	});

	it('warns with file:line about a missing command, working_dir and user, and still passes', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), [
			'[watcher:web]',
			'cmd = procui-no-such-program-7f3a --port 80',
			'',
			'[watcher:worker]',
			'cmd = sleep 10',
			'working_dir = /nonexistent/procui-app',
			'uid = procui-no-such-user',
			'',
		].join('\n'));
		const result = check(dir, 'circus.ini');
		expect(result.stderr.split('\n')).toEqual([
			'circus.ini:2: warning: cmd: command not found: procui-no-such-program-7f3a (searched PATH=/usr/local/bin:/usr/bin:/bin); every spawn will fail',
			'circus.ini:6: warning: working_dir: /nonexistent/procui-app does not exist; every spawn will fail until it exists',
			'circus.ini:7: warning: uid: no user "procui-no-such-user" in /etc/passwd; every spawn will fail until there is one (or give a number)',
			'',
		]);
		expect(result.stdout).toMatch(/circus\.ini: OK: 2 watchers \(2 processes\), 0 sockets, 3 warnings/);
		expect(result.code).toBe(0);
	});

	it('warns, naming RLIMIT_NOFILE, when the processes need more descriptors than procui may open', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:web]\ncmd = sleep 10\nnumprocesses = 100\n');
		const result = check(dir, 'circus.ini', ['prlimit', '--nofile=150']);
		expect(result.stderr).toBe('circus.ini:1: warning: numprocesses: 100 processes in all need about 264 descriptors in the supervisor, above its RLIMIT_NOFILE of 150 (ulimit -n); spawns will fail once it is reached\n');
		expect(result.code).toBe(0);
	});

	it('fails on a limit Linux does not have and one that is not a number, with file:line', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:web]\ncmd = sleep 10\nrlimit_rtime = 1000\nrlimit_nofile = abc\n');
		const result = check(dir, 'circus.ini');
		expect(result.stderr).toMatch(/^circus\.ini:3: error: rlimit_rtime: /m);
		expect(result.stderr).toMatch(/^circus\.ini:4: error: rlimit_nofile: expected a whole number ≥ 0, or -1, `unlimited` or nothing for no limit, got "abc"$/m);
		expect(result.code).toBe(1);
	});
});

/** /proc/self/limits' row names, for each limit name procui takes. */
const limitRows: Readonly<Record<string, string>> = {
	as: 'Max address space', core: 'Max core file size', cpu: 'Max cpu time', data: 'Max data size',
	fsize: 'Max file size', locks: 'Max file locks', memlock: 'Max locked memory', msgqueue: 'Max msgqueue size',
	nice: 'Max nice priority', nofile: 'Max open files', nproc: 'Max processes', rss: 'Max resident set',
	rtprio: 'Max realtime priority', rttime: 'Max realtime timeout', sigpending: 'Max pending signals', stack: 'Max stack size',
};

/** The soft and hard limit of `row` in a /proc/PID/limits text. */
function limitOf(limits: string, row: string): [string, string] {
	const line = limits.split('\n').find((candidate) => candidate.startsWith(row));
	if (line === undefined) {
		throw new Error(`no ${row} in the limits`);
	}

	const [soft, hard] = line.slice(row.length).trim().split(/\s+/);
	return [soft!, hard!];
}

describe('every rlimit the config accepts is applied by the spawn', () => {
	let daemon: Daemon | undefined;

	afterAll(async () => {
		await daemon?.stop();
	});

	it('runs a process with each limit set', async () => {
		const marker = uniqueSleep();
		const own = fs.readFileSync('/proc/self/limits', 'utf8');
		// The test's own hard limit, which no user is refused; 2^40 where it has none, so that the
		// child's limit differs from what it would inherit.
		const values = Object.fromEntries(rlimitNames.map((name) => {
			const [, hard] = limitOf(own, limitRows[name]!);
			return [name, hard === 'unlimited' ? String(2 ** 40) : hard];
		}));
		daemon = await startDaemon(rlimitNames.map((name) => `[watcher:limit-${name}]\ncmd = sleep ${marker}\nrlimit_${name} = ${values[name]}\n`).join('\n'));
		for (const name of rlimitNames) {
			// A spawn whose limit the helper cannot set exits 127 before it execs: sleep never runs.
			const pid = await waitFor(async () => {
				const [candidate] = pids(await daemon!.ok('list', {name: `limit-${name}`}));
				const argv = candidate === undefined ? [] : fs.readFileSync(`/proc/${candidate}/cmdline`, 'utf8').split('\0');
				return argv[0] === 'sleep' && argv[1] === marker ? candidate : undefined;
			}, {what: `rlimit_${name}'s process to run sleep`, timeoutMs: 30_000});
			expect(limitOf(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'), limitRows[name]!), name).toEqual([values[name], values[name]]);
		}
	});
});
