import {afterEach, describe, expect, it} from 'vitest';
import type {EventMessage} from '../../source/control/protocol.js';
import {pids, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';
import {field} from '../helpers/reply.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

async function record(d: Daemon, topics: string[]): Promise<EventMessage[]> {
	const seen: EventMessage[] = [];
	await d.client.subscribe(topics, (event) => {
		seen.push(event);
	});
	return seen;
}

describe('watcher options', () => {
	it('singleton keeps one process and incr says so', async () => {
		daemon = await startDaemon(`[watcher:one]\ncmd = sleep ${uniqueSleep()}\nsingleton = true\n`);
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'one'})).length === 1);
		expect(await daemon.ok('incr', {name: 'one'})).toMatchObject({numprocesses: 1, singleton: true});
		expect(pids(await daemon.ok('list', {name: 'one'}))).toHaveLength(1);
	});

	it('max_age recycles processes, keeping their number', async () => {
		daemon = await startDaemon(`[watcher:aging]\ncmd = sleep ${uniqueSleep()}\nnumprocesses = 3\nmax_age = 1\nmax_age_variance = 0\n`);
		const first = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'aging'}));
			return list.length === 3 ? list : undefined;
		});
		const later = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'aging'}));
			return list.length === 3 && list.every((pid) => !first.includes(pid)) ? list : undefined;
		}, {what: 'every process to be recycled'});
		expect(later).toHaveLength(3);
	});

	it('warmup_delay spaces out spawns', async () => {
		daemon = await startDaemon(`[watcher:slow]\ncmd = sleep ${uniqueSleep()}\nnumprocesses = 3\nwarmup_delay = 0.3\nautostart = false\n`);
		const seen = await record(daemon, ['watcher.slow.spawn']);
		await daemon.ok('start', {name: 'slow'});
		expect(seen).toHaveLength(3);
		const gaps = seen.slice(1).map((event, index) => event.time - seen[index]!.time);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.28);
	});

	it('starts by priority, highest first, and stops in the reverse order', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`
[circus]
warmup_delay = 0.1

[watcher:low]
cmd = sleep ${marker}
priority = 1
autostart = false

[watcher:high]
cmd = sleep ${marker}
priority = 10
autostart = false

[watcher:middle]
cmd = sleep ${marker}
priority = 5
autostart = false
`);
		const seen = await record(daemon, ['watcher.']);
		await daemon.ok('start');
		expect(seen.filter((event) => event.event.endsWith('.start')).map((event) => event.event)).toEqual(['watcher.high.start', 'watcher.middle.start', 'watcher.low.start']);
		seen.length = 0;
		await daemon.ok('quit');
		expect(seen.filter((event) => event.event.endsWith('.stop')).map((event) => event.event)).toEqual(['watcher.low.stop', 'watcher.middle.stop', 'watcher.high.stop']);
	});

	it('respawn = false lets a process end, then the watcher stops; start runs it again', async () => {
		daemon = await startDaemon('[watcher:once]\ncmd = sh -c "echo done"\nrespawn = false\n');
		// Its first run, at boot, has ended: stopped with its line. (Stopped alone is not enough: a
		// request that comes while the control socket's file is being secured is answered before the
		// boot's start is queued, and then says stopped too.)
		const linesOf = async (): Promise<string[]> => field<Array<{text: string}>>(await daemon!.ok('logs', {name: 'once'}), 'lines').map((line) => line.text);
		await waitFor(async () => (await daemon!.ok('status', {name: 'once'})).status === 'stopped' && (await linesOf()).length === 1, {what: 'once to run at boot and stop'});
		const reply = await daemon.ok('start', {name: 'once'});
		expect(field<{started: number[]}>(reply, 'info').started).toHaveLength(1);
		await waitFor(async () => (await daemon!.ok('status', {name: 'once'})).status === 'stopped');
		expect(await linesOf()).toEqual(['done', 'done']);
	});
});
