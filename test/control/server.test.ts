import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {errno, maxMessageBytes} from '../../source/control/protocol.js';
import type {ControlServer} from '../../source/control/server.js';
import {makeTempDir, RawClient, startServer} from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let server: ControlServer | undefined;
const clients: RawClient[] = [];

beforeEach(async () => {
	temp = await makeTempDir();
});

afterEach(async () => {
	for (const client of clients.splice(0)) {
		client.destroy();
	}

	await server?.close();
	server = undefined;
	await temp.remove();
});

async function connect(): Promise<RawClient> {
	const client = await RawClient.connect(server!);
	clients.push(client);
	return client;
}

const transports = [
	['a Unix socket', () => `ipc://${path.join(temp.directory, 'procui.sock')}`],
	['TCP on 127.0.0.1', () => 'tcp://127.0.0.1:0'],
] as const;

describe.each(transports)('over %s', (_name, endpoint) => {
	beforeEach(async () => {
		server = await startServer(endpoint());
	});

	it('answers a request with a reply carrying its id', async () => {
		const client = await connect();
		client.sendJson({id: 'a1', command: 'status', properties: {name: 'web'}});
		expect(await client.next()).toMatchObject({id: 'a1', status: 'ok', command: 'status', properties: {name: 'web'}});
	});

	it('runs requests on one connection concurrently', async () => {
		const client = await connect();
		client.sendJson({id: 'first', command: 'hold'});
		client.sendJson({id: 'second', command: 'release'});
		// `hold` can only finish after `release` ran, so the replies come in reverse order.
		expect((await client.next()).id).toBe('second');
		expect((await client.next()).id).toBe('first');
	});

	it('keeps serving a connection after a malformed line', async () => {
		const client = await connect();
		client.send('{"id": "x", "command": \n');
		expect(await client.next()).toMatchObject({id: null, status: 'error', errno: errno.invalidJson});
		client.sendJson({id: 'after', command: 'status'});
		expect(await client.next()).toMatchObject({id: 'after', status: 'ok'});
	});
});

