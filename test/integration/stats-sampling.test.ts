/**
Processes are sampled every second only while someone subscribes to `stats` (a TUI): an idle
daemon has no timer for it. Through the real daemon's socket (subscribe, unsubscribe, a subscriber
that goes away) and through an in-process supervisor's client (the embedded TUI's way).
*/
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/index.js';
import {SocketClient} from '../../source/control/client.js';
import type {EventMessage} from '../../source/control/protocol.js';
import {Supervisor} from '../../source/control/supervisor.js';
import {startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}

	await daemon?.stop();
	daemon = undefined;
});

/** The pids whose /proc stat or statm files the daemon holds open. */
function heldProcFiles(d: Daemon): number[] {
	const folder = `/proc/${d.process.pid}/fd`;
	const pids = new Set<number>();
	for (const fd of fs.readdirSync(folder)) {
		let target = '';
		try {
			target = fs.readlinkSync(path.join(folder, fd));
		} catch {
			continue; // Closed meanwhile.
		}

		const match = /^\/proc\/(\d+)\/statm?$/u.exec(target);
		if (match) {
			pids.add(Number(match[1]));
		}
	}

	return [...pids];
}

async function sampling(d: Daemon): Promise<boolean> {
	const {info} = (await d.ok('dstats')) as unknown as {info: {stats_sampling?: unknown}};
	expect(typeof info.stats_sampling).toBe('boolean');
	return info.stats_sampling === true;
}

/** A second connection to the daemon, closed after the test. */
async function connect(d: Daemon): Promise<SocketClient> {
	const client = await SocketClient.connect(d.endpoint);
	cleanups.push(async () => client.close());
	return client;
}

describe('the daemon samples processes only while someone subscribes to stats', () => {
	it('starts on subscribe, publishes, and stops on unsubscribe', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n');
		await waitFor(async () => ((await daemon!.ok('list', {name: 'w'})) as unknown as {pids: number[]}).pids.length === 1, {what: 'the process'});
		expect(await sampling(daemon)).toBe(false);

		const viewer = await connect(daemon);
		const events: EventMessage[] = [];
		const subscription = await viewer.subscribe(['stats'], (event) => {
			events.push(event);
		});
		expect(await sampling(daemon)).toBe(true);
		const [first] = await waitFor(() => (events.length > 0 ? events : undefined), {what: 'a stats event'});
		expect(first!.event).toBe('stats');
		expect((first!.data as {watchers: Array<{name: string}>}).watchers.map((watcher) => watcher.name)).toEqual(['w']);

		await subscription.unsubscribe();
		expect(await sampling(daemon)).toBe(false);
	});

	it('holds /proc files open only while it samples: a reaped process\'s are closed at once, and every one when sampling stops', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\nnumprocesses = 2\n');
		const pids = await waitFor(async () => {
			const found = ((await daemon!.ok('list', {name: 'w'})) as unknown as {pids: number[]}).pids;
			return found.length === 2 ? found : undefined;
		}, {what: 'two processes'});
		// Asked now and then (no subscriber): read and closed each time.
		await daemon.ok('stats', {name: 'w'});
		expect(heldProcFiles(daemon)).toEqual([]);

		const viewer = await connect(daemon);
		const subscription = await viewer.subscribe(['stats'], () => undefined);
		await waitFor(() => pids.every((pid) => heldProcFiles(daemon!).includes(pid)), {what: 'both processes\' files held'});
		// One process killed (and replaced): its files are closed when it is reaped.
		process.kill(pids[0]!, 'SIGKILL');
		await waitFor(() => !heldProcFiles(daemon!).includes(pids[0]!), {what: 'the killed process\'s files closed'});
		expect(heldProcFiles(daemon)).toContain(pids[1]);

		await subscription.unsubscribe();
		await waitFor(async () => !await sampling(daemon!), {what: 'sampling to stop'});
		expect(heldProcFiles(daemon)).toEqual([]);
	});

	it('stops when the subscriber\'s connection goes away', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n');
		const viewer = await connect(daemon);
		await viewer.subscribe(['stats'], () => undefined);
		expect(await sampling(daemon)).toBe(true);
		await viewer.close();
		await waitFor(async () => !await sampling(daemon!), {what: 'sampling to stop after the subscriber left'});
	});

	it('is not started by a subscription to other topics', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n');
		const viewer = await connect(daemon);
		await viewer.subscribe(['watcher.*', 'logs.w'], () => undefined);
		expect(await sampling(daemon)).toBe(false);
		// A pattern that covers `stats` does start it.
		await viewer.subscribe(['*'], () => undefined);
		expect(await sampling(daemon)).toBe(true);
	});
});

describe('an in-process supervisor (the embedded TUI)', () => {
	it('samples while its own client subscribes to stats, and not before or after', async () => {
		const dir = tempDir();
		const file = path.join(dir, 'circus.ini');
		fs.writeFileSync(file, '[watcher:w]\ncmd = sleep 1000\n');
		const config = loadConfig(file, {cwd: dir, environ: process.env});
		const supervisor = new Supervisor({config, endpoint: `ipc://${path.join(dir, 'procui.sock')}`, log: () => undefined, loadConfig: () => config});
		await supervisor.start();
		let closed = false;
		cleanups.push(async () => {
			if (!closed) {
				await supervisor.arbiter.quit();
				await supervisor.close();
			}

			fs.rmSync(dir, {recursive: true, force: true});
		});
		expect(supervisor.sampling).toBe(false);

		const client = supervisor.client();
		const events: EventMessage[] = [];
		const subscription = await client.subscribe(['stats'], (event) => {
			events.push(event);
		});
		expect(supervisor.sampling).toBe(true);
		await waitFor(() => events.length > 0, {what: 'a stats event'});
		await subscription.unsubscribe();
		expect(supervisor.sampling).toBe(false);

		// After close, a subscription starts nothing.
		await supervisor.arbiter.quit();
		await supervisor.close();
		closed = true;
		await client.subscribe(['stats'], () => undefined);
		expect(supervisor.sampling).toBe(false);
	});
});
