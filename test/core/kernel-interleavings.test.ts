import {describe, expect, it} from 'vitest';
import {Arbiter} from '../../source/core/arbiter.js';
import {config, FakeChildren, FakeClock, kernel, turn, watcher, type FakeChild, SIGHUP, SIGKILL, SIGTERM} from './fakes.js';

/*
The interleavings the scenario tests provoke with real processes (test/scenarios/stop-start-tick,
startup, signal-storm), here one step at a time: which command wins, who is told what, and that
nothing is left running or armed.
*/

/** Children that trap SIGTERM (and SIGHUP), as the scenarios' stubborn watcher does. */
function stubborn(child: FakeChild): void {
	child.ignore(SIGTERM, SIGHUP);
	queueMicrotask(() => {
		child.exec();
	});
}

describe('kernel: stop and restart', () => {
	it('a stop that comes while a restart is still stopping wins: the restart does not start the watcher', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '10'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		const restart = k.arbiter.restartWatchers(['web']);
		await k.settle();
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(9999);
		expect((await k.outcome(restart)).state).toBe('pending');
		expect((await k.outcome(stop)).state).toBe('pending');
		await k.clock.advance(1);
		expect(await k.outcome(restart)).toEqual({state: 'resolved', value: {info: {superseded: 'stop'}}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(1);
		expect(k.arbiter.get('web').status).toBe('stopped');
	});

	it('a stop queued behind a restart\'s stop replaces it, and the restart reports the later request', async () => {
		const k = kernel([watcher('web')]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const restart = k.arbiter.restartWatchers(['web']);
		const stop = k.arbiter.stopWatchers(['web']);
		expect(await k.outcome(restart)).toEqual({state: 'resolved', value: {info: {superseded: 'a later request'}}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(1);
		expect(k.arbiter.get('web').desired).toBe('stopped');
	});

	it('a restart after a completed stop starts the watcher again', async () => {
		const k = kernel([watcher('web')]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.outcome(k.arbiter.stopWatchers(['web']));
		const restart = await k.outcome(k.arbiter.restartWatchers(['web']));
		expect(restart).toMatchObject({state: 'resolved', value: {info: {started: [k.children.all[1]!.pid]}}});
		expect(k.arbiter.get('web').status).toBe('active');
	});
});

describe('kernel: supersession', () => {
	it('a start still queued when a stop of the same watcher comes is superseded, and its caller is told', async () => {
		const k = kernel([watcher('web')]);
		const start = k.arbiter.startWatchers(['web']);
		const stop = k.arbiter.stopWatchers(['web']);
		expect(await k.outcome(start)).toEqual({state: 'resolved', value: {info: {superseded: 'stop web'}}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(0);
		expect(k.topics()).toEqual([]);
	});

	it('a stop still queued when a start comes is superseded: nothing is signalled', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const pids = k.children.all.map((child) => child.pid);
		const stop = k.arbiter.stopWatchers(['web']);
		const start = k.arbiter.startWatchers(['web']);
		expect(await k.outcome(stop)).toEqual({state: 'resolved', value: {info: {superseded: 'start web'}}});
		expect(await k.outcome(start)).toMatchObject({state: 'resolved', value: {info: {started: [], kept: pids}}});
		expect(k.children.signals).toEqual([]);
		expect(k.alive('web').map((child) => child.pid)).toEqual(pids);
	});

	it('commands for different watchers never supersede each other', async () => {
		const k = kernel([watcher('web'), watcher('db')]);
		const start = k.arbiter.startWatchers(['web']);
		const stop = k.arbiter.stopWatchers(['db']);
		expect(await k.outcome(start)).toMatchObject({state: 'resolved', value: {info: {started: [k.children.all[0]!.pid]}}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.arbiter.get('web').status).toBe('active');
	});

	it('a start during a graceful stop supersedes it, and its caller is told; the replacement spawns once the old process is gone', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '30'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		const old = k.children.all[0]!;
		const stop = k.arbiter.stopWatchers(['web']);
		await k.settle();
		const start = k.arbiter.startWatchers(['web']);
		// The stop's caller is released: a later start replaced its intent.
		expect(await k.outcome(stop)).toEqual({state: 'resolved', value: {info: {superseded: 'start'}}});
		expect(k.arbiter.get('web').status).toBe('starting');
		// The old process holds its slot until it is gone: never two where numprocesses = 1.
		await k.clock.advance(29_999);
		expect(k.children.all).toEqual([old]);
		expect((await k.outcome(start)).state).toBe('pending');
		await k.clock.advance(1);
		expect(k.children.signalsTo(old.pid)).toEqual([SIGTERM, SIGKILL]);
		const fresh = k.children.all[1]!;
		expect(await k.outcome(start)).toEqual({state: 'resolved', value: {info: {started: [fresh.pid], kept: []}}});
		// The old process's exit was asked for: not a crash, not a reason to spawn again.
		expect(k.arbiter.get('web').restarts).toBe(0);
		expect(k.children.all).toHaveLength(2);
		expect(k.alive('web')).toEqual([fresh]);
	});

	it('a stop during a start\'s warmup_delay ends the start: its caller is told and no further process spawns', async () => {
		const k = kernel([watcher('web', {numprocesses: '3', warmup_delay: '1'})]);
		const start = k.arbiter.startWatchers(['web']);
		await k.settle();
		expect(k.children.all).toHaveLength(1);
		const stop = k.arbiter.stopWatchers(['web']);
		expect(await k.outcome(start)).toEqual({state: 'resolved', value: {info: {superseded: 'stop'}}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		await k.clock.advance(10_000);
		expect(k.children.all).toHaveLength(1);
		expect(k.clock.pending).toEqual([]);
	});
});

describe('kernel: reload', () => {
	it('a graceful reload spawns the new processes at once and resolves once the old ones are gone', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', graceful_timeout: '5'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		const old = [...k.children.all];
		const reload = k.arbiter.reloadWatchers(['web'], true);
		await k.settle();
		expect(k.children.all).toHaveLength(4);
		expect(k.arbiter.get('web').running.map((record) => record.pid)).toEqual(k.children.all.slice(2).map((child) => child.pid));
		expect((await k.outcome(reload)).state).toBe('pending');
		await k.clock.advance(5000);
		expect((await k.outcome(reload)).state).toBe('resolved');
		expect(old.every((child) => child.exited)).toBe(true);
		expect(k.alive('web')).toEqual(k.children.all.slice(2));
		expect(k.topics('reload')).toEqual(['web.reload']);
	});

	it('a reload of a watcher with send_hup signals each process alone with SIGHUP and spawns nothing', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', send_hup: 'true'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect((await k.outcome(k.arbiter.reloadWatchers(['web'], true))).state).toBe('resolved');
		expect(k.children.signals).toEqual(k.children.all.map((child) => ({pid: child.pid, signal: SIGHUP, group: false})));
		expect(k.children.all).toHaveLength(2);
	});

	it('a reload during a stop starts the watcher again; it resolves once the stopping process is gone', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		void k.arbiter.stopWatchers(['web']);
		await k.settle();
		const reload = k.arbiter.reloadWatchers(['web'], true);
		await k.settle();
		expect(k.arbiter.get('web').desired).toBe('active');
		// A start, as the watcher is not running: the stopping process keeps its slot until it is gone.
		expect(k.children.all).toHaveLength(1);
		expect((await k.outcome(reload)).state).toBe('pending');
		await k.clock.advance(5000);
		expect((await k.outcome(reload)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(2);
		expect(k.alive('web')).toEqual([k.children.all[1]]);
	});

	it('a non-graceful reload is a restart: stop, then start', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		const reload = k.arbiter.reloadWatchers(['web'], false);
		await k.clock.advance(4999);
		expect(k.children.all).toHaveLength(1);
		await k.clock.advance(1);
		expect((await k.outcome(reload)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(2);
	});
});

describe('kernel: boot and quit', () => {
	it('starts autostart watchers by priority, with [circus] warmup_delay between them', async () => {
		const k = kernel([watcher('web', {priority: '1'}), watcher('db', {priority: '5'}), watcher('cache', {priority: '1'}), watcher('manual', {autostart: 'false'})], {arbiter: {warmupDelay: 2}});
		const spawnedAt: Array<[string, number]> = [];
		k.children.onSpawn = (child) => {
			spawnedAt.push([child.options.env.PROCUI_WATCHER!, k.clock.now()]);
			queueMicrotask(() => {
				child.exec();
			});
		};

		const t0 = k.clock.now();
		const boot = k.arbiter.start();
		await k.clock.advance(10_000);
		await boot;
		expect(spawnedAt.map(([name, at]) => [name, at - t0])).toEqual([['db', 0], ['cache', 2000], ['web', 4000]]);
		expect(k.arbiter.get('manual').status).toBe('stopped');
	});

	it('a quit during startup stops what started and starts nothing more', async () => {
		const k = kernel([watcher('a'), watcher('b'), watcher('c')], {arbiter: {warmupDelay: 1}});
		const boot = k.arbiter.start();
		await k.settle();
		expect(k.children.all).toHaveLength(1);
		const quit = k.arbiter.quit();
		expect((await k.outcome(quit)).state).toBe('resolved');
		await k.clock.advance(5000);
		expect((await k.outcome(boot)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(1);
		expect(k.children.alive).toHaveLength(0);
		expect([...k.arbiter.watchers.values()].map((w) => w.status)).toEqual(['stopped', 'stopped', 'stopped']);
	});

	it('a quit while a watcher is still spawning with warmup_delay stops it and leaves no spawn timer', async () => {
		const k = kernel([watcher('web', {numprocesses: '5', warmup_delay: '1'})]);
		const boot = k.arbiter.start();
		await k.clock.advance(1500);
		expect(k.children.all).toHaveLength(2);
		const quit = k.arbiter.quit();
		expect((await k.outcome(quit)).state).toBe('resolved');
		expect((await k.outcome(boot)).state).toBe('resolved');
		await k.clock.advance(10_000);
		expect(k.children.all).toHaveLength(2);
		expect(k.clock.pending).toEqual([]);
	});

	it('refuses a start once quit began, with a clear reason', async () => {
		const k = kernel([watcher('web')]);
		void k.arbiter.quit();
		const start = await k.outcome(k.arbiter.startWatchers(['web']));
		expect(start.state === 'rejected' && start.error.message).toBe('the supervisor is shutting down');
		expect(k.children.all).toHaveLength(0);
	});

	it('does not start at boot a watcher someone stopped while the supervisor was starting', async () => {
		const k = kernel([watcher('a'), watcher('b')], {arbiter: {warmupDelay: 1}});
		const boot = k.arbiter.start();
		await k.settle();
		await k.outcome(k.arbiter.stopWatchers(['b']));
		await k.clock.advance(1000);
		expect((await k.outcome(boot)).state).toBe('resolved');
		expect(k.children.all.map((child) => child.options.env.PROCUI_WATCHER)).toEqual(['a']);
		expect(k.arbiter.get('b').status).toBe('stopped');
	});

	it('quit stops the lowest priority first, and the next group only once it is gone', async () => {
		const k = kernel([watcher('db', {priority: '10', graceful_timeout: '3'}), watcher('web', {priority: '0', graceful_timeout: '3'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['db', 'web']));
		const db = k.arbiter.get('db').running[0]!.pid;
		const web = k.arbiter.get('web').running[0]!.pid;
		const quit = k.arbiter.quit();
		await k.clock.advance(2999);
		expect(k.children.signals.map((sent) => sent.pid)).toEqual([web]);
		await k.clock.advance(1);
		expect(k.children.signals.map((sent) => [sent.pid, sent.signal])).toEqual([[web, SIGTERM], [web, SIGKILL], [db, SIGTERM]]);
		await k.clock.advance(3000);
		expect((await k.outcome(quit)).state).toBe('resolved');
		expect(k.children.alive).toHaveLength(0);
	});

	it('a second quit is the same quit: nothing is signalled twice', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const first = k.arbiter.quit();
		const second = k.arbiter.quit();
		expect(await k.outcome(first)).toEqual({state: 'resolved', value: {}});
		expect(await k.outcome(second)).toEqual({state: 'resolved', value: {}});
		expect(k.children.signals).toHaveLength(2);
		expect(k.topics('stop')).toEqual(['web.stop']);
	});
});

describe('kernel: the reconcile tick', () => {
	it('runs every check_delay and counts the ticks that ran while a client\'s stop was in progress', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '10'})], {arbiter: {checkDelay: 1}});
		k.children.onSpawn = stubborn;
		void k.arbiter.start();
		await k.settle();
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(3000);
		expect(k.arbiter.counters.ticks).toBe(3);
		expect(k.arbiter.counters.ticksDuringCommands).toBe(3);
		// The tick never undoes the stop.
		expect(k.children.all).toHaveLength(1);
		await k.clock.advance(7000);
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.arbiter.counters.ticks).toBe(10);
		k.arbiter.dispose();
		await k.clock.advance(5000);
		expect(k.arbiter.counters.ticks).toBe(10);
	});

	it('replaces a process whose exit the tick finds missing', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})], {arbiter: {checkDelay: 1}});
		void k.arbiter.start();
		await k.settle();
		expect(k.children.all).toHaveLength(2);
		k.children.all[0]!.exit(1);
		await k.settle();
		expect(k.alive('web')).toHaveLength(2);
		await k.clock.advance(3000);
		expect(k.children.all).toHaveLength(3);
		k.arbiter.dispose();
	});

	it('sleeps once a whole check_delay had nothing to do, with no timer armed, and any command wakes it', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})], {arbiter: {checkDelay: 1}});
		void k.arbiter.start();
		await k.settle();
		await k.clock.advance(2000);
		// The first tick follows the start's commands; the second found a quiet second behind it.
		expect(k.arbiter.counters.ticks).toBe(2);
		expect(k.arbiter.tickAsleep).toBe(true);
		expect(k.clock.pending).toEqual([]);
		await k.clock.advance(60_000);
		expect(k.arbiter.counters.ticks).toBe(2);

		// An exit is a command: it wakes the tick, which runs every check_delay until all is quiet again.
		k.children.all[0]!.exit(1);
		await k.settle();
		expect(k.arbiter.tickAsleep).toBe(false);
		expect(k.alive('web')).toHaveLength(2);
		await k.clock.advance(1000);
		expect(k.arbiter.counters.ticks).toBe(3);
		await k.clock.advance(1000);
		expect(k.arbiter.counters.ticks).toBe(4);
		expect(k.arbiter.tickAsleep).toBe(true);
		await k.clock.advance(10_000);
		expect(k.arbiter.counters.ticks).toBe(4);
		k.arbiter.dispose();
	});

	it('stays awake while a process is on its way out, though no client waits for it', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', graceful_timeout: '10'})], {arbiter: {checkDelay: 1}});
		k.children.onSpawn = stubborn;
		void k.arbiter.start();
		await k.settle();
		// decr answers at once; its process takes graceful_timeout to go.
		expect(await k.outcome(k.arbiter.decr('web', 1))).toMatchObject({state: 'resolved'});
		await k.clock.advance(5000);
		expect(k.arbiter.counters.ticks).toBe(5);
		expect(k.arbiter.tickAsleep).toBe(false);
		await k.clock.advance(5000);
		expect(k.alive('web')).toHaveLength(1);
		expect(k.arbiter.tickAsleep).toBe(false);
		// Once its exit is handled, a quiet check_delay puts the tick to sleep.
		await k.clock.advance(5000);
		expect(k.arbiter.tickAsleep).toBe(true);
		expect(k.clock.pending).toEqual([]);
		k.arbiter.dispose();
	});

	it('stays off once disposed: a command after dispose arms no tick', async () => {
		const k = kernel([watcher('web')], {arbiter: {checkDelay: 1}});
		void k.arbiter.start();
		await k.settle();
		await k.clock.advance(2000);
		expect(k.arbiter.tickAsleep).toBe(true);
		k.arbiter.dispose();
		k.children.all[0]!.exit(1);
		await k.settle();
		expect(k.arbiter.tickAsleep).toBe(false);
		await k.clock.advance(5000);
		expect(k.arbiter.counters.ticks).toBe(2);
	});

	it('coalesces ticks that come due while the scheduler is busy into one reconcile', async () => {
		// A clock whose timers fire back to back, before the scheduler gets a turn.
		const clock = new FakeClock({settle: async () => undefined});
		const arbiter = new Arbiter(config([watcher('web')], {checkDelay: 1}), {environ: {}, clock, launcher: new FakeChildren()});
		void arbiter.start();
		await clock.advance(5000);
		await arbiter.idle();
		await turn();
		expect(arbiter.counters.ticks).toBe(1);
		arbiter.dispose();
	});
});

