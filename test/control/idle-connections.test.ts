/** The owner's own idle connections must not lock `procui ctl` out of a real daemon. */
import childProcess from 'node:child_process';
import net from 'node:net';
import {promisify} from 'node:util';
import {afterEach, expect, it} from 'vitest';
import {cliPath, startDaemon, type Daemon} from '../helpers/daemon.js';

const execFile = promisify(childProcess.execFile);
const idleConnections = 1024;

let daemon: Daemon | undefined;
const sockets: net.Socket[] = [];

afterEach(async () => {
	for (const socket of sockets.splice(0)) {
		socket.destroy();
	}

	await daemon?.stop();
	daemon = undefined;
});

it(`answers procui ctl while ${idleConnections} idle connections of the owner are open`, async () => {
	daemon = await startDaemon('[circus]\n');
	// The harness's own client subscribes, as attach and logs -f do: not idle, so it keeps its place.
	await daemon.client.subscribe(['arbiter.*'], () => undefined);
	const path = daemon.endpoint.slice('ipc://'.length);
	let closedByServer = 0;
	const open = async (): Promise<void> => new Promise<void>((resolve, reject) => {
		const socket = net.connect({path}, resolve);
		socket.once('error', reject);
		socket.once('close', () => {
			closedByServer++;
		});
		sockets.push(socket);
	}).catch(async (error: unknown) => {
		// A Unix socket's backlog answers a burst beyond it with EAGAIN: try again once the daemon has accepted some.
		if ((error as {code?: string}).code !== 'EAGAIN') {
			throw error;
		}

		closedByServer--;
		await new Promise(resolve => setTimeout(resolve, 5));
		return open();
	});
	for (let opened = 0; opened < idleConnections; opened += 64) {
		await Promise.all(Array.from({length: Math.min(64, idleConnections - opened)}, open));
	}

	const {stdout} = await execFile(process.execPath, [cliPath, 'ctl', '--endpoint', daemon.endpoint, 'numwatchers'], {timeout: 30_000});
	expect(stdout.trim()).toBe('0');
	const control = (await daemon.ok('dstats') as unknown as {info: {control: {evicted: number; connections: number}}}).info.control;
	expect(control.evicted).toBeGreaterThanOrEqual(1);
	expect(control.connections).toBeLessThanOrEqual(1024);
	expect(closedByServer).toBeLessThanOrEqual(control.evicted);
});

it('closes a silent connection after procui.client_idle_timeout from [circus], saying why', async () => {
	daemon = await startDaemon('[circus]\nprocui.client_idle_timeout = 0.5\n');
	await daemon.client.subscribe(['arbiter.*'], () => undefined);
	const socket = net.connect({path: daemon.endpoint.slice('ipc://'.length)});
	sockets.push(socket);
	let received = '';
	socket.setEncoding('utf8').on('data', (chunk: string) => {
		received += chunk;
	});
	await new Promise(resolve => socket.once('close', resolve));
	expect(JSON.parse(received)).toMatchObject({id: null, status: 'error', reason: expect.stringContaining('nothing received for 0.5 s') as unknown});
	await daemon.flushLog();
	expect(daemon.stderr()).not.toContain('procui.client_idle_timeout');
});
