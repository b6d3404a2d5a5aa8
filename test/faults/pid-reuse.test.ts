import childProcess, {type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {isErrorReply} from '../../source/control/protocol.js';
import {alive, pids, pidsMatching, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

/*
A process that has exited while a descendant of its (one that left its group) still holds its output
stays in its watcher until that output is drained. Its number is free again the moment it is reaped:
another program can get it, as the leader of a group of its own. Nothing procui does to that process
may reach the program that has its number now. The kernel's next number is set by hand
(/proc/sys/kernel/ns_last_pid, root only) to give the decoy exactly that number.
*/

const isRoot = process.getuid?.() === 0;
let daemon: Daemon | undefined;
let decoy: ChildProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	decoy?.kill('SIGKILL');
	decoy = undefined;
	if (dir !== undefined) {
		fs.rmSync(dir, {recursive: true, force: true});
		dir = undefined;
	}
});

/** A program of its own session and group whose pid is `wanted`; undefined when another fork
took the number first and still holds it, or kept taking it. */
async function decoyWithPid(wanted: number, marker: string): Promise<ChildProcess | undefined> {
	for (let attempt = 0; attempt < 20 && !fs.existsSync(`/proc/${wanted}`); attempt++) {
		fs.writeFileSync('/proc/sys/kernel/ns_last_pid', String(wanted - 1));
		const child = childProcess.spawn('sleep', [marker], {detached: true, stdio: 'ignore'});
		if (child.pid === wanted) {
			return child;
		}

		child.kill('SIGKILL');
	}

	return undefined;
}

type Scene = {readonly first: number; readonly stray: string; readonly decoy: ChildProcess};

/**
A daemon whose watcher's first process has exited, leaving a setsid child that ignores SIGTERM and
holds its output, and a decoy that has the first process's number now. Undefined when the decoy
could not get it (the suite's other tests fork all the time): the caller tries a fresh scene.
*/
async function scene(): Promise<Scene | undefined> {
	dir = tempDir('procui-pid-reuse-');
	const once = path.join(dir, 'once');
	const stray = uniqueSleep();
	// It ignores SIGTERM, so the stop comes to its SIGKILL; it writes its pid once it does.
	const stubborn = path.join(dir, 'stubborn.sh');
	const ready = path.join(dir, 'ready');
	fs.writeFileSync(stubborn, `#!/bin/sh\ntrap "" TERM\necho $$ > ${ready}.new && mv ${ready}.new ${ready}\nwhile :; do sleep 0.2; done\n`, {mode: 0o755});
	// The first process leaves a setsid child holding its output and exits; the next one runs.
	daemon = await startDaemon(`[watcher:w]\ncmd = sh -c 'if mkdir ${once} 2>/dev/null; then setsid ${stubborn} ${stray} & exit 0; fi; exec sleep ${uniqueSleep()}'\npty = false\ngraceful_timeout = 1\n`);
	const exited = await daemon.logged(/w: process (\d+) exited on its own/);
	const first = Number(exited[1]);
	await waitFor(async () => {
		const list = pids(await daemon!.ok('list', {name: 'w'}));
		return list.length === 1 && list[0] !== first;
	}, {what: 'the next process'});
	// The stray by the pid it wrote: its name is not enough, since each child it forks (and the
	// watcher's next shell, until it execs) carries the same command line for a moment.
	await waitFor(() => fs.existsSync(ready), {what: 'the stray to ignore SIGTERM'});
	const strayPid = Number(fs.readFileSync(ready, 'utf8'));
	expect(fs.readFileSync(`/proc/${strayPid}/cmdline`, 'utf8')).toContain(stray);
	const marker = uniqueSleep();
	decoy = await decoyWithPid(first, marker);
	if (decoy === undefined) {
		await daemon.stop();
		daemon = undefined;
		fs.rmSync(dir, {recursive: true, force: true});
		dir = undefined;
		return undefined;
	}

	expect(pidsMatching(marker)).toEqual([first]);
	return {first, stray, decoy};
}

describe.skipIf(!isRoot)('a process whose number another program has now', () => {
	it('gets neither a signal command\'s signal, nor a stop\'s, nor the SIGKILL after graceful_timeout', async () => {
		let found: Scene | undefined;
		for (let attempt = 0; attempt < 5 && found === undefined; attempt++) {
			found = await scene();
		}

		expect(found, 'a decoy with the number in one of five scenes').toBeDefined();
		const {first, stray, decoy: program} = found!;
		// `signal` names the exited process: refused, not sent to the number.
		const signalled = await daemon!.call('signal', {name: 'w', pid: first, signum: 9});
		expect(isErrorReply(signalled) ? signalled.reason : `not refused: ${JSON.stringify(signalled)}`).toMatch(new RegExp(`process ${first} of w has exited`));
		// A stop signals the exited process's group (for the one holding its output), then SIGKILL
		// after graceful_timeout; it completes once the stray is gone.
		const stopped = await daemon!.client.call('stop', {name: 'w', waiting: true}, {timeoutMs: 20_000});
		expect(isErrorReply(stopped)).toBe(false);
		expect(pidsMatching(stray)).toEqual([]);
		await daemon!.logged(/did not stop within graceful_timeout; sending SIGKILL/);
		expect(alive(first)).toBe(true);
		expect(program.exitCode === null && program.signalCode === null).toBe(true);
	}, 120_000);
});
