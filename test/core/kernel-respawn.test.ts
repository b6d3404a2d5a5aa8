import {describe, expect, it} from 'vitest';
import {SpawnError} from '../../source/io/spawn.js';
import {kernel, recordSpawns, watcher, type Kernel, SIGKILL, SIGTERM} from './fakes.js';

/* Respawn, back-off, spawn failures, flapping, max_age and warmup_delay, on fake time. */


/** Differences between consecutive times. */
function gaps(times: readonly number[]): number[] {
	return times.slice(1).map((time, index) => time - times[index]!);
}

describe('kernel: respawn', () => {
	it('replaces a process that exits on its own, at once, and counts the restart', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(5000);
		const [first, second] = k.children.all;
		first!.exit(3);
		await k.settle();
		expect(k.alive('web')).toEqual([second, k.children.all[2]]);
		expect([...k.arbiter.get('web').processes.values()].map((record) => record.wid)).toEqual([2, 1]);
		expect(k.arbiter.get('web').restarts).toBe(1);
		expect(k.events.find((event) => event.topic === 'watcher.web.reap')!.data).toMatchObject({process_pid: first!.pid, exit_code: 3, wid: 1});
		expect(k.logs).toContain(`warning: web: process ${first!.pid} exited on its own (exit status 3)`);
	});

	it('reports a process killed by a signal nobody sent as minus the signal', async () => {
		const k = kernel([watcher('web')]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		k.children.all[0]!.die(SIGKILL);
		await k.settle();
		expect(k.events.find((event) => event.topic === 'watcher.web.reap')!.data.exit_code).toBe(-SIGKILL);
		expect(k.arbiter.get('web').lastExit?.status).toEqual({code: null, signal: SIGKILL});
		expect(k.children.all).toHaveLength(2);
	});

	it('with respawn = false, leaves an exited process unreplaced and stops the watcher when none is left', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', respawn: 'false'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		k.children.all[0]!.exit(0);
		await k.settle();
		expect(k.children.all).toHaveLength(2);
		expect(k.arbiter.get('web').status).toBe('active');
		k.children.all[1]!.exit(0);
		await k.settle();
		expect(k.children.all).toHaveLength(2);
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.topics().at(-1)).toBe('web.stop');
		expect(k.arbiter.get('web').restarts).toBe(0);
	});

	it('with respawn = false, a start whose processes ran and ended still replies with what it started', async () => {
		const k = kernel([watcher('web', {respawn: 'false'})]);
		recordSpawns(k, (child) => {
			child.exit(0);
		});
		const start = await k.outcome(k.arbiter.startWatchers(['web']));
		expect(start).toEqual({state: 'resolved', value: {info: {started: [k.children.all[0]!.pid], kept: []}}});
		expect(k.arbiter.get('web').status).toBe('stopped');
	});

	it('drops the exit of a process whose watcher was stopped and started again (an older instance)', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '5'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		void k.arbiter.stopWatchers(['web']);
		await k.settle();
		await k.outcome(k.arbiter.startWatchers(['web']));
		k.children.all[0]!.exit(1);
		await k.settle();
		expect(k.arbiter.get('web').restarts).toBe(0);
		expect(k.children.all).toHaveLength(2);
		expect(k.clock.pending).toEqual([]);
	});
});

