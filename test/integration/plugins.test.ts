import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {pids, startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
const sockets: dgram.Socket[] = [];

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	for (const socket of sockets.splice(0)) {
		socket.close();
	}
});

/** A UDP socket on a free loopback port, collecting what it receives. */
async function udpListener(): Promise<{port: number; received: string[]}> {
	const socket = dgram.createSocket('udp4');
	sockets.push(socket);
	const received: string[] = [];
	socket.on('message', (data) => received.push(data.toString('utf8')));
	await new Promise<void>((resolve) => {
		socket.bind(0, '127.0.0.1', resolve);
	});
	return {port: socket.address().port, received};
}

/** A free UDP port for the supervisor to bind (taken and released here). */
async function freeUdpPort(): Promise<number> {
	const socket = dgram.createSocket('udp4');
	await new Promise<void>((resolve) => {
		socket.bind(0, '127.0.0.1', resolve);
	});
	const {port} = socket.address();
	await new Promise<void>((resolve) => {
		socket.close(resolve);
	});
	return port;
}

/** Circus's plugins (circus/plugins/*.py) with their options, run inside the real daemon. */
describe('plugins', () => {
	it('watchdog kills a process whose heartbeats stop, and leaves the one that keeps sending (watchdog.py, loop_rate × max_count)', async () => {
		const port = await freeUdpPort();
		// wid 1 beats every 0.1 s for ever; wid 2 beats three times, then stays alive but silent.
		const beat = `import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = 0
while True:
    if sys.argv[1] == '1' or n < 3:
        s.sendto(('%d;%d' % (os.getpid(), time.time())).encode(), ('127.0.0.1', ${port}))
    n += 1
    time.sleep(0.1)`;
		daemon = await startDaemon([
			'[watcher:beating]',
			'cmd = python3 beat.py $(circus.wid)',
			'numprocesses = 2',
			'',
			'[plugin:watchdog]',
			'use = circus.plugins.watchdog.WatchDog',
			'loop_rate = 0.5',
			'max_count = 2',
			`port = ${port}`,
			'watchers_stop_signal = KILL',
			'',
		].join('\n'), {setup: (dir) => fs.writeFileSync(path.join(dir, 'beat.py'), beat)});
		const first = await waitFor(async () => {
			const list = await daemon!.ok('stats', {name: 'beating'});
			const rows = Object.values((list as unknown as {info: Record<string, {pid: number; wid: number; state: string}>}).info).filter((row) => row.state === 'running');
			return rows.length === 2 ? rows : undefined;
		}, {what: 'two beating processes'});
		const steady = first.find((row) => row.wid === 1)!.pid;
		const silent = first.find((row) => row.wid === 2)!.pid;
		await waitFor(async () => {
			const now = pids(await daemon!.ok('list', {name: 'beating'}));
			return !now.includes(silent) && now.length === 2;
		}, {what: 'the silent process to be killed and replaced', timeoutMs: 20_000});
		expect(pids(await daemon.ok('list', {name: 'beating'}))).toContain(steady);
		await daemon.logged(new RegExp(`beating process ${silent} sent no heartbeat for 1 s; killing it`));
	});

	it('resource_watcher restarts a watcher over max_cpu for more than max_count looks (resource_watcher.py)', async () => {
		daemon = await startDaemon([
			'[watcher:burner]',
			'cmd = sh -c "while :; do :; done"',
			'',
			'[plugin:rw]',
			'use = circus.plugins.resource_watcher.ResourceWatcher',
			'watcher = burner',
			'loop_rate = 0.3',
			'max_cpu = 5',
			'max_count = 1',
			'',
		].join('\n'));
		const [first] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'burner'}));
			return list.length === 1 ? list : undefined;
		});
		await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'burner'}));
			return list.length === 1 && list[0] !== first;
		}, {what: 'the CPU burner to be restarted', timeoutMs: 20_000});
		await daemon.logged(/plugin rw: burner broke over_cpu 2 times in a row; restarting it/);
	});

	it('command_reloader restarts a watcher when the file it runs changes (command_reloader.py)', async () => {
		daemon = await startDaemon([
			'[watcher:app]',
			'cmd = sh app.sh',
			'',
			'[plugin:reloader]',
			'use = circus.plugins.command_reloader.CommandReloader',
			'loop_rate = 0.2',
			'',
		].join('\n'), {setup: (dir) => fs.writeFileSync(path.join(dir, 'app.sh'), 'exec sleep 1000\n')});
		const [first] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'app'}));
			return list.length === 1 ? list : undefined;
		});
		// Let the plugin see the file once before it changes.
		await waitFor(() => daemon!.stderr().includes(`plugin reloader: restarts app when ${path.join(daemon!.dir, 'app.sh')} changes`));
		const file = path.join(daemon.dir, 'app.sh');
		const later = new Date(Date.now() + 5000);
		await waitFor(async () => {
			fs.utimesSync(file, later, later);
			const list = pids(await daemon!.ok('list', {name: 'app'}));
			return list.length === 1 && list[0] !== first;
		}, {what: 'the watcher to be restarted after app.sh changed', timeoutMs: 20_000, intervalMs: 300});
		await daemon.logged(/plugin reloader: .*app\.sh changed; restarting app/);
	});

	it('StatsdEmitter sends circus.<app>.watcher.<w>.<event> counters over UDP (statsd.py)', async () => {
		const statsd = await udpListener();
		daemon = await startDaemon([
			'[watcher:short]',
			'cmd = sh -c "sleep 0.2"',
			'procui.backoff = false',
			'',
			'[plugin:statsd]',
			'use = circus.plugins.statsd.StatsdEmitter',
			'host = 127.0.0.1',
			`port = ${statsd.port}`,
			'application_name = shop',
			'',
		].join('\n'));
		await waitFor(() => statsd.received.includes('circus.shop.watcher.short.spawn:1|c') && statsd.received.includes('circus.shop.watcher.short.reap:1|c'), {what: 'spawn and reap counters'});
	});
});
