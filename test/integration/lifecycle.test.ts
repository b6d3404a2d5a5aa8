import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import type {EventMessage} from '../../source/control/protocol.js';
import {field} from '../helpers/reply.js';
import {alive, pids, pidsMatching, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});


async function events(d: Daemon, topics: string[]): Promise<EventMessage[]> {
	const seen: EventMessage[] = [];
	await d.client.subscribe(topics, (event) => {
		seen.push(event);
	});
	return seen;
}

describe('stopping', () => {
	it('escalates to SIGKILL after graceful_timeout when a child ignores the stop signal', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`
[watcher:stubborn]
cmd = sh -c 'trap "" TERM; echo ready; sleep ${marker} & wait; sleep ${marker}'
graceful_timeout = 1
`);
		const seen = await events(daemon, ['watcher.stubborn.']);
		const [pid] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'stubborn'}));
			return list.length === 1 ? list : undefined;
		});
		// The trap is set once it says ready: a stop before that would end it at once.
		await waitFor(async () => field<Array<{text: string}>>(await daemon!.ok('logs', {name: 'stubborn', pid, lines: 10}), 'lines').some((line) => line.text === 'ready'), {what: 'the trap to be set'});
		const started = Date.now();
		await daemon.ok('stop', {name: 'stubborn', waiting: true});
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(alive(pid!)).toBe(false);
		const reap = await waitFor(() => seen.find((event) => event.event === 'watcher.stubborn.reap'));
		expect(reap.data.exit_code).toBe(-9);
		await daemon.logged(/did not stop within 1 s; sending SIGKILL/);
	});

	it('a start during a graceful stop supersedes it: the stop says so, and the new process starts once the old one is gone', async () => {
		daemon = await startDaemon(`
[watcher:stub]
cmd = sh -c 'trap "" TERM; echo ready; while true; do sleep 0.2; done'
graceful_timeout = 2
pty = false
`);
		const seen = await events(daemon, ['watcher.stub.']);
		const [old] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'stub'}));
			return list.length === 1 ? list : undefined;
		});
		await waitFor(async () => field<Array<{text: string}>>(await daemon!.ok('logs', {name: 'stub', pid: old, lines: 10}), 'lines').some((line) => line.text === 'ready'), {what: 'the trap to be set'});
		const stop = daemon.call('stop', {name: 'stub'});
		await waitFor(() => seen.some((event) => event.event === 'watcher.stub.kill'), {what: 'the stop to signal the process'});
		const start = daemon.ok('start', {name: 'stub'});
		expect(await stop).toMatchObject({status: 'ok', info: {superseded: 'start'}});
		const [fresh] = field<{started: number[]}>(await start, 'info').started;
		// Never two where numprocesses = 1: the new process spawned after the old one was reaped.
		expect(alive(old!)).toBe(false);
		// Events come on their own connection: the reply can overtake them.
		await waitFor(() => seen.some((event) => event.event === 'watcher.stub.spawn' && event.data.process_pid === fresh), {what: 'the spawn event'});
		const topics = seen.map((event) => `${event.event}:${String(event.data.process_pid)}`);
		expect(topics.indexOf(`watcher.stub.reap:${old}`)).toBeGreaterThanOrEqual(0);
		expect(topics.indexOf(`watcher.stub.reap:${old}`)).toBeLessThan(topics.indexOf(`watcher.stub.spawn:${fresh}`));
		expect(pids(await daemon.ok('list', {name: 'stub'}))).toEqual([fresh]);
	});

	it('leaves no process of a shell\'s family behind after stop', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:family]\ncmd = sh -c 'sleep ${marker} & sleep ${marker} & wait'\n`);
		await waitFor(() => pidsMatching(marker).length === 3, {what: 'sh and two sleeps'});
		await daemon.ok('stop', {name: 'family', waiting: true});
		expect(pidsMatching(marker)).toEqual([]);
	});

	it('leaves no process behind after quit, and exits 0', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:family]\ncmd = sh -c 'sleep ${marker} & sleep ${marker} & wait'\nnumprocesses = 2\n`);
		await waitFor(() => pidsMatching(marker).length === 6, {what: 'two families'});
		await daemon.ok('quit');
		expect(await daemon.exited).toBe(0);
		expect(pidsMatching(marker)).toEqual([]);
	});

	it('leaves no process behind after SIGTERM to the daemon, and exits 0', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:family]\ncmd = sh -c 'sleep ${marker} & sleep ${marker} & wait'\n`);
		await waitFor(() => pidsMatching(marker).length === 3, {what: 'sh and two sleeps'});
		daemon.process.kill('SIGTERM');
		expect(await daemon.exited).toBe(0);
		expect(pidsMatching(marker)).toEqual([]);
	});
});

describe('respawning', () => {
	it('replaces a process that dies, at once', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:sleeper]\ncmd = sleep ${marker}\nnumprocesses = 3\n`);
		const before = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'sleeper'}));
			return list.length === 3 ? list : undefined;
		});
		process.kill(before[0]!, 'SIGKILL');
		const after = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'sleeper'}));
			return list.length === 3 && !list.includes(before[0]!) ? list : undefined;
		}, {what: 'a replacement'});
		expect(after.filter((pid) => before.includes(pid))).toHaveLength(2);
	});

	it('reports a crash with its exit status', async () => {
		daemon = await startDaemon(`[watcher:crasher]\ncmd = sh -c 'sleep 0.2; exit 3'\ncheck_flapping = false\n`);
		await waitFor(() => /crasher: process \d+ exited on its own \(exit status 3\)/.test(daemon!.stderr()), {what: 'the crash in the log'});
		const overview = await daemon.ok('overview');
		const row = field<Array<{name: string; last_exit: {exit_code: number}; restarts: number}>>(overview, 'watchers').find((watcher) => watcher.name === 'crasher')!;
		expect(row.last_exit.exit_code).toBe(3);
	});

	it('says a process stopped by SIGSTOP is paused, and running again after SIGCONT', async () => {
		daemon = await startDaemon(`[watcher:napper]\ncmd = sleep ${uniqueSleep()}\npty = false\n`);
		const [pid] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'napper'}));
			return list.length === 1 ? list : undefined;
		});
		const paused = async (): Promise<boolean | undefined> => field<Array<{name: string; processes: Array<{pid: number; paused?: boolean}>}>>(await daemon!.ok('overview'), 'watchers')
			.find((watcher) => watcher.name === 'napper')!.processes.find((row) => row.pid === pid)?.paused;
		await waitFor(async () => (await paused()) === false, {what: 'a sample of the running process'});
		process.kill(pid!, 'SIGSTOP');
		await waitFor(async () => (await paused()) === true, {what: 'the process read as paused'});
		process.kill(pid!, 'SIGCONT');
		await waitFor(async () => (await paused()) === false, {what: 'the process read as running again'});
	});

	it('stops a paused (SIGSTOPped) process at once: it is continued to take the stop signal, not killed after graceful_timeout', async () => {
		daemon = await startDaemon(`[watcher:napper]\ncmd = sleep ${uniqueSleep()}\npty = false\ngraceful_timeout = 60\n`);
		const [pid] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'napper'}));
			return list.length === 1 ? list : undefined;
		});
		process.kill(pid!, 'SIGSTOP');
		await waitFor(() => /^State:\s+T/mu.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')), {what: 'the process paused'});
		// Well within graceful_timeout (60 s): a reply at all says the stop did not wait for SIGKILL.
		const reply = await daemon.client.call('stop', {name: 'napper', waiting: true}, {timeoutMs: 20_000});
		expect(reply).toMatchObject({status: 'ok'});
		expect(alive(pid!)).toBe(false);
		expect(daemon.stderr()).not.toMatch(/did not stop within 60 s/u);
	});

	it('backs off a crash loop exponentially instead of spinning', async () => {
		daemon = await startDaemon(`[watcher:crasher]\ncmd = false\ncheck_flapping = false\nautostart = false\n`);
		const seen = await events(daemon, ['watcher.crasher.spawn', 'watcher.crasher.reap']);
		await daemon.ok('start', {name: 'crasher'});
		const spawns = () => seen.filter((event) => event.event.endsWith('.spawn'));
		await waitFor(() => spawns().length >= 6, {what: 'six spawns', timeoutMs: 20_000});
		// The wait between each exit and the next spawn is the back-off itself (how long `false` takes
		// to run depends on the machine's load; the wait after it must not): 0, 0.1, 0.2, 0.4, 0.8 s.
		const waits: number[] = [];
		for (const [index, event] of seen.entries()) {
			const next = seen.slice(index + 1).find((later) => later.event.endsWith('.spawn'));
			if (event.event.endsWith('.reap') && next !== undefined && waits.length < 5) {
				waits.push(next.time - event.time);
			}
		}

		expect(waits).toHaveLength(5);
		for (const [index, scheduled] of [0, 0.1, 0.2, 0.4, 0.8].entries()) {
			// Event times are stamped when published, to the millisecond: allow that much.
			expect(waits[index]!).toBeGreaterThanOrEqual(scheduled - 0.01);
		}
		// Between two spawns the detail says so; while a process briefly runs it says `active`.
		const detail = await waitFor(async () => {
			const text = field<Array<{name: string; detail: string}>>(await daemon!.ok('overview'), 'watchers')[0]!.detail;
			return /backing off/.test(text) ? text : undefined;
		}, {what: 'the back-off detail'});
		expect(detail).toMatch(/backing off: respawn in \d+\.\d s/);
	});

	it('applies Circus\'s flapping rule and shows it in status and stats', async () => {
		daemon = await startDaemon(`[watcher:flappy]\ncmd = false\nflapping.retry_in = 0.5\nflapping.max_retry = 2\nautostart = false\n`);
		const seen = await events(daemon, ['watcher.flappy.flapping']);
		await daemon.ok('start', {name: 'flappy'});
		await waitFor(() => seen.some((event) => event.data.gave_up === true), {what: 'flapping to give up', timeoutMs: 20_000});
		expect(seen.filter((event) => event.data.gave_up !== true).length).toBe(2);
		// Giving up stops the watcher: its last processes may still be on their way out.
		await waitFor(async () => (await daemon!.ok('status', {name: 'flappy'})).status === 'stopped', {what: 'flappy to stop'});
		const row = field<Array<{detail: string}>>(await daemon.ok('overview'), 'watchers')[0]!;
		expect(row.detail).toMatch(/gave up: flapping/);
	});

	it('with respawn = false and warmup_delay, a start of a command that exits at once spawns numprocesses and ends stopped; a set behind it replies', async () => {
		daemon = await startDaemon(`
[watcher:web]
cmd = false
numprocesses = 2
warmup_delay = 0.5
respawn = false
autostart = false
pty = false
`);
		const seen = await events(daemon, ['watcher.web.spawn']);
		const start = daemon.ok('start', {name: 'web'});
		let setReplied = false;
		const set = daemon.ok('set', {name: 'web', options: {graceful_timeout: '2'}}).then(() => {
			setReplied = true;
		});
		expect(field<{started: number[]}>(await start, 'info').started).toHaveLength(2);
		await waitFor(() => setReplied, {what: 'the set queued behind the start to reply'});
		await set;
		await waitFor(async () => (await daemon!.ok('status', {name: 'web'})).status === 'stopped', {what: 'web to stop once none of its processes is left'});
		// The start's two, and as many again if the set came while it ran (it restarts an active
		// watcher); nothing dead is replaced.
		expect(seen.length).toBeGreaterThanOrEqual(2);
		expect(seen.length).toBeLessThanOrEqual(4);
	});

	it('with warmup_delay, a start of a command that exits at once ends once it has spawned numprocesses, and flapping pauses it', async () => {
		daemon = await startDaemon(`
[watcher:web]
cmd = false
numprocesses = 2
warmup_delay = 0.5
flapping.retry_in = 0.5
autostart = false
pty = false
`);
		const seen = await events(daemon, ['watcher.web.flapping']);
		await daemon.ok('start', {name: 'web'});
		await waitFor(() => seen.length > 0, {what: 'web to flap'});
		expect((await daemon.ok('status', {name: 'web'})).status).toBe('active');
		await daemon.ok('set', {name: 'web', options: {graceful_timeout: '2'}});
	});
});


