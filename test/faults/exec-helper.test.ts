import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {isErrorReply, type EventMessage} from '../../source/control/protocol.js';
import {execHelperPath} from '../../source/io/spawn.js';
import {pids, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
const isRoot = process.getuid?.() === 0;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

async function onlyPid(d: Daemon, name: string): Promise<number> {
	const [pid] = await waitFor(async () => {
		const list = pids(await d.ok('list', {name}));
		return list.length === 1 ? list : undefined;
	}, {what: `${name}'s process`});
	return pid!;
}

/** The program has been exec'ed: the process runs `sleep`, no longer procui-exec. */
async function execed(pid: number, marker: string): Promise<void> {
	await waitFor(() => path.basename(fs.readlinkSync(`/proc/${pid}/exe`)) === 'sleep' && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker), {what: `process ${pid} to run its program`});
}

function statusField(pid: number, name: string): string {
	const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((candidate) => candidate.startsWith(`${name}:`));
	return line?.slice(name.length + 1).trim() ?? '';
}

describe('a program that cannot be exec\'ed', () => {
	it.skipIf(!isRoot)('is a spawn failure with EACCES, not an exit 127 that goes through back-off and flapping', async () => {
		// Executable for root (the daemon checks that before forking), not for the watcher's user.
		const dir = tempDir();
		const script = path.join(dir, 'root-only.sh');
		fs.writeFileSync(script, '#!/bin/sh\nsleep 1000\n');
		fs.chmodSync(script, 0o744);
		fs.chmodSync(dir, 0o755);
		daemon = await startDaemon(`[watcher:w]\ncmd = ${script}\nuid = nobody\nautostart = false\nmax_retry = 2\npty = false\n`);
		const seen: EventMessage[] = [];
		await daemon.client.subscribe(['watcher.w.'], (event) => {
			seen.push(event);
		});
		const reply = await daemon.call('start', {name: 'w', waiting: true});
		expect(isErrorReply(reply)).toBe(true);
		expect((reply as {reason?: string}).reason).toMatch(/exec .*root-only\.sh: Permission denied \(EACCES\).*2 failed spawns/);
		const failures = await waitFor(() => {
			const found = seen.filter((event) => event.event === 'watcher.w.spawn_failed');
			return found.length === 2 ? found : undefined;
		}, {what: 'two spawn_failed events'});
		expect(failures.map((event) => event.data.code)).toEqual(['EACCES', 'EACCES']);
		expect(seen.some((event) => event.event === 'watcher.w.flapping')).toBe(false);
		await daemon.logged(/w: spawn failed \(1\): exec .*root-only\.sh: Permission denied \(EACCES\)/);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/exited on its own/);
		fs.rmSync(dir, {recursive: true, force: true});
	});

	it('is a spawn failure with ENOENT when its interpreter is missing', async () => {
		const dir = tempDir();
		const script = path.join(dir, 'lost.sh');
		fs.writeFileSync(script, '#!/nonexistent/interpreter\n');
		fs.chmodSync(script, 0o755);
		daemon = await startDaemon(`[watcher:w]\ncmd = ${script}\nautostart = false\nmax_retry = 1\n`);
		const reply = await daemon.call('start', {name: 'w', waiting: true});
		expect((reply as {reason?: string}).reason).toMatch(/exec .*lost\.sh: No such file or directory \(ENOENT\)/);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/exited on its own/);
		fs.rmSync(dir, {recursive: true, force: true});
	});

	it('is a spawn failure with EACCES when it is not executable (chmod 644)', async () => {
		const dir = tempDir();
		const script = path.join(dir, 'plain.sh');
		fs.writeFileSync(script, '#!/bin/sh\nsleep 1000\n');
		fs.chmodSync(script, 0o644);
		daemon = await startDaemon(`[watcher:w]\ncmd = ${script}\nautostart = false\nmax_retry = 1\n`);
		const seen: EventMessage[] = [];
		await daemon.client.subscribe(['watcher.w.spawn_failed'], (event) => {
			seen.push(event);
		});
		const reply = await daemon.call('start', {name: 'w', waiting: true});
		expect((reply as {reason?: string}).reason).toMatch(/plain\.sh.*\(1 failed spawns/);
		expect((await waitFor(() => seen[0])).data.code).toBe('EACCES');
		await daemon.logged(/w: giving up: not an executable file: .*plain\.sh \(EACCES\)/);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/exited on its own/);
		fs.rmSync(dir, {recursive: true, force: true});
	});
});