describe('kernel: back-off', () => {
	it('respawns a crash loop after 0, 0.1, 0.2, 0.4, 0.8 s... instead of spinning', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false'})]);
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});
		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(3100);
		expect(gaps(times)).toEqual([0, 100, 200, 400, 800, 1600]);
		expect(k.arbiter.get('web').detail).toBe('backing off: respawn in 3.2 s');
		await k.outcome(k.arbiter.stopWatchers(['web']));
	});

	it('caps the back-off at 30 s', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false'})]);
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});
		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(200_000);
		expect(gaps(times).slice(0, 12)).toEqual([0, 100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
		await k.outcome(k.arbiter.stopWatchers(['web']));
	});

	it('forgets the streak once a process ran for a second: the next crash respawns at once', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false'})]);
		const times = recordSpawns(k);
		void k.arbiter.startWatchers(['web']);
		await k.settle();
		for (let crash = 0; crash < 3; crash++) {
			k.children.alive[0]!.exit(1);
			await k.clock.advance(1000);
		}

		// Four quick crashes would wait 0.4 s; this process ran 1 s before it died.
		k.children.alive[0]!.exit(1);
		await k.settle();
		expect(gaps(times)).toEqual([0, 1000, 1000, 1000]);
	});

	it('with procui.backoff = false, respawns every crash at once', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false', 'procui.backoff': 'false'})]);
		const times = recordSpawns(k);
		void k.arbiter.startWatchers(['web']);
		await k.settle();
		for (let crash = 0; crash < 5; crash++) {
			k.children.alive[0]!.exit(1);
			await k.settle();
		}

		expect(times).toEqual([0, 0, 0, 0, 0, 0]);
	});

	it('a stop during a back-off cancels the pending respawn', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false'})]);
		recordSpawns(k, (child) => {
			child.exit(1);
		});
		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(150);
		const spawned = k.children.all.length;
		expect(k.clock.pending).toHaveLength(1);
		await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(k.clock.pending).toEqual([]);
		await k.clock.advance(60_000);
		expect(k.children.all).toHaveLength(spawned);
	});

	it('a person\'s start clears the back-off: the watcher spawns at once', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false'})]);
		let crash = true;
		const times = recordSpawns(k, (child) => {
			if (crash) {
				child.exit(1);
			}
		});
		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(700);
		await k.outcome(k.arbiter.stopWatchers(['web']));
		crash = false;
		const before = times.length;
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(times.length).toBe(before + 1);
		expect(times.at(-1)).toBe(700);
	});
});

describe('kernel: spawn failures', () => {
	it('retries a failed spawn with the spawn back-off and reports each failure', async () => {
		const k = kernel([watcher('web')]);
		const times = recordSpawns(k);
		k.children.failNextSpawn(new SpawnError('server: command not found', 'ENOENT'));
		k.children.failNextSpawn(new SpawnError('server: command not found', 'ENOENT'));
		k.children.failNextSpawn(new SpawnError('server: command not found', 'ENOENT'));
		const t0 = k.clock.now();
		const start = k.arbiter.startWatchers(['web']);
		// The first retry is due at once; the second after 0.1 s.
		await k.clock.advance(0);
		expect(k.arbiter.get('web').detail).toBe('spawn failed 2×: server: command not found; retry in 0.1 s');
		await k.clock.advance(1000);
		expect((await k.outcome(start)).state).toBe('resolved');
		expect(times).toEqual([300]);
		expect(k.events.filter((event) => event.topic === 'watcher.web.spawn_failed').map((event) => [event.data.failures, event.data.code, event.data.time as number * 1000 - t0])).toEqual([[1, 'ENOENT', 0], [2, 'ENOENT', 0], [3, 'ENOENT', 100]]);
		expect(k.arbiter.get('web').spawnFailures).toBe(0);
	});

	it('gives up after max_retry failed spawns: the start fails with the reason, the watcher stops', async () => {
		const k = kernel([watcher('web', {max_retry: '3'})]);
		for (let attempt = 0; attempt < 10; attempt++) {
			k.children.failNextSpawn(new SpawnError('working_dir /nope does not exist', 'ENOENT'));
		}

		const start = k.arbiter.startWatchers(['web']);
		start.catch(() => undefined);
		await k.clock.advance(60_000);
		const result = await k.outcome(start);
		expect(result.state === 'rejected' && result.error.message).toBe('web: working_dir /nope does not exist (3 failed spawns, max_retry 3)');
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.arbiter.get('web').spawnFailuresTotal).toBe(3);
		expect(k.children.all).toHaveLength(0);
	});

	it('treats a program procui-exec could not exec as a spawn failure, not a crash', async () => {
		const k = kernel([watcher('web', {max_retry: '2'})]);
		k.children.onSpawn = (child) => {
			queueMicrotask(() => {
				child.failExec(new SpawnError('Permission denied (EACCES)', 'EACCES'));
			});
		};

		const start = k.arbiter.startWatchers(['web']);
		start.catch(() => undefined);
		await k.clock.advance(10_000);
		const result = await k.outcome(start);
		expect(result.state === 'rejected' && result.error.message).toMatch(/Permission denied \(EACCES\) \(2 failed spawns, max_retry 2\)/);
		expect(k.arbiter.get('web').restarts).toBe(0);
		expect(k.arbiter.get('web').flapping.exits).toEqual([]);
		expect(k.children.all).toHaveLength(2);
	});

	it('forgets earlier failures once a spawn execs', async () => {
		const k = kernel([watcher('web', {max_retry: '2'})]);
		k.children.failNextSpawn(new SpawnError('EAGAIN', 'EAGAIN'));
		const start = k.arbiter.startWatchers(['web']);
		await k.settle();
		expect(k.arbiter.get('web').spawnFailures).toBe(1);
		await k.clock.advance(0);
		expect((await k.outcome(start)).state).toBe('resolved');
		expect(k.arbiter.get('web').spawnFailures).toBe(0);
		k.children.failNextSpawn(new SpawnError('EAGAIN', 'EAGAIN'));
		k.children.alive[0]!.exit(1);
		await k.clock.advance(1000);
		// One failure after a good spawn is not two in a row: no giving up.
		expect(k.arbiter.get('web').gaveUp).toBeUndefined();
		expect(k.alive('web')).toHaveLength(1);
	});
});

