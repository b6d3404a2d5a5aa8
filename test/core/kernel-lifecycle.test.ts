import {describe, expect, it} from 'vitest';
import {kernel, watcher, SIGKILL, SIGTERM, SIGINT} from './fakes.js';

/* Start, stop, restart, kill and the events they publish, on fake time and fake children. */

describe('kernel: start', () => {
	it('spawns numprocesses children with wids 1..n and resolves with their pids once they exec', async () => {
		const k = kernel([watcher('web', {numprocesses: '3'})]);
		const result = await k.outcome(k.arbiter.startWatchers(['web']));
		expect(result.state).toBe('resolved');
		const pids = k.children.all.map((child) => child.pid);
		expect(result).toMatchObject({value: {info: {started: pids, kept: []}}});
		expect([...k.arbiter.get('web').processes.values()].map((record) => record.wid)).toEqual([1, 2, 3]);
		expect(k.arbiter.get('web').status).toBe('active');
	});

	it('does not resolve a start before procui-exec reports the exec', async () => {
		const k = kernel([watcher('web')]);
		k.children.onSpawn = () => undefined;
		const start = k.arbiter.startWatchers(['web']);
		expect((await k.outcome(start)).state).toBe('pending');
		expect(k.arbiter.get('web').status).toBe('active');
		k.children.all[0]!.exec();
		expect((await k.outcome(start)).state).toBe('resolved');
	});

	it('passes the planned command, environment and wid to the launcher', async () => {
		const k = kernel([watcher('web', {cmd: 'server --port $(circus.wid)', numprocesses: '2', env: 'MODE=fake'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(k.children.all.map((child) => [child.options.file, ...child.options.args])).toEqual([['server', '--port', '1'], ['server', '--port', '2']]);
		expect(k.children.all[0]!.options.env).toMatchObject({MODE: 'fake', PROCUI_WATCHER: 'web'});
		expect(k.children.all[0]!.options.pty).toBe(false);
	});

	it('publishes start, then one spawn per process with its pid and wid', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(k.topics()).toEqual(['web.start', 'web.spawn', 'web.spawn']);
		const [first, second] = k.children.all;
		expect(k.events.slice(1).map((event) => event.data)).toMatchObject([{process_pid: first!.pid, wid: 1}, {process_pid: second!.pid, wid: 2}]);
		expect(k.events[0]!.data.time).toBe(k.clock.now() / 1000);
	});

	it('keeps the running processes of a watcher started twice', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const second = await k.outcome(k.arbiter.startWatchers(['web']));
		expect(k.children.all).toHaveLength(2);
		expect(second).toMatchObject({state: 'resolved', value: {info: {started: [], kept: k.children.all.map((child) => child.pid)}}});
		expect(k.topics('start')).toEqual(['web.start']);
	});

	it('refuses to start a watcher without cmd, naming it', async () => {
		const k = kernel([{...watcher('web'), cmd: ''}]);
		const result = await k.outcome(k.arbiter.startWatchers(['web']));
		expect(result).toMatchObject({state: 'rejected'});
		expect(result.state === 'rejected' && result.error.message).toMatch(/watcher 'web' has no `cmd`/);
		expect(k.children.all).toHaveLength(0);
	});

	it('refuses to start an unknown watcher, naming it', async () => {
		const k = kernel([watcher('web')]);
		const result = await k.outcome(k.arbiter.startWatchers(['wbe']));
		expect(result.state === 'rejected' && result.error.message).toBe('watcher \'wbe\' not found');
	});
});

describe('kernel: stop', () => {
	it('sends the stop signal to every process group and resolves once all exited and drained', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const stop = await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(stop.state).toBe('resolved');
		expect(k.children.signals).toEqual(k.children.all.map((child) => ({pid: child.pid, signal: SIGTERM, group: true})));
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.arbiter.get('web').processes.size).toBe(0);
	});

	it('uses the configured stop_signal', async () => {
		const k = kernel([watcher('web', {stop_signal: 'INT'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGINT]);
	});

	it('publishes kill and reap per process, then stop once none is left', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		k.events.length = 0;
		await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(k.topics()).toEqual(['web.kill', 'web.kill', 'web.reap', 'web.reap', 'web.stop']);
		expect(k.events[2]!.data).toMatchObject({process_pid: k.children.all[0]!.pid, exit_code: -SIGTERM, wid: 1});
	});

	it('leaves no timer armed once a stop completed', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(k.clock.pending).toEqual([]);
	});

	it('escalates to SIGKILL exactly graceful_timeout after the stop signal when a child ignores it', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(4999);
		expect((await k.outcome(stop)).state).toBe('pending');
		expect(k.arbiter.get('web').status).toBe('stopping');
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGTERM]);
		await k.clock.advance(1);
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGTERM, SIGKILL]);
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.logs).toContain(`warning: web: process ${k.children.all[0]!.pid} did not stop within 5 s; sending SIGKILL`);
	});

	it('does not SIGKILL a process that exited within graceful_timeout', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(2000);
		k.children.all[0]!.exit(0);
		expect((await k.outcome(stop)).state).toBe('resolved');
		await k.clock.advance(10_000);
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGTERM]);
	});

	it('does not finish a stop while an exited process\'s output is still open', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = (child) => {
			child.holdOutput();
			queueMicrotask(() => {
				child.exec();
			});
		};

		await k.outcome(k.arbiter.startWatchers(['web']));
		const stop = k.arbiter.stopWatchers(['web']);
		expect((await k.outcome(stop)).state).toBe('pending');
		expect([...k.arbiter.get('web').processes.values()].filter((record) => record.exit !== undefined && !record.drained)).toHaveLength(1);
		k.children.all[0]!.closeOutput();
		expect((await k.outcome(stop)).state).toBe('resolved');
	});

	it('stops reading output held open past graceful_timeout and the drain grace, so the stop completes', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = (child) => {
			child.holdOutput();
			queueMicrotask(() => {
				child.exec();
			});
		};

		await k.outcome(k.arbiter.startWatchers(['web']));
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(5000);
		// The process exited at once, but its output stays open: SIGKILL goes to the group anyway.
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGTERM, SIGKILL]);
		expect((await k.outcome(stop)).state).toBe('pending');
		await k.clock.advance(2000);
		expect(k.children.all[0]!.outputOpen).toBe(false);
		expect((await k.outcome(stop)).state).toBe('resolved');
	});

	it('still stops a process that closed its own output: drained is not exited', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = (child) => {
			child.ignore(SIGTERM);
			queueMicrotask(() => {
				child.exec();
				child.closeOutput();
			});
		};

		await k.outcome(k.arbiter.startWatchers(['web']));
		const child = k.children.all[0]!;
		expect(child.outputOpen).toBe(false);
		expect(k.arbiter.get('web').running.map((record) => record.pid)).toEqual([child.pid]);
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(4999);
		expect((await k.outcome(stop)).state).toBe('pending');
		await k.clock.advance(1);
		expect(k.children.signalsTo(child.pid)).toEqual([SIGTERM, SIGKILL]);
		expect((await k.outcome(stop)).state).toBe('resolved');
	});

	it('keeps the output of a stopped process readable in `finished`', async () => {
		const k = kernel([watcher('web')]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		k.children.all[0]!.print('hello\nlast words\n');
		await k.outcome(k.arbiter.stopWatchers(['web']));
		const finished = k.arbiter.get('web').finished;
		expect(finished).toHaveLength(1);
		expect(finished[0]!.ring.lines(0).map((line) => line.text)).toEqual(['hello', 'last words']);
		expect(finished[0]!.exit).toEqual({code: null, signal: SIGTERM});
	});
});

