import {describe, expect, it} from 'vitest';
import type {Kernel} from './fakes.js';
import {kernel, recordSpawns, watcher, SIGTERM} from './fakes.js';

/* incr, decr and numprocesses, as the control commands apply them (one command each). */

async function scale(k: Kernel, name: string, count: number): Promise<void> {
	await k.outcome(k.arbiter.command(`scale ${name}`, {}, () => {
		k.arbiter.get(name).setNumprocesses(count);
	}));
}

function wids(k: Kernel, name: string): number[] {
	return k.arbiter.get(name).running.map((record) => record.wid).sort((a, b) => a - b);
}

describe('kernel: numprocesses', () => {
	it('incr spawns the missing processes with the next wids', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await scale(k, 'web', 4);
		expect(wids(k, 'web')).toEqual([1, 2, 3, 4]);
		expect(k.topics('spawn')).toHaveLength(4);
		expect(k.children.signals).toEqual([]);
	});

	it('decr keeps the newest processes and retires the older ones with the stop signal, as Circus does; they are not counted as crashes', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(1000);
		await scale(k, 'web', 4);
		const [a, b, c, d] = k.children.all;
		await scale(k, 'web', 2);
		expect(k.children.signals.map((sent) => [sent.pid, sent.signal])).toEqual([[b!.pid, SIGTERM], [a!.pid, SIGTERM]]);
		expect(k.alive('web')).toEqual([c, d]);
		expect(k.arbiter.get('web').restarts).toBe(0);
	});

	it('decr tells processes spawned in the same millisecond apart by spawn order: the first spawned is the oldest', async () => {
		const k = kernel([watcher('web', {numprocesses: '3'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await scale(k, 'web', 2);
		expect(wids(k, 'web')).toEqual([2, 3]);
		expect(k.children.signals.map((sent) => sent.pid)).toEqual([k.children.all[0]!.pid]);
	});

	it('decr to 0 stops every process but leaves the watcher active; incr brings processes back', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await scale(k, 'web', 0);
		expect(k.children.alive).toHaveLength(0);
		expect(k.arbiter.get('web').status).toBe('active');
		expect(k.topics('web.stop')).toEqual([]);
		await scale(k, 'web', 1);
		expect(k.alive('web')).toHaveLength(1);
	});

	it('a replacement takes the smallest free wid', async () => {
		const k = kernel([watcher('web', {numprocesses: '3'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(5000);
		k.children.all[1]!.exit(1);
		await k.settle();
		expect(k.arbiter.get('web').findProcess(k.children.all[3]!.pid)?.wid).toBe(2);
		expect(wids(k, 'web')).toEqual([1, 2, 3]);
	});

	it('a singleton stays at one process whatever it is scaled to', async () => {
		const k = kernel([watcher('web', {singleton: 'true'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await scale(k, 'web', 5);
		expect(k.arbiter.get('web').numprocesses).toBe(1);
		expect(k.children.all).toHaveLength(1);
	});

	it('scaling a stopped watcher spawns nothing; its next start uses the new count', async () => {
		const k = kernel([watcher('web')]);
		await scale(k, 'web', 3);
		expect(k.children.all).toHaveLength(0);
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(wids(k, 'web')).toEqual([1, 2, 3]);
	});

	it('incr honours warmup_delay between the new processes', async () => {
		const k = kernel([watcher('web', {warmup_delay: '1'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(5000);
		await scale(k, 'web', 3);
		expect(k.children.all).toHaveLength(2);
		await k.clock.advance(999);
		expect(k.children.all).toHaveLength(2);
		await k.clock.advance(1);
		expect(k.children.all).toHaveLength(3);
	});

	it('decr during a start\'s warmup ends the start early with what it has', async () => {
		const k = kernel([watcher('web', {numprocesses: '5', warmup_delay: '1'})]);
		const start = k.arbiter.startWatchers(['web']);
		await k.clock.advance(1000);
		expect(k.children.all).toHaveLength(2);
		await scale(k, 'web', 2);
		expect((await k.outcome(start)).state).toBe('resolved');
		await k.clock.advance(10_000);
		expect(k.children.all).toHaveLength(2);
		expect(k.arbiter.get('web').status).toBe('active');
	});
});

describe('kernel: incr with warmup_delay', () => {
	for (const respawn of ['false', 'true']) {
		it(`with respawn = ${respawn}, incr by 3 spawns all three, warmup_delay apart, and the watcher is then active`, async () => {
			const k = kernel([watcher('web', {warmup_delay: '1', respawn})]);
			await k.outcome(k.arbiter.startWatchers(['web']));
			await k.clock.advance(5000);
			const times = recordSpawns(k);
			expect(await k.outcome(k.arbiter.incr('web', 3))).toEqual({state: 'resolved', value: {numprocesses: 4}});
			await k.clock.advance(10_000);
			expect(times).toEqual([0, 1000, 2000]);
			expect(k.alive('web')).toHaveLength(4);
			expect(k.arbiter.get('web').status).toBe('active');
		});
	}

	it('with respawn = false, decr then incr spawns what the incr adds, warmup_delay apart', async () => {
		const k = kernel([watcher('web', {numprocesses: '3', warmup_delay: '1', respawn: 'false'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(5000);
		await k.outcome(k.arbiter.decr('web', 2));
		await k.clock.advance(5000);
		expect(k.alive('web')).toHaveLength(1);
		const times = recordSpawns(k);
		await k.outcome(k.arbiter.incr('web', 2));
		await k.clock.advance(10_000);
		expect(times).toEqual([0, 1000]);
		expect(k.alive('web')).toHaveLength(3);
		expect(k.arbiter.get('web').status).toBe('active');
	});

	it('with respawn = false, an incr during a start adds its spawns to what the start still owes', async () => {
		const k = kernel([watcher('web', {numprocesses: '3', warmup_delay: '1', respawn: 'false'})]);
		const times = recordSpawns(k);
		const start = k.arbiter.startWatchers(['web']);
		await k.clock.advance(500);
		expect(times).toEqual([0]);
		await k.outcome(k.arbiter.incr('web', 2));
		await k.clock.advance(10_000);
		expect(times).toEqual([0, 1000, 2000, 3000, 4000]);
		expect((await k.outcome(start)).state).toBe('resolved');
		expect(k.alive('web')).toHaveLength(5);
		expect(k.arbiter.get('web').status).toBe('active');
	});

	it('with respawn = false, incr tops up to the new numprocesses as Circus\'s spawn_processes does: a process that died before it is replaced too', async () => {
		const k = kernel([watcher('web', {numprocesses: '2', warmup_delay: '1', respawn: 'false'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		await k.clock.advance(5000);
		k.children.all[0]!.exit(1);
		await k.settle();
		expect(k.alive('web')).toHaveLength(1);
		const times = recordSpawns(k);
		await k.outcome(k.arbiter.incr('web', 1));
		await k.clock.advance(10_000);
		expect(k.arbiter.get('web').numprocesses).toBe(3);
		expect(times).toEqual([0, 1000]);
		expect(k.alive('web')).toHaveLength(3);
	});
});