describe('kernel: flapping', () => {
	const rule = {'flapping.attempts': '3', 'flapping.window': '10', 'flapping.retry_in': '5', 'flapping.max_retry': '2', 'procui.backoff': 'false'};

	/** Make the live process crash `count` times, `every` ms apart. */
	async function crash(k: Kernel, count: number, every: number): Promise<void> {
		for (let index = 0; index < count; index++) {
			if (index > 0) {
				await k.clock.advance(every);
			}

			k.children.alive[0]!.exit(1);
			await k.settle();
		}
	}

	it('pauses the watcher for retry_in after attempts exits within window, then starts it again', async () => {
		const k = kernel([watcher('web', rule)]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await crash(k, 3, 1000);
		expect(k.children.alive).toHaveLength(0);
		expect(k.children.all).toHaveLength(3);
		expect(k.events.find((event) => event.topic === 'watcher.web.flapping')!.data).toMatchObject({tries: 1, retry_in: 5});
		expect(k.arbiter.get('web').detail).toBe('flapping: retry in 5 s (try 1)');
		await k.clock.advance(4999);
		expect(k.children.all).toHaveLength(3);
		await k.clock.advance(1);
		expect(k.children.all).toHaveLength(4);
		expect(k.arbiter.get('web').detail).toBe('active');
	});

	it('does not count exits spread wider than the window', async () => {
		const k = kernel([watcher('web', rule)]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await crash(k, 6, 6000);
		expect(k.topics('flapping')).toEqual([]);
		expect(k.alive('web')).toHaveLength(1);
		expect(k.children.all).toHaveLength(7);
	});

	it('gives up after max_retry flapping episodes in a row and stops the watcher', async () => {
		const k = kernel([watcher('web', rule)]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		for (let episode = 0; episode < 2; episode++) {
			await crash(k, 3, 100);
			await k.clock.advance(5000);
		}

		await crash(k, 3, 100);
		expect(k.events.filter((event) => event.topic === 'watcher.web.flapping').map((event) => event.data)).toMatchObject([{tries: 1}, {tries: 2}, {tries: 3, gave_up: true}]);
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.arbiter.get('web').detail).toBe('gave up: flapping: 2 retries used');
		await k.clock.advance(60_000);
		expect(k.children.alive).toHaveLength(0);
	});

	it('stops the watcher\'s other processes while it flaps, and brings them all back after retry_in', async () => {
		const k = kernel([watcher('web', {...rule, numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const steady = k.children.all[1]!;
		for (let index = 0; index < 3; index++) {
			k.children.alive.find((child) => child !== steady)!.exit(1);
			await k.clock.advance(100);
		}

		expect(k.children.signalsTo(steady.pid)).toEqual([SIGTERM]);
		expect(k.children.alive).toHaveLength(0);
		await k.clock.advance(5000);
		expect(k.alive('web')).toHaveLength(2);
	});

	it('with check_flapping = false, never pauses', async () => {
		const k = kernel([watcher('web', {...rule, check_flapping: 'false'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await crash(k, 10, 10);
		expect(k.topics('flapping')).toEqual([]);
		expect(k.alive('web')).toHaveLength(1);
	});

	it('a person\'s start during the pause starts at once and forgets the episodes', async () => {
		const k = kernel([watcher('web', rule)]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await crash(k, 3, 100);
		expect(k.children.alive).toHaveLength(0);
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(k.alive('web')).toHaveLength(1);
		expect(k.arbiter.get('web').flapping).toEqual({exits: [], tries: 0});
		expect(k.arbiter.get('web').flappingUntil).toBeUndefined();
	});

	it('a stop during the pause: nothing starts after retry_in', async () => {
		const k = kernel([watcher('web', rule)]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await crash(k, 3, 100);
		await k.outcome(k.arbiter.stopWatchers(['web']));
		await k.clock.advance(60_000);
		expect(k.children.all).toHaveLength(3);
		expect(k.arbiter.get('web').status).toBe('stopped');
	});

	it('the defaults (2 exits within 1 s, retry in 7 s) catch a process that dies at once; back-off still applies after the pause', async () => {
		const k = kernel([watcher('web')]);
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});
		void k.arbiter.startWatchers(['web']);
		await k.clock.advance(6999);
		expect(times).toEqual([0, 0]);
		await k.clock.advance(1);
		expect(times).toEqual([0, 0, 7000]);
		// The slot's crash streak is not forgotten by the pause (only a person's start clears it):
		// the third quick crash waits 0.2 s, and with the one before it flaps again.
		await k.clock.advance(200);
		expect(times).toEqual([0, 0, 7000, 7200]);
		expect(k.events.filter((event) => event.topic === 'watcher.web.flapping').map((event) => event.data.tries)).toEqual([1, 2]);
		await k.clock.advance(6999);
		expect(times).toHaveLength(4);
		await k.clock.advance(1);
		expect(times).toHaveLength(5);
		await k.outcome(k.arbiter.stopWatchers(['web']));
	});
});

describe('kernel: max_age', () => {
	it('replaces a process once it is max_age old: the new one spawns as the old one is stopped', async () => {
		const k = kernel([watcher('web', {max_age: '10', max_age_variance: '0'})]);
		const times = recordSpawns(k);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const first = k.children.all[0]!;
		await k.clock.advance(9999);
		expect(k.children.signals).toEqual([]);
		await k.clock.advance(1);
		expect(k.children.signalsTo(first.pid)).toEqual([SIGTERM]);
		expect(times).toEqual([0, 10_000]);
		expect(k.arbiter.get('web').restarts).toBe(0);
		await k.clock.advance(10_000);
		expect(times).toEqual([0, 10_000, 20_000]);
		expect(k.alive('web')).toHaveLength(1);
	});

	it('an expired process that ignores the stop signal gets SIGKILL after graceful_timeout, beside its replacement', async () => {
		const k = kernel([watcher('web', {max_age: '10', max_age_variance: '0', graceful_timeout: '3'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const first = k.children.all[0]!;
		await k.clock.advance(10_000);
		expect(k.children.alive).toHaveLength(2);
		await k.clock.advance(3000);
		expect(k.children.signalsTo(first.pid)).toEqual([SIGTERM, SIGKILL]);
		expect(k.alive('web')).toEqual([k.children.all[1]]);
	});

	it('the max_age of a process that already died does not touch its replacement', async () => {
		const k = kernel([watcher('web', {max_age: '10', max_age_variance: '0'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(5000);
		k.children.all[0]!.exit(1);
		await k.settle();
		const second = k.children.all[1]!;
		await k.clock.advance(5000);
		expect(k.children.signalsTo(second.pid)).toEqual([]);
		await k.clock.advance(5000);
		expect(k.children.signalsTo(second.pid)).toEqual([SIGTERM]);
	});
});

describe('kernel: warmup_delay', () => {
	it('spaces the spawns of one start by warmup_delay, and the start resolves after the last', async () => {
		const k = kernel([watcher('web', {numprocesses: '3', warmup_delay: '2'})]);
		const times = recordSpawns(k);
		const start = k.arbiter.startWatchers(['web']);
		await k.settle();
		expect(k.arbiter.get('web').status).toBe('starting');
		await k.clock.advance(3999);
		expect(times).toEqual([0, 2000]);
		expect((await k.outcome(start)).state).toBe('pending');
		await k.clock.advance(1);
		expect(times).toEqual([0, 2000, 4000]);
		expect((await k.outcome(start)).state).toBe('resolved');
		expect(k.arbiter.get('web').status).toBe('active');
	});

	it('spaces a crashed process\'s replacement from the last spawn too', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', warmup_delay: '2'})]);
		const times = recordSpawns(k);
		const start = k.arbiter.startWatchers(['web']);
		await k.clock.advance(2000);
		expect((await k.outcome(start)).state).toBe('resolved');
		expect(times).toEqual([0, 2000]);
		await k.clock.advance(500);
		k.children.all[0]!.exit(1);
		await k.clock.advance(1499);
		expect(times).toEqual([0, 2000]);
		await k.clock.advance(1);
		expect(times).toEqual([0, 2000, 4000]);
	});

	it('with respawn = false, a start of processes that exit within warmup_delay spawns numprocesses of them, then the watcher stops', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', warmup_delay: '0.5', respawn: 'false'})]);
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});
		const start = k.arbiter.startWatchers(['web']);
		await k.clock.advance(10_000);
		expect(times).toEqual([0, 500]);
		expect(await k.outcome(start)).toEqual({state: 'resolved', value: {info: {started: k.children.all.map((child) => child.pid), kept: []}}});
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.clock.pending).toEqual([]);
	});

	it('with respawn = false, a set queued behind such a start gets its reply', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', warmup_delay: '0.5', respawn: 'false'})]);
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});
		void k.arbiter.startWatchers(['web']);
		await k.settle();
		expect(k.arbiter.get('web').status).toBe('starting');
		// The watcher is active: the set restarts it (a reload), which spawns numprocesses again.
		const set = k.arbiter.setOptions('web', {graceful_timeout: '2'});
		await k.clock.advance(10_000);
		expect((await k.outcome(set)).state).toBe('resolved');
		expect(times).toEqual([0, 500, 1000]);
		expect(k.arbiter.get('web').status).toBe('stopped');
	});

	it('with respawn, a start of processes that exit within warmup_delay ends once it has spawned numprocesses, and flapping pauses the watcher', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', warmup_delay: '0.5'})]);
		const times = recordSpawns(k, (child) => {
			child.exit(1);
		});
		const start = k.arbiter.startWatchers(['web']);
		await k.clock.advance(600);
		expect(times).toEqual([0, 500]);
		expect((await k.outcome(start)).state).toBe('resolved');
		expect(k.topics('flapping')).toEqual(['web.flapping']);
		expect(k.arbiter.get('web').status).toBe('active');
		expect(k.arbiter.get('web').detail).toMatch(/^flapping: retry in 7 s/);
		await k.outcome(k.arbiter.stopWatchers(['web']));
	});
});
