import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {isErrorReply, type EventMessage} from '../../source/control/protocol.js';
import {Leftovers, pids, pidsMatching, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
const leftovers = new Leftovers();

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	leftovers.killAll();
});

async function strayOf(d: Daemon, marker: string): Promise<number> {
	const [parent] = await waitFor(async () => {
		const list = pids(await d.ok('list', {name: 'w'}));
		return list.length === 1 ? list : undefined;
	}, {what: 'the process'});
	// Not the watcher's own shell, whose command line names the marker too until it execs.
	const [stray] = await waitFor(() => {
		const found = pidsMatching(marker).filter((pid) => pid !== parent && sessionOf(pid) === pid);
		return found.length === 1 ? found : undefined;
	}, {what: 'the setsid grandchild'});
	leftovers.add(stray!);
	return stray!;
}

/** Gone from /proc altogether: killed and reaped, not left a zombie. */
async function reaped(pid: number): Promise<void> {
	await waitFor(() => !fs.existsSync(`/proc/${pid}`), {what: `process ${pid} to be killed and reaped`});
}

/** Its parent's pid. */
function parentOf(pid: number): number | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return undefined;
	}
}

/**
Whether the process runs `sleep MARKER` itself, not a shell whose command line names it. One read
of its command line: the watcher's shell execs `sleep` of another marker, so a shell's command line
read first and a second read after its exec would together look like the grandchild.
*/
function isSleepOf(pid: number, marker: string): boolean {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${marker}\0`;
	} catch {
		return false;
	}
}

/** Its own session and process group, so a signal to the watcher's group never reaches it. */
function sessionOf(pid: number): number {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

describe.each([false, true])('a grandchild that setsid()s away (pty = %s)', (pty) => {
	it('is stopped with its watcher, and reaped', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:w]\ncmd = sh -c 'setsid sleep ${marker} & exec sleep ${uniqueSleep()}'\npty = ${pty}\ngraceful_timeout = 1\n`);
		const stray = await strayOf(daemon, marker);
		expect(sessionOf(stray)).toBe(stray);
		const reply = await daemon.client.call('stop', {name: 'w', waiting: true}, {timeoutMs: 20_000});
		expect(isErrorReply(reply)).toBe(false);
		// The stop replied once it was gone.
		expect(pidsMatching(marker)).toEqual([]);
		await reaped(stray);
		await daemon.logged(new RegExp(`w: stopping 1 descendant\\(s\\) that left their process group and outlived their parents: ${stray}`));
	});
});

describe('strays', () => {
	it('one that exits on its own while its watcher runs is reaped at once, not left a zombie', async () => {
		const marker = uniqueSleep();
		// The subshell exits at once, so its setsid child is adopted by the daemon (a child subreaper).
		daemon = await startDaemon(`[watcher:w]\ncmd = sh -c '(setsid sleep ${marker} &); exec sleep ${uniqueSleep()}'\npty = false\n`);
		const daemonPid = daemon.process.pid!;
		const [stray] = await waitFor(() => {
			// The watcher's own `sh -c '…sleep MARKER…'` names the marker too, and is the daemon's
			// child until it execs: only a `sleep` whose arguments name it is the grandchild.
			const found = pidsMatching(marker).filter((pid) => isSleepOf(pid, marker) && parentOf(pid) === daemonPid);
			return found.length === 1 ? found : undefined;
		}, {what: 'the setsid grandchild, adopted by the daemon'});
		leftovers.add(stray!);
		const [watched] = pids(await daemon.ok('list', {name: 'w'}));
		process.kill(stray!, 'SIGTERM');
		// Its exit raises SIGCHLD in the daemon, which reaps it: it leaves /proc altogether.
		await reaped(stray!);
		// The watcher's own process is untouched.
		await daemon.flushLog();
		expect(pids(await daemon.ok('list', {name: 'w'})), `the daemon's log:\n${daemon.stderr()}`).toEqual([watched]);
	});

	it('one that ignores the stop signal gets SIGKILL after graceful_timeout', async () => {
		const marker = uniqueSleep();
		const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'procui-stray-'));
		const script = path.join(dir, 'stubborn.sh');
		const ready = path.join(dir, 'ready');
		fs.writeFileSync(script, `#!/bin/sh\ntrap "" TERM\ntouch ${ready}\nwhile :; do sleep 0.2; done\n`, {mode: 0o755});
		daemon = await startDaemon(`[watcher:w]\ncmd = sh -c 'setsid ${script} ${marker} >/dev/null 2>&1 & exec sleep ${uniqueSleep()}'\npty = false\ngraceful_timeout = 1\n`);
		const stray = await strayOf(daemon, marker);
		// Its trap is set once it says so: a stop before that would end it with the stop signal.
		await waitFor(() => fs.existsSync(ready), {what: 'the stray to ignore SIGTERM'});
		const reply = await daemon.client.call('stop', {name: 'w', waiting: true}, {timeoutMs: 20_000});
		expect(isErrorReply(reply)).toBe(false);
		expect(pidsMatching(marker)).toEqual([]);
		await reaped(stray);
		await daemon.logged(new RegExp(`descendant\\(s\\) ${stray} did not stop within graceful_timeout; sending SIGKILL`));
		fs.rmSync(dir, {recursive: true, force: true});
	});

	it('go with quit, and the daemon still sees its own children\'s exit statuses', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:w]\ncmd = sh -c 'setsid sleep ${marker} & sleep 0.3; exit 3'\npty = false\ncheck_flapping = false\n`);
		const seen: EventMessage[] = [];
		await daemon.client.subscribe(['watcher.w.reap'], (event) => {
			seen.push(event);
		});
		// The watcher's processes exit with 3 again and again, each leaving a stray: every exit
		// status reaches the watcher (the reaper never takes one of Node's children).
		await waitFor(() => seen.length >= 3, {what: 'three exits'});
		expect(seen.map((event) => event.data.exit_code).every((code) => code === 3)).toBe(true);
		const strays = pidsMatching(marker);
		for (const pid of strays) {
			leftovers.add(pid);
		}

		expect(strays.length).toBeGreaterThanOrEqual(3);
		const reply = await daemon.client.call('quit', {}, {timeoutMs: 20_000});
		expect(isErrorReply(reply)).toBe(false);
		expect(await daemon.exited).toBe(0);
		expect(pidsMatching(marker)).toEqual([]);
	});
});