describe('kernel: kill', () => {
	it('kills one process with the given signal and timeout, and its slot is replaced', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const [first, second] = k.children.all;
		const done = k.arbiter.command('kill web', {}, () => {
			k.arbiter.get('web').kill(first!.pid, SIGINT, 1);
		});
		expect((await k.outcome(done)).state).toBe('resolved');
		expect(k.children.signalsTo(first!.pid)).toEqual([SIGINT]);
		expect(k.children.signalsTo(second!.pid)).toEqual([]);
		// Asked for, so not counted as a crash; the watcher still wants two.
		expect(k.arbiter.get('web').restarts).toBe(0);
		expect(k.alive('web')).toHaveLength(2);
		expect(k.alive('web').map((child) => child.pid)).toEqual([second!.pid, k.children.all[2]!.pid]);
	});

	it('kill with a shorter timeout replaces a pending graceful deadline', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '30'})]);
		k.children.onSpawn = (child) => {
			child.ignore(SIGTERM, SIGINT);
			queueMicrotask(() => {
				child.exec();
			});
		};

		await k.outcome(k.arbiter.startWatchers(['web']));
		const pid = k.children.all[0]!.pid;
		void k.arbiter.stopWatchers(['web']);
		await k.settle();
		await k.arbiter.command('kill web', {}, () => {
			k.arbiter.get('web').kill(pid, SIGINT, 2);
		});
		await k.clock.advance(2000);
		expect(k.children.signalsTo(pid)).toEqual([SIGTERM, SIGINT, SIGKILL]);
		expect(k.arbiter.get('web').status).toBe('stopped');
	});

	it('killAll sends SIGKILL to every process at once, without waiting for graceful_timeout', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'}), watcher('db')]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web', 'db']));
		k.arbiter.killAll();
		await k.settle();
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGKILL, SIGKILL, SIGKILL]);
		expect(k.children.alive).toHaveLength(0);
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.arbiter.get('db').status).toBe('stopped');
	});
});

describe('kernel: kill (SIGQUIT)', () => {
	it('killAll then quit completes even when a killed process\'s output stays open (graceful_timeout, then the drain grace)', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = (child) => {
			child.holdOutput();
			queueMicrotask(() => {
				child.exec();
			});
		};

		await k.outcome(k.arbiter.startWatchers(['web']));
		k.arbiter.killAll();
		const quit = k.arbiter.quit();
		await k.settle();
		expect(k.children.alive).toHaveLength(0);
		expect(k.children.signals[0]!.signal).toBe(SIGKILL);
		await k.clock.advance(6999);
		expect((await k.outcome(quit)).state).toBe('pending');
		await k.clock.advance(1);
		expect((await k.outcome(quit)).state).toBe('resolved');
		expect(k.children.all[0]!.outputOpen).toBe(false);
	});
});

describe('kernel: restart', () => {
	it('stops every process, then spawns new ones', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const old = k.children.all.map((child) => child.pid);
		const result = await k.outcome(k.arbiter.restartWatchers(['web']));
		expect(result.state).toBe('resolved');
		const fresh = k.alive('web').map((child) => child.pid);
		expect(fresh).toHaveLength(2);
		expect(fresh.some((pid) => old.includes(pid))).toBe(false);
		expect(k.topics()).toEqual(['web.start', 'web.spawn', 'web.spawn', 'web.kill', 'web.kill', 'web.reap', 'web.reap', 'web.stop', 'web.start', 'web.spawn', 'web.spawn']);
	});

	it('waits for the old processes (graceful_timeout) before spawning new ones', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '3'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const restart = k.arbiter.restartWatchers(['web']);
		await k.clock.advance(2999);
		expect(k.children.all).toHaveLength(1);
		await k.clock.advance(1);
		expect((await k.outcome(restart)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(2);
		expect(k.alive('web')).toEqual([k.children.all[1]]);
	});
});