describe('resource limits', () => {
	it('applies rlimit_rttime', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${marker}\nrlimit_rttime = 1000000\n`);
		const pid = await onlyPid(daemon, 'w');
		await execed(pid, marker);
		expect(fs.readFileSync(`/proc/${pid}/limits`, 'utf8')).toMatch(/Max realtime timeout\s+1000000\s+1000000/);
	});

	it('fails loudly, naming the limit and the errno, when setrlimit refuses', async () => {
		// Above fs.nr_open: refused even to root.
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep 1000\nrlimit_nofile = 99999999999\nautostart = false\nmax_retry = 1\n`);
		const reply = await daemon.call('start', {name: 'w', waiting: true});
		expect((reply as {reason?: string}).reason).toMatch(/setrlimit nofile=99999999999: Operation not permitted \(EPERM\)/);
	});

	it('refuses a limit that is not a number in the helper itself (nofile=abc)', () => {
		const result = childProcess.spawnSync(execHelperPath(), ['--rlimit', 'nofile=abc', '--', '/bin/true', 'true'], {encoding: 'utf8'});
		expect(result.status).toBe(127);
		expect(result.stderr).toBe('procui-exec: rlimit nofile: not a number or inf: \'abc\': Invalid argument\n');
	});

	it('reports on the error pipe when it has one', () => {
		const result = childProcess.spawnSync(execHelperPath(), ['--errfd', '3', '--rlimit', 'nofile=12x', '--', '/bin/true', 'true'], {stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'utf8'});
		expect(result.status).toBe(127);
		expect(result.output[3]).toBe('22 rlimit nofile: not a number or inf: \'12x\': Invalid argument\n');
		expect(result.stderr).toBe('');
	});
});

describe('what a child inherits', () => {
	it('no descriptor of the daemon\'s, even above 4096 open ones', async () => {
		const marker = uniqueSleep();
		const devNull = fs.openSync('/dev/null', 'r');
		// fds 3..5002 in the daemon, none close-on-exec: more than the old helper's 4096 could close.
		const inherited = Array.from({length: 5000}, () => devNull);
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${marker}\npty = false\n`, {inheritFds: inherited});
		fs.closeSync(devNull);
		expect(fs.readdirSync(`/proc/${daemon.process.pid}/fd`).map(Number)).toContain(5002);
		const pid = await onlyPid(daemon, 'w');
		await execed(pid, marker);
		expect(fs.readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2]);
	});

	it('no descriptor procui-exec inherited, however many (the old helper stopped at 4096)', () => {
		const devNull = fs.openSync('/dev/null', 'r');
		// Not close-on-exec in procui-exec: as a PTY pair or a socket the supervisor opened would be.
		const result = childProcess.spawnSync(execHelperPath(), ['--keep', '3', '--', '/bin/ls', 'ls', '/proc/self/fd'], {stdio: ['ignore', 'pipe', 'pipe', ...Array.from({length: 5000}, () => devNull)], encoding: 'utf8'});
		fs.closeSync(devNull);
		expect(result.stderr).toBe('');
		// 0, 1, 2 and the directory ls reads /proc/self/fd through.
		expect(result.stdout.trim().split('\n').map(Number).filter((fd) => fd > 3)).toEqual([]);
	});

	it('an empty signal mask and default dispositions, even when the daemon ignores or blocks signals', async () => {
		const marker = uniqueSleep();
		// Node resets signals 1-31 when it starts; the real-time ones it inherits as they are.
		const wrapper = ['python3', '-c', [
			'import os, signal, sys',
			'for s in (signal.SIGHUP, signal.SIGPIPE, 40, 50): signal.signal(s, signal.SIG_IGN)',
			'signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, 41})',
			'os.execv(sys.argv[1], sys.argv[1:])',
		].join('\n')];
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${marker}\n`, {wrapper});
		expect(BigInt(`0x${statusField(daemon.process.pid!, 'SigIgn')}`) & (1n << 39n)).not.toBe(0n);
		const pid = await onlyPid(daemon, 'w');
		await execed(pid, marker);
		expect(statusField(pid, 'SigBlk')).toBe('0000000000000000');
		expect(statusField(pid, 'SigIgn')).toBe('0000000000000000');
	});
});

describe.skipIf(!isRoot)('changing user', () => {
	const user = `procui${process.pid % 100_000}`;
	const groups = [`${user}a`, `${user}b`];

	const remove = (): void => {
		childProcess.spawnSync('userdel', [user]);
		for (const group of groups) {
			childProcess.spawnSync('groupdel', [group]);
		}
	};

	beforeAll(() => {
		// Left over by an interrupted run of a process with the same pid.
		remove();
		for (const group of groups) {
			childProcess.execFileSync('groupadd', [group]);
		}

		childProcess.execFileSync('useradd', ['-M', '-G', groups.join(','), user]);
	});

	afterAll(remove);

	it('gives the child the user\'s supplementary groups (initgroups)', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${marker}\nuid = ${user}\n`);
		const pid = await onlyPid(daemon, 'w');
		await execed(pid, marker);
		const expected = childProcess.execFileSync('id', ['-G', user], {encoding: 'utf8'}).trim().split(/\s+/).map(Number).sort((a, b) => a - b);
		expect(expected.length).toBe(3);
		expect(statusField(pid, 'Groups').split(/\s+/).map(Number).sort((a, b) => a - b)).toEqual(expected);
		expect(statusField(pid, 'Uid').split(/\s+/)[0]).toBe(childProcess.execFileSync('id', ['-u', user], {encoding: 'utf8'}).trim());
	});
});