describe('over a Unix socket', () => {
	beforeEach(async () => {
		server = await startServer(`ipc://${path.join(temp.directory, 'procui.sock')}`);
	});

	it('answers an oversized line with an error, closes that connection and serves others', async () => {
		const client = await connect();
		client.send('x'.repeat(maxMessageBytes + 10));
		expect(await client.next()).toMatchObject({id: null, status: 'error', errno: errno.messageError});
		await client.closed();
		const other = await connect();
		other.sendJson({id: 'after', command: 'status'});
		expect(await other.next()).toMatchObject({id: 'after', status: 'ok'});
	});

	it('rejects a request without a command', async () => {
		const client = await connect();
		client.sendJson({id: 'c1', properties: {}});
		expect(await client.next()).toMatchObject({id: 'c1', status: 'error', errno: errno.messageError});
	});

	it('rejects a request that is not an object', async () => {
		const client = await connect();
		client.send('[1, 2]\n');
		expect(await client.next()).toMatchObject({id: null, status: 'error', errno: errno.messageError});
	});

	it('sends no reply to a cast', async () => {
		const client = await connect();
		client.sendJson({id: 'cast', command: 'status', msg_type: 'cast'});
		client.sendJson({id: 'call', command: 'status'});
		// Replies come in order here (no `hold`), so had the cast been answered its reply would be first.
		expect((await client.next()).id).toBe('call');
	});

	it('sends no reply to a cast whose handler fails', async () => {
		const client = await connect();
		client.sendJson({id: 'cast', command: 'fail', msg_type: 'cast'});
		client.sendJson({id: 'call', command: 'status'});
		expect((await client.next()).id).toBe('call');
	});

	it('turns a handler exception into a command error reply', async () => {
		const client = await connect();
		client.sendJson({id: 'f1', command: 'fail'});
		expect(await client.next()).toMatchObject({id: 'f1', status: 'error', errno: errno.commandError, reason: 'the handler broke'});
	});

	it('echoes a number id as given, in replies and errors, and refuses an id of another type', async () => {
		const client = await connect();
		client.send('{"id": 1, "command": "status"}\n');
		expect(await client.next()).toMatchObject({id: 1, status: 'ok'});
		client.send('{"id": 2.5, "properties": {}}\n');
		expect(await client.next()).toMatchObject({id: 2.5, status: 'error', errno: errno.messageError});
		client.send('{"id": {"n": 1}, "command": "status"}\n');
		expect(await client.next()).toMatchObject({id: null, status: 'error', errno: errno.messageError, reason: 'Expected `id` to be a string or a number, got `{"n":1}` (object)'});
	});

	it('gives a request without an id a reply with an id', async () => {
		const client = await connect();
		client.sendJson({command: 'status'});
		const reply = await client.next();
		expect(reply).toMatchObject({status: 'ok'});
		expect(typeof reply.id).toBe('string');
	});

	it('ignores blank lines', async () => {
		const client = await connect();
		client.send('\n  \r\n');
		client.sendJson({id: 'b', command: 'status'});
		expect((await client.next()).id).toBe('b');
	});

	it('answers a client that half-closes after its request, then closes', async () => {
		const client = await connect();
		client.sendJson({id: 'h', command: 'status'});
		client.socket.end();
		expect((await client.next()).id).toBe('h');
		await client.closed();
	});

	it('keeps serving others when a client disappears with a request running', async () => {
		const leaving = await connect();
		leaving.sendJson({id: 'gone', command: 'hold'});
		leaving.destroy();
		const staying = await connect();
		staying.sendJson({id: 'r', command: 'release'});
		expect((await staying.next()).id).toBe('r');
		staying.sendJson({id: 'after', command: 'status'});
		expect((await staying.next()).id).toBe('after');
	});

	it('delivers published events to a subscriber only for its topics', async () => {
		const client = await connect();
		client.sendJson({id: 's', command: 'subscribe', properties: {topics: ['watcher.web.*', 'logs.web']}});
		expect(await client.next()).toMatchObject({id: 's', status: 'ok', topics: ['watcher.web.*', 'logs.web']});
		const events = ['watcher.db.spawn', 'watcher.web.spawn', 'logs.worker', 'logs.web', 'stats', 'watcher.web.reap'];
		for (const [index, event] of events.entries()) {
			server!.publish({event, data: {index}, time: 1});
		}

		server!.publish({event: 'end', data: {}, time: 1});
		client.sendJson({id: 'sync', command: 'status'});
		const received = await client.until(message => message.id === 'sync');
		expect(received.map(message => message.event).filter(Boolean)).toEqual(['watcher.web.spawn', 'logs.web', 'watcher.web.reap']);
	});

	it('stops delivering events after unsubscribe', async () => {
		const client = await connect();
		client.sendJson({id: 's', command: 'subscribe', properties: {topics: ['stats']}});
		await client.next();
		client.sendJson({id: 'u', command: 'unsubscribe', properties: {topics: ['stats']}});
		expect(await client.next()).toMatchObject({id: 'u', status: 'ok', topics: []});
		server!.publish({event: 'stats', data: {}, time: 1});
		client.sendJson({id: 'sync', command: 'status'});
		expect((await client.next()).id).toBe('sync');
	});

	it('refuses a subscribe without topics', async () => {
		const client = await connect();
		client.sendJson({id: 's', command: 'subscribe'});
		expect(await client.next()).toMatchObject({id: 's', status: 'error', errno: errno.messageError});
	});

	it('reports whether anyone wants a topic', async () => {
		const client = await connect();
		expect(server!.wants('stats')).toBe(false);
		client.sendJson({id: 's', command: 'subscribe', properties: {topics: ['stats']}});
		await client.next();
		expect(server!.wants('stats')).toBe(true);
	});
});

describe('over TCP', () => {
	beforeEach(async () => {
		server = await startServer('tcp://127.0.0.1:0');
	});

	it('reports the port it was given when asked for port 0', () => {
		expect(server!.endpoint).toMatchObject({transport: 'tcp', host: '127.0.0.1'});
		expect(server!.endpoint.transport === 'tcp' && server!.endpoint.port).toBeGreaterThan(0);
	});

	it('keeps serving others when a client resets the connection with a request running', async () => {
		const leaving = await connect();
		leaving.sendJson({id: 'gone', command: 'hold'});
		await new Promise(resolve => {
			leaving.socket.once('close', resolve);
			leaving.socket.resetAndDestroy();
		});
		const staying = await connect();
		staying.sendJson({id: 'r', command: 'release'});
		expect((await staying.next()).id).toBe('r');
		staying.sendJson({id: 'after', command: 'status'});
		expect((await staying.next()).id).toBe('after');
	});
});
