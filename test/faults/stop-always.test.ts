import {afterEach, describe, expect, it} from 'vitest';
import {isErrorReply} from '../../source/control/protocol.js';
import {alive, pids, pidsMatching, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

/** A child that closes its own output at once and lives on: its output is drained long before it exits. */
function silentWatcher(marker: string, pty: boolean, extra = ''): string {
	return `[watcher:silent]\ncmd = sh -c 'exec >/dev/null 2>&1 </dev/null; ${extra}sleep ${marker}'\npty = ${pty}\ngraceful_timeout = 1\n`;
}

async function running(d: Daemon, marker: string): Promise<number[]> {
	const [pid] = await waitFor(async () => {
		const list = pids(await d.ok('list', {name: 'silent'}));
		return list.length === 1 ? list : undefined;
	}, {what: 'the process'});
	// Its sleep runs: the output was closed well before.
	await waitFor(() => pidsMatching(marker).length === 2, {what: 'sh and its sleep'});
	return [pid!, ...pidsMatching(marker)];
}

// A generous bound: a stop that never replies fails here, not at the test's timeout.
const replyWithin = {timeoutMs: 20_000};

describe.each([false, true])('a child that redirected its own output (pty = %s)', (pty) => {
	it('is stopped by stop, which replies once the group is gone', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(silentWatcher(marker, pty));
		const family = await running(daemon, marker);
		const reply = await daemon.client.call('stop', {name: 'silent', waiting: true}, replyWithin);
		expect(isErrorReply(reply)).toBe(false);
		expect(family.filter((pid) => alive(pid))).toEqual([]);
		expect(pidsMatching(marker)).toEqual([]);
	});

	it('is stopped by stop even when it ignores the stop signal (SIGKILL after graceful_timeout)', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(silentWatcher(marker, pty, 'trap "" TERM; '));
		const family = await running(daemon, marker);
		const reply = await daemon.client.call('stop', {name: 'silent', waiting: true}, replyWithin);
		expect(isErrorReply(reply)).toBe(false);
		expect(family.filter((pid) => alive(pid))).toEqual([]);
		await daemon.logged(/did not stop within 1 s; sending SIGKILL/);
	});

	it('is killed by kill', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(silentWatcher(marker, pty));
		const family = await running(daemon, marker);
		const reply = await daemon.client.call('kill', {name: 'silent', pid: family[0]}, replyWithin);
		expect(isErrorReply(reply)).toBe(false);
		await waitFor(() => family.every((pid) => !alive(pid)), {what: 'the killed family to be gone'});
	});

	it('is stopped by quit, and the daemon exits 0', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(silentWatcher(marker, pty));
		const family = await running(daemon, marker);
		const reply = await daemon.client.call('quit', {}, replyWithin);
		expect(isErrorReply(reply)).toBe(false);
		expect(await daemon.exited).toBe(0);
		expect(family.filter((pid) => alive(pid))).toEqual([]);
	});

	it('is stopped by the first SIGTERM to the daemon', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(silentWatcher(marker, pty));
		const family = await running(daemon, marker);
		daemon.process.kill('SIGTERM');
		expect(await daemon.exited).toBe(0);
		expect(family.filter((pid) => alive(pid))).toEqual([]);
	});
});