describe('kernel: storms of requests', () => {
	it('alternating starts and stops queued at once: only the last applies, and every caller gets an answer', async () => {
		const k = kernel([watcher('web')]);
		const requests = [
			k.arbiter.startWatchers(['web']),
			k.arbiter.stopWatchers(['web']),
			k.arbiter.startWatchers(['web']),
			k.arbiter.stopWatchers(['web']),
			k.arbiter.startWatchers(['web']),
		];
		const outcomes = await Promise.all(requests.map(async (request) => k.outcome(request)));
		expect(outcomes.map((outcome) => outcome.state)).toEqual(['resolved', 'resolved', 'resolved', 'resolved', 'resolved']);
		expect(outcomes[0]).toEqual({state: 'resolved', value: {info: {superseded: 'stop web'}}});
		expect(outcomes[2]).toEqual({state: 'resolved', value: {info: {superseded: 'stop web'}}});
		expect(outcomes[4]).toMatchObject({value: {info: {started: [k.children.all[0]!.pid]}}});
		expect(k.children.all).toHaveLength(1);
		expect(k.children.signals).toEqual([]);
	});

	it('a second stop during a graceful stop does not move the SIGKILL deadline', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		const first = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(3000);
		const second = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(2000);
		expect(k.children.signals.map((sent) => sent.signal)).toEqual([SIGTERM, SIGTERM, SIGKILL]);
		expect((await k.outcome(first)).state).toBe('resolved');
		expect((await k.outcome(second)).state).toBe('resolved');
	});

	it('a quit during a restart\'s stop: the restart starts nothing', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.onSpawn = stubborn;
		await k.outcome(k.arbiter.startWatchers(['web']));
		const restart = k.arbiter.restartWatchers(['web']);
		await k.settle();
		const quit = k.arbiter.quit();
		await k.clock.advance(5000);
		expect(await k.outcome(restart)).toEqual({state: 'resolved', value: {info: {superseded: 'stop'}}});
		expect((await k.outcome(quit)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(1);
		expect(k.children.alive).toHaveLength(0);
	});

	it('removing a watcher in a crash loop stops it and cancels its pending respawn', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false'})]);
		k.children.onSpawn = (child) => {
			queueMicrotask(() => {
				child.exec();
				child.exit(1);
			});
		};

		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(150);
		const spawned = k.children.all.length;
		expect((await k.outcome(k.arbiter.removeWatcher('web', false))).state).toBe('resolved');
		expect(k.arbiter.watchers.size).toBe(0);
		await k.clock.advance(60_000);
		expect(k.children.all).toHaveLength(spawned);
		expect(k.clock.pending).toEqual([]);
	});

	it('a quit during a flapping pause stops the watcher for good', async () => {
		const k = kernel([watcher('web')]);
		k.children.onSpawn = (child) => {
			queueMicrotask(() => {
				child.exec();
				child.exit(1);
			});
		};

		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(100);
		expect(k.arbiter.get('web').flappingUntil).toBeDefined();
		expect((await k.outcome(k.arbiter.quit())).state).toBe('resolved');
		await k.clock.advance(60_000);
		expect(k.children.all).toHaveLength(2);
		expect(k.arbiter.get('web').status).toBe('stopped');
	});
});
