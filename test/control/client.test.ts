import net from 'node:net';
import path from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {ControlConnectionError, ControlTimeoutError} from '../../source/control/errors.js';
import {droppedEvent, type EventMessage} from '../../source/control/protocol.js';
import type {ControlServer} from '../../source/control/server.js';
import {makeTempDir, startServer} from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let socketPath: string;
let server: ControlServer | undefined;
let client: SocketClient | undefined;

beforeEach(async () => {
	temp = await makeTempDir();
	socketPath = path.join(temp.directory, 'procui.sock');
});

afterEach(async () => {
	await client?.close();
	client = undefined;
	await server?.close();
	server = undefined;
	await temp.remove();
});

async function connect(timeoutMs?: number): Promise<SocketClient> {
	server ??= await startServer(`ipc://${socketPath}`);
	client = await SocketClient.connect(`ipc://${socketPath}`, {timeoutMs});
	return client;
}

it('resolves a call with the reply to it', async () => {
	const reply = await (await connect()).call('incr', {name: 'web', nb: 2});
	expect(reply).toMatchObject({status: 'ok', command: 'incr', properties: {name: 'web', nb: 2}});
});

it('sends 32 hex digits as each request id (as circusctl\'s uuid4().hex), a new one for each request', async () => {
	const connected = await connect();
	const ids = await Promise.all(Array.from({length: 50}, async () => (await connected.call('status')).id));
	for (const id of ids) {
		expect(id).toMatch(/^[\da-f]{32}$/);
	}

	expect(new Set(ids).size).toBe(ids.length);
});

it('matches overlapping calls to their own replies', async () => {
	const connected = await connect();
	const held = connected.call('hold', {which: 'held'});
	const released = connected.call('release', {which: 'released'});
	expect(await released).toMatchObject({properties: {which: 'released'}});
	expect(await held).toMatchObject({properties: {which: 'held'}});
});

it('resolves an error reply rather than rejecting', async () => {
	expect(await (await connect()).call('fail')).toMatchObject({status: 'error', reason: 'the handler broke'});
});

it('rejects with a timeout error when no reply comes in time', async () => {
	const call = (await connect(100)).call('hang');
	await expect(call).rejects.toBeInstanceOf(ControlTimeoutError);
	await expect(call).rejects.toThrow(`no reply to \`hang\` from ipc://${socketPath} within 100 ms`);
});

it('says no procui is running when the socket does not exist', async () => {
	const attempt = SocketClient.connect(`ipc://${socketPath}`);
	await expect(attempt).rejects.toBeInstanceOf(ControlConnectionError);
	await expect(attempt).rejects.toThrow(`cannot connect to ipc://${socketPath}: no procui is running there (start one with \`procui daemon\`)`);
});

it('says no procui is running when nothing listens on the TCP port', async () => {
	// Bind a port, learn its number, free it: now nothing listens there.
	const probe = await startServer('tcp://127.0.0.1:0');
	const {url} = probe.endpoint;
	await probe.close();
	await expect(SocketClient.connect(url)).rejects.toThrow(`cannot connect to ${url}: no procui is running there`);
});

it('rejects calls still waiting when the server goes away', async () => {
	const connected = await connect();
	const call = connected.call('hang');
	const rejected = expect(call).rejects.toThrow(ControlConnectionError);
	await connected.call('status');
	await server!.close();
	server = undefined;
	await rejected;
	await expect(call).rejects.toThrow('closed before `hang` was answered');
});

it('reports an unexpected close through its close event', async () => {
	const connected = await connect();
	const closed = new Promise<Error | undefined>(resolve => {
		connected.on('close', resolve);
	});
	await server!.close();
	server = undefined;
	expect(await closed).toBeInstanceOf(ControlConnectionError);
});

it('refuses a call after close', async () => {
	const connected = await connect();
	await connected.close();
	await expect(connected.call('status')).rejects.toThrow('is closed');
});

it('passes a subscription only the events of its topics', async () => {
	const connected = await connect();
	const received: EventMessage[] = [];
	const done = new Promise<void>(resolve => {
		void connected.subscribe(['watcher.web.*'], event => {
			received.push(event);
			if (event.event === 'watcher.web.stop') {
				resolve();
			}
		}).then(() => {
			server!.publish({event: 'watcher.db.spawn', data: {}, time: 1});
			server!.publish({event: 'watcher.web.spawn', data: {process_pid: 12}, time: 1});
			server!.publish({event: 'watcher.web.stop', data: {}, time: 1});
		});
	});
	await done;
	expect(received.map(event => event.event)).toEqual(['watcher.web.spawn', 'watcher.web.stop']);
});

it('stops passing events after unsubscribe', async () => {
	const connected = await connect();
	const received: string[] = [];
	const subscription = await connected.subscribe(['stats'], event => received.push(event.event));
	await subscription.unsubscribe();
	server!.publish({event: 'stats', data: {}, time: 1});
	await connected.call('status');
	expect(received).toEqual([]);
	expect(server!.wants('stats')).toBe(false);
});

it('emits typed events for every event and for dropped notices', async () => {
	// A stand-in server that answers the subscribe, then sends an event and a dropped notice:
	// how the real server produces the notice is tested in slow-subscriber.test.ts.
	const fake = net.createServer(socket => {
		socket.once('data', chunk => {
			const {id} = JSON.parse(chunk.toString()) as {id: string};
			socket.write(`${JSON.stringify({id, status: 'ok', time: 1})}\n`);
			socket.write(`${JSON.stringify({event: 'stats', data: {}, time: 1})}\n`);
			socket.write(`${JSON.stringify({event: droppedEvent, data: {count: 7}, time: 1})}\n`);
		});
	});
	await new Promise<void>(resolve => fake.listen(socketPath, resolve));
	try {
		const connected = await SocketClient.connect(`ipc://${socketPath}`);
		client = connected;
		const dropped = new Promise<number>(resolve => {
			connected.on('dropped', resolve);
		});
		const seen: string[] = [];
		const passed: string[] = [];
		connected.on('event', event => seen.push(event.event));
		await connected.subscribe(['stats'], event => passed.push(event.event));
		expect(await dropped).toBe(7);
		expect(seen).toEqual(['stats', droppedEvent]);
		expect(passed).toEqual(['stats', droppedEvent]);
		await connected.close();
	} finally {
		fake.close();
	}
});

it('stops calling a listener removed with off', async () => {
	const connected = await connect();
	const seen: string[] = [];
	const listener = (event: EventMessage) => seen.push(event.event);
	connected.on('event', listener);
	await connected.subscribe(['stats'], () => undefined);
	server!.publish({event: 'stats', data: {n: 1}, time: 1});
	await connected.call('status');
	connected.off('event', listener);
	server!.publish({event: 'stats', data: {n: 2}, time: 1});
	await connected.call('status');
	expect(seen).toEqual(['stats']);
});