describe('spawn failures', () => {
	it('reports a missing command, retries max_retry times, gives up, and keeps serving', async () => {
		daemon = await startDaemon(`[watcher:missing]\ncmd = /no/such/program --flag\nmax_retry = 3\nautostart = false\n\n[watcher:fine]\ncmd = sleep ${uniqueSleep()}\n`);
		const seen = await events(daemon, ['watcher.missing.']);
		expect(await daemon.call('start', {name: 'missing'})).toMatchObject({status: 'error', errno: 4});
		await waitFor(async () => (await daemon!.ok('status', {name: 'missing'})).status === 'stopped' && seen.some((event) => event.event === 'watcher.missing.stop'), {what: 'missing to give up'});
		const failures = seen.filter((event) => event.event === 'watcher.missing.spawn_failed');
		expect(failures).toHaveLength(3);
		expect(failures[0]!.data.reason).toBe('command not found: /no/such/program');
		const row = field<Array<{name: string; detail: string}>>(await daemon.ok('overview'), 'watchers').find((watcher) => watcher.name === 'missing')!;
		expect(row.detail).toMatch(/gave up: command not found: \/no\/such\/program \(3 failed spawns, max_retry 3\)/);
		expect((await daemon.ok('status', {name: 'fine'})).status).toBe('active');
	});

	it('reports a missing working_dir', async () => {
		daemon = await startDaemon(`[watcher:lost]\ncmd = sleep 1\nworking_dir = /no/such/dir\nmax_retry = 1\n`);
		await waitFor(async () => /gave up: working_dir does not exist: \/no\/such\/dir/.test(JSON.stringify(await daemon!.ok('overview'))), {what: 'lost to give up'});
	});

	it('reports an unknown uid', async () => {
		daemon = await startDaemon(`[watcher:stranger]\ncmd = sleep 1\nuid = no-such-user-procui\nmax_retry = 1\n`);
		await waitFor(async () => /gave up: unknown user: no-such-user-procui/.test(JSON.stringify(await daemon!.ok('overview'))), {what: 'stranger to give up'});
	});
});
