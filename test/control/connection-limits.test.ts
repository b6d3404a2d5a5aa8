/** What a connection may hold: its place (a limit on connections), its time (idle timeout), its half-close. */
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ControlServer, ControlServerOptions} from '../../source/control/server.js';
import {waitFor} from '../helpers/daemon.js';
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

async function subscriber(): Promise<RawClient> {
	const client = await connect();
	client.sendJson({id: 's', command: 'subscribe', properties: {topics: ['stats']}});
	expect(await client.next()).toMatchObject({id: 's', status: 'ok'});
	return client;
}

/** Connect, and wait until the server has taken the connection in: over TCP the client is
connected before the server has checked its peer and counted it, so the order in which the
server counts connections can differ from the order of `connect()`s. */
async function connectCounted(): Promise<RawClient> {
	const before = server!.stats().connections;
	const client = await connect();
	await waitFor(() => server!.stats().connections > before, {what: 'the server to count the connection'});
	return client;
}

/** Has the server closed this connection (without waiting)? */
function isOpen(client: RawClient): boolean {
	return !client.socket.destroyed && !client.socket.readableEnded;
}

const transports = [
	['a Unix socket', () => `ipc://${path.join(temp.directory, 'procui.sock')}`],
	['TCP on 127.0.0.1', () => 'tcp://127.0.0.1:0'],
] as const;

describe.each(transports)('over %s', (_name, endpoint) => {
	async function serve(options: Partial<ControlServerOptions> = {}): Promise<void> {
		server = await startServer(endpoint(), options);
	}

	it('answers a client that half-closes with a request still running, then closes it', async () => {
		await serve();
		const client = await connect();
		client.sendJson({id: 'held', command: 'hold'});
		client.socket.end();
		const other = await connect();
		other.sendJson({id: 'r', command: 'release'});
		expect((await other.next()).id).toBe('r');
		expect(await client.next()).toMatchObject({id: 'held', status: 'ok'});
		await client.closed();
		expect(isOpen(other)).toBe(true);
	});

	it('answers a last request that ends with the input rather than a newline, then closes', async () => {
		await serve();
		const client = await connect();
		client.socket.end('{"id": "last", "command": "status"}');
		expect(await client.next()).toMatchObject({id: 'last', status: 'ok'});
		await client.closed();
	});

	it('closes a connection that sends nothing for the idle timeout, and keeps subscribers and running requests', async () => {
		await serve({idleTimeoutMs: 300});
		const listening = await subscriber();
		const waiting = await connect();
		waiting.sendJson({id: 'held', command: 'hold'});
		const silent = await connect();
		const last = await silent.next();
		expect(last).toMatchObject({id: null, status: 'error'});
		expect(String(last.reason)).toContain('nothing received for 0.3 s');
		await silent.closed();
		// The silent one was opened last, so the others have been quiet at least as long.
		expect(isOpen(listening)).toBe(true);
		expect(isOpen(waiting)).toBe(true);
		const other = await connect();
		other.sendJson({id: 'r', command: 'release'});
		expect(await waiting.next()).toMatchObject({id: 'held', status: 'ok'});
	});

	it('makes room by closing the connection idle longest when the limit is reached', async () => {
		await serve({maxConnections: 3});
		const oldest = await connectCounted();
		const second = await connectCounted();
		second.sendJson({id: 'x', command: 'status'});
		await second.next();
		const third = await connectCounted();
		third.sendJson({id: 'y', command: 'status'});
		await third.next();
		const newcomer = await connect();
		newcomer.sendJson({id: 'n', command: 'status'});
		expect(await newcomer.next()).toMatchObject({id: 'n', status: 'ok'});
		const notice = await oldest.next();
		expect(String(notice.reason)).toContain('too many connections (limit 3)');
		await oldest.closed();
		expect(isOpen(second) && isOpen(third)).toBe(true);
		expect(server!.stats()).toMatchObject({connections: 3, evictedConnections: 1});
	});

	it('refuses a connection beyond the limit when none is idle, saying so', async () => {
		await serve({maxConnections: 3});
		const busy = [await subscriber(), await subscriber(), await subscriber()];
		const refused = await connect();
		expect(await refused.next()).toMatchObject({id: null, status: 'error', reason: 'too many connections (limit 3)'});
		await refused.closed();
		expect(busy.every(client => isOpen(client))).toBe(true);
		expect(server!.stats()).toMatchObject({connections: 3, refusedConnections: 1});
	});
});
