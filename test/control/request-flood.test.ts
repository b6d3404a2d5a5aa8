import path from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import type {ControlServer} from '../../source/control/server.js';
import {makeTempDir, RawClient, startServer} from './helpers.js';

const requestCount = 20_000;
const maxPendingReplyBytes = 64 * 1024;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let server: ControlServer;
let client: RawClient;

beforeEach(async () => {
	temp = await makeTempDir();
	server = await startServer(`ipc://${path.join(temp.directory, 'procui.sock')}`, {maxPendingReplyBytes});
	client = await RawClient.connect(server);
});

afterEach(async () => {
	client.destroy();
	await server.close();
	await temp.remove();
});

it('answers every request of a client that sends many before reading, holding only a bounded backlog', async () => {
	client.socket.pause();
	for (let index = 0; index < requestCount; index++) {
		client.sendJson({id: String(index), command: 'status'});
	}

	let largestQueue = 0;
	const sample = () => {
		largestQueue = Math.max(largestQueue, server.stats().queuedBytes);
	};

	client.socket.on('data', sample);
	client.socket.resume();
	const replies = await client.until(message => message.id === String(requestCount - 1));
	expect(replies).toHaveLength(requestCount);
	// About 2 MB of replies went out; the server never held more than its limit plus what one read's requests produce.
	expect(largestQueue).toBeLessThan(512 * 1024);
});
